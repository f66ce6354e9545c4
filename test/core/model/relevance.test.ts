// Which pgmap types reach a hunk, and what the review of a whole patch keeps: generic mm code is
// not simulated (its calls are still listed), type words pick the types, a hazard seen at one line
// is one finding, and a change of the tree shown by several hunks of a patch is reported once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer, type ReviewOptions } from '../../../src/core/model/pipeline';
import type { HunkReport } from '../../../src/core/report/types';
import { getSyntax } from '../sim/helpers';

const E2: ReviewOptions = { era: 'E2', includePresent: false };

/** A one-hunk patch of `path` inside `fn` replacing `before` by `after` (each a statement list). */
function patch(path: string, fn: string, before: string[], after: string[], context: string[] = ['struct page *page = lookup(addr);']): string {
  const lines = [...context.map((l) => ` \t${l}`), ...before.map((l) => `-\t${l}`), ...after.map((l) => `+\t${l}`), ' }'];
  const old = context.length + before.length + 1;
  const neu = context.length + after.length + 1;
  return `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -10,${old} +10,${neu} @@ ${fn}\n${lines.join('\n')}\n`;
}

async function review(text: string, opts = E2): Promise<HunkReport[]> {
  const series = (await parseDocument({ name: 'test.patch', content: text })).value;
  const r = createReviewer(await getSyntax()).review([series], opts);
  return r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
}

async function tracedTypes(text: string): Promise<string[]> {
  const series = (await parseDocument({ name: 'test.patch', content: text })).value;
  const r = createReviewer(await getSyntax()).simulate([series], 1, E2);
  assert.ok(!('error' in r));
  return [...new Set(r.traces.map((t) => t.type))].sort();
}

const FOLIO_PUT = { before: ['put_page(page);'], after: ['folio_put(page_folio(page));'] };

test('generic mm code: a put_page -> folio_put conversion is not simulated, its calls are still listed', async () => {
  const [h] = await review(patch('mm/ksm.c', 'static void ksm_drop(struct ksm_item *item)', FOLIO_PUT.before, FOLIO_PUT.after));
  assert.deepEqual(h!.effects, []);
  assert.deepEqual(h!.findings, []);
  assert.deepEqual(h!.calls.map((c) => `${c.callee} ${c.side} ${c.function}`), ['put_page before ksm_drop', 'folio_put after ksm_drop']);
  assert.deepEqual(await tracedTypes(patch('mm/ksm.c', 'static void ksm_drop(struct ksm_item *item)', FOLIO_PUT.before, FOLIO_PUT.after)), []);
});

test('calls listed from the text of generic code skip comments (also one cut by the hunk) and strings, not macro bodies', async () => {
  const context = [
    ' * put_page(page) in the tail of a comment opened above the hunk',
    ' */',
    'pr_debug("get_page(%p)\\n", page); // folio_get(folio)',
    '#define drop(p) release_pages((p), 1)',
  ];
  const [h] = await review(patch('mm/ksm.c', 'static void ksm_drop(struct ksm_item *item)', ['put_page(page); /* was: folio_put( */'], ['folio_put(page_folio(page));', '/* get_page(page) opened here'], context));
  assert.deepEqual(h!.calls.map((c) => `${c.callee} ${c.side} ${c.line}:${c.character}`), ['release_pages both 7:18', 'put_page before 8:2', 'folio_put after 9:2']);
  // A prototype names a function without calling it.
  const [p] = await review(patch('mm/ksm.c', 'static void ksm_drop(struct ksm_item *item)', ['extern void put_page(struct page *page);'], ['return put_page(page);'], ['struct page *folio_get(struct folio *folio);']));
  assert.deepEqual(p!.calls.map((c) => `${c.callee} ${c.side}`), ['put_page after']);
});

test('generic code read as text still reports C it cannot be: unbalanced braces, a string left open', async () => {
  const problems = async (text: string) => {
    const series = (await parseDocument({ name: 'test.patch', content: text })).value;
    return createReviewer(await getSyntax()).review([series], E2).problems.map((p) => `${p.line}: ${p.message}`);
  };
  const def = (body: string[]) =>
    `diff --git a/mm/ksm.c b/mm/ksm.c\n--- a/mm/ksm.c\n+++ b/mm/ksm.c\n@@ -10,4 +10,${4 + body.length} @@\n static void ksm_drop(struct page *page)\n {\n${body.map((l) => `+${l}`).join('\n')}\n \tput_page(page);\n }\n`;
  assert.deepEqual(await problems(def(['\tif (page) {'])), ['4: C lexis: braces do not balance in ksm_drop() (1 left open at its last line)']);
  assert.deepEqual(await problems(def(['\tpr_info("oops %p, page);'])), ['6: C lexis: string literal not closed on its line']);
  // The tail of a comment opened above the hunk, with an apostrophe, is not a literal.
  assert.deepEqual(await problems(patch('mm/ksm.c', 'static void ksm_drop(struct ksm_item *item)', FOLIO_PUT.before, FOLIO_PUT.after, [" * it's the last user */", 'page = find(addr);'])), []);
});

