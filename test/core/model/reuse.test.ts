// Re-review after an edit (the editor path): the patch reader gives unchanged messages' patches and
// unchanged hunks again as the same objects, and the review served from them and from the analyzer's
// caches is the review a fresh analyzer makes of the edited text, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createParseMemo, parseDocument } from '../../../src/core/patch';
import { createAnalyzer } from '../../../src/core/index';
import { loadAssets, ROOT } from '../../helpers/assets';
import { benchCorpus, needKernels, SHARED } from '../../helpers/inputs';

const NAME = path.join(ROOT, 'examples', 'series.mbox');
const ORIGINAL = fs.readFileSync(NAME, 'utf8');

/** The text with the first line equal to `line` replaced by `by` (lines: without their newline). */
function edit(text: string, line: string, by: string): string {
  const lines = text.split('\n');
  const i = lines.indexOf(line);
  assert.ok(i >= 0, `no line ${JSON.stringify(line)} in ${NAME}`);
  lines[i] = by;
  return lines.join('\n');
}

test('the patch reader gives unchanged messages and hunks again as the same objects', async () => {
  const memo = createParseMemo();
  const first = (await parseDocument({ name: NAME, content: ORIGINAL }, memo)).value;
  assert.equal(first.patches.length, 3);
  const again = (await parseDocument({ name: NAME, content: ORIGINAL }, memo)).value;
  assert.deepEqual(again.patches.map((p, i) => p === first.patches[i]), [true, true, true]);
  assert.equal(again.cover, first.cover);
  // A comment added to patch 2's added line: patches 1 and 3 are the same objects, patch 2 a new one.
  const edited = (await parseDocument({ name: NAME, content: edit(ORIGINAL, '+\tset_page_count(page, 0);', '+\tset_page_count(page, 0); /* edited */') }, memo)).value;
  assert.deepEqual(edited.patches.map((p, i) => p === again.patches[i]), [true, false, true]);
  assert.equal(edited.patches[1]!.files[0]!.hunks[0]!.lines.find((l) => l.kind === 'add' && l.text.includes('set_page_count'))?.text, '\tset_page_count(page, 0); /* edited */');
  // Its subject changed instead: a new patch object whose unchanged hunk is the same object.
  const retitled = (await parseDocument({ name: NAME, content: edit(ORIGINAL, 'Subject: [PATCH v2 2/3] mm/mm_init: start every ZONE_DEVICE page at refcount', 'Subject: [PATCH v2 2/3] mm/mm_init: start each ZONE_DEVICE page at refcount') }, memo)).value;
  assert.notEqual(retitled.patches[1], edited.patches[1]);
  assert.notEqual(retitled.patches[1]!.files[0]!.hunks[0], edited.patches[1]!.files[0]!.hunks[0], 'the edited hunk is not the same');
  const back = (await parseDocument({ name: NAME, content: ORIGINAL }, memo)).value;
  assert.equal(back.patches[1]!.files[0]!.hunks[0], retitled.patches[1]!.files[0]!.hunks[0]);
  // A line inserted above every patch moves them all: nothing is the same object.
  const moved = (await parseDocument({ name: NAME, content: ORIGINAL.replace('\n\n', '\n\n\n') }, memo)).value;
  assert.deepEqual(moved.patches.map((p, i) => p === back.patches[i]), [false, false, false]);
  assert.equal(moved.patches[0]!.startLine, back.patches[0]!.startLine + 1);
  // The memo changes nothing of the read.
  for (const text of [ORIGINAL, ORIGINAL.replace('\n\n', '\n\n\n')]) {
    assert.equal(JSON.stringify((await parseDocument({ name: NAME, content: text }, memo)).value), JSON.stringify((await parseDocument({ name: NAME, content: text })).value));
  }
});

