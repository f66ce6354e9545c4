import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer, repairFragment, simulateHunk, type ReviewOptions } from '../../../src/core/model/pipeline';
import type { Series } from '../../../src/core/patch/types';
import { getSyntax } from '../sim/helpers';

const E2: ReviewOptions = { era: 'E2', includePresent: false };

async function series(text: string): Promise<Series> {
  return (await parseDocument({ name: 'test.patch', content: text })).value;
}

/** A small patch of ours: a driver allocator that starts taking an extra reference. */
function allocPatch(extra: string): string {
  return `diff --git a/lib/test_hmm.c b/lib/test_hmm.c
--- a/lib/test_hmm.c
+++ b/lib/test_hmm.c
@@ -10,6 +10,7 @@ static struct page *dmirror_alloc(struct dmirror *d)
 	struct page *page = dmirror_pop(d);
 
 	zone_device_page_init(page);
+	${extra}
 	return page;
 }
 
`;
}

const NO_CALLS = `diff --git a/mm/util.c b/mm/util.c
--- a/mm/util.c
+++ b/mm/util.c
@@ -1,4 +1,4 @@ int helper(int x)
 {
-	return x + 1;
+	return x + 2;
 }
`;

test('a hunk with no refcount call gets no effects and no findings', async () => {
  const r = createReviewer(await getSyntax()).review([await series(NO_CALLS)], E2);
  const h = r.patches[0]!.files[0]!.hunks[0]!;
  assert.deepEqual([h.calls.length, h.effects.length, h.findings.length], [0, 0, 0]);
});

test('a driver allocator taking an extra reference: alloc-refcount 1 -> 2, placed by its calls', async () => {
  const r = createReviewer(await getSyntax()).review([await series(allocPatch('get_page(page);'))], E2);
  const h = r.patches[0]!.files[0]!.hunks[0]!;
  assert.deepEqual(h.calls.map((c) => [c.callee, c.side]), [['zone_device_page_init', 'both'], ['get_page', 'after']]);
  const alloc = h.effects.find((e) => e.aspect === 'alloc-refcount');
  assert.ok(alloc, JSON.stringify(h.effects));
  assert.deepEqual([alloc.before, alloc.after, alloc.line], ['1', '2', 7]);
  assert.deepEqual([...alloc.types].sort(), ['COHERENT', 'PRIVATE'], 'typesForPath(lib/test_hmm.c)');
});

test('re-reviewing after a one-line edit only redoes the changed hunk', async () => {
  const reviewer = createReviewer(await getSyntax());
  const two = (extra: string) => allocPatch('get_page(page);') + NO_CALLS.replace('mm/util.c', 'mm/other.c').replace('mm/util.c', 'mm/other.c').replace('mm/util.c', 'mm/other.c').replace('x + 2', extra);
  reviewer.review([await series(two('x + 2'))], E2);
  const first = reviewer.analysed;
  assert.equal(first, 2);
  reviewer.review([await series(two('x + 3'))], E2);
  assert.equal(reviewer.analysed, first + 1, 'only the edited hunk is analysed again');
  reviewer.review([await series(two('x + 3'))], E2);
  assert.equal(reviewer.analysed, first + 1, 'nothing changed, nothing analysed');
});

test('C that does not parse gives problems and a partial result, never a throw', async () => {
  const broken = allocPatch('get_page(page')
    .replace('struct page *page = dmirror_pop(d);', 'struct page *page = dmirror_pop(d) {{ ((');
  const r = createReviewer(await getSyntax()).review([await series(broken)], E2);
  assert.equal(r.patches[0]!.files[0]!.hunks.length, 1);
  assert.ok(r.problems.length > 0);
  assert.ok(r.problems.every((p) => typeof p.line === 'number'));
});

