// The run memo (src/core/sim/memo.ts) changes nothing but the time: scenario runs, every-path runs,
// partly shown bodies' plans and patched bodies' calls served from it give the same report, byte for
// byte, as making each afresh. Input: the mm/ part of the benchmark's 38 MB diff (scripts/bench-corpus.sh,
// from Debian's 6.1 and 6.12 trees) with the two headers whose bodies make its GUP walks run out of
// steps (the served calls must count the steps they cost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { benchCorpus, fileDiffs, needKernels } from '../../helpers/inputs';
import { getSyntax } from '../sim/helpers';

async function bothWays(name: string, content: string): Promise<{ remembered: string; afresh: string; problems: string[] }> {
  const series = (await parseDocument({ name, content })).value;
  const syntax = await getSyntax();
  const opts = { era: 'E2', includePresent: false } as const;
  const remembered = createReviewer(syntax).review([series], opts);
  const afresh = createReviewer(syntax, { memo: false }).review([series], opts);
  return { remembered: JSON.stringify(remembered), afresh: JSON.stringify(afresh), problems: remembered.problems.map((p) => p.message) };
}

test('mm/ and its two headers in the 38 MB diff: the same report, the same step-budget messages, with and without the run memo', { skip: needKernels }, async () => {
  const big = fs.readFileSync(path.join(benchCorpus(), 'big.diff'), 'utf8');
  const slice = fileDiffs(big, (p) => p.startsWith('mm/') || p === 'include/linux/mm.h' || p === 'include/linux/memremap.h');
  const r = await bothWays('mm-headers.diff', slice);
  // With the headers' bodies the GUP walks exhaust the budget: where that is reported depends on the
  // steps the served calls count.
  assert.ok(r.problems.some((m) => /step budget .* exhausted/.test(m)), `no budget message among ${r.problems.length} problems`);
  assert.ok(r.remembered === r.afresh, 'the reports differ');
});
