import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, scenariosFor } from '../../../src/core/sim/scenarios';
import { observe } from '../../../src/core/model/aspects';
import { TABLE_VIEW } from '../../../src/core/model/api-view';
import type { Era, PgmapType } from '../../../src/core/types';
import { bodiesOf } from './helpers';
import type { Body } from '../../../src/core/sim/interp';
import { userPgmapRefs } from '../../../src/core/sim/state';

function aspects(era: Era, type: PgmapType, bodies: ReadonlyMap<string, Body> = new Map()): Record<string, string> {
  const runs = scenariosFor(type).map((s) => runScenario(s, { era, type, side: 'after', api: TABLE_VIEW, bodies, placed: [] }));
  return Object.fromEntries(observe(runs).map((o) => [`${o.aspect}${o.where === 'after the free path' ? '@free' : ''}`, o.value]));
}

test('table eras: the page life of each type matches refcount-model.md', () => {
  const e2p = aspects('E2', 'PRIVATE');
  assert.equal(e2p['free-refcount'], '0');
  assert.equal(e2p['free-refcount@free'], '0');
  assert.equal(e2p['alloc-refcount'], '1');
  assert.equal(e2p['mapping-kind'], 'swap-entry');
  assert.equal(e2p['mapping-ref'], 'yes');
  assert.equal(e2p['page-free-callback'], 'yes');
  assert.equal(e2p['pgmap-ref'], 'per-allocation');
  assert.equal(e2p['teardown-waits'], 'yes');

  const e1p = aspects('E1', 'PRIVATE');
  assert.equal(e1p['free-refcount@free'], '1', 'E1 resets to 1');
  assert.equal(e1p['teardown-waits'], 'no', 'E1 memunmap_pages drops the per-page refs up front');

  const e0p = aspects('E0', 'PRIVATE');
  assert.equal(e0p['alloc-refcount'], '2', 'the E0 extra reference');

  const e2d = aspects('E2', 'FS_DAX');
  assert.equal(e2d['free-refcount'], '1');
  assert.equal(e2d['mapping-kind'], 'devmap');
  assert.equal(e2d['mapping-ref'], 'no');
  assert.equal(e2d['idle-refcount'], '1');
  assert.equal(e2d['gup-pgmap-ref'], 'yes');
  assert.equal(e2d['longterm-pin'], 'refused');

  const e3d = aspects('E3', 'FS_DAX');
  assert.equal(e3d['free-refcount'], '0');
  assert.equal(e3d['mapping-kind'], 'normal');
  assert.equal(e3d['mapping-ref'], 'yes');
  assert.equal(e3d['idle-refcount'], '0');
  assert.equal(e3d['gup-pgmap-ref'], 'no');
  assert.equal(e3d['longterm-pin'], 'refused');

  assert.equal(aspects('E2', 'GENERIC')['longterm-pin'], 'allowed');
  assert.equal(aspects('E3', 'GENERIC')['free-refcount@free'], '1', 'GENERIC stays 1-based in E3');
  const e2x = aspects('E2', 'P2PDMA');
  assert.equal(e2x['pgmap-ref'], 'per-allocation', 'p2pmem_alloc_mmap takes one, p2pdma_page_free drops it');
  assert.equal(aspects('E3', 'P2PDMA')['free-refcount'], '0');
});

test('break-layouts: wait and wake pair up, on the refcount at 1 in E2 and on the page at 0 in E3', () => {
  for (const [era, key, count] of [['E2', 'refcount', 1], ['E3', 'page', 0]] as const) {
    const run = runScenario('break-layouts', { era, type: 'FS_DAX', side: 'after', api: TABLE_VIEW, bodies: new Map(), placed: [] });
    const end = run.ends.at(-1)!.state;
    assert.deepEqual(end.waits[0], { key, count }, era);
    assert.ok(end.wakes.some((w) => w.key === key && w.count === count), `${era} wakes ${JSON.stringify(end.wakes)}`);
  }
});

