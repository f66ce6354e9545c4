// jsonPieces: the CLI's JSON output in pieces is JSON.stringify(value, null, 2), byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonPieces } from '../../src/cli/format/json';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

test('the pieces join to JSON.stringify(value, null, 2), at every cut depth', () => {
  // Plain data as reports hold it, with the values JSON.stringify drops or turns into null.
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.constant(undefined), tie('array'), tie('object')),
    array: fc.array(tie('any'), { maxLength: 5 }),
    object: fc.dictionary(fc.string(), tie('any'), { maxKeys: 5 }),
  })).any;
  fc.assert(
    fc.property(value, fc.integer({ min: 0, max: 8 }), (v, depth) => {
      if (v === undefined) return;
      assert.equal([...jsonPieces(v, depth)].join(''), JSON.stringify(v, null, 2));
    }),
    { seed: SEED, numRuns: 500 },
  );
});

test('a report is cut into many pieces, not one', () => {
  const report = { version: 1, patches: [{ files: Array.from({ length: 50 }, (_, i) => ({ path: `f${i}.c`, hunks: [{ calls: [], note: 'x\ny' }] })) }] };
  const pieces = [...jsonPieces(report)];
  assert.ok(pieces.length > 100, `${pieces.length} pieces`);
  assert.equal(pieces.join(''), JSON.stringify(report, null, 2));
});