test('the same conversion in FS DAX code is one finding per line (not one per scenario)', async () => {
  const hunks = await review(patch('fs/dax.c', 'static void dax_unpin(struct page *page)', FOLIO_PUT.before, FOLIO_PUT.after));
  const mine = hunks.flatMap((h) => h.findings).filter((f) => f.ruleId === 'folio-put-skips-devmap-hook');
  assert.equal(mine.length, 1);
  assert.deepEqual(mine[0]!.types, ['FS_DAX']);
  assert.equal(mine[0]!.status, 'introduced');
});

test('in a filesystem, FS DAX pages reach its DAX code only', async () => {
  // ext4's inline data never holds a DAX page: its put_page -> folio_put conversion is generic code.
  const inline = patch('fs/ext4/inline.c', 'static int ext4_convert_inline_data_to_extent(struct address_space *mapping, struct inode *inode)', FOLIO_PUT.before, FOLIO_PUT.after);
  const [h] = await review(inline);
  assert.deepEqual([h!.effects, h!.findings], [[], []]);
  assert.deepEqual(await tracedTypes(inline), []);
  const dax = patch('fs/ext4/inode.c', 'static vm_fault_t ext4_dax_huge_fault(struct vm_fault *vmf, unsigned int order)', FOLIO_PUT.before, FOLIO_PUT.after);
  assert.deepEqual(await tracedTypes(dax), ['FS_DAX']);
  assert.ok((await review(dax)).some((x) => x.findings.some((f) => f.ruleId === 'folio-put-skips-devmap-hook')));
});

test('core code reaches the types it names: a device-private entry branch is PRIVATE only', async () => {
  const text = patch('mm/memory.c', 'static void zap_entry(swp_entry_t entry)', FOLIO_PUT.before, FOLIO_PUT.after, ['struct page *page = pfn_swap_entry_to_page(entry);', 'if (is_device_private_entry(entry))']);
  assert.deepEqual(await tracedTypes(text), ['PRIVATE']);
});

test('a ZONE_DEVICE word only in a comment or an assertion does not make code reachable', async () => {
  const commented = patch('mm/khugepaged.c', 'static void collapse(struct page *page)', FOLIO_PUT.before, FOLIO_PUT.after, ['/* not for zone_device pages, see pgmap */', 'page = find(addr);']);
  assert.deepEqual(await tracedTypes(commented), []);
  const asserted = patch('mm/khugepaged.c', 'static void collapse(struct page *page)', FOLIO_PUT.before, FOLIO_PUT.after, ['if (WARN_ON_ONCE(page && is_zone_device_page(page)))', '\tgoto abort;']);
  assert.deepEqual(await tracedTypes(asserted), []);
  const tested = patch('mm/khugepaged.c', 'static void collapse(struct page *page)', FOLIO_PUT.before, FOLIO_PUT.after, ['if (is_zone_device_page(page))', '\tgoto abort;']);
  assert.deepEqual(await tracedTypes(tested), ['COHERENT', 'FS_DAX', 'GENERIC', 'P2PDMA', 'PRIVATE']);
});

test('a function of the API table is reached by every type, wherever it is', async () => {
  const text = patch('mm/swap.c', 'void release_pages(struct page **pages, int nr)', ['put_page(page);'], ['folio_put(page_folio(page));']);
  assert.deepEqual(await tracedTypes(text), ['COHERENT', 'FS_DAX', 'GENERIC', 'P2PDMA', 'PRIVATE']);
});

test('a hunk that only reaches the free path of a 1-based type does not introduce free-page-nonzero-refcount', async () => {
  // Before the patch the release leaks the user's reference, so the page never reaches its free
  // path; after it, it does, and FS_DAX rests at 1 there as it always did: the free path is unchanged.
  const text = patch('fs/dax.c', 'static void dax_release(struct page *page)', ['unlock_page(page);'], ['unlock_page(page);', 'put_page(page);']);
  const findings = (await review(text, { era: 'E2', includePresent: true })).flatMap((h) => h.findings).filter((f) => f.ruleId === 'free-page-nonzero-refcount');
  assert.deepEqual(findings.filter((f) => f.status !== 'present').map((f) => `${f.status}: ${f.message}`), []);
});

