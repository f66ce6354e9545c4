// Runs the whole measure (harness.ts) and compares every case's outcome with the committed
// status.json: a case that gets worse fails the test, one that gets better shows as a diff to
// accept with UPDATE_GOLDEN=1. The expectations themselves are never regenerated.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createAnalyzer } from '../../src/core/index';
import { loadAssets, ROOT } from '../helpers/assets';
import { checkGolden } from '../helpers/golden';
import { needKernels } from '../helpers/inputs';
import { buildRuns, contextStability, measure, statusLines, summarize } from './harness';

test('measure: every corpus, mode and context size against status.json', { skip: needKernels }, async () => {
  const { runs, problems } = buildRuns();
  assert.deepEqual(problems, [], 'every case builds (anchors found, inputs present)');
  const analyzer = await createAnalyzer(loadAssets());
  try {
    const results = await measure(analyzer, runs);
    const rows = summarize(results);
    for (const corpus of ['real-mail', 'mutations', 'corpus', 'rule-cases']) assert.ok(rows.some((r) => r.corpus === corpus), `${corpus} measured`);
    checkGolden(path.join(ROOT, 'test', 'measure', 'status.json'), { rows, stability: contextStability(results), cases: statusLines(results).trimEnd().split('\n') });
  } finally {
    analyzer.dispose();
  }
});
