// Bad input never throws: empty, binary, non-UTF-8, and how lines are split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput, splitLines } from '../../../src/core/patch/text';
import { messages, parse } from './check';

const DIFF = ['--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-old(); /* caf\u00e9 */', '+new();', ''].join('\n');

test('empty and blank documents', async () => {
  for (const text of ['', '\n\n  \n']) {
    const s = await parse(text);
    assert.equal(s.patches.length, 0);
    assert.deepEqual(messages(s), ['empty document: no diff found']);
  }
  assert.deepEqual(messages(await parse(new Uint8Array())), ['empty document: no diff found']);
});

test('binary input gives one clear problem', async () => {
  const withNul = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]);
  const noise = new Uint8Array(4096).map((_, i) => (i * 151 + 7) % 256 | 0x80);
  for (const bytes of [withNul, noise]) {
    const s = await parse(bytes);
    assert.equal(s.patches.length, 0);
    assert.equal(s.problems.length, 1);
    assert.match(s.problems[0].message, /^binary input/);
    assert.equal(s.problems[0].severity, 'error');
  }
  assert.match(messages(await parse('a\u0000b'))[0], /^binary input/);
});

test('Latin-1 input is decoded as Latin-1, and said so', async () => {
  const bytes = new Uint8Array([...DIFF].map((c) => c.charCodeAt(0)));
  const s = await parse(bytes);
  assert.equal(s.patches[0].files[0].hunks[0].lines[0].text, 'old(); /* caf\u00e9 */');
  assert.deepEqual(messages(s), ['input is not valid UTF-8: decoded as Latin-1 (windows-1252)']);
});

test('mostly UTF-8 with a stray byte is decoded as UTF-8 with replacement, and said so', () => {
  const good = new TextEncoder().encode('caf\u00e9 na\u00efve r\u00e9sum\u00e9 ');
  const d = decodeInput(new Uint8Array([...good, 0xff, 0x41]));
  assert.deepEqual(d.lines, ['caf\u00e9 na\u00efve r\u00e9sum\u00e9 \ufffdA']);
  assert.deepEqual(d.problems.map((p) => p.message), ['input is not valid UTF-8 (1 bad byte sequence): decoded as UTF-8 with replacement characters']);
});

test('valid UTF-8 bytes and strings read the same, with no problem', async () => {
  const a = await parse(new TextEncoder().encode(DIFF));
  const b = await parse(DIFF);
  assert.deepEqual(a, b);
  assert.deepEqual(a.problems, []);
});

test('lines split at CRLF, LF and lone CR, as an editor splits them', () => {
  assert.deepEqual(splitLines('a\r\nb\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitLines('a\n'), ['a', '']);
  assert.deepEqual(splitLines(''), ['']);
});

test('a large document is decoded piece by piece into the same lines as in one go', () => {
  // Over several 64 KiB pieces: CRLF, lone CR, non-Latin-1 characters, a BOM at the start and one
  // inside, long lines; and an invalid byte in a late piece, which must still be noticed.
  const parts: string[] = ['\ufeff'];
  for (let i = 0; i < 30_000; i++) parts.push(`line ${i} ${i % 997 === 0 ? '\u00e9\u20ac\u{1f600}' : 'x'.repeat(i % 50)}${i % 3 === 0 ? '\r\n' : i % 101 === 0 ? '\r' : '\n'}`);
  parts.splice(12_345, 0, '\ufeffinner\n', 'y'.repeat(200_000) + '\n');
  const text = parts.join('');
  const bytes = new TextEncoder().encode(text);
  assert.ok(bytes.length > 5 * 65_536);
  const d = decodeInput(bytes);
  assert.deepEqual(d.problems, []);
  assert.deepEqual(d.lines, splitLines(new TextDecoder().decode(bytes)));
  const bad = new Uint8Array([...bytes.subarray(0, 400_000), 0xff, ...bytes.subarray(400_000)]);
  assert.match(decodeInput(bad).problems[0]?.message ?? '', /not valid UTF-8/);
});
