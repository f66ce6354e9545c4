import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Effect, Finding } from '../../src/core/index';
import { score } from './expect';

const effect = (aspect: Effect['aspect'], types: Effect['types']): Effect => ({ aspect, types, before: 'a', after: 'b', line: 0, explanation: '' });
const finding = (ruleId: Finding['ruleId'], status: Finding['status'], types: Finding['types']): Finding =>
  ({ ruleId, status, types, severity: 'error', line: 0, message: '', trace: [] }) as unknown as Finding;

test('semantic: findings match by rule, status and overlapping types; effects by aspect and overlapping types', () => {
  const expect = {
    kind: 'semantic', effects: [{ aspect: 'free-refcount', types: ['FS_DAX', 'GENERIC'], before: '1', after: '0' }],
    findings: [{ ruleId: 'pgmap-ref-imbalance', status: 'introduced', types: ['P2PDMA'] }, { ruleId: 'refcount-underflow', status: 'introduced', types: [] }],
  } as const;
  const all = score(expect, [effect('free-refcount', ['GENERIC'])], [finding('pgmap-ref-imbalance', 'introduced', ['P2PDMA', 'PRIVATE']), finding('refcount-underflow', 'introduced', ['FS_DAX'])]);
  assert.deepEqual([all.matched, all.expected, all.status], [3, 3, 'hit 3/3']);
  const some = score(expect, [effect('free-refcount', ['P2PDMA'])], [finding('pgmap-ref-imbalance', 'fixed', ['P2PDMA']), finding('refcount-underflow', 'introduced', ['FS_DAX'])]);
  assert.equal(some.matched, 1);
  assert.equal(some.status, 'partial 1/3 missing: free-refcount FS_DAX,GENERIC; pgmap-ref-imbalance introduced P2PDMA extra: pgmap-ref-imbalance fixed P2PDMA');
  assert.equal(score(expect, [], []).status.startsWith('miss 0/3'), true);
});

test('neutral: clean unless a finding is introduced or fixed; present findings and effects do not count', () => {
  const neutral = { kind: 'neutral', effects: [], findings: [] } as const;
  assert.equal(score(neutral, [], [finding('free-page-nonzero-refcount', 'present', ['P2PDMA'])]).status, 'clean');
  const fx = score(neutral, [effect('mapping-ref', ['P2PDMA'])], []);
  assert.deepEqual([fx.unexpected, fx.status], [[], 'clean (effects: mapping-ref P2PDMA)']);
  assert.equal(score(neutral, [], [finding('wait-wake-mismatch', 'introduced', ['FS_DAX'])]).status, 'noisy: wait-wake-mismatch introduced FS_DAX');
});
