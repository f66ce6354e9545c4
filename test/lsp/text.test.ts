// The server's documents (src/lsp/text.ts) keep incremental changes until the text is read and merge
// keystrokes: whatever the edits, what they read is what the library's own documents read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { PENDING_DOCUMENTS } from '../../src/lsp/text';

/** One step: an edit somewhere (typing, deleting, pasting lines, CRLF, the whole text replaced), then
 * `keys` keystrokes right after what it typed, then maybe a read of the text. */
const step = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'delete', 'replace', 'full'),
  at: fc.nat(), len: fc.nat({ max: 6 }),
  text: fc.constantFrom('a', 'bc', ' ', '\n', 'x\ny', '\r\n', '', 'zz\r'),
  keys: fc.nat({ max: 8 }), backspace: fc.boolean(), read: fc.boolean(),
});

test('kept and merged changes read as the library applies them, keystroke by keystroke or in bursts', () => {
  fc.assert(fc.property(fc.string({ maxLength: 60 }).map((s) => s.replace(/[#%]/g, '\n')), fc.array(step, { maxLength: 10 }), (content, steps) => {
    let eager = TextDocument.create('file:///t', 'x', 1, content);
    const lazy = PENDING_DOCUMENTS.create('file:///t', 'x', 1, content);
    let version = 1;
    const apply = (change: TextDocumentContentChangeEvent) => {
      version++;
      eager = TextDocument.update(eager, [change], version);
      PENDING_DOCUMENTS.update(lazy, [change], version);
    };
    for (const s of steps) {
      const n = eager.getText().length;
      const start = s.at % (n + 1);
      if (s.kind === 'full') apply({ text: `${s.text}full\n` });
      else {
        const end = s.kind === 'insert' ? start : Math.min(n, start + s.len);
        apply({ range: { start: eager.positionAt(start), end: eager.positionAt(end) }, text: s.kind === 'delete' ? '' : s.text });
        let offset = start + (s.kind === 'delete' ? 0 : s.text.length);
        for (let k = 0; k < s.keys; k++) {
          const at = eager.positionAt(offset);
          if (s.backspace && k % 3 === 2 && offset > 0) {
            apply({ range: { start: eager.positionAt(offset - 1), end: at }, text: '' });
            offset--;
          } else {
            apply({ range: { start: at, end: at }, text: 'k' });
            offset++;
          }
        }
      }
      assert.equal(lazy.version, eager.version);
      if (s.read) {
        assert.equal(lazy.getText(), eager.getText());
        assert.equal(lazy.lineCount, eager.lineCount);
        const len = eager.getText().length;
        for (const o of [0, len >> 1, len]) assert.deepEqual(lazy.positionAt(o), eager.positionAt(o));
      }
    }
    assert.equal(lazy.getText(), eager.getText());
    assert.equal(lazy.lineCount, eager.lineCount);
  }), { numRuns: 500 });
});

test('typing at the end of a line and deleting what was typed merge into one change: a burst costs one copy', () => {
  const lazy = PENDING_DOCUMENTS.create('file:///t', 'x', 1, 'first line\nsecond\nthird\n');
  let v = 1;
  const at = (character: number) => ({ line: 1, character });
  for (const [i, ch] of [...'typed'].entries()) PENDING_DOCUMENTS.update(lazy, [{ range: { start: at(6 + i), end: at(6 + i) }, text: ch }], ++v);
  PENDING_DOCUMENTS.update(lazy, [{ range: { start: at(10), end: at(11) }, text: '' }], ++v); // backspace
  const pending = (lazy as unknown as { pending: TextDocumentContentChangeEvent[] }).pending;
  assert.deepEqual(pending, [{ range: { start: at(6), end: at(6) }, text: 'type' }]);
  assert.equal(lazy.getText(), 'first line\nsecondtype\nthird\n');
  assert.equal(lazy.version, v);
});