test('a patched free path replaces the table behaviour; placed functions take a phase by role', async () => {
  const bodies = await bodiesOf(`void free_zone_device_page(struct page *page)
{
	page->pgmap->ops->page_free(page);
	put_dev_pagemap(page->pgmap);
}
struct page *my_alloc(struct my_dev *d)
{
	struct page *page = my_pop(d);

	zone_device_page_init(page);
	get_page(page);
	return page;
}`);
  const generic = aspects('E2', 'GENERIC', bodies);
  assert.equal(generic['free-refcount@free'], '0', 'no reset to 1 any more');
  assert.match(generic['pgmap-ref']!, /^unbalanced/);
  const run = runScenario('page-life', { era: 'E2', type: 'PRIVATE', side: 'after', api: TABLE_VIEW, bodies, placed: [{ name: 'my_alloc', role: 'alloc' }] });
  assert.equal(run.ends.find((e) => e.phase === 'alloc')!.state.refcount, 2, 'the driver allocator ran in the alloc phase');
  assert.ok(run.trace.steps.some((s) => s.function === 'my_alloc' && s.line === 10));
});

test('P2PDMA without p2pmem_alloc_mmap (before v6.2, or a side of a patch lacking it) lives in the kernel: pci_alloc_p2pmem holds a pgmap ref per allocation', () => {
  const run = (absent: ReadonlySet<string>) => {
    const runs = scenariosFor('P2PDMA').map((s) => runScenario(s, { era: 'E2', type: 'P2PDMA', side: 'before', api: TABLE_VIEW, bodies: new Map(), absent, placed: [] }));
    return Object.fromEntries(observe(runs).map((o) => [o.aspect, o.value]));
  };
  const inKernel = run(new Set(['p2pmem_alloc_mmap', 'p2pdma_page_free']));
  assert.equal(inKernel['pgmap-ref'], 'per-allocation', 'pci_free_p2pmem drops what pci_alloc_p2pmem took');
  assert.equal(inKernel['teardown-waits'], 'yes', 'memunmap_pages waits for allocated memory');
  assert.equal(inKernel['page-free-callback'], 'no');
  assert.equal(inKernel['mapping-ref'], 'no');
  const mmap = run(new Set());
  assert.equal(mmap['pgmap-ref'], 'per-allocation');
  assert.equal(mmap['teardown-waits'], 'yes');
  assert.equal(mmap['page-free-callback'], 'yes');
  assert.equal(mmap['mapping-ref'], 'yes');
});

test('scenarios run with one input share the run of their common start and match separate runs', () => {
  const input = { era: 'E2' as const, type: 'FS_DAX' as const, side: 'after' as const, api: TABLE_VIEW, bodies: new Map(), placed: [] };
  const shared = scenariosFor('FS_DAX').map((s) => runScenario(s, input));
  const separate = scenariosFor('FS_DAX').map((s) => runScenario(s, { ...input }));
  assert.deepEqual(shared, separate);
});

test('large folios (table eras): init takes one pgmap ref per base page, the free path drops folio_nr_pages() of them', () => {
  const input = { era: 'E5' as const, type: 'PRIVATE' as const, side: 'after' as const, api: TABLE_VIEW, bodies: new Map(), placed: [] };
  assert.deepEqual(scenariosFor('PRIVATE', 'E5').filter((s) => s.startsWith('page-life:')), ['page-life:order-1', 'page-life:pmd', 'page-life:former-tail']);
  assert.deepEqual(scenariosFor('PRIVATE', 'E4').filter((s) => s.startsWith('page-life:')), [], 'no large device-private folios before E5');
  assert.deepEqual(scenariosFor('FS_DAX', 'E3').filter((s) => s.startsWith('page-life:')), ['page-life:pmd']);
  assert.deepEqual(scenariosFor('FS_DAX', 'E2').filter((s) => s.startsWith('page-life:')), []);
  for (const [scenario, pages] of [['page-life', 1], ['page-life:order-1', 2], ['page-life:pmd', 512]] as const) {
    const run = runScenario(scenario, input);
    const state = (phase: string) => run.ends.find((e) => e.phase === phase)!.state;
    assert.equal(state('alloc').pgmapRefs, pages, `${scenario}: tryget_many(1 << order)`);
    assert.equal(state('alloc').refcount, 1, `${scenario}: the head at 1`);
    assert.equal(state('alloc').compound ?? false, pages > 1, `${scenario}: compound set-up for order > 0`);
    assert.equal(state('free').freed, 1, `${scenario}: freed once`);
    assert.equal(state('free').pgmapRefs, 0, `${scenario}: balanced`);
  }
});

