import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect, Finding, HunkReport } from '../core';
import { effectLabel, hunkSummary, lineAnnotations } from './summary';

const effect = (over: Partial<Effect>): Effect => ({
  aspect: 'free-refcount', types: ['FS_DAX', 'GENERIC'], before: '1', after: '0', line: 12, explanation: '', ...over,
});
const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'pgmap-ref-imbalance', status: 'introduced', types: ['P2PDMA'], severity: 'warning', line: 12, message: 'm', trace: [], ...over,
});
const hunk = (over: Partial<HunkReport>): HunkReport => ({
  header: '@@ -1,3 +1,3 @@ void f(void)', function: 'f', source: 'fragment', calls: [], effects: [], findings: [],
  range: { start: { line: 10, character: 0 }, end: { line: 14, character: 0 } }, ...over,
});

test('effectLabel names types, aspect and the transition', () => {
  assert.equal(effectLabel(effect({})), 'FS_DAX,GENERIC free refcount 1 → 0');
  assert.equal(effectLabel(effect({ aspect: 'pgmap-ref', types: ['P2PDMA'], before: 'static', after: 'per-allocation' })),
    'P2PDMA pgmap ref static → per-allocation');
});

test('hunkSummary counts effects, open findings by severity, fixes, and lists types in canonical order', () => {
  const h = hunk({
    effects: [effect({}), effect({ types: ['P2PDMA'] })],
    findings: [finding({}), finding({ severity: 'error', types: ['PRIVATE'] }), finding({ status: 'fixed', severity: 'error' })],
  });
  assert.equal(hunkSummary(h), '2 effects · 1 error · 1 warning · 1 fixed · PRIVATE,FS_DAX,GENERIC,P2PDMA');
  assert.equal(hunkSummary(hunk({ effects: [effect({ types: ['GENERIC'] })] })), '1 effect · GENERIC');
});

test('hunkSummary says why a hunk has nothing to show', () => {
  assert.equal(hunkSummary(hunk({})), 'no refcount-relevant call');
  const calls = [{ callee: 'put_page', side: 'both' as const, line: 11, character: 1, function: 'f', guards: [] }];
  assert.equal(hunkSummary(hunk({ calls })), '1 kernel call · no refcount effect');
});

test('lineAnnotations puts each effect on its line and an overview on the header', () => {
  const h = hunk({ effects: [effect({}), effect({ aspect: 'pgmap-ref', before: 'static', after: 'per-allocation', line: 13 }), effect({ types: ['P2PDMA'], line: 12 })] });
  const a = lineAnnotations(h, 2);
  assert.equal(a.get(12), 'FS_DAX,GENERIC free refcount 1 → 0 · P2PDMA free refcount 1 → 0');
  assert.equal(a.get(13), 'FS_DAX,GENERIC pgmap ref static → per-allocation');
  assert.equal(a.get(10), 'FS_DAX,GENERIC free refcount 1 → 0 · FS_DAX,GENERIC pgmap ref static → per-allocation · +1 more');
  assert.equal(a.size, 3);
  assert.equal(lineAnnotations(hunk({})).size, 0);
});
