// Large folios and the entries that map them: compound set-up and its queries, device-private PMD
// entries (E5), the helpers that build page-table entries per era, and the migrate_vma collection
// the corpus patches touch (mm/memremap.c, mm/huge_memory.c, mm/migrate_device.c, include/linux/mm.h).
// Kernel texts read for E3-E5: see NOTES.md ("Trees read for E3-E5").
import type { ApiEntry, EraEffect } from './types';
import type { MappingKind } from '../report/types';
import { ALL_ERAS, fx, others, span } from './build';

const MM_H = 'include/linux/mm.h (linux-6.1, linux-6.12)';
/** linux-next with the large device-private folio series (E5), as mirrored in the search index. */
const NEXT_HUGE = 'mm/huge_memory.c (linux-next: ColinIanKing/linux-next@0153b4ea4047, E5)';
const NEXT_MIGRATE = 'mm/migrate_device.c (linux-next: ColinIanKing/linux-next@042acf45157e, E5)';

/** An accessor the simulator evaluates; calls to it alone do not make a hunk relevant. */
function helper(name: string, exists: ApiEntry['exists'], effects: EraEffect[], doc: string, source: string): ApiEntry {
  return { name, roles: [], exists, effects, doc, source, helper: true };
}

/** An entry builder: returns an entry value of `kind`; set_pte_at()/set_pmd_at() installs it. `fromEntry`:
 * it marks the entry it is passed (pte_mkspecial()), so the result is known only when that entry is. */
function builder(name: string, exists: ApiEntry['exists'], kind: MappingKind, doc: string, source: string, fromEntry = false): ApiEntry {
  return helper(name, exists, [fx(exists, `builds a ${kind} entry`, { builds: kind, ...(fromEntry ? { keepsEntry: true } : {}) })], doc, source);
}

