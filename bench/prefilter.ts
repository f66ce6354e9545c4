// The pre-filter drops nothing on a whole input: the review with it and without it (callsApi alone,
// as test/core/model/prefilter.test.ts does on the mm/ diff and a slice) gives the same JSON, byte for
// byte. For the 38 MB diff, too slow for the test suite.
//   node --import tsx bench/prefilter.ts FILE   -> one JSON line { identical, bytes }
// (No timings: the second review runs warmer than the first; the CLI figures time the pre-filter.)
import fs from 'node:fs';
import { parseDocument } from '../src/core/patch';
import { createReviewer } from '../src/core/model/pipeline';
import { createCSyntax } from '../src/core/syntax';
import { loadAssets } from '../test/helpers/assets';

const file = process.argv[2];
if (!file) {
  console.error('usage: prefilter.ts FILE');
  process.exit(2);
}
async function main(): Promise<void> {
  const series = (await parseDocument({ name: file!, content: fs.readFileSync(file!) })).value;
  const syntax = await createCSyntax(loadAssets());
  const opts = { era: 'E2', includePresent: false } as const;
  const run = (prefilter: boolean) => JSON.stringify(createReviewer(syntax, { prefilter }).review([series], opts));
  const withIt = run(true);
  console.log(JSON.stringify({ identical: withIt === run(false), bytes: withIt.length }));
}
void main();
