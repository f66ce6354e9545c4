// LineSet: the changed lines of a patch as one sorted array answer as a Set of the same lines does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSet } from '../../../src/core/model/line-set';

test('a LineSet answers has, size and iteration as a Set of the same lines, in document order or not', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat(200), fc.constant(2 ** 40 + 3)), { maxLength: 60 }), fc.array(fc.integer({ min: -5, max: 205 }), { maxLength: 30 }), (lines, probes) => {
      const set = new Set(lines);
      const ls = new LineSet(Float64Array.from(lines));
      assert.equal(ls.size, set.size);
      for (const p of [...probes, ...lines]) assert.equal(ls.has(p), set.has(p), `has(${p})`);
      assert.deepEqual([...ls], [...set].sort((a, b) => a - b));
      assert.deepEqual([...ls.entries()], [...ls].map((l) => [l, l]));
      const seen: number[] = [];
      ls.forEach((v, k, s) => {
        assert.equal(v, k);
        assert.equal(s, ls);
        seen.push(v);
      });
      assert.deepEqual(seen, [...ls.keys()]);
    }),
  );
});