export const FOLIO: readonly ApiEntry[] = [
  {
    name: 'prep_compound_page', roles: [], exists: ALL_ERAS, helper: true,
    effects: [fx(ALL_ERAS, 'compound set-up of order (argument 2): head and tails; folio_nr_pages() = 1 << order', { orderArg: 'last', compound: 'prep' })],
    doc: 'Makes the pages from `page` one compound folio of `order`: head flag, compound_head of each tail, order and _nr_pages. E5 zone_device_page_init() calls it for order > 0 after taking 1 << order pgmap references, and the free path drops folio_nr_pages() of them: if the set-up is skipped for some orders, init and free disagree (pgmap-ref-imbalance). E3 dax_folio_init() calls it for DAX PMD entries.',
    source: 'mm/page_alloc.c, mm/internal.h (linux-6.1, linux-6.12); mm/memremap.c (linux-next, E5)',
  },
  helper('folio_test_large', ALL_ERAS, [fx(ALL_ERAS, 'true when the folio is compound', { folioQuery: 'large' })],
    'Whether a folio is compound (order > 0). E5 free_zone_device_folio() warns on large non-anonymous folios except FS_DAX (VM_WARN_ON_ONCE(pgmap->type != MEMORY_DEVICE_FS_DAX && folio_test_large(folio))): FS DAX PMD folios reach the free path still compound, since they are split only when their last share goes.',
    'include/linux/page-flags.h (linux-6.1, linux-6.12); mm/memremap.c (linux-next, E5)'),
  helper('folio_nr_pages', ALL_ERAS, [fx(ALL_ERAS, 'returns 1 << order for a compound folio, else 1', { folioQuery: 'nr-pages' })],
    'Number of base pages of a folio: 1 << order once compound set-up ran, 1 otherwise. E5 free_zone_device_folio() drops folio_nr_pages() pgmap references for PRIVATE and COHERENT folios (percpu_ref_put_many()).',
    MM_H),
  helper('folio_order', ALL_ERAS, [fx(ALL_ERAS, 'returns the order of a compound folio, else 0', { folioQuery: 'order' })],
    'Order of a folio (0 for a single page). drm_pagemap and migrate_device step over a large folio\'s pages with it (NR_PAGES(order)); dax_folio_init() warns unless the folio was split back to order 0.',
    MM_H),
  helper('dax_entry_order', ALL_ERAS, [fx(ALL_ERAS, 'returns the order of the DAX entry (0 for a PTE entry, PMD order for a PMD entry)', { folioQuery: 'entry-order' })],
    'Order of a DAX xarray entry: 0 for a PTE-sized entry, PMD_ORDER for a PMD entry. E3 dax_folio_init() makes the entry\'s pages one folio of this order (prep_compound_page() for order > 0).',
    'fs/dax.c (linux-6.1, linux-6.12; newest: gregkh/linux@185cd2f5fe1e)'),
  helper('page_folio', ALL_ERAS, [fx(ALL_ERAS, 'the folio through the page\'s compound head', { folioQuery: 'head' })],
    'The folio a page belongs to, read through its compound_head. On a page that was a tail of an earlier large folio and has not been reinitialised, that head is the earlier folio\'s: a raw count store on page_folio(page) lands there (unsafe-set-page-count). The newest zone_device_page_init() clears that stale state of every page first.',
    MM_H),
  helper('folio_test_anon', ALL_ERAS, [fx(ALL_ERAS, 'device-private and coherent folios are anonymous once migrate_vma maps them', { trueFor: ['PRIVATE', 'COHERENT'] })],
    'Whether a folio is anonymous. migrate_vma gives device-private and coherent destination folios an anon rmap; E5 free_zone_device_folio() clears PG_anon_exclusive on each of their pages and checks the large-folio WARN only for the others.',
    'include/linux/page-flags.h (linux-6.1, linux-6.12)'),
  helper('page_pgmap', span('E3'), [fx(span('E3'), 'returns the page\'s dev_pagemap; no reference')],
    'The dev_pagemap of a ZONE_DEVICE page (82ba975e4c43: folio->pgmap, valid for compound pages). Takes no reference; callers such as p2pdma_page_free() rely on the page\'s own pgmap reference.',
    'include/linux/memremap.h (82ba975e4c43); drivers/pci/p2pdma.c (corpus item 17)'),
  helper('migrate_pfn_to_page', ALL_ERAS, [fx(ALL_ERAS, 'decodes a migrate pfn to its page; no reference')],
    'Decodes an entry of a migrate_vma src/dst array to its struct page (NULL without MIGRATE_PFN_VALID). Takes no reference: the collect step already holds one per source page, the driver\'s allocation one per destination page.',
    'include/linux/migrate.h (linux-6.1, linux-6.12)'),
  ...(['lock_page', 'unlock_page', 'folio_unlock'] as const).map((name) => helper(name, ALL_ERAS, [fx(ALL_ERAS, 'page lock only; no count changes')],
    `${name === 'lock_page' ? 'Takes' : 'Drops'} the page lock${name === 'folio_unlock' ? ' of a folio (its head)' : ''}. Refcount-neutral. zone_device_page_init() returns the page locked (E5: the head of the new folio); drivers unlock and put their destination pages after migrate_vma_finalize(). The lock is not simulated.`,
    'include/linux/pagemap.h, mm/filemap.c (linux-6.1, linux-6.12)')),
  {
    name: 'percpu_ref_tryget_many', roles: ['pgmap-get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+nr refs (argument 2) unless the ref is dead', { pgmap: 'get', pgmapCount: 'arg' })],
    doc: 'Takes nr references on a percpu ref unless it was killed. E5 zone_device_page_init() takes 1 << order pgmap references this way, one per base page of the new folio; the free path must drop as many.',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12); mm/memremap.c (linux-next, E5)',
  },
  // Device-private PMD entries (E5) and the helpers zap and fork use on them.
  helper('is_swap_pmd', ALL_ERAS, [fx(ALL_ERAS, 'true for a non-present PMD (migration or device-private entry)', { trueForEntry: ['swap-entry'] })],
    'Whether a PMD holds a non-present (swap-format) entry: a PMD migration entry, or from E5 a device-private PMD entry. copy_huge_pmd() and change_huge_pmd() take their device-private branch under it.',
    'include/linux/swapops.h (linux-6.1, linux-6.12); mm/huge_memory.c (linux-next, E5)'),
  helper('pmdp_huge_get_and_clear_full', ALL_ERAS, [fx(ALL_ERAS, 'clears the PMD and returns it; the caller drops what it held', { pageTable: { remove: true, callerPuts: true } })],
    'Clears a huge PMD and returns the old value; zap_huge_pmd() then removes the rmap and drops the reference the entry held (E5 device-private: folio_remove_rmap_pmd() + folio_put()).',
    'include/linux/pgtable.h (linux-6.1, linux-6.12)'),
  {
    name: 'folio_try_dup_anon_rmap_pmd', roles: [], exists: span('E2'), helper: true,
    effects: [fx(span('E2'), '+1 entire mapcount for the child\'s PMD (never fails for device-private entries)', { mapcount: 'inc' })],
    doc: 'fork(): duplicates the anon rmap of a PMD-mapped folio for the child (v6.8+). copy_huge_pmd() pairs it with folio_get(); for E5 device-private PMD entries it cannot fail.',
    source: `mm/rmap.h (linux-6.12); ${NEXT_HUGE}`,
  },
  {
    name: 'change_huge_pmd', roles: [], exists: ALL_ERAS,
    effects: [
      fx(['E5'], 'device-private PMD: a writable entry becomes readable; no count changes', { types: ['PRIVATE'] }),
      fx(ALL_ERAS, 'changes the protection of a huge PMD; no count changes', { types: others('PRIVATE') }),
      fx(span('E0', 'E4'), 'changes the protection of a huge PMD; no count changes (no device-private PMDs before E5)', { types: ['PRIVATE'] }),
    ],
    doc: 'mprotect()/NUMA hinting on a huge PMD: rewrites the entry in place. For non-present entries it only downgrades writable migration entries, and from E5 writable device-private entries (make_readable_device_private_entry()); no reference or mapcount moves.',
    source: `mm/huge_memory.c (linux-6.1, linux-6.12); ${NEXT_HUGE}`,
  },
  {
    name: 'set_pmd_migration_entry', roles: [], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'replaces the PMD by a migration entry: folio_remove_rmap_pmd() and folio_put() of the reference the entry held', { refcount: { op: 'put' }, mapcount: 'dec', pageTable: { remove: true } })],
    doc: 'Migration of a PMD-mapped folio (THP; from E5 also a device-private PMD entry, via migrate_vma_collect_huge_pmd()): the entry becomes a PMD migration entry, which holds no reference: folio_remove_rmap_pmd() and folio_put(). The migration caller holds its own reference meanwhile. Fails with -EBUSY (entry restored) when an exclusive anon folio cannot be shared.',
    source: `mm/huge_memory.c (linux-6.1, linux-6.12); ${NEXT_HUGE}`,
  },
  {
    name: 'remove_migration_pmd', roles: [], exists: ALL_ERAS,
    effects: [
      fx(['E5'], 'device-private destination: folio_get(), anon rmap, a device-private PMD entry (writable or readable as the migration entry was)', { types: ['PRIVATE'], refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'swap-entry', holdsRef: true } }),
      fx(span('E0', 'E4'), 'folio_get(), rmap, a present huge PMD for the new folio', { types: ['PRIVATE'], refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'normal', holdsRef: true } }),
      fx(ALL_ERAS, 'folio_get(), rmap, a present huge PMD for the new folio', { types: others('PRIVATE'), refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'normal', holdsRef: true } }),
    ],
    doc: 'End of a PMD migration: replaces the migration entry by an entry for the new folio, which takes a reference (folio_get()) and an rmap (anon or file). From E5 a device-private destination gets a device-private PMD entry (make_writable/readable_device_private_entry()) instead of a present one (folio_mk_pmd()).',
    source: `mm/huge_memory.c (linux-6.1, linux-6.12); ${NEXT_HUGE}`,
  },
  {
    name: 'zone_device_private_split_cb', roles: [], exists: ['E5'],
    effects: [fx(['E5'], 'split of a device-private folio: the driver\'s ->folio_split(original, new), or pgmap and mapping copied to the new folio; no count changes')],
    doc: 'E5 split callback (include/linux/memremap.h of the large device-private folio series): when a device-private folio is split, calls pgmap->ops->folio_split(original_folio, new_folio) so the driver can update its per-folio state; without the callback it copies ->pgmap and ->mapping to the new folio. Refcount-neutral; the split itself distributes the references.',
    source: 'include/linux/memremap.h (large device-private folio series, <20250908000448.180088-*-balbirs@nvidia.com>, as posted)',
  },
  {
    name: 'migrate_vma_collect_huge_pmd', roles: [], exists: ['E5'],
    effects: [fx(['E5'], 'per collected folio: folio_get() and trylock, then a PMD migration entry; the reference is released by migrate_vma_finalize() (not simulated)')],
    doc: 'E5: collects a THP or device-private PMD folio for migration without splitting it (MIGRATE_PFN_COMPOUND): folio_get() and folio_trylock(), then set_pmd_migration_entry(). On a PMD migration entry it waits with migration_entry_wait_on_locked() / softleaf_entry_wait_on_locked(), which drop the PTL themselves (corpus item 20 removes a second spin_unlock()). Refcount-neutral over the whole migration.',
    source: NEXT_MIGRATE,
  },
  {
    name: 'migrate_vma_collect_pmd', roles: [], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'per collected page: folio_get(), trylock, a migration entry instead of the PTE (rmap and the mapping\'s reference dropped); released by migrate_vma_finalize() (not simulated)')],
    doc: 'The migrate_vma page-table walker: for each page it will migrate it takes a reference and the page lock, replaces the PTE by a migration entry, removes the rmap and drops the mapping\'s reference, so the collect reference is the only one left; large folios are split first (E5: device-private PMDs go to migrate_vma_collect_huge_pmd()). Corpus item 14 moves arch_leave_lazy_mmu_mode() before the TLB flush: refcount-neutral.',
    source: `mm/migrate_device.c (linux-6.1, linux-6.12); ${NEXT_MIGRATE}`,
  },
  {
    name: 'migration_entry_wait_on_locked', roles: [], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'waits for the folio unlock with the PTL dropped inside; no count changes')],
    doc: 'Waits for a migration entry\'s folio to be unlocked; called with the page-table lock held and releases it itself (a caller that unlocks again double-unlocks). Takes no lasting reference. Renamed softleaf_entry_wait_on_locked() in the newest trees.',
    source: `mm/filemap.c (linux-6.1, linux-6.12); ${NEXT_MIGRATE}`,
  },
  {
    name: 'softleaf_entry_wait_on_locked', roles: [], exists: ['E5'],
    effects: [fx(['E5'], 'waits for the folio unlock with the PTL dropped inside; no count changes')],
    doc: 'The softleaf_t name of migration_entry_wait_on_locked() (2026 trees, corpus item 20): releases the page-table lock itself; refcount-neutral.',
    source: 'mm/migrate_device.c as patched by corpus item 20 (2026)',
  },
  // Entry builders: what kind of entry each era's insert path builds.
  builder('pte_mkdevmap', span('E0', 'E3'), 'devmap', 'Marks a PTE devmap (x86: also special). insert_pfn() used it for pfn_t PFN_DEV|PFN_MAP pfns (FS DAX, device DAX) until d438d2734170 removed the bit (E4).', 'include/linux/pgtable.h (linux-6.1, linux-6.12; d438d2734170)', true),
  builder('pmd_mkdevmap', span('E0', 'E3'), 'devmap', 'Marks a PMD devmap; vmf_insert_pfn_pmd() for DAX pfns until E4.', 'include/linux/pgtable.h (linux-6.1, linux-6.12; d438d2734170)', true),
  builder('pte_mkspecial', ALL_ERAS, 'special', 'Marks a PTE special: vm_normal_page() returns NULL for it, so zap, fork and GUP leave the page\'s counts alone. insert_pfn() uses it for plain pfns, and from E4 (4b1d3145c104) for every pfn vmf_insert_mixed() inserts.', 'include/linux/pgtable.h (linux-6.1, linux-6.12; 4b1d3145c104)', true),
  builder('pmd_mkspecial', span('E2'), 'special', 'Marks a huge PMD special (v6.11+, pfnmap huge mappings): insert_pmd() for pfns without a folio; vm_normal_page_pmd() returns NULL for it.', `include/linux/pgtable.h (linux-6.12); ${NEXT_HUGE}`, true),
  builder('pud_mkspecial', span('E2'), 'special', 'Marks a huge PUD special (v6.11+): insert_pud() for pfns without a folio.', `include/linux/pgtable.h (linux-6.12); ${NEXT_HUGE}`, true),
  builder('mk_pte', ALL_ERAS, 'normal', 'Builds a present PTE for a struct page: insert_page_into_pte_locked() and migrate_vma_insert_page() (COHERENT destinations) install it as built, a normal entry that zap drops a reference for.', MM_H),
  ...(['make_readable_device_private_entry', 'make_writable_device_private_entry'] as const).map((name) => builder(name, ALL_ERAS, 'swap-entry',
    `Builds a ${name.includes('writable') ? 'writable' : 'read-only'} device-private swap entry for a pfn: migrate_vma_insert_page() installs it (swp_entry_to_pte(), set_pte_at()) for PRIVATE destination pages; zap_nonpresent_ptes() drops the page reference it holds.`,
    'include/linux/swapops.h (linux-6.1, linux-6.12)')),
  ...([
    ['swp_entry_to_pte', 'The PTE form of a swap entry (a device-private entry stays one).', 'include/linux/swapops.h (linux-6.1, linux-6.12)'],
    ['pte_mkwrite', 'A writable copy of a PTE, of the same kind.', 'include/linux/pgtable.h, arch/x86/include/asm/pgtable.h (linux-6.1, linux-6.12)'],
    ['pte_mkdirty', 'A dirty copy of a PTE, of the same kind.', 'arch/x86/include/asm/pgtable.h (linux-6.1, linux-6.12)'],
    ['pmd_mkhuge', 'A huge (leaf) copy of a PMD, of the same kind.', 'arch/x86/include/asm/pgtable.h (linux-6.1, linux-6.12)'],
    ['pmd_mkyoung', 'A young copy of a PMD, of the same kind.', 'arch/x86/include/asm/pgtable.h (linux-6.1, linux-6.12)'],
    ['pmd_mkdirty', 'A dirty copy of a PMD, of the same kind.', 'arch/x86/include/asm/pgtable.h (linux-6.1, linux-6.12)'],
    ['maybe_pmd_mkwrite', 'A PMD made writable when the vma allows it, of the same kind.', 'mm/huge_memory.c (linux-6.1, linux-6.12)'],
  ] as const).map(([name, doc, source]) => helper(name, ALL_ERAS, [fx(ALL_ERAS, 'returns an entry of its argument\'s kind', { keepsEntry: true })], doc, source)),
  builder('pfn_t_pmd', span('E0', 'E3'), 'normal', 'Builds a huge PMD for a pfn_t: insert_pfn_pmd() then marks it devmap (pfn_t_devmap(): FS DAX, device DAX) or, from v6.11, special; pfn_t is gone in E4.', 'include/linux/pfn_t.h (linux-6.1, linux-6.12)'),
  builder('folio_mk_pmd', span('E3'), 'normal', 'Builds a normal huge PMD for a folio (v6.16+; mk_huge_pmd() before): insert_pmd() for folios, paired with folio_get() and folio_add_file_rmap_pmd(), so the entry holds its reference (c4297465d4ca).', NEXT_HUGE),
  builder('folio_mk_pud', span('E3'), 'normal', 'Builds a normal huge PUD for a folio (v6.16+): insert_pud() for folios, paired with folio_get() and folio_add_file_rmap_pud() (02825c0925fb).', NEXT_HUGE),
];
