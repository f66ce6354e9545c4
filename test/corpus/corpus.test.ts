// Reviews every corpus case (real upstream changes cut from Debian's 6.1 and 6.12 trees) through
// the core façade and compares the effects and findings with the committed expectation, then the
// whole report (projected, see `project`) with a golden file.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createAnalyzer, type Analyzer, type ReviewReport } from '../../src/core/index';
import { loadAssets, ROOT } from '../helpers/assets';
import { checkGolden } from '../helpers/golden';
import { kernelDir, needKernels } from '../helpers/inputs';
import { CASES, type CorpusCase } from './cases';
import { makeDiff } from './cut';

const GOLDEN_DIR = path.join(ROOT, 'test', 'corpus', 'goldens');

/** One string per pgmap type, so the comparison does not depend on how types are grouped. */
function effectKeys(effects: readonly { aspect: string; types: readonly string[]; before: string; after: string }[]): string[] {
  return effects.flatMap((e) => e.types.map((t) => `${e.aspect} ${t}: ${e.before} -> ${e.after}`)).sort();
}

function findingKeys(findings: readonly { ruleId: string; status: string; types: readonly string[] }[]): string[] {
  return findings.flatMap((f) => (f.types.length ? f.types : ['(no type)']).map((t) => `${f.ruleId} ${f.status} ${t}`)).sort();
}

/**
 * The report without kernel text: hunk headers lose their section text and traces are reduced to
 * their length, so goldens hold only what the model computed (the C stays in the Debian trees).
 */
function project(report: ReviewReport): object {
  return {
    era: report.era,
    eraSource: report.eraSource,
    problems: report.problems,
    patches: report.patches.map((p) => ({
      files: p.files.map((f) => ({
        path: f.path,
        hunks: f.hunks.map((h) => ({
          header: /^@@[^@]*@@/.exec(h.header)?.[0] ?? h.header,
          function: h.function,
          source: h.source,
          calls: h.calls.map((c) => `${c.line}:${c.character} ${c.callee} (${c.side}) in ${c.function}`),
          effects: h.effects.map((e) => ({ aspect: e.aspect, types: e.types, before: e.before, after: e.after, line: e.line, explanation: e.explanation })),
          findings: h.findings.map((x) => ({
            ruleId: x.ruleId, status: x.status, types: x.types, severity: x.severity, line: x.line, message: x.message, traceSteps: x.trace.length,
          })),
        })),
      })),
    })),
  };
}

async function reviewCase(analyzer: Analyzer, c: CorpusCase): Promise<{ diff: string; report: ReviewReport }> {
  const [from, to] = c.from === '6.12' ? (['6.12', '6.1'] as const) : (['6.1', '6.12'] as const);
  const { diff, missing } = makeDiff(kernelDir(from)!, kernelDir(to)!, c.files);
  assert.deepEqual(missing, [], 'definitions not found in the trees');
  const report = await analyzer.review([{ name: `${c.id}.diff`, content: diff }], { era: c.era });
  return { diff, report };
}

let analyzer: Analyzer;
before(async () => {
  if (!needKernels) analyzer = await createAnalyzer(loadAssets());
});
after(() => analyzer?.dispose());

for (const c of CASES) {
  test(`corpus ${c.id}`, { skip: needKernels, todo: c.todo }, async () => {
    const { report } = await reviewCase(analyzer, c);
    assert.equal(report.era, c.era);
    assert.deepEqual(report.problems.filter((p) => p.severity === 'error'), [], 'review problems');
    const hunks = report.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
    assert.ok(hunks.length > 0, 'the diff has hunks');
    assert.deepEqual(effectKeys(hunks.flatMap((h) => h.effects)), effectKeys(c.expect.effects), 'effects');
    assert.deepEqual(findingKeys(hunks.flatMap((h) => h.findings)), findingKeys(c.expect.findings), 'findings');
    checkGolden(path.join(GOLDEN_DIR, `${c.id}.json`), project(report));
  });
}