test('patch 2 sees the tree as patch 1 left it', async () => {
  const p1 = `From: A <a@example.org>
Subject: [PATCH 1/2] mm: free path keeps the count at 0

diff --git a/mm/memremap.c b/mm/memremap.c
--- a/mm/memremap.c
+++ b/mm/memremap.c
@@ -1,5 +1,4 @@ void free_zone_device_page(struct page *page)
 {
 	page->pgmap->ops->page_free(page);
-	set_page_count(page, 1);
 }
 
`;
  const p2 = `From: A <a@example.org>
Subject: [PATCH 2/2] mm: memmap init at 0

diff --git a/mm/mm_init.c b/mm/mm_init.c
--- a/mm/mm_init.c
+++ b/mm/mm_init.c
@@ -1,4 +1,5 @@ void __init_zone_device_page(struct page *page)
 {
 	__init_single_page(page);
+	set_page_count(page, 0);
 }
 
`;
  const s = await series(`From x Mon Sep 17 00:00:00 2001\n${p1}\nFrom x Mon Sep 17 00:00:00 2001\n${p2}`);
  assert.equal(s.patches.length, 2);
  const sim = createReviewer(await getSyntax()).simulate([s], 2, E2);
  assert.ok(!('error' in sim));
  const life = sim.traces.find((t) => t.scenario === 'page-life' && t.side === 'before' && t.type === 'GENERIC')!;
  const free = life.steps.filter((st) => st.function === 'free_zone_device_page');
  assert.ok(free.length > 0, 'the free path is patch 1\'s body, not the table');
  assert.ok(free.every((st) => st.line === undefined || st.line < 14), 'its lines are patch 1\'s');
  assert.equal(life.steps.at(-1)!.after.refcount, 0, 'no reset to 1 after patch 1');
});

test('simulateHunk returns every scenario trace, before and after, per type; bad numbers are errors', async () => {
  const s = await series(allocPatch('get_page(page);'));
  const r = simulateHunk([s], await getSyntax(), 1, E2);
  assert.ok(!('error' in r));
  assert.equal(r.path, 'lib/test_hmm.c');
  const kinds = new Set(r.traces.map((t) => `${t.scenario}/${t.side}/${t.type}`));
  for (const sc of ['page-life', 'teardown', 'gup', 'longterm-pin']) for (const side of ['before', 'after']) assert.ok(kinds.has(`${sc}/${side}/PRIVATE`), `${sc}/${side}`);
  assert.ok(r.traces.some((t) => t.steps.some((st) => st.line === 7 && /get_page/.test(st.statement))));
  const bad = simulateHunk([s], await getSyntax(), 7, E2);
  assert.ok('error' in bad);
});

test('repairFragment blanks a comment cut by the hunk and the tail of a condition above it', () => {
  const text = ' * tail of a comment\n */\n\t\t\treturn;\n\t\tput_page(page);\n}\n/* opened here';
  const out = repairFragment(text);
  assert.equal(out.length, text.length);
  assert.deepEqual(out.split('\n').map((l) => l.trim()), ['', '', '', 'put_page(page);', '}', '']);
  assert.equal(repairFragment('\treturn 0;\n}\n'), '\treturn 0;\n}\n', 'a return at the same depth stays');
});

test('a function that only handles the shared zero page is not placed into a page life', async () => {
  const zero = `diff --git a/mm/huge_memory.c b/mm/huge_memory.c
--- a/mm/huge_memory.c
+++ b/mm/huge_memory.c
@@ -1,4 +1,4 @@ static void drop_zero_folio(struct shrinker *s)
 {
-	put_page(zero_page);
+	folio_put(zero_folio);
 }
`;
  const r = createReviewer(await getSyntax()).review([await series(zero)], E2);
  const h = r.patches[0]!.files[0]!.hunks[0]!;
  assert.equal(h.calls.length, 2);
  assert.deepEqual(h.findings.map((f) => f.ruleId), []);
});

test('nothing read is dropped: a table call the simulation cannot hold is a problem naming it; fragment parse trouble is not', async () => {
  const define = `diff --git a/mm/memremap.c b/mm/memremap.c
--- a/mm/memremap.c
+++ b/mm/memremap.c
@@ -10,3 +10,4 @@ void free_zone_device_folio(struct folio *folio)
 	put_dev_pagemap(folio->pgmap);
+#define DROP(p) put_page(p)
 	folio_put(folio);
 	return;
`;
  const r = createReviewer(await getSyntax()).review([await series(define)], E2);
  assert.deepEqual(r.problems.map((p) => [p.line, p.message]), [[5, 'put_page() on this added line is not simulated: the C around it does not read as a statement of a function body']]);
  // A hunk that starts with a dangling else parses once the if above it is supplied: no problem at all.
  const dangling = `diff --git a/drivers/pci/p2pdma.c b/drivers/pci/p2pdma.c
--- a/drivers/pci/p2pdma.c
+++ b/drivers/pci/p2pdma.c
@@ -10,5 +10,4 @@ static int p2pmem_alloc_mmap(struct file *filp, struct kobject *kobj,
 	} else {
 		ret = vm_insert_page(vma, vaddr, page);
-		percpu_ref_put(ref);
 	}
 	return ret;
`;
  const d = createReviewer(await getSyntax()).review([await series(dangling)], E2);
  assert.deepEqual(d.problems, []);
  assert.ok(d.patches[0]!.files[0]!.hunks[0]!.calls.some((c) => c.callee === 'percpu_ref_put' && c.side === 'before'));
});