test('wait-wake-mismatch needs a changed wait, wake or release put; it is not placed on unrelated lines', async () => {
  // A memmap-init change moves FS DAX pages to 0 at init: the E2 idle wait (count 1) then no longer
  // pairs with a wake, but the hunk changes neither: no finding here, on an init line.
  const init = patch('mm/mm_init.c', 'static void __init_zone_device_page(struct page *page, unsigned long pfn,',
    ['if (pgmap->type == MEMORY_DEVICE_PRIVATE)', '	set_page_count(page, 0);'], ['set_page_count(page, 0);'], ['__init_single_page(page, pfn, zone_idx, nid);']);
  const initFindings = (await review(init)).flatMap((h) => h.findings);
  assert.ok(initFindings.some((f) => f.ruleId === 'pgmap-type-guard-changed'), 'the hunk is simulated');
  assert.deepEqual(initFindings.filter((f) => f.ruleId === 'wait-wake-mismatch'), []);
  const waiter = patch('fs/ext4/inode.c', 'int ext4_break_layouts(struct inode *inode)',
    ['error = ___wait_var_event(&page->_refcount, atomic_read(&page->_refcount) == 1, TASK_INTERRUPTIBLE, 0, 0, ext4_wait_dax_page(inode));'],
    ['error = ___wait_var_event(page, page_ref_count(page) == 0, TASK_INTERRUPTIBLE, 0, 0, ext4_wait_dax_page(inode));'], ['struct page *page = dax_layout_busy_page(inode->i_mapping);']);
  const hunks = await review(waiter);
  const found = hunks.flatMap((h) => h.findings).filter((f) => f.ruleId === 'wait-wake-mismatch');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.status, 'introduced');
  const added = waiter.split('\n').findIndex((l) => l.startsWith('+\terror'));
  assert.equal(found[0]!.line, added, 'on the changed wait');
});

test('a change of the tree that several hunks of one patch show is reported once', async () => {
  // Hunk 1 adds the P2PDMA user mapping, hunk 2 its free callback: both hunks see the same two trees
  // (neither function exists before the patch), so both show the new mapping reference.
  const text = `diff --git a/drivers/pci/p2pdma.c b/drivers/pci/p2pdma.c
--- a/drivers/pci/p2pdma.c
+++ b/drivers/pci/p2pdma.c
@@ -10,3 +10,12 @@ static int p2pdma_setup(struct pci_dev *pdev)
 {
 	return 0;
 }
+
+static int p2pmem_alloc_mmap(struct pci_dev *pdev, struct vm_area_struct *vma)
+{
+	struct page *page = p2pmem_pop(pdev);
+	percpu_ref_tryget_live_rcu(pdev->ref);
+	vm_insert_page(vma, vma->vm_start, page);
+	put_page(page);
+	return 0;
+}
@@ -40,3 +49,8 @@ static void p2pdma_teardown(struct pci_dev *pdev)
 {
 	pdev->n = 0;
 }
+
+static void p2pdma_page_free(struct page *page)
+{
+	percpu_ref_put(pdev->ref);
+}
`;
  const hunks = await review(text);
  const key = (e: { aspect: string; types: readonly string[]; before: string; after: string }) => `${e.aspect} ${e.types.join(',')} ${e.before}->${e.after}`;
  const effects = hunks.flatMap((h) => h.effects.map(key));
  assert.ok(effects.includes('mapping-ref P2PDMA no->yes'), effects.join('; '));
  assert.equal(effects.length, new Set(effects).size, `no effect twice: ${effects.join('; ')}`);
  // Alone, the second hunk shows the same change: the review kept it on one hunk.
  const series = (await parseDocument({ name: 'test.patch', content: text })).value;
  const second = createReviewer(await getSyntax()).simulate([series], 2, E2);
  assert.ok(!('error' in second));
  assert.ok(second.hunk.effects.map(key).includes('mapping-ref P2PDMA no->yes'));
});

test('a type guard that is only respelled (page -> folio) is no guard change; a removed one is', async () => {
  const respelled = patch('mm/migrate.c', 'static int add_page_for_migration(struct mm_struct *mm, unsigned long addr)',
    ['if (is_zone_device_page(page))', '\tgoto out_putpage;', 'put_page(page);'], ['if (folio_is_zone_device(folio))', '\tgoto out_putpage;', 'folio_put(folio);']);
  const none = (await review(respelled)).flatMap((h) => h.findings).filter((f) => f.ruleId === 'pgmap-type-guard-changed');
  assert.deepEqual(none, []);
  const removed = patch('mm/migrate.c', 'static int add_page_for_migration(struct mm_struct *mm, unsigned long addr)',
    ['if (is_zone_device_page(page))', '\tgoto out_putpage;', 'put_page(page);'], ['put_page(page);']);
  const found = (await review(removed)).flatMap((h) => h.findings).filter((f) => f.ruleId === 'pgmap-type-guard-changed');
  assert.ok(found.length > 0, 'removing the guard changes what ZONE_DEVICE pages do');
});
