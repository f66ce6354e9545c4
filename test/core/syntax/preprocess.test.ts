import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { preprocess } from '../../../src/core/syntax/preprocess';
import { kernelDir, needKernels } from '../../helpers/inputs';
import { getSyntax } from './shared';

function newlines(s: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** `src` with each of `parts` replaced by spaces. */
function blanked(src: string, ...parts: string[]): string {
  return parts.reduce((s, p) => s.replace(p, ' '.repeat(p.length)), src);
}

function assertShape(input: string, output: string): void {
  assert.equal(output.length, input.length);
  assert.deepEqual(newlines(output), newlines(input));
}

/** Pre-pass result of `src`, checked for shape, and the number of ERROR nodes left when parsing it. */
async function pre(src: string): Promise<{ out: string; errors: number }> {
  const out = preprocess(src);
  assertShape(src, out);
  return { out, errors: (await getSyntax()).parse(src).errorNodes };
}

test('pre-pass keeps length and newlines on random C-like text', () => {
  const alphabet = ['{', '}', '(', ')', ';', ',', '\n', ' ', '#if 0\n', '#else\n', '#endif\n', '"s', "'", '/*', '*/', '//', '\\\n',
    'list_for_each_entry', 'guard', 'scoped_guard', '__init', '__must_hold', 'EXPORT_SYMBOL', 'DEFINE_MUTEX', 'SYSCALL_DEFINE2',
    'static', 'x', 'struct page', 'unsigned long', '*', 'else', 'MACRO', 'DECLARE_BITMAP', '#ifdef X\n', 'é'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (parts) => {
      const s = parts.join('');
      assertShape(s, preprocess(s));
    }),
    { numRuns: 500 },
  );
});

test('pre-pass keeps length and newlines on real kernel files', { skip: needKernels }, () => {
  const root = kernelDir('6.12')!;
  const files = ['mm/memremap.c', 'mm/memory.c', 'mm/gup.c', 'mm/huge_memory.c', 'fs/dax.c', 'drivers/dax/device.c', 'include/linux/mm.h', 'lib/test_hmm.c'];
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    assertShape(text, preprocess(text));
  }
});

test('annotation macros are blanked', async () => {
  const src = 'static int __init __must_check foo(void __user *p, void __iomem *q)\n{\n\tint x __maybe_unused = 1;\n\treturn x;\n}\n';
  const r = await pre(src);
  assert.equal(r.out, blanked(src, '__init', '__must_check', '__user', '__iomem', '__maybe_unused'));
  assert.equal(r.errors, 0);
});

test('annotation macros with arguments and __attribute__ are blanked', async () => {
  const src = 'void f(struct s *a) __must_hold(&a->lock) __attribute__((noreturn));\nint g(void) __acquires(x) { return 0; }\n';
  const r = await pre(src);
  assert.equal(r.out, blanked(src, '__must_hold(&a->lock)', '__attribute__((noreturn))', '__acquires(x)'));
  assert.equal(r.errors, 0);
});

test('EXPORT_SYMBOL lines are blanked with their semicolon', async () => {
  const r = await pre('int f(void) { return 0; }\nEXPORT_SYMBOL_GPL(f);\n');
  assert.equal(r.out.split('\n')[1].trim(), '');
});

test('iterator macros become while loops of the same length', async () => {
  const src = 'void f(void)\n{\n\tlist_for_each_entry(p, &head, lru) {\n\t\tput_page(p);\n\t}\n\txa_for_each(&xa, idx, e)\n\t\tg(e);\n}\n';
  const r = await pre(src);
  assert.equal(r.out.split('\n')[2], '\twhile              (p, &head, lru) {');
  assert.equal(r.out.split('\n')[5], '\twhile      (&xa, idx, e)');
  assert.equal(r.errors, 0);
  const fn = (await getSyntax()).parse(src).functions[0];
  assert.equal(fn.body.k, 'block');
  if (fn.body.k === 'block') assert.deepEqual(fn.body.body.map((s) => s.k), ['loop', 'loop']);
});

