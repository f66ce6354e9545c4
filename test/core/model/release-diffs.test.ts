// The E2 review of real release-to-release diffs (scripts/bench-corpus.sh, Debian's 6.1 -> 6.12) on
// the parts where a whole-diff overlay once made neutral code look like a change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { benchCorpus, fileDiffs, needKernels } from '../../helpers/inputs';
import { getSyntax } from '../sim/helpers';

/** The E2 findings of the files `paths` of the 38 MB diff, reviewed together; `shows` must be in them. */
async function findingsOf(paths: readonly string[], shows: string): Promise<string[]> {
  const big = fs.readFileSync(path.join(benchCorpus(), 'big.diff'), 'utf8');
  const content = fileDiffs(big, (p) => paths.includes(p));
  assert.ok(content.includes(shows), `the slice shows ${shows}`);
  const series = (await parseDocument({ name: 'slice.diff', content })).value;
  const report = createReviewer(await getSyntax()).review([series], { era: 'E2', includePresent: false });
  return report.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.findings.map((x) => `${f.path} ${h.header.slice(0, 40)} ${x.ruleId} ${x.status} ${x.types.join(',')}`))));
}

test('6.1 -> 6.12 mm/swap.c with include/linux/mm.h: the batch release is a put on both sides (release_pages() then, folios_put() -> folios_put_refs() now): no finding', { skip: needKernels }, async () => {
  // 6.1: __pagevec_release() -> release_pages(); 6.12: __folio_batch_release() -> folios_put() (an
  // inline of mm.h the patch adds) -> folios_put_refs(). Both put a ZONE_DEVICE page the same way.
  assert.deepEqual(await findingsOf(['mm/swap.c', 'include/linux/mm.h'], 'folios_put_refs'), []);
});

test('6.1 -> 6.12 mm/migrate_device.c with include/linux/mmzone.h: a type test whose body the diff shows (page_zonenum() == ZONE_DEVICE) answers as the table: no finding', { skip: needKernels }, async () => {
  // migrate_vma_insert_page()'s refusal of ZONE_DEVICE pages other than coherent ones is the same test
  // in both trees, written with page helpers in 6.1 and folio helpers in 6.12, which mmzone.h defines.
  assert.deepEqual(await findingsOf(['mm/migrate_device.c', 'include/linux/mmzone.h'], 'static inline bool folio_is_zone_device('), []);
});