test('device-private PMD (E5): fork gives the child a reference and a mapcount, both zaps drop theirs, change_huge_pmd none', () => {
  const run = runScenario('page-life:pmd', { era: 'E5', type: 'PRIVATE', side: 'after', api: TABLE_VIEW, bodies: new Map(), placed: [] });
  const state = (phase: string) => run.ends.find((e) => e.phase === phase)!.state;
  assert.deepEqual([state('map').refcount, state('map').mapcount, state('map').mapping], [1, 1, 'swap-entry']);
  assert.deepEqual([state('fork').refcount, state('fork').mapcount, state('fork').mapping], [2, 2, 'swap-entry']);
  assert.deepEqual([state('change-prot').refcount, state('change-prot').mapcount], [2, 2]);
  assert.deepEqual([state('free').refcount, state('free').mapcount, state('free').mapping, state('free').freed], [0, 0, 'none', 1]);
  assert.ok(!state('free').underflow);
});

test('FS DAX PMD folios (E3+): compound on association, still compound at the free path, split when the last share goes', () => {
  const run = runScenario('page-life:pmd', { era: 'E3', type: 'FS_DAX', side: 'after', api: TABLE_VIEW, bodies: new Map(), placed: [] });
  const state = (phase: string) => run.ends.find((e) => e.phase === phase)!.state;
  assert.equal(state('alloc').compound, true);
  assert.deepEqual([state('map').refcount, state('map').mapping, state('map').mappingHoldsRef], [1, 'normal', true], 'vmf_insert_folio_pmd() under a temporary reference');
  assert.deepEqual([state('free').refcount, state('free').freed, state('free').compound], [0, 1, true]);
  assert.equal(state('disassociate').compound, false);
});

test('a former tail (E5): the table init clears the stale compound head; a patched body binds its order parameter', async () => {
  const input = { era: 'E5' as const, type: 'PRIVATE' as const, side: 'after' as const, api: TABLE_VIEW, placed: [] };
  const tail = runScenario('page-life:former-tail', { ...input, bodies: new Map() });
  assert.equal(tail.ends.find((e) => e.phase === 'init')!.state.staleHead, true);
  assert.equal(tail.ends.find((e) => e.phase === 'alloc')!.state.staleHead, false);
  const bodies = await bodiesOf(`void zone_device_page_init(struct page *page, unsigned int order)
{
	percpu_ref_tryget_many(&page_pgmap(page)->ref, 1 << order);
	set_page_count(page, 1);
	if (order > 1)
		prep_compound_page(page, order);
}`);
  const order1 = runScenario('page-life:order-1', { ...input, bodies });
  const alloc = order1.ends.find((e) => e.phase === 'alloc')!.state;
  assert.deepEqual([alloc.pgmapRefs, alloc.compound ?? false], [2, false], 'order = 1 bound: two refs taken, no compound set-up');
  assert.equal(order1.ends.find((e) => e.phase === 'free')!.state.pgmapRefs, 1, 'folio_nr_pages() is 1: one ref leaks');
});

test('a patched dax_folio_init() sets up the PMD entry\'s folio through dax_entry_order()', async () => {
  const bodies = await bodiesOf(`void dax_associate_entry(void *entry, struct address_space *mapping, struct vm_area_struct *vma, unsigned long address, bool shared)
{
	dax_folio_init(entry);
}
void dax_folio_init(void *entry)
{
	struct folio *folio = dax_to_folio(entry);
	int order = dax_entry_order(entry);

	WARN_ON_ONCE(folio_order(folio));
	if (order > 0) {
		prep_compound_page(&folio->page, order);
		WARN_ON_ONCE(folio_ref_count(folio));
	}
}`);
  const run = runScenario('page-life:pmd', { era: 'E3', type: 'FS_DAX', side: 'after', api: TABLE_VIEW, bodies, placed: [] });
  const alloc = run.ends.find((e) => e.phase === 'alloc')!.state;
  assert.deepEqual([alloc.order, alloc.compound, alloc.warns], [9, true, []]);
});

