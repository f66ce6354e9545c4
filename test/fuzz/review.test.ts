// Property tests of the whole pipeline (createAnalyzer -> review) on bad input: generated
// categories (the large ones are in large.test.ts), mutations of the seed threads and of kernel
// diffs, exhaustive truncation of a hunk, and cache independence. FUZZ_RUNS raises the runs per
// property (default 12). The seed is fixed so that a test run is repeatable (bench/campaign.mjs
// explores fresh seeds); FUZZ_SEED replays another one, FUZZ_SEED=random lets fast-check pick.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAnalyzer, type Analyzer } from '../../src/core/index';
import { loadAssets } from '../helpers/assets';
import { needKernels, needSeeds } from '../helpers/inputs';
import { examine } from './check';
import { CATEGORIES, LARGE, fileDiff, generate, generatedBase, hunk, hunkSpans, truncation, type Base, type Case, type Category, type DiffLine } from './generators';
import { kernelBases, seedBases } from './sources';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = process.env.FUZZ_SEED ?? '20261121';
const fcParams = { numRuns: RUNS, ...(SEED === 'random' ? {} : { seed: Number(SEED) }) };
const MUTATIONS: readonly Category[] = ['truncate', 'byte-flip', 'nul', 'line-endings', 'encoding'];
const generated: Base[] = [0, 1, 2, 3].map(generatedBase);

let analyzer: Analyzer;
before(async () => {
  analyzer = await createAnalyzer(loadAssets());
});
after(() => analyzer.dispose());

async function holds(c: Case): Promise<void> {
  const o = await examine(analyzer, c);
  assert.equal(o.crash, undefined, `${c.name}: review threw\n${o.crash}`);
  assert.deepEqual(o.violations, [], c.name);
}

/** A property over seeds of a category; fast-check shrinks the seed and prints it on failure. */
function property(category: Category, bases: readonly Base[]): Promise<void> {
  return fc.assert(fc.asyncProperty(fc.nat(), (seed) => holds(generate(category, seed, bases))), fcParams);
}

for (const category of CATEGORIES.filter((c) => !LARGE.has(c))) {
  test(`bad input: ${category} (generated bases)`, () => property(category, generated));
}

test('truncation at every offset of a hunk keeps earlier files and reports the cut hunk', async () => {
  const base = generatedBase(7);
  const spans = hunkSpans(base.text);
  // The first hunk of the second file: the first file stays whole whatever the cut.
  const span = spans.find((s) => s.file > spans[0].file);
  assert.ok(span, 'the generated base has a second file');
  for (let cut = span.header; cut <= span.end; cut++) {
    const c = truncation(base, span, cut);
    assert.equal(c.intact.length, 1, `${c.name}: first file counted as intact`);
    await holds(c);
  }
  assert.ok(truncation(base, span, span.body).malformed, 'a hunk cut after its header is malformed');
  assert.ok(!truncation(base, span, span.end).malformed, 'a hunk cut after its last line is whole');
});

test('mutations of the seed threads', { skip: needSeeds }, async () => {
  const seeds = seedBases();
  assert.ok(seeds.length > 0, 'seed threads found');
  for (const category of MUTATIONS) await property(category, seeds);
});

test('mutations of kernel diffs, and truncation at every line of each hunk of the first one', { skip: needKernels }, async () => {
  const kernels = kernelBases();
  assert.ok(kernels.length > 0, 'kernel diffs made');
  for (const category of MUTATIONS) await property(category, kernels);
  const base = kernels[0];
  const spans = hunkSpans(base.text);
  for (const span of spans) {
    const lineStarts = [...base.text.slice(span.body, span.end).matchAll(/^/gm)].map((m) => span.body + (m.index ?? 0));
    for (const cut of lineStarts) await holds(truncation(base, span, cut));
  }
});

test('a hunk seen before at other line numbers is not served stale from the cache', async () => {
  const body: DiffLine[] = [[' ', '{'], ['-', '\tget_page(page);'], ['+', '\tput_page(page);'], [' ', '}']];
  const at = (n: number) => [{ name: 'a.patch', content: fileDiff('mm/a.c', [hunk(n, n, 'void f(struct page *page)', body)]) }];
  await analyzer.review(at(10));
  const warm = JSON.stringify(await analyzer.review(at(500)));
  const fresh = await createAnalyzer(loadAssets());
  try {
    assert.equal(warm, JSON.stringify(await fresh.review(at(500))));
    assert.match(warm, /@@ -500,3 \+500,3 @@/);
  } finally {
    fresh.dispose();
  }
});

test('the same inputs give the same JSON from a fresh analyzer, in another order', async () => {
  const cases = CATEGORIES.filter((c) => !LARGE.has(c)).flatMap((category) => [1, 2].map((seed) => generate(category, seed, generated)));
  const first = new Map<Case, string | undefined>();
  for (const c of cases) first.set(c, (await examine(analyzer, c)).json);
  const fresh = await createAnalyzer(loadAssets());
  try {
    for (const c of [...cases].reverse()) {
      const o = await examine(fresh, c);
      assert.equal(o.crash, undefined, `${c.name}: review threw\n${o.crash}`);
      assert.equal(o.json, first.get(c), `${c.name}: JSON differs between analyzers`);
    }
  } finally {
    fresh.dispose();
  }
});
