// Unified diffs: plain and git headers, positions, function names, damage and lies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eachLine, eachLineKind, eachLineStarting, hunkSide, hunkText, sectionFunction } from '../../../src/core/patch/diff';
import { assertPositions, messages, parse } from './check';

const GIT = [
  'diff --git a/mm/demo.c b/mm/demo.c',
  'index 1111111..2222222 100644',
  '--- a/mm/demo.c',
  '+++ b/mm/demo.c',
  '@@ -10,6 +10,5 @@ void demo_free(struct page *page)',
  ' \tstruct demo *d = page->demo;',
  ' ',
  '-\tif (d->kind != DEMO_A)',
  '-\t\tset_count(page, 1);',
  '+\tset_count(page, 0);',
  ' \tdemo_put(d);',
  ' }',
  '@@ -40,3 +39,4 @@ struct demo_ops {',
  ' \tint a;',
  '+\tint b;',
  ' \tint c;',
  ' };',
  '',
].join('\n');

test('git diff: paths, ranges, kinds, function names, before/after', async () => {
  const s = await parse(GIT);
  assert.equal(s.format, 'unified-diff');
  assert.equal(s.patches.length, 1);
  const p = s.patches[0];
  assert.equal(p.subject, '');
  assert.equal(p.files.length, 1);
  const f = p.files[0];
  assert.deepEqual([f.oldPath, f.newPath, f.path, f.headerLine, f.binary], ['mm/demo.c', 'mm/demo.c', 'mm/demo.c', 0, false]);
  const [h1, h2] = f.hunks;
  assert.deepEqual([h1.oldStart, h1.oldCount, h1.newStart, h1.newCount], [10, 6, 10, 5]);
  assert.equal(h1.function, 'demo_free');
  assert.equal(h1.section, 'void demo_free(struct page *page)');
  assert.deepEqual(h1.lines.map((l) => l.kind), ['context', 'context', 'del', 'del', 'add', 'context', 'context']);
  assert.deepEqual(h1.lines[2], { kind: 'del', text: '\tif (d->kind != DEMO_A)', line: 7, character: 1 });
  assert.equal(hunkSide(h1, 'before').text, '\tstruct demo *d = page->demo;\n\n\tif (d->kind != DEMO_A)\n\t\tset_count(page, 1);\n\tdemo_put(d);\n}');
  assert.deepEqual(hunkSide(h1, 'after').lines, [5, 6, 9, 10, 11]);
  assert.deepEqual(h1.range, { start: { line: 4, character: 0 }, end: { line: 11, character: 2 } });
  assert.deepEqual(h1.repairs, []);
  assert.equal(h2.function, '', 'a section without "(" names no function');
  assert.equal(h2.section, 'struct demo_ops {');
  assert.deepEqual(s.problems, []);
  assertPositions(s, GIT);
});

test('function name: the identifier before the first "("', () => {
  assert.equal(sectionFunction('void free_zone_device_page(struct page *page)'), 'free_zone_device_page');
  assert.equal(sectionFunction('static void __ref __init_zone_device_page(struct page *page, unsigned long pfn,'), '__init_zone_device_page');
  assert.equal(sectionFunction('struct dev_pagemap {'), '');
  assert.equal(sectionFunction('static int foo (void)'), 'foo');
  assert.equal(sectionFunction('EXPORT_SYMBOL_GPL(memremap_pages);'), '');
  assert.equal(sectionFunction('module_init(dax_init);'), '');
  // xfs puts the return type on the line above: git's header is the name's line.
  assert.equal(sectionFunction('xfs_break_dax_layouts('), 'xfs_break_dax_layouts');
  assert.equal(sectionFunction('struct page *pfn_to_page(unsigned long pfn)'), 'pfn_to_page');
  assert.equal(sectionFunction('#define PAGE_DEMO(x)'), 'PAGE_DEMO');
  assert.equal(sectionFunction(''), '');
  // The return type on the line above (kernel style for long signatures): the name starts the section.
  assert.equal(sectionFunction('nouveau_dmem_page_alloc_locked(struct nouveau_drm *drm)'), 'nouveau_dmem_page_alloc_locked');
  assert.equal(sectionFunction('demo_alloc(void)'), 'demo_alloc');
  assert.equal(sectionFunction('demo_map(unsigned long pfn, struct page *page,'), 'demo_map');
  assert.equal(sectionFunction('DEFINE_PER_CPU(int, demo_count);'), '');
  assert.equal(sectionFunction('LIST_HEAD(demo_list);'), '');
});