/** A small patch of ours adding a helper (`storage` its storage class) that initialises a page and takes
 * a second reference, with nothing else of the patch naming it. */
function helperPatch(storage: string): string {
  return `diff --git a/lib/test_hmm.c b/lib/test_hmm.c
--- a/lib/test_hmm.c
+++ b/lib/test_hmm.c
@@ -10,6 +10,13 @@ static int dmirror_ready(struct dmirror *d)
 	return d->ready;
 }
 
+${storage}void dmirror_init_twice(struct page *page)
+{
+	zone_device_page_init(page);
+	get_page(page);
+}
+
 static struct page *dmirror_alloc(struct dmirror *d)
 {
 	struct page *page = dmirror_pop(d);
`;
}

test('a static helper the patch adds and nothing it shows names is dead code: not placed into a page life', async () => {
  // Static and unnamed elsewhere, it cannot run: no effect. Not static, it may be called from other
  // files: placed as an allocator by its calls, it hands pages out at 2.
  const reviewer = createReviewer(await getSyntax());
  const effects = async (storage: string) => reviewer.review([await series(helperPatch(storage))], E2).patches[0]!.files[0]!.hunks.flatMap((h) => h.effects.filter((e) => e.aspect === 'alloc-refcount').map((e) => `${e.before}->${e.after}`));
  assert.deepEqual(await effects('static '), []);
  assert.deepEqual(await effects(''), ['1->2']);
});

test('a driver allocator that hands out pages without zone_device_page_init(): migrate_vma frees them under the new entry', async () => {
  // linux-6.12: free PRIVATE/COHERENT pages rest at 0 without a pgmap reference; remove_migration_pte()
  // takes the entry's reference (0 -> 1) and migrate_device_finalize() puts the driver's (1 -> 0): the
  // free path runs (put_dev_pagemap() of a reference never taken) while the entry maps the page, whose
  // zap then underflows.
  const patch = allocPatch('').replace(' \tzone_device_page_init(page);\n+\t\n', '-\tzone_device_page_init(page);\n').replace('@@ -10,6 +10,7 @@', '@@ -10,6 +10,5 @@');
  const r = createReviewer(await getSyntax()).review([await series(patch)], E2);
  const found = r.patches[0]!.files[0]!.hunks.flatMap((h) => h.findings.filter((f) => f.status === 'introduced').map((f) => f.ruleId));
  for (const rule of ['pgmap-ref-imbalance', 'mapping-without-reference', 'refcount-underflow']) assert.ok(found.includes(rule as never), `${rule}: ${found.join(', ')}`);
});

/** A rule case of ours, as a series. */
async function ruleCase(rule: string, name: string): Promise<Series> {
  const file = new URL(`../../../src/core/rules/${rule}/cases/${name}.patch`, import.meta.url);
  return series((await import('node:fs')).readFileSync(file, 'utf8'));
}

// Expectations: the E2 FS DAX waker (__put_devmap_managed_folio_refs()) wakes at the count its guard
// tests; memunmap_pages() without its wait no longer waits for pages holding a user's pgmap reference
// (PRIVATE/COHERENT allocations, P2PDMA mappings).
test('idle-refcount is read from the waker too; a deleted wait with nothing left of its function', async () => {
  const reviewer = createReviewer(await getSyntax());
  const waker = reviewer.review([await ruleCase('wait-wake-mismatch', 'waker-count-zero')], E2).patches[0]!.files[0]!.hunks[0]!;
  assert.deepEqual(waker.effects.filter((e) => e.aspect === 'idle-refcount').map((e) => [e.types, e.before, e.after]), [[['FS_DAX'], '1', '0']]);
  const wait = reviewer.review([await ruleCase('pgmap-teardown-race', 'wait-deleted-u1')], E2).patches[0]!.files[0]!.hunks[0]!;
  assert.deepEqual(wait.effects.filter((e) => e.aspect === 'teardown-waits').map((e) => [[...e.types].sort(), e.before, e.after]), [[['COHERENT', 'P2PDMA', 'PRIVATE'], 'yes', 'no']]);
});
