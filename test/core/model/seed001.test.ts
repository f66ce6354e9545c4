// Acceptance: Alistair Popple's reply in "[PATCH 2/7] mm: Free device private pages have zero
// refcount" drops the pgmap->type guards of the free path and of the memmap init (seed 001).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer, type Effect, type Finding, type HunkReport } from '../../../src/core';
import { loadAssets } from '../../helpers/assets';
import { SEEDS, needSeeds } from '../../helpers/inputs';

const SEED = path.join(SEEDS, '001_9b44d1dd41821ba6.txt');
const DAXLIKE = ['FS_DAX', 'GENERIC', 'P2PDMA'];

function typesOf(xs: readonly (Effect | Finding)[]): string[] {
  return [...new Set(xs.flatMap((x) => x.types))].sort();
}

test('seed 001 at E2: the guard removal changes FS_DAX/GENERIC/P2PDMA and only them', { skip: needSeeds }, async () => {
  const analyzer = await createAnalyzer(loadAssets());
  const report = await analyzer.review([{ name: SEED, content: fs.readFileSync(SEED) }], { era: 'E2' });
  analyzer.dispose();
  const hunks: HunkReport[] = report.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
  assert.equal(hunks.length, 2);
  const [free, init] = hunks as [HunkReport, HunkReport];
  assert.equal(free.function, 'free_zone_device_page');
  assert.equal(init.function, '__init_zone_device_page');

  for (const h of hunks) {
    const all = [...h.effects, ...h.findings.filter((f) => f.ruleId !== 'free-page-nonzero-refcount')];
    assert.ok(!all.some((x) => x.types.includes('PRIVATE') || x.types.includes('COHERENT')), `${h.function}: PRIVATE/COHERENT unchanged`);
    const guard = h.findings.filter((f) => f.ruleId === 'pgmap-type-guard-changed' && f.status === 'introduced');
    assert.deepEqual(typesOf(guard), [...DAXLIKE].sort(), `${h.function}: pgmap-type-guard-changed`);
  }

  // Judged as one change (both hunks in both worlds): the memmap init now leaves every DAX-like page
  // at 0, so FS_DAX and GENERIC pages (resting at 1 before, only dropped to 0 at teardown) no longer
  // reach the free path at all; P2PDMA pages still do (their mmap's put), and rest at 0 after it.
  const initRc = init.effects.filter((e) => e.aspect === 'free-refcount' && e.before === '1' && e.after === '0');
  assert.deepEqual(typesOf(initRc), [...DAXLIKE].sort(), 'memmap init: every type at 0');
  const freeRc = free.effects.filter((e) => e.aspect === 'free-refcount' && e.before === '1' && e.after === '0');
  assert.deepEqual(typesOf(freeRc), ['P2PDMA'], 'free path: no more reset to 1');
  const alloc = init.effects.filter((e) => e.aspect === 'alloc-refcount' && e.before === '1' && e.after === '0');
  assert.deepEqual(typesOf(alloc), [...DAXLIKE].sort(), 'pages are handed out at refcount 0 (caused by the memmap init)');

  const pgmap = free.effects.filter((e) => e.aspect === 'pgmap-ref');
  assert.deepEqual(typesOf(pgmap), ['P2PDMA'], 'put_dev_pagemap on free, for the type that still gets there');
  assert.ok(pgmap.every((e) => e.after.startsWith('unbalanced')));
  const imbalance = free.findings.filter((f) => f.ruleId === 'pgmap-ref-imbalance' && f.status === 'introduced');
  assert.deepEqual(typesOf(imbalance), ['P2PDMA']);
  assert.ok(imbalance.every((f) => f.line === 86), 'placed on the added put_dev_pagemap line');
});