test('diff -u with timestamps and differing top directories (patch -p1)', async () => {
  const text = [
    'diff -u linux-old/mm/x.c linux-new/mm/x.c',
    '--- linux-old/mm/x.c\t2024-01-01 10:00:00.000000000 +0100',
    '+++ linux-new/mm/x.c\t2024-01-02 10:00:00.000000000 +0100',
    '@@ -1 +1 @@',
    '-a',
    '+b',
  ].join('\n');
  const s = await parse(text);
  const f = s.patches[0].files[0];
  assert.deepEqual([f.oldPath, f.newPath], ['mm/x.c', 'mm/x.c']);
  assert.deepEqual([f.hunks[0].oldCount, f.hunks[0].newCount], [1, 1], 'a missing count means 1');
  assertPositions(s, text);
});

test('git headers: new, deleted, renamed, binary files, mode changes', async () => {
  const text = [
    'diff --git a/mm/new.c b/mm/new.c',
    'new file mode 100644',
    'index 0000000..1111111',
    '--- /dev/null',
    '+++ b/mm/new.c',
    '@@ -0,0 +1,2 @@',
    '+int a;',
    '+int b;',
    'diff --git a/mm/old.c b/mm/old.c',
    'deleted file mode 100644',
    'index 1111111..0000000',
    '--- a/mm/old.c',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-int a;',
    'diff --git a/mm/from.c b/mm/to.c',
    'similarity index 100%',
    'rename from mm/from.c',
    'rename to mm/to.c',
    'diff --git a/img.png b/img.png',
    'index 1111111..2222222 100644',
    'Binary files a/img.png and b/img.png differ',
    'diff --git a/run.sh b/run.sh',
    'old mode 100644',
    'new mode 100755',
  ].join('\n');
  const s = await parse(text);
  const files = s.patches[0].files;
  assert.deepEqual(
    files.map((f) => [f.oldPath, f.newPath, f.path, f.binary, f.hunks.length, f.headerLine]),
    [
      ['/dev/null', 'mm/new.c', 'mm/new.c', false, 1, 0],
      ['mm/old.c', '/dev/null', 'mm/old.c', false, 1, 8],
      ['mm/from.c', 'mm/to.c', 'mm/to.c', false, 0, 15],
      ['img.png', 'img.png', 'img.png', true, 0, 19],
      ['run.sh', 'run.sh', 'run.sh', false, 0, 22],
    ],
  );
  assert.deepEqual(s.problems, []);
  assertPositions(s, text);
});

test('GIT binary patch payloads and diff -r "Binary files" lines are skipped, the next file is read', async () => {
  const text = [
    'diff --git a/fw.bin b/fw.bin',
    'index 1111111..2222222 100644',
    'GIT binary patch',
    'literal 12',
    'zcmV-Wc3fA7PB@+-2',
    '',
    'literal 0',
    'HcmV?d00001',
    '',
    'Binary files old/logo.png and new/logo.png differ',
    'diff --git a/mm/a.c b/mm/a.c',
    '--- a/mm/a.c',
    '+++ b/mm/a.c',
    '@@ -1 +1 @@',
    '-a',
    '+b',
  ].join('\n');
  const files = (await parse(text)).patches[0].files;
  assert.deepEqual(files.map((f) => [f.path, f.binary, f.hunks.length]), [['fw.bin', true, 0], ['logo.png', true, 0], ['mm/a.c', false, 1]]);
});