test('a run of keystrokes, each read through the memo, reads as the text afresh, and an edit inside a hunk line leaves every other hunk the same object', async () => {
  // The example series; the same with patch 2's body quoted-printable (an encoded body is decoded
  // again after every edit); real posted series from ../shared when present.
  const messages = ORIGINAL.split(/(?=^From [0-9a-f]{40} )/m);
  const qp = messages.map((m, i) => (i === 2 ? m.replace(/=/g, '=3D').replace('Subject: ', 'Content-Transfer-Encoding: quoted-printable\nSubject: ') : m)).join('');
  assert.ok(qp.includes('=3D') && qp.includes('quoted-printable'));
  const corpus = path.join(SHARED, 'corpus');
  const real = fs.existsSync(corpus) ? fs.readdirSync(corpus).filter((f) => f.endsWith('.mbox')).sort().slice(0, 3).map((f) => fs.readFileSync(path.join(corpus, f), 'utf8')) : [];
  const texts = [ORIGINAL, qp, ...real.filter((t) => !t.includes('\r'))];
  // What a keystroke, a paste or a deletion may put in: code, a line's diff prefix, separators and
  // headers, a named base, a quoted-printable soft break, line breaks, NUL.
  const piece = fc.constantFrom('x', ';', ' ', '\t', '-', '+', '--', '++', '=', '=3D', '@@ -1 +1 @@', 'From ', '>From ', 'based on v6.12', 'base-commit: 0123456789ab', '\n', '\r\n', '\n\n', '\u0000', '\\ No newline at end of file', 'put_page(page);');
  const keystroke = fc.record({ line: fc.nat(), column: fc.nat(), remove: fc.nat({ max: 3 }), insert: fc.array(piece, { maxLength: 2 }) });
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: texts.length - 1 }), fc.array(keystroke, { minLength: 1, maxLength: 6 }), async (which, keys) => {
      const memo = createParseMemo();
      let text = texts[which]!;
      await parseDocument({ name: NAME, content: text }, memo);
      for (const k of keys) {
        const lines = text.split('\n');
        // Mostly inside a hunk's lines (where typing happens), else anywhere.
        const inHunks = lines.flatMap((l, i) => (/^[-+ ]/.test(l) ? [i] : []));
        const at = k.line % 4 !== 0 && inHunks.length > 0 ? inHunks[k.line % inHunks.length]! : k.line % lines.length;
        const start = lines.slice(0, at).reduce((n, l) => n + l.length + 1, 0) + Math.min(k.column % 50, lines[at]!.length);
        const next = text.slice(0, start) + k.insert.join('') + text.slice(Math.min(start + k.remove, text.length));
        const previous = (await parseDocument({ name: NAME, content: text }, memo)).value;
        const read = (await parseDocument({ name: NAME, content: next }, memo)).value;
        assert.equal(JSON.stringify(read), JSON.stringify((await parseDocument({ name: NAME, content: next })).value));
        // Typing code inside a hunk line of a plain message (after its diff prefix): every other hunk is the same object.
        const typed = which !== 1 && inHunks.includes(at) && start - (lines.slice(0, at).reduce((n, l) => n + l.length + 1, 0)) >= 2 && start + k.remove <= text.length
          && !/^(--|\+\+)/.test(lines[at]!) && k.remove <= lines[at]!.length - Math.min(k.column % 50, lines[at]!.length)
          && k.insert.every((x) => ['x', ';', ' ', '\t', '=', 'put_page(page);'].includes(x));
        if (typed) {
          const hunks = (s: typeof read) => s.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
          const [was, now] = [hunks(previous), hunks(read)];
          assert.equal(now.length, was.length);
          assert.ok(now.filter((h, i) => h !== was[i]).length <= 1, `at most the edited hunk is a new object (line ${at + 1})`);
        }
        text = next;
      }
    }),
    { numRuns: 100, seed: 20261207 },
  );
  // A deleted "-- x" above an added line made "++ y" (the two read as a file header before the next
  // hunk), and an added line that becomes a named base in a diff with no separator above it.
  const mail = (line: string) => `From 0000000000000000000000000000000000000001 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nSubject: [PATCH] x\n\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,2 +1,2 @@ void f(void)\n ctx\n--- x\n${line}\n@@ -10,1 +10,1 @@ void g(void)\n-a\n+b\n`;
  for (const [from, to] of [['+foo', '+++ y'], ['+foo', '+based on v6.12'], ['+foo', '+base-commit: 0123456789abcdef']]) {
    const memo = createParseMemo();
    await parseDocument({ name: NAME, content: mail(from) }, memo);
    assert.equal(JSON.stringify((await parseDocument({ name: NAME, content: mail(to) }, memo)).value), JSON.stringify((await parseDocument({ name: NAME, content: mail(to) })).value), to);
  }
});

