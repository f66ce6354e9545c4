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

test('an array of more than a thousand elements is cut at its elements below the cut depth', () => {
  const hunks = Array.from({ length: 1500 }, (_, i) => ({ header: `@@ -${i} +${i} @@`, findings: [{ message: 'a\nb', line: i }], gone: undefined }));
  const report = { patches: [{ files: [{ path: 'mm/tiny.c', hunks }, { path: 'mm/short.c', hunks: hunks.slice(0, 3) }] }] };
  const pieces = [...jsonPieces(report)];
  assert.equal(pieces.join(''), JSON.stringify(report, null, 2));
  // Each hunk of the long file is a piece of its own (after its separator); the short file stays one piece.
  assert.ok(pieces.length > 3000 && pieces.length < 3050, `${pieces.length} pieces`);
  assert.ok(Math.max(...pieces.map((p) => p.length)) < 1000, 'no piece holds many hunks');
});

test('a report is cut into many pieces, not one', () => {
  const report = { version: 1, patches: [{ files: Array.from({ length: 50 }, (_, i) => ({ path: `f${i}.c`, hunks: [{ calls: [], note: 'x\ny' }] })) }] };
  const pieces = [...jsonPieces(report)];
  assert.ok(pieces.length > 100, `${pieces.length} pieces`);
  assert.equal(pieces.join(''), JSON.stringify(report, null, 2));
});