test('"\\ No newline at end of file" marks the line before it', async () => {
  const text = ['--- a/x.c', '+++ b/x.c', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+c', '\\ No newline at end of file', ''].join('\n');
  const h = (await parse(text)).patches[0].files[0].hunks[0];
  assert.deepEqual(h.lines.map((l) => [l.kind, l.text, l.noNewline ?? false]), [['context', 'a', false], ['del', 'b', true], ['add', 'c', true]]);
  assert.deepEqual(h.repairs, []);
});

test('CRLF and mixed line endings: "\\r" is not part of the text, lines count as an editor counts them', async () => {
  const text = 'diff --git a/x.c b/x.c\r\n--- a/x.c\r\n+++ b/x.c\n@@ -1,2 +1,2 @@ int f(void)\r\n a\r\n-b\r+c\n';
  const s = await parse(text);
  const h = s.patches[0].files[0].hunks[0];
  assert.equal(h.function, 'f');
  assert.deepEqual(h.lines.map((l) => [l.kind, l.text, l.line, l.character]), [['context', 'a', 4, 1], ['del', 'b', 5, 1], ['add', 'c', 6, 1]]);
  assertPositions(s, text);
});

test('UTF-16 columns: a hunk line after astral characters keeps its column', async () => {
  const text = ['--- a/x.c', '+++ b/x.c', '@@ -1 +1 @@', '-/* 🐧 */ old();', '+/* 🐧 */ new();'].join('\n');
  const s = await parse(text);
  const add = s.patches[0].files[0].hunks[0].lines[1];
  assert.equal(add.text, '/* 🐧 */ new();');
  assert.equal(s.patches[0].files[0].hunks[0].range.end.character, 16, 'the penguin counts as two UTF-16 units');
  assertPositions(s, text);
});

test('whitespace damage: unprefixed lines are repaired context, blank lines are blank context', async () => {
  const text = [
    'diff --git a/mm/demo.c b/mm/demo.c',
    '--- a/mm/demo.c',
    '+++ b/mm/demo.c',
    '@@ -20,7 +20,5 @@ void demo_free(struct page *page)',
    'demo_release(page);',
    '',
    '- if (d->kind != DEMO_A)',
    '- set_count(page, 1);',
    '+ demo_put(d);',
    '}',
    '',
    'void demo_init(struct page *page)',
  ].join('\n');
  const s = await parse(text);
  const h = s.patches[0].files[0].hunks[0];
  assert.deepEqual(h.lines.map((l) => [l.kind, l.repaired ?? false]), [
    ['context', true], ['context', true], ['del', false], ['del', false], ['add', false], ['context', true], ['context', true], ['context', true],
  ]);
  assert.deepEqual(h.repairs, ['5 context lines had lost their leading space', 'counts say 7/5, found 7/6']);
  assert.deepEqual(messages(s), ['hunk @@ -20,7 +20,5 @@: 5 context lines had lost their leading space; counts say 7/5, found 7/6']);
  assert.equal(s.problems[0].line, 3);
  assert.equal(s.problems[0].severity, 'warning');
  assertPositions(s, text);
});

test('a damaged hunk ends at the signature, at prose after a blank line, or at the next file', async () => {
  const text = [
    '--- a/a.c',
    '+++ b/a.c',
    '@@ -1,9 +1,9 @@',
    'one();',
    '-two();',
    '+deux();',
    '',
    'Thanks for looking at this, I will send a v2 soon.',
    '--- a/b.c',
    '+++ b/b.c',
    '@@ -1,5 +1,5 @@',
    'x();',
    '-y();',
    '+z();',
    '-- ',
    '2.43.0',
  ].join('\n');
  const s = await parse(text);
  const [a, b] = s.patches[0].files;
  assert.deepEqual(a.hunks[0].lines.map((l) => l.text), ['one();', 'two();', 'deux();']);
  assert.deepEqual(a.hunks[0].repairs, ['1 context line had lost their leading space', 'counts say 9/9, found 2/2']);
  assert.equal(b.path, 'b.c');
  assert.deepEqual(b.hunks[0].lines.map((l) => l.text), ['x();', 'y();', 'z();']);
  assertPositions(s, text);
});

test('counts that are too small: following diff lines are still read, and the lie is reported', async () => {
  const text = ['--- a/a.c', '+++ b/a.c', '@@ -1,1 +1,1 @@', ' a', '-b', '+c', ' d', 'diff --git a/b.c b/b.c'].join('\n');
  const s = await parse(text);
  const h = s.patches[0].files[0].hunks[0];
  assert.deepEqual(h.lines.map((l) => l.kind), ['context', 'del', 'add', 'context']);
  assert.deepEqual(h.repairs, ['counts say 1/1, found 3/3']);
});

test('a patch truncated mid-hunk keeps what was read', async () => {
  const text = ['--- a/a.c', '+++ b/a.c', '@@ -1,6 +1,6 @@ int f(void)', ' a', '-b', '+c'].join('\n');
  const s = await parse(text);
  const h = s.patches[0].files[0].hunks[0];
  assert.equal(h.lines.length, 3);
  assert.deepEqual(h.repairs, ['truncated: expected 4 more lines']);
  assert.deepEqual(messages(s), ['truncated: hunk @@ -1,6 +1,6 @@ expected 4 more lines']);
  assert.equal(s.problems[0].line, 2);
});

test('a hunk without a file header is read and said to have no file', async () => {
  const text = ['Something like this:', '', '@@ -5,2 +5,2 @@ void g(void)', ' a();', '-b();', '+c();', ''].join('\n');
  const s = await parse(text);
  const f = s.patches[0].files[0];
  assert.equal(f.path, '');
  assert.equal(f.hunks[0].function, 'g');
  assert.deepEqual(messages(s), ['hunk without a file header: its file is unknown']);
});

test('garbage text with no diff says so', async () => {
  const s = await parse('just some words\nand more words\n');
  assert.equal(s.patches.length, 0);
  assert.deepEqual(messages(s), ['no diff found']);
  assert.equal(s.problems[0].severity, 'warning');
});

test('a large diff is read whole (linear time; speed is measured in the report, not asserted)', async () => {
  const hunk = (i: number) => [`@@ -${i * 10 + 1},3 +${i * 10 + 1},3 @@ void f${i}(void)`, ' \tint a;', `-\told_${i}();`, `+\tnew_${i}();`, ' \treturn;'];
  const parts: string[] = [];
  for (let f = 0; f < 200; f++) {
    parts.push(`diff --git a/d/f${f}.c b/d/f${f}.c`, `--- a/d/f${f}.c`, `+++ b/d/f${f}.c`);
    for (let i = 0; i < 100; i++) parts.push(...hunk(i));
  }
  const text = parts.join('\n');
  const s = await parse(text);
  const files = s.patches[0].files;
  assert.equal(files.length, 200);
  assert.equal(files.reduce((n, f) => n + f.hunks.length, 0), 20000);
  assert.equal(files[199].hunks[99].lines[2].line, parts.length - 2);
  // Every hunk keeps its own lines (their numbers fill more than one of the reader's buffers).
  let at = 0;
  files.forEach((f, fi) => {
    at += 3;
    f.hunks.forEach((h, i) => {
      const want = hunk(i).slice(1).map((t, k) => ({ kind: t[0] === '+' ? 'add' : t[0] === '-' ? 'del' : 'context', text: t.slice(1), line: at + 1 + k, character: 1 }));
      assert.deepEqual(h.lines, want, `file ${fi} hunk ${i}`);
      at += 5;
    });
  });
  assert.deepEqual(s.problems, []);
});

test('a diff cut inside a hunk header, or right after its file headers, is reported', async () => {
  const firstHunkEnd = GIT.indexOf('@@ -40');
  const cutHeader = await parse(GIT.slice(0, firstHunkEnd + 9));
  assert.equal(cutHeader.patches[0].files[0].hunks.length, 1, 'the whole first hunk is kept');
  assert.match(messages(cutHeader).join('\n'), /malformed hunk header in the diff of mm\/demo\.c: "@@ -40,3 "/);
  const cutAfterHeaders = await parse(GIT.slice(0, GIT.indexOf('@@ -10') + 1));
  assert.equal(cutAfterHeaders.patches[0].files[0].hunks.length, 0);
  assert.match(messages(cutAfterHeaders).join('\n'), /malformed hunk header in the diff of mm\/demo\.c: "@"/);
  const noHunk = await parse(GIT.slice(0, GIT.indexOf('@@ -10')));
  assert.match(messages(noHunk).join('\n'), /truncated: the diff of mm\/demo\.c has file headers but no hunk/);
  const rename = await parse('diff --git a/mm/a.c b/mm/b.c\nsimilarity index 100%\nrename from mm/a.c\nrename to mm/b.c\n');
  assert.deepEqual(messages(rename).filter((m) => /truncated|malformed/.test(m)), [], 'a pure rename has no hunks and that is fine');
});

test('eachLine visits what hunk.lines holds, for a hunk as read and for one made by hand, and stops where asked', async () => {
  // Lost leading spaces (repaired), a "\ No newline" line, a non-Latin-1 character, an empty context line.
  const text = [
    'diff --git a/x.c b/x.c',
    '--- a/x.c',
    '+++ b/x.c',
    '@@ -1,5 +1,5 @@ int f(void)',
    ' a();',
    'lost();',
    '-b(); /* \u{1F427} */',
    '+c();',
    '',
    ' d();',
    '\\ No newline at end of file',
  ].join('\n');
  const hunks = (await parse(text)).patches[0].files[0].hunks;
  assert.equal(hunks.length, 1);
  const h = hunks[0];
  assert.deepEqual(h.lines, [
    { kind: 'context', text: 'a();', line: 4, character: 1 },
    { kind: 'context', text: 'lost();', line: 5, character: 0, repaired: true },
    { kind: 'del', text: 'b(); /* \u{1F427} */', line: 6, character: 1 },
    { kind: 'add', text: 'c();', line: 7, character: 1 },
    { kind: 'context', text: '', line: 8, character: 0, repaired: true },
    { kind: 'context', text: 'd();', line: 9, character: 1, noNewline: true },
  ]);
  for (const hunk of [h, { ...h, lines: h.lines.map((l) => ({ ...l })) }]) {
    assert.equal(hunkText(hunk), hunk.lines.map((l) => l.text).join('\n'));
    // Lines whose text a pattern matches at its start: the same lines as a look at each, once each, in order.
    for (const re of [/[a-z]/, /.*\(/, /.*(\u{1F427}|d)/u, /$/, /zzz/]) {
      const found: unknown[] = [];
      assert.equal(eachLineStarting(hunk, re, (kind, t, line, repaired) => void found.push({ kind, text: t, line, repaired })), false);
      const expected = hunk.lines.filter((l) => new RegExp(`^(?:${re.source})`, re.flags).test(l.text)).map((l) => ({ kind: l.kind, text: l.text, line: l.line, repaired: !!l.repaired }));
      assert.ok(expected.length > 0 || re.source === 'zzz', `${re} finds something`);
      assert.deepEqual(found, expected, String(re));
    }
    let matched = 0;
    assert.equal(eachLineStarting(hunk, /.*\(/, () => ++matched === 2), true);
    assert.equal(matched, 2, 'no visit after the one that returned true');
    const seen: unknown[] = [];
    assert.equal(eachLine(hunk, (kind, t, line, repaired) => void seen.push({ kind, text: t, line, repaired })), false);
    assert.deepEqual(seen, hunk.lines.map((l) => ({ kind: l.kind, text: l.text, line: l.line, repaired: !!l.repaired })));
    const kinds: unknown[] = [];
    assert.equal(eachLineKind(hunk, (kind, line, repaired) => void kinds.push({ kind, line, repaired })), false);
    assert.deepEqual(kinds, hunk.lines.map((l) => ({ kind: l.kind, line: l.line, repaired: !!l.repaired })));
    assert.equal(eachLineKind(hunk, (kind) => kind === 'add'), true);
    let visits = 0;
    assert.equal(eachLine(hunk, (kind) => (visits++, kind === 'del')), true);
    assert.equal(visits, hunk.lines.findIndex((l) => l.kind === 'del') + 1, 'no visit after the one that returned true');
  }
  assert.equal(JSON.stringify(h), JSON.stringify({ ...h }), 'a hunk as read serialises with its lines, as a plain object does');
});
