// The lexer's own checks: text blanking for listed calls, and the faults a hunk read as text can show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankCommentsAndLiterals, lexicalFaults } from '../../../src/core/syntax/lexer';

test('comments and literals are blanked, directives and positions kept', () => {
  const text = 'a(); /* b( */ "c(" \'d\' // e(\n#define f(x) g(x)\nh();';
  const out = blankCommentsAndLiterals(text);
  assert.equal(out.length, text.length);
  assert.deepEqual(out.split('\n').map((l) => l.trimEnd()), ['a();', '#define f(x) g(x)', 'h();']);
});

const fn = (body: string[]) => ['static int demo(struct page *page)', '{', ...body, '\treturn 0;', '}'].join('\n');
const faults = (body: string[]) => lexicalFaults(fn(body), [{ name: 'demo', start: 0, end: body.length + 3 }]).map((f) => `${f.line}: ${f.message}`);

test('a well-formed definition has no lexical fault', () => {
  assert.deepEqual(faults(['\tif (page) {', '\t\tput_page(page); /* } */', '\t\tpr_info("{ %c\\n", \'}\');', '\t}', '#if 0', '\tget_page(page);', '#endif']), []);
});

test('braces, comments, literals and #if groups that a cut cannot explain are faults', () => {
  assert.deepEqual(faults(['\tif (page) {', '\tif (page) {']), ['0: C lexis: braces do not balance in demo() (2 left open)']);
  assert.deepEqual(faults(['\t}', '\t}']), ['0: C lexis: braces do not balance in demo() (2 closed too many)']);
  assert.deepEqual(faults(['\t/* never closed put_page(page);']), ['0: C lexis: a comment opened in demo() runs past its closing brace']);
  assert.deepEqual(faults(['\tpr_info("never closed %p\\n, page);']), ['2: C lexis: string literal not closed on its line']);
  assert.deepEqual(faults(["\tchar c = 'x;"]), ['2: C lexis: character literal not closed on its line']);
  assert.deepEqual(faults(['#if 0', '\tput_page(page);', '#else', '\tget_page(page);']), ['0: C lexis: 1 #if group(s) left open in demo()']);
  assert.deepEqual(faults(['#endif']), ['0: C lexis: 1 #endif without #if in demo()']);
});

test('a string left open is a fault outside definitions too; a fragment\'s open braces are not', () => {
  const fragment = '\tif (page) {\n\t\tput_page(page);\n\t\tpr_info("oops);';
  assert.deepEqual(lexicalFaults(fragment, []).map((f) => `${f.line}: ${f.message}`), ['2: C lexis: string literal not closed on its line']);
  assert.deepEqual(lexicalFaults('#include <linux/mm.h\n#include "ok.h"\n#include <linux/ok.h>', []).map((f) => `${f.line}: ${f.message}`), ['0: C lexis: #include without a closed <file> or "file"']);
});