test('device-private PMD migration given up (E5): the collect reference and the migration entry net to nothing', () => {
  const run = runScenario('page-life:pmd', { era: 'E5', type: 'PRIVATE', side: 'after', api: TABLE_VIEW, bodies: new Map(), placed: [] });
  const state = (phase: string) => run.ends.find((e) => e.phase === phase)!.state;
  assert.deepEqual([state('migrate').refcount, state('migrate').mapcount, state('migrate').mapping], [2, 2, 'swap-entry']);
  // A put is two steps (the call, then the count going down): the last step of each call is its result.
  const after = new Map(run.trace.steps.filter((s) => s.phase === 'migrate').map((s) => [s.statement.replace(/\(.*/, ''), [s.after.refcount, s.after.mapcount, s.after.mapping]]));
  assert.deepEqual([...after], [['folio_get', [3, 2, 'swap-entry']], ['set_pmd_migration_entry', [2, 1, 'swap-entry']], ['remove_migration_pmd', [3, 2, 'swap-entry']], ['folio_put', [2, 2, 'swap-entry']]]);
});

// GUP runs check_vma_flags() and the page grab on its way (the table's `reaches`): a body the patch
// gives them runs inside pin_user_pages(), with the flags the long-term pin passes (FOLL_LONGTERM, and
// FOLL_PIN that pin_user_pages() adds). Expectations from mm/gup.c (4003f107fa2e, v6.2): the grab
// refuses P2PDMA pages unless FOLL_PCI_P2PDMA, which the long-term pin does not pass.
test('reached bodies: a refusal in the page grab or the vma check is GUP refusing the pin, decided by the flags passed', async () => {
  const grab = await bodiesOf(`int try_grab_folio(struct folio *folio, int refs, unsigned int flags)
{
	if (unlikely(!(flags & FOLL_PCI_P2PDMA) && is_pci_p2pdma_page(&folio->page)))
		return -EREMOTEIO;
	if (flags & FOLL_GET)
		folio_ref_add(folio, refs);
	return 0;
}`);
  for (const type of ['P2PDMA', 'GENERIC'] as const) {
    assert.equal(aspects('E2', type)['longterm-pin'], 'allowed', `${type}: the table alone`);
  }
  assert.equal(aspects('E2', 'P2PDMA', grab)['longterm-pin'], 'refused', 'P2PDMA without FOLL_PCI_P2PDMA');
  assert.equal(aspects('E2', 'GENERIC', grab)['longterm-pin'], 'allowed', 'the test is on P2PDMA pages only');

  // A vma check on a flag the pin passes refuses every type; one on a flag it does not pass, none.
  const vma = (cond: string) => bodiesOf(`static int check_vma_flags(struct vm_area_struct *vma, unsigned long gup_flags)
{
	if (${cond})
		return -EOPNOTSUPP;
	return 0;
}`);
  assert.equal(aspects('E2', 'GENERIC', await vma('gup_flags & FOLL_LONGTERM'))['longterm-pin'], 'refused');
  assert.equal(aspects('E2', 'GENERIC', await vma('(gup_flags & FOLL_LONGTERM) && (gup_flags & FOLL_PCI_P2PDMA)'))['longterm-pin'], 'allowed');
  assert.equal(aspects('E2', 'GENERIC', await vma('gup_flags & FOLL_PIN'))['longterm-pin'], 'refused', 'pin_user_pages() adds FOLL_PIN');
  // GUP never reaches a device-private page: a patched grab does not run for one.
  const refuseAll = await bodiesOf(`int try_grab_folio(struct folio *folio, int refs, unsigned int flags)
{
	return -ENOMEM;
}`);
  assert.equal(aspects('E2', 'PRIVATE', refuseAll)['longterm-pin'], aspects('E2', 'PRIVATE')['longterm-pin'], 'PRIVATE: as the table says');
  assert.equal(aspects('E2', 'GENERIC', refuseAll)['longterm-pin'], 'refused', 'GENERIC: the grab refuses');
  // A refusal on a condition the model cannot decide is an alternative, not the outcome.
  assert.equal(aspects('E2', 'GENERIC', await vma('vma->vm_flags & VM_IO'))['longterm-pin'], 'allowed');
});

test('FS DAX page life ends with a truncate at the resting count; a body\'s checks are recorded with their outcome', async () => {
  const input = { era: 'E2' as const, type: 'FS_DAX' as const, side: 'after' as const, api: TABLE_VIEW, placed: [] };
  const table = runScenario('page-life', { ...input, bodies: new Map() });
  assert.deepEqual(table.ends.map((e) => e.phase).slice(-2), ['free', 'disassociate']);
  assert.equal(table.ends.at(-1)!.state.refcount, 1, 'an idle E2 FS DAX page rests at 1 when it leaves the file');
  const bodies = await bodiesOf(`static void dax_disassociate_entry(void *entry, struct address_space *mapping, bool trunc)
{
	WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
	WARN_ON_ONCE(trunc && page_ref_count(page) > 0);
	WARN_ON_ONCE(page->mapping && page_ref_count(page) > 0);
}`);
  const run = runScenario('page-life', { ...input, bodies });
  const checks = run.ends.at(-1)!.state.checks ?? [];
  assert.deepEqual(checks.map((c) => [c.holds, c.root, c.phase]), [[false, 'dax_disassociate_entry', 'disassociate'], [true, 'dax_disassociate_entry', 'disassociate'], [null, 'dax_disassociate_entry', 'disassociate']],
    'trunc is bound to true by the truncate; ->mapping is not tracked');
});

test('break-layouts looks again once woken only through a patched busy test, and waits again when it still finds the page busy', async () => {
  const input = { era: 'E2' as const, type: 'FS_DAX' as const, side: 'after' as const, api: TABLE_VIEW, placed: [] };
  const waitsAfter = (run: ReturnType<typeof runScenario>) => [run.ends.find((e) => e.phase === 'unpin')?.state.waits.length, run.ends.find((e) => e.phase === 'recheck')?.state.waits.length];
  assert.deepEqual(waitsAfter(runScenario('break-layouts', { ...input, bodies: new Map() })), [1, undefined], 'the table\'s busy test: no second round');
  const busy = (cond: string) => bodiesOf(`static struct page *dax_busy_page(void *entry)
{
	unsigned long pfn;

	for_each_mapped_pfn(entry, pfn) {
		struct page *page = pfn_to_page(pfn);

		if (${cond})
			return page;
	}
	return NULL;
}`);
  assert.deepEqual(waitsAfter(runScenario('break-layouts', { ...input, bodies: await busy('page_ref_count(page) > 1') })), [1, undefined], 'idle at 1: the loop ends');
  assert.deepEqual(waitsAfter(runScenario('break-layouts', { ...input, bodies: await busy('page_ref_count(page) > 0') })), [1, 2], 'busy at 1: it waits again');
});

test('P2PDMA mmap life (E2): the patch\'s ->page_free body runs; a page kept at 1 with its pgmap ref is stuck, not resting; a second mapping is not judged', async () => {
  // linux-6.12 drivers/pci/p2pdma.c: p2pmem_alloc_mmap() takes a pgmap ref per page and hands its
  // count to the mapping (vm_insert_page() then put_page()); p2pdma_page_free() drops the pgmap ref.
  const bodies = await bodiesOf(`static void p2pdma_page_free(struct page *page)
{
	gen_pool_free_owner(pool, addr, PAGE_SIZE, (void **)&ref);
}
static int p2pmem_alloc_mmap(struct file *filp, struct kobject *kobj, struct bin_attribute *attr, struct vm_area_struct *vma)
{
	if (!percpu_ref_tryget_live_rcu(ref))
		return -ENODEV;
	ret = vm_insert_page(vma, vaddr, virt_to_page(kaddr));
	if (ret)
		return ret;
	percpu_ref_get(ref);
	percpu_ref_put(ref);
	return 0;
}
static void my_map(struct page *page)
{
	get_page(page);
}`);
  const input = { era: 'E2' as const, type: 'P2PDMA' as const, side: 'after' as const, api: TABLE_VIEW, placed: [] };
  const free = (m: ReadonlyMap<string, Body>, placed: { name: string; role: 'map' }[] = []) => runScenario('page-life', { ...input, bodies: m, placed }).ends.find((e) => e.phase === 'free')!.state;
  // The callback without its put: freed, one pgmap ref left (beside the per-page one pagemap_range()
  // took for the pgmap, which memunmap_pages() drops).
  const withCallback = new Map([...bodies].filter(([n]) => n === 'p2pdma_page_free'));
  assert.deepEqual([free(withCallback).freed, userPgmapRefs(free(withCallback))], [1, 1]);
  // The mmap without its hand-over put: unmapped at 1 with its pgmap ref, never freed.
  const mmap = new Map([...bodies].filter(([n]) => n === 'p2pmem_alloc_mmap'));
  assert.deepEqual([free(mmap).freed, free(mmap).refcount, userPgmapRefs(free(mmap))], [0, 1, 1]);
  // A map function placed on the page the mmap already mapped: its reference goes with an entry the
  // state does not hold; the page is let go as before.
  assert.equal(free(new Map([...bodies].filter(([n]) => n === 'my_map')), [{ name: 'my_map', role: 'map' }]).freed, 1);
});

test('a life reaches the patched function that does a table call\'s work, with the rest of the call after it; entries are installed of the kind their builder gives', async () => {
  const src = (entry: string, get: boolean) => `int insert_page_into_pte_locked(struct vm_area_struct *vma, pte_t *pte, unsigned long addr, struct page *page, pgprot_t prot)
{
	struct folio *folio = page_folio(page);
${get ? '\tfolio_get(folio);\n' : ''}	folio_add_file_rmap_pte(folio, page, vma);
	set_pte_at(vma->vm_mm, addr, pte, ${entry});
	return 0;
}
`;
  // As the table has it: p2pmem_alloc_mmap() -> vm_insert_page() -> insert_page() -> this body.
  const normal = aspects('E2', 'P2PDMA', await bodiesOf(src('mk_pte(page, prot)', true)));
  assert.equal(normal['mapping-kind'], 'normal');
  assert.equal(normal['mapping-ref'], 'yes');
  assert.equal(normal['pgmap-ref'], 'per-allocation', 'the rest of p2pmem_alloc_mmap(): its pgmap reference and put_page()');
  // pte_mkspecial() on a known entry: a special PTE, which zap skips (no reference held).
  const special = aspects('E2', 'P2PDMA', await bodiesOf(src('pte_mkspecial(mk_pte(page, prot))', true)));
  assert.equal(special['mapping-kind'], 'special');
  assert.equal(special['mapping-ref'], 'no');
  // Without the get, p2pmem_alloc_mmap()'s put frees the page under its new PTE: the PTE holds nothing.
  const noGet = aspects('E2', 'P2PDMA', await bodiesOf(src('mk_pte(page, prot)', false)));
  assert.equal(noGet['mapping-ref'], 'no');
  // An entry of unknown kind (built where the input does not show): set_pte_at() assumes nothing.
  const unknown = aspects('E2', 'P2PDMA', await bodiesOf(src('pteval', true)));
  assert.equal(unknown['mapping-kind'], undefined);
  // Other types do not reach it: their lives are the table's.
  assert.deepEqual(aspects('E2', 'FS_DAX', await bodiesOf(src('pte_mkspecial(mk_pte(page, prot))', true))), aspects('E2', 'FS_DAX'));
});