test('a re-review after each edit is the review a fresh analyzer makes of the edited text', async () => {
  const texts = [
    ORIGINAL,
    // Patch 2: a comment on its added line.
    edit(ORIGINAL, '+\tset_page_count(page, 0);', '+\tset_page_count(page, 0); /* edited */'),
    // Patch 1: a second put of the pgmap reference (the world patches 2 and 3 start from changes).
    edit(ORIGINAL, '+\tput_dev_pagemap(pgmap);', '+\tput_dev_pagemap(pgmap); put_dev_pagemap(pgmap);'),
    ORIGINAL,
    // Patch 3: back to put_page() on the after side.
    edit(ORIGINAL, '+\tfolio_put(folio);', '+\tput_page(&folio->page);'),
    // Every patch moved down a line.
    ORIGINAL.replace('\n\n', '\n\n\n'),
    ORIGINAL,
  ];
  const analyzer = await createAnalyzer(loadAssets());
  try {
    const findings: number[] = [];
    for (const [i, text] of texts.entries()) {
      const reviewed = await analyzer.review([{ name: NAME, content: text }]);
      const fresh = await createAnalyzer(loadAssets());
      const expected = await fresh.review([{ name: NAME, content: text }]);
      fresh.dispose();
      assert.equal(JSON.stringify(reviewed), JSON.stringify(expected), `text ${i}`);
      findings.push(reviewed.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.reduce((k, h) => k + h.findings.length, 0), 0), 0));
    }
    // The edits matter to the review (else this proves little): patch 1's double put and patch 3's put_page change the findings.
    assert.notEqual(findings[2], findings[0]);
    assert.notEqual(findings[4], findings[0]);
    assert.equal(findings[6], findings[0]);
  } finally {
    analyzer.dispose();
  }
});

test('a review reports its progress patch by patch: each partial report is the start of the whole one', async () => {
  const analyzer = await createAnalyzer(loadAssets());
  try {
    const partials: { done: number; total: number; report: string }[] = [];
    const whole = await analyzer.review([{ name: NAME, content: ORIGINAL }], {
      onProgress: (p) => {
        const r = p.report();
        partials.push({ done: p.done, total: p.total, report: JSON.stringify({ ...r, patches: [] }) + JSON.stringify(r.patches) });
      },
    });
    assert.deepEqual(partials.map((p) => [p.done, p.total]), [[1, 3], [2, 3], [3, 3]]);
    for (const p of partials) assert.equal(p.report, JSON.stringify({ ...whole, patches: [] }) + JSON.stringify(whole.patches.slice(0, p.done)));
    const fresh = await createAnalyzer(loadAssets());
    assert.equal(JSON.stringify(whole), JSON.stringify(await fresh.review([{ name: NAME, content: ORIGINAL }])));
    fresh.dispose();
  } finally {
    analyzer.dispose();
  }
});