test('guard(...)(...); and scoped_guard(...) are neutralised', async () => {
  const src = 'void f(void)\n{\n\tguard(mutex)(&lock);\n\tscoped_guard(spinlock, &l) {\n\t\tput_page(p);\n\t}\n}\n';
  const r = await pre(src);
  assert.equal(r.out.split('\n')[2].trim(), '');
  assert.equal(r.out.split('\n')[3].trim(), '{');
  assert.equal(r.errors, 0);
});

test('top-level DEFINE_* macros are blanked, per-cpu ones become declarations', async () => {
  const src = 'static DEFINE_MUTEX(lock);\nDEFINE_PER_CPU(struct foo *, bar) = { 0 };\nDEFINE_FREE(x, struct a *, kfree(_T))\nint y;\n';
  const r = await pre(src);
  const lines = r.out.split('\n');
  assert.equal(lines[0].trim(), '');
  assert.equal(lines[1], '               struct foo *  bar  = { 0 };');
  assert.equal(lines[2].trim(), '');
  assert.equal(r.errors, 0);
});

test('#if 0 blocks are blanked, their #else kept as code', async () => {
  const src = 'void f(void)\n{\n#if 0\n\tbroken(((;\n#else\n\tput_page(p);\n#endif\n}\n';
  const r = await pre(src);
  assert.deepEqual(r.out.split('\n').map((l) => l.trim()), ['void f(void)', '{', '', '', '', 'put_page(p);', '', '}', '']);
  assert.equal(r.errors, 0);
});

test('SYSCALL_DEFINEn becomes a function definition', async () => {
  const src = 'SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len)\n{\n\treturn 0;\n}\n';
  const r = await pre(src);
  assert.equal(r.out.split('\n')[0], 'long munmap(' + ' '.repeat(11) + ' unsigned long  addr, size_t  len)');
  assert.equal(r.errors, 0);
  assert.equal((await getSyntax()).parse(src).functions[0].name, 'munmap');
});

test('type arguments of macros become one identifier', async () => {
  const src = 'void f(void)\n{\n\tp = container_of(r, struct dev_pagemap, ref);\n\tn = min_t(unsigned long, a, b);\n}\n';
  const r = await pre(src);
  assert.match(r.out, /container_of\(r, struct_dev_pagemap, ref\)/);
  assert.match(r.out, /min_t\(unsigned_long, a, b\)/);
  assert.equal(r.errors, 0);
});

test('conditional groups in the middle of a statement are flattened to their first branch', async () => {
  const src = 'void f(void)\n{\n#ifdef A\n\tif (x)\n\t\ta();\n\telse\n#endif\n\t\tb();\n\tg(1,\n#ifdef B\n\t  2,\n#else\n\t  3,\n#endif\n\t  4);\n}\n';
  const r = await pre(src);
  assert.doesNotMatch(r.out, /#/);
  assert.doesNotMatch(r.out, / 3,/);
  assert.equal(r.errors, 0);
});

test('a statement macro without a semicolon gets one', async () => {
  const src = 'void f(void)\n{\n\tFOO(x)\n\tput_page(p);\n}\n';
  const r = await pre(src);
  assert.equal(r.out.split('\n')[3], ';put_page(p);');
  assert.equal(r.errors, 0);
  const calls = (await getSyntax()).parse(src).calls.map((c) => c.callee);
  assert.deepEqual(calls, ['FOO', 'put_page']);
});

test('__alignof__ and DECLARE_BITMAP take shapes tree-sitter knows', async () => {
  const src = 'void f(void)\n{\n\tDECLARE_BITMAP(map, 64) = { 0 };\n\tx = ALIGN(y, __alignof__(a->b[0]));\n}\n';
  const r = await pre(src);
  assert.equal(r.out.split('\n')[2], '\tlong           map[ 64] = { 0 };');
  assert.equal(r.errors, 0);
});
