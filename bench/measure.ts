// npm run measure: semantic recall and negative precision of the review per corpus, mode and
// context size (test/measure/harness.ts), as a table; --json prints the rows and every case's
// outcome instead; --status prints the lines of test/measure/status.json's format; --only SUBSTRING
// measures only the cases whose id contains it (and prints every outcome).
import { createAnalyzer } from '../src/core/index';
import { loadAssets } from '../test/helpers/assets';
import { needKernels } from '../test/helpers/inputs';
import { buildRuns, contextStability, measure, statusLines, summarize, table } from '../test/measure/harness';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  if (needKernels) process.stderr.write(`warning: ${needKernels}; only the rule cases and the real mail without a tree are measured\n`);
  const started = Date.now();
  const only = process.argv.indexOf('--only');
  const pick = only >= 0 ? process.argv[only + 1] : undefined;
  const built = buildRuns();
  const runs = pick === undefined ? built.runs : built.runs.filter((r) => r.id.includes(pick));
  const { problems } = built;
  const analyzer = await createAnalyzer(loadAssets());
  try {
    const results = await measure(analyzer, runs);
    const rows = summarize(results);
    const stability = contextStability(results);
    if (json) process.stdout.write(JSON.stringify({ rows, stability, results, problems }, null, 2) + '\n');
    else if (process.argv.includes('--status')) process.stdout.write(statusLines(results));
    else {
      process.stdout.write(`${table(rows)}\n\n${runs.length} reviews in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      process.stdout.write(`\nsame outcome at every context size:\n${stability.map((s) => `  ${s.corpus} ${s.mode}: ${s.stable}/${s.cases}${s.unstable.length ? ` (differ: ${s.unstable.join(', ')})` : ''}`).join('\n')}\n`);
      const misses = pick === undefined ? results.filter((r) => (r.kind === 'semantic' ? r.matched < r.expected : r.unexpected.length > 0)) : results;
      if (misses.length) process.stdout.write(`\nnot as expected:\n${misses.map((r) => `  ${r.corpus} ${r.id} [${r.mode} ${r.context}] ${r.status}`).join('\n')}\n`);
    }
    for (const p of problems) process.stderr.write(`problem: ${p}\n`);
    process.exitCode = problems.length ? 2 : 0;
  } finally {
    analyzer.dispose();
  }
}

void main();
