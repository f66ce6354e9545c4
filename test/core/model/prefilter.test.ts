// The cheap pre-filter (relevance.ts mentionsApi) drops nothing: real kernel diffs reviewed with and
// without it give the same report, byte for byte. And what it saves: a hunk it passes over is not
// read, and an input with no hunk the review reads never loads the C grammar.
// Inputs: the benchmark's diffs (scripts/bench-corpus.sh, from Debian's 6.1 and 6.12 trees): the mm/
// diff whole, and a slice of the 38 MB diff (its drivers/ part, the ZONE_DEVICE drivers, and the
// files outside mm/ whose path names dax or memremap). `npm run bench` compares the whole 38 MB diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { callsApi, mentionsApi } from '../../../src/core/model/relevance';
import { createAnalyzer } from '../../../src/core/index';
import { API_NAMES } from '../../../src/core/api';
import { loadAssets } from '../../helpers/assets';
import { benchCorpus, fileDiffs, needKernels } from '../../helpers/inputs';
import { getSyntax } from '../sim/helpers';

async function bothWays(name: string, content: string): Promise<{ with: string; without: string; hunks: number; mentioning: number; calling: number }> {
  const series = (await parseDocument({ name, content })).value;
  const syntax = await getSyntax();
  const opts = { era: 'E2', includePresent: false } as const;
  const withIt = JSON.stringify(createReviewer(syntax).review([series], opts));
  const without = JSON.stringify(createReviewer(syntax, { prefilter: false }).review([series], opts));
  const hunks = series.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
  return { with: withIt, without, hunks: hunks.length, mentioning: hunks.filter(mentionsApi).length, calling: hunks.filter(callsApi).length };
}

test('the mm/ diff 6.1 -> 6.12: the same report with and without the pre-filter, which passes over most hunks', { skip: needKernels }, async () => {
  const r = await bothWays('mm.diff', fs.readFileSync(path.join(benchCorpus(), 'mm.diff'), 'utf8'));
  assert.ok(r.with === r.without, 'the reports differ');
  // Every hunk callsApi takes is one the pre-filter lets through; it lets through few more.
  assert.ok(r.calling > 0 && r.mentioning >= r.calling);
  assert.ok(r.mentioning < r.hunks / 5, `${r.mentioning} of ${r.hunks} hunks pass the pre-filter`);
});

test('a slice of the 38 MB diff (drivers/, dax and memremap files): the same report with and without the pre-filter', { skip: needKernels }, async () => {
  const big = fs.readFileSync(path.join(benchCorpus(), 'big.diff'), 'utf8');
  const slice = fileDiffs(big, (p) => !p.startsWith('mm/') && (p.startsWith('drivers/') || /dax|memremap/.test(p)));
  assert.ok(slice.length > 2e6, `slice of ${slice.length} bytes`);
  const r = await bothWays('slice.diff', slice);
  assert.ok(r.with === r.without, 'the reports differ');
  assert.ok(r.calling > 0 && r.mentioning >= r.calling);
});

test('the pre-filter sees a table name however the hunk spells the call: split lines, spaces, a definition', () => {
  const name = [...API_NAMES][0]!;
  const hunk = (...texts: string[]) => ({ lines: texts.map((text, i) => ({ kind: 'add', text, line: i + 1, character: 1 })) }) as unknown as Parameters<typeof callsApi>[0];
  for (const h of [hunk(`\tx = ${name}(page);`), hunk(`\tx = ${name}`, '\t\t(page);'), hunk(`\tif (${name} (page))`), hunk(`static void ${name}(struct page *page)`)]) {
    assert.ok(callsApi(h) && mentionsApi(h), h.lines.map((l) => l.text).join(' / '));
  }
  // A longer name that merely contains a table name is not one.
  assert.equal(mentionsApi(hunk(`\tmy_${name}_wrapper(page);`)), false);
});

test('no C grammar is loaded for an input without a hunk the review reads; one that calls the table loads it', async () => {
  // Assets whose WASM is not WASM: loading the grammar fails, so a review that succeeds did not load it.
  const analyzer = await createAnalyzer({ ...loadAssets(), treeSitterWasm: new Uint8Array([1, 2, 3]), languageWasm: new Uint8Array([1, 2, 3]) });
  const trivial = await analyzer.review([{ name: 'note.txt', content: 'hello\n' }]);
  assert.deepEqual(trivial.patches.flatMap((p) => p.files), []);
  const generic = 'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,3 +1,3 @@ static int f(void)\n {\n-\treturn 0;\n+\treturn 1;\n }\n';
  const report = await analyzer.review([{ name: 'generic.diff', content: generic }], { era: 'E2' });
  assert.equal(report.patches[0]!.files[0]!.hunks.length, 1);
  const name = [...API_NAMES][0]!;
  const calling = generic.replace('+\treturn 1;', `+\treturn ${name}(page);`);
  await assert.rejects(analyzer.review([{ name: 'calling.diff', content: calling }], { era: 'E2' }));
});