test('a real six-patch series: after an edit of an early patch, the later patches that never meet the edited function are served on the new world, and the review is a fresh one', { skip: needKernels }, async () => {
  const file = path.join(benchCorpus(), 'series-5k.mbox');
  const original = fs.readFileSync(file, 'utf8');
  const lines = original.split('\n');
  // An added statement in patch 2 (gup.c), and one in patch 1 (memremap.c): worlds the later patches start from change.
  const starts = lines.flatMap((l, i) => (l.startsWith('From ') ? [i] : []));
  const statement = (from: number, to: number) => lines.findIndex((l, i) => i > from && i < to && /^\+\t+[a-z_]\w*\(.*\);$/.test(l));
  const edits = [statement(starts[1]!, starts[2]!), statement(starts[0]!, starts[1]!)];
  assert.ok(edits.every((i) => i > 0), `edited lines ${edits}`);
  const analyzer = await createAnalyzer(loadAssets());
  try {
    await analyzer.review([{ name: file, content: original }]);
    for (const [n, at] of edits.entries()) {
      const copy = [...lines];
      copy[at] = `${lines[at]} /* edit ${n} */`;
      const text = copy.join('\n');
      const reviewed = await analyzer.review([{ name: file, content: text }]);
      const fresh = await createAnalyzer(loadAssets());
      const expected = await fresh.review([{ name: file, content: text }]);
      fresh.dispose();
      assert.equal(JSON.stringify(reviewed), JSON.stringify(expected), `edit ${n} at line ${at + 1}`);
    }
  } finally {
    analyzer.dispose();
  }
});

test('an edit of a function a table call reaches (check_vma_flags() under pin_user_pages()) is seen by a later patch that never names it', async () => {
  // Patch 1 changes check_vma_flags(); patch 2 makes FS DAX folios not longterm-pinnable. Whether patch
  // 2 fixes anything depends on whether patch 1's check still refuses FS DAX vmas.
  const series = (check: string) => `From 0000000000000000000000000000000000000001 Mon Sep 17 00:00:00 2001
From: A <a@example.org>
Subject: [PATCH 1/2] mm/gup: check_vma_flags

---
diff --git a/mm/gup.c b/mm/gup.c
--- a/mm/gup.c
+++ b/mm/gup.c
@@ -10,7 +10,7 @@ static int check_vma_flags(struct vm_area_struct *vma, unsigned long gup_flags)
 {
 	if (gup_flags & FOLL_WRITE)
 		return -EFAULT;
-	if ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))
-		return -EOPNOTSUPP;
+${check}
 	return 0;
 }

From 0000000000000000000000000000000000000002 Mon Sep 17 00:00:00 2001
From: A <a@example.org>
Subject: [PATCH 2/2] mm: fsdax folios are not longterm pinnable

---
diff --git a/include/linux/mm.h b/include/linux/mm.h
--- a/include/linux/mm.h
+++ b/include/linux/mm.h
@@ -10,5 +10,7 @@ static inline bool folio_is_longterm_pinnable(struct folio *folio)
 {
 	if (folio_is_device_coherent(folio))
 		return false;
+	if (folio_is_fsdax(folio))
+		return false;
 	return true;
 }
`;
  const texts = [series('\tif ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))\n\t\treturn -EOPNOTSUPP;'), series('\tif (gup_flags & FOLL_LONGTERM)\n\t\treturn 0;')];
  const fixedIn = (r: Awaited<ReturnType<Awaited<ReturnType<typeof createAnalyzer>>['review']>>) =>
    r.patches[1]!.files.flatMap((f) => f.hunks.flatMap((h) => h.findings.filter((x) => x.status === 'fixed').map((x) => x.ruleId)));
  const analyzer = await createAnalyzer(loadAssets());
  try {
    const results = [];
    for (const text of texts) {
      const reviewed = await analyzer.review([{ name: 'f1.mbox', content: text }], { era: 'E3' });
      const fresh = await createAnalyzer(loadAssets());
      assert.equal(JSON.stringify(reviewed), JSON.stringify(await fresh.review([{ name: 'f1.mbox', content: text }], { era: 'E3' })));
      fresh.dispose();
      results.push(fixedIn(reviewed));
    }
    // With the vma check gone, patch 2's folio check is what refuses FS DAX longterm pins.
    assert.deepEqual(results, [[], ['longterm-pin-fsdax']]);
  } finally {
    analyzer.dispose();
  }
});
