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

const fn = (body: string[], close = '}') => ['static int demo(struct page *page)', '{', ...body, '\treturn 0;', close].join('\n');
const faultsOf = (text: string) => lexicalFaults(text, [{ name: 'demo', line: 0, open: 1 }]).map((f) => `${f.line}: ${f.message}`);
const faults = (body: string[], close?: string) => faultsOf(fn(body, close));

test('a well-formed definition has no lexical fault', () => {
  assert.deepEqual(faults(['\tif (page) {', '\t\tput_page(page); /* } */', '\t\tpr_info("{ %c\\n", \'}\');', '\t}', '#if 0', '\tget_page(page);', '#endif']), []);
});

test('legal kernel shapes are not faults', () => {
  // A comment after the closing brace; braces opened in both branches of an #ifdef.
  assert.deepEqual(faults(['\tput_page(page);'], '} /* demo */'), []);
  assert.deepEqual(faults(['#ifdef CONFIG_X', '\tif (a(page)) {', '#else', '\tif (b(page)) {', '#endif', '\t\tput_page(page);', '\t}']), []);
  // A block in column 0 inside the body (xfs's #ifdef DEBUG blocks), and a macro body's `} while (0)`.
  assert.deepEqual(faults(['#ifdef DEBUG', '{', '\tint x = 1;', '}', '#endif', '#define CHECK(c) do { \\', '\tif (c) return; \\', '} while (0)']), []);
  // A function wrapped in #ifdef; a hunk that stops inside the body.
  assert.deepEqual(faultsOf(`#ifdef CONFIG_X\n${fn(['\tput_page(page);'])}\n#endif`.split('\n').slice(1).join('\n')), []);
  assert.deepEqual(faultsOf('static int demo(struct page *page)\n{\n\tif (page) {\n\t\tput_page(page);'), []);
  // Computed includes; apostrophes in prose (a cut comment, an #if 0 block).
  assert.deepEqual(lexicalFaults('#include TRACE_INCLUDE(TRACE_INCLUDE_FILE)\n#include GENL_MAGIC_INCLUDE_FILE', []), []);
  assert.deepEqual(lexicalFaults("   this can't happen because put_page() holds\n  a reference; don't change it", []), []);
  assert.deepEqual(lexicalFaults("#if 0\n\tdon't put_page(p) here\n#endif", []), []);
});

test('braces, comments, literals and #if groups that a cut cannot explain are faults', () => {
  assert.deepEqual(faults(['\tif (page) {', '\tif (page) {']), ['0: C lexis: braces do not balance in demo() (2 left open at its last line)']);
  assert.deepEqual(faults(['\t}', '\t}']), ['0: C lexis: braces do not balance in demo() (closed beyond its body)']);
  assert.deepEqual(faults(['\t/* never closed put_page(page);']), ['0: C lexis: a comment opened in demo() swallows its closing brace']);
  assert.deepEqual(faults(['\tpr_info("never closed %p\\n, page);']), ['2: C lexis: string literal not closed on its line']);
  assert.deepEqual(faults(["\tchar c = 'x;"]), ['2: C lexis: character literal not closed on its line']);
  assert.deepEqual(faults(['#if 0', '\tput_page(page);', '#else', '\tget_page(page);']), ['0: C lexis: 1 #if group(s) left open in demo()']);
  assert.deepEqual(faults(['#endif']), ['0: C lexis: 1 #endif without #if in demo()']);
});

test('a literal left open is a fault outside definitions too; a fragment\'s open braces are not', () => {
  const fragment = '\tif (page) {\n\t\tput_page(page);\n\t\tpr_info("oops);\n\tprintk(KERN_INFO "oops);';
  assert.deepEqual(lexicalFaults(fragment, []).map((f) => `${f.line}: ${f.message}`), ['2: C lexis: string literal not closed on its line', '3: C lexis: string literal not closed on its line']);
  assert.deepEqual(lexicalFaults('#include <linux/mm.h\n#include "ok.h"\n#include <linux/ok.h>', []).map((f) => `${f.line}: ${f.message}`), ['0: C lexis: #include without a closed <file> or "file"']);
});
