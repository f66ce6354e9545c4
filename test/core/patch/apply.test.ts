// applyFileDiff: exact, offset, fuzz, whitespace-tolerant, missing hunks, real kernel files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { applyFileDiff } from '../../../src/core/patch';
import { KERNELS, needKernels } from '../../helpers/inputs';
import { gitDiff, parse } from './check';

const FILE = ['int a;', '', 'void f(void)', '{', '\tone();', '\ttwo();', '\tthree();', '}', '', 'int z;', ''].join('\n');

async function firstFile(diff: string) {
  return (await parse(diff)).patches[0].files[0];
}

const HUNK = (start: number) => ['--- a/x.c', '+++ b/x.c', `@@ -${start},5 +${start},5 @@ void f(void)`, ' {', ' \tone();', '-\ttwo();', '+\tdeux();', ' \tthree();', ' }'].join('\n');

test('exact: the hunk applies at its stated line; lines map to the document', async () => {
  const f = await firstFile(HUNK(4));
  const r = applyFileDiff(FILE, f);
  assert.equal(r.value.before, FILE);
  assert.equal(r.value.after, FILE.replace('\ttwo();', '\tdeux();'));
  assert.deepEqual(r.value.beforeDocLines, [undefined, undefined, undefined, 3, 4, 5, 7, 8, undefined, undefined]);
  assert.deepEqual(r.value.afterDocLines, [undefined, undefined, undefined, 3, 4, 6, 7, 8, undefined, undefined]);
  assert.deepEqual(r.problems, []);
});

test('offset: found elsewhere in the file, and said so', async () => {
  const r = applyFileDiff(FILE, await firstFile(HUNK(1)));
  assert.equal(r.value.after, FILE.replace('\ttwo();', '\tdeux();'));
  assert.deepEqual(r.problems.map((p) => p.message), ['hunk @@ -1,5 +1,5 @@ of x.c applied at line 4 (offset 3 lines)']);
});

test('fuzz: outer context that no longer matches is dropped, the file keeps its own lines', async () => {
  const diff = ['--- a/x.c', '+++ b/x.c', '@@ -4,5 +4,5 @@', ' {', ' \tone();', '-\ttwo();', '+\tdeux();', ' \tthree();', ' } /* changed */'].join('\n');
  const r = applyFileDiff(FILE, await firstFile(diff));
  assert.equal(r.value.after, FILE.replace('\ttwo();', '\tdeux();'));
  assert.equal(r.value.afterDocLines[7], undefined, 'the fuzzed-away line is not from the patch');
  assert.deepEqual(r.problems.map((p) => p.message), ['hunk @@ -4,5 +4,5 @@ of x.c applied at line 4 (fuzz 1)']);
});

test('whitespace damage: matched ignoring blanks (patch -l); context keeps the tree\'s whitespace', async () => {
  const diff = ['--- a/x.c', '+++ b/x.c', '@@ -4,5 +4,5 @@', '{', 'one();', '- two();', '+ deux();', 'three();', '}'].join('\n');
  const f = await firstFile(diff);
  const r = applyFileDiff(FILE, f);
  assert.equal(r.value.after, FILE.replace('\ttwo();', ' deux();'));
  assert.deepEqual(r.problems.map((p) => p.message), ['hunk @@ -4,5 +4,5 @@ of x.c applied at line 4 (ignoring whitespace)']);
});

test('a hunk that cannot be located is left out with a problem; the others still apply', async () => {
  const diff = [HUNK(4), '@@ -10,1 +10,1 @@', '-int nowhere;', '+int here;'].join('\n');
  const r = applyFileDiff(FILE, await firstFile(diff));
  assert.equal(r.value.after, FILE.replace('\ttwo();', '\tdeux();'));
  assert.deepEqual(r.problems.map((p) => [p.severity, p.message, p.line]), [['warning', "hunk @@ -10,1 +10,1 @@ of x.c does not apply to the tree's file: left out", 9]]);
});

test('new file and "no newline at end of file"', async () => {
  const created = await firstFile(['--- /dev/null', '+++ b/n.c', '@@ -0,0 +1,2 @@', '+int a;', '+int b;'].join('\n'));
  assert.equal(applyFileDiff('', created).value.after, 'int a;\nint b;\n');
  const noEol = await firstFile(['--- a/n.c', '+++ b/n.c', '@@ -1,2 +1,2 @@', ' int a;', '-int b;', '+int c;', '\\ No newline at end of file'].join('\n'));
  assert.equal(applyFileDiff('int a;\nint b;\n', noEol).value.after, 'int a;\nint c;');
});

test('kernel: git diff of 6.1 and 6.12 mm/memremap.c applies to 6.1 and gives 6.12 exactly', { skip: needKernels }, async () => {
  for (const rel of ['mm/memremap.c', 'drivers/pci/p2pdma.c']) {
    const diff = gitDiff(`linux-6.1/${rel}`, `linux-6.12/${rel}`);
    const f = await firstFile(diff);
    assert.equal(f.path, rel);
    assert.ok(f.hunks.length > 3, `${rel}: several hunks`);
    const r = applyFileDiff(fs.readFileSync(path.join(KERNELS, 'linux-6.1', rel), 'utf8'), f);
    assert.deepEqual(r.problems, []);
    assert.equal(r.value.after, fs.readFileSync(path.join(KERNELS, 'linux-6.12', rel), 'utf8'), rel);
    // Every added line of the result maps back to an added hunk line with the same text.
    const docLines = diff.split('\n');
    const after = r.value.after.split('\n');
    r.value.afterDocLines.forEach((d, i) => {
      if (d !== undefined) assert.equal(docLines[d].slice(1), after[i]);
    });
  }
});
