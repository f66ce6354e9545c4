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
  assert.equal(d.text, 'caf\u00e9 na\u00efve r\u00e9sum\u00e9 \ufffdA');
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
