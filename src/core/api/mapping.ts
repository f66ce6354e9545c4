// Inserting user page-table entries for ZONE_DEVICE memory (mm/memory.c, mm/huge_memory.c,
// fs/dax.c, mm/migrate_device.c, drivers/pci/p2pdma.c).
import type { ApiEntry } from './types';
import { ALL_ERAS, DAX, fx, others, span } from './build';

const MEMORY_C = 'mm/memory.c (linux-6.1, linux-6.12)';
/** The newest read: insert_pfn() always pte_mkspecial(); __vm_insert_mixed(vma, addr, unsigned long pfn, mkwrite) without pfn_t. */
const MEMORY_NEXT = 'mm/memory.c (E5: ColinIanKing/linux-next@042acf45157e)';
const HUGE_C = 'mm/huge_memory.c (linux-6.1, linux-6.12)';

/** The page-refcounting insert: +1 page ref, +1 mapcount, a normal entry. */
const REFCOUNTED = { refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'normal', holdsRef: true } } as const;
/** pfn inserts: no ref, no mapcount; devmap for DAX pfns (PFN_DEV|PFN_MAP) until E3, special in E4. */
function pfnInsert(what: string): ApiEntry['effects'] {
  return [
    fx(span('E0', 'E3'), `${what}: devmap entry (pfn_t with PFN_DEV|PFN_MAP, as DAX passes; special otherwise), no page ref, no mapcount`, { pageTable: { insert: 'devmap', holdsRef: false } }),
    fx(span('E4'), `${what}: special entry, no page ref, no mapcount`, { pageTable: { insert: 'special', holdsRef: false } }),
  ];
}

/** An entry store: installs the entry it is passed (argument 4), of the kind its builder gave it. */
function store(name: string, what: string): ApiEntry {
  return {
    name, roles: [], exists: ALL_ERAS, helper: true,
    effects: [fx(ALL_ERAS, `installs the ${what} it is passed; it holds a page reference when zap drops one for its kind (normal, device-private), none when special or devmap`, { installsArg: 4 })],
    doc: `Writes a ${what} into the page table. It takes no reference itself: the entry holds the one its caller took when zap will drop one for it (a normal entry, a device-private swap entry: vm_normal_page() and zap_nonpresent_ptes() find the page), and none when it is special or devmap (vm_normal_page() skips those). Its kind is that of the builder (mk_pte(), pte_mkspecial(), pmd_mkdevmap(), ...).`,
    source: 'arch/x86/include/asm/pgtable.h, mm/memory.c (linux-6.1, linux-6.12)',
  };
}

export const MAPPING: readonly ApiEntry[] = [
  store('set_pte_at', 'PTE'),
  store('set_pmd_at', 'huge PMD'),
  store('set_pud_at', 'huge PUD'),
  {
    name: 'insert_pfn_pmd', roles: ['map'], exists: span('E0', 'E3'),
    effects: [
      fx(span('E0', 'E3'), 'DAX pfn (pfn_t_devmap()): devmap PMD, no page ref, no mapcount', { types: DAX, pageTable: { insert: 'devmap', holdsRef: false } }),
      fx(span('E0', 'E3'), 'not a mapping of these types\' pages', { types: others(...DAX) }),
    ],
    doc: 'The locked core of vmf_insert_pfn_pmd(): builds pmd_mkdevmap() for a pfn_t with PFN_DEV|PFN_MAP (FS DAX and device DAX pages) and pmd_mkspecial() otherwise, and takes neither a page reference nor a mapcount: zap_huge_pmd() removes such entries through its vma_is_special_huge() path without a put.',
    source: HUGE_C,
  },
  {
    name: 'insert_pfn', roles: ['map'], exists: ALL_ERAS, effects: pfnInsert('PTE'),
    doc: 'Installs a PTE for a raw pfn without touching the struct page: no reference, no mapcount. The entry is devmap when the pfn_t carries PFN_DEV|PFN_MAP (FS DAX, device DAX; E0-E3), otherwise special; from E4 it takes a plain pfn and always builds pte_mkspecial(pfn_pte(pfn, prot)). Behind vmf_insert_pfn*() and vmf_insert_mixed().',
    source: `${MEMORY_C}; ${MEMORY_NEXT}`,
  },
  {
    name: 'vmf_insert_pfn', roles: ['map'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'special PTE (VM_PFNMAP), no page ref, no mapcount', { pageTable: { insert: 'special', holdsRef: false } })],
    doc: 'Fault-handler insert of a pfn into a VM_PFNMAP vma through insert_pfn(): special PTE, no struct page reference or mapcount.',
    source: MEMORY_C,
  },
  {
    name: 'vmf_insert_mixed', roles: ['map'], exists: ALL_ERAS, effects: pfnInsert('PTE (pte_special architectures)'),
    doc: 'Fault-handler insert for VM_MIXEDMAP vmas, used for FS DAX and device DAX PTEs until E3. On architectures with pte_special it goes through insert_pfn(): devmap (E0-E3) or special (E4, 4b1d3145c104), no page reference. Only without pte_special, for a valid non-devmap pfn, it uses insert_page() (+1 ref and mapcount).',
    source: `${MEMORY_C}; 4b1d3145c104; ${MEMORY_NEXT}`,
  },
  {
    name: 'vmf_insert_mixed_mkwrite', roles: ['map'], exists: ALL_ERAS, effects: pfnInsert('writable PTE'),
    doc: 'Writable variant of vmf_insert_mixed() used by the FS DAX synchronous fault path: devmap (E0-E3) or special PTE, no page reference.',
    source: MEMORY_C,
  },
  {
    name: '__vm_insert_mixed', roles: ['map'], exists: ALL_ERAS, effects: pfnInsert('PTE (pte_special architectures)'),
    doc: 'Common body of vmf_insert_mixed(_mkwrite)(): insert_pfn() on pte_special architectures or for devmap pfns (no reference); insert_page() otherwise.',
    source: MEMORY_C,
  },
  {
    name: 'vmf_insert_pfn_pmd', roles: ['map'], exists: ALL_ERAS, effects: pfnInsert('PMD'),
    doc: 'Huge PMD insert of a pfn: devmap (FS DAX, device DAX before E3) or special PMD, no page reference, no mapcount. The pre-E3 DAX huge mappings.',
    source: HUGE_C,
  },
  {
    name: 'vmf_insert_pfn_pud', roles: ['map'], exists: ALL_ERAS, effects: pfnInsert('PUD'),
    doc: 'Huge PUD insert of a pfn: devmap or special PUD, no page reference, no mapcount. Pre-E3 DAX 1G mappings.',
    source: HUGE_C,
  },
  {
    name: 'insert_page', roles: ['map', 'get'], fails: [{ returns: ['-EINVAL', '-ENOMEM', '-EBUSY'], success: 'zero' }], exists: ALL_ERAS,
    reaches: [{ eras: ALL_ERAS, name: 'insert_page_into_pte_locked', args: [], work: true }],
    effects: [fx(ALL_ERAS, '+1 page ref, +1 file mapcount, normal PTE (the shared zero page: special, no ref)', REFCOUNTED)],
    doc: 'Maps a struct page with a normal PTE, taking a page reference (get_page/folio_get) and a file mapcount (page_add_file_rmap / folio_add_file_rmap_pte) plus the mm counter; the shared zero page is mapped special without a reference. Behind vm_insert_page() and vmf_insert_page_mkwrite(). Needs a count >= 1 first.',
    source: MEMORY_C,
  },
  {
    name: 'insert_page_into_pte_locked', roles: ['map', 'get'], fails: [{ returns: ['-EBUSY'], success: 'zero' }], exists: ALL_ERAS,
    effects: [
      fx(span('E0', 'E2'), '+1 page ref, +1 mapcount, normal PTE', REFCOUNTED),
      fx(span('E3'), '+1 page ref and mapcount for a new PTE; mkwrite on the same pfn only upgrades (no new ref)', REFCOUNTED),
    ],
    doc: 'The locked core of insert_page(): folio_get(), file rmap, mm counter, set_pte_at(). 15a64311e0ae (E3) adds an mkwrite mode that upgrades an existing PTE for the same pfn without taking a new reference.',
    source: `${MEMORY_C}; 15a64311e0ae`,
  },
  {
    name: 'vm_insert_page', roles: ['map', 'get'], fails: [{ returns: ['-EFAULT', '-EINVAL', '-ENOMEM', '-EBUSY'], success: 'zero' }], exists: ALL_ERAS,
    reaches: [{ eras: ALL_ERAS, name: 'insert_page', args: [], work: true }],
    effects: [fx(ALL_ERAS, '+1 page ref, +1 mapcount, normal PTE', REFCOUNTED)],
    doc: 'Driver API to map one kernel page into a user vma (insert_page()): +1 reference, +1 mapcount, normal PTE. p2pmem_alloc_mmap() uses it for P2PDMA pages (v6.2+), so the page needs count >= 1 before the call (E3: set_page_count(page, 1)).',
    source: MEMORY_C,
  },
  {
    name: 'vmf_insert_page_mkwrite', roles: ['map', 'get'], exists: span('E3'),
    effects: [fx(span('E3'), '+1 ref and mapcount for a new PTE; a write upgrade of an existing PTE takes none', REFCOUNTED)],
    doc: 'E3 (ec2e0cc67f9c) refcounting PTE insert for FS DAX and device DAX: a new PTE takes a page reference and mapcount (normal PTE); a write fault on an existing PTE for the same page only upgrades it.',
    source: 'mm/memory.c (ec2e0cc67f9c, 15a64311e0ae)',
  },
  {
    name: 'vmf_insert_folio_pmd', roles: ['map', 'get'], exists: span('E3'),
    effects: [fx(span('E3'), '+1 folio ref and entire mapcount if the PMD was empty; normal huge PMD (devmap/special before c4297465d4ca)', REFCOUNTED)],
    doc: 'E3 (6c88f72691f8) refcounting huge PMD insert: when the slot is empty takes a folio reference and the entire mapcount (folio_add_file_rmap_pmd) and the mm counter; an existing entry is only upgraded for write. As first merged it still marked the PMD devmap/special; c4297465d4ca makes it a normal PMD so vm_normal_page_pmd() sees the reference.',
    source: 'mm/huge_memory.c (6c88f72691f8, c4297465d4ca)',
  },
  {
    name: 'vmf_insert_folio_pud', roles: ['map', 'get'], exists: span('E3'),
    effects: [fx(span('E3'), '+1 folio ref and entire mapcount if the PUD was empty; normal huge PUD (devmap/special before 02825c0925fb)', REFCOUNTED)],
    doc: 'E3 (dbe54153296d) refcounting huge PUD insert, the merged form of the lore-only dax_insert_pfn_pud(): empty slot takes a folio reference and entire mapcount (folio_add_file_rmap_pud); 02825c0925fb stops marking it special.',
    source: 'mm/huge_memory.c (dbe54153296d, 02825c0925fb)',
  },
  ...(['dax_insert_pfn', 'dax_insert_pfn_pmd', 'dax_insert_pfn_pud'] as const).map((name): ApiEntry => ({
    name, roles: ['map', 'get'], exists: ['E2'],
    effects: [fx(['E2'], 'lore-only (2024 postings on a v6.10/6.11 base): +1 ref, +1 mapcount, normal entry (v1 still set devmap on the PUD)', REFCOUNTED)],
    doc: `Lore-only helper of Alistair Popple's 2024 "fs/dax: Fix FS DAX page reference counts" postings (RFC, v1-v3): a refcounting ${name === 'dax_insert_pfn' ? 'PTE' : name.endsWith('pmd') ? 'PMD' : 'PUD'} insert (+1 page reference, +1 mapcount). It became vmf_insert_page_mkwrite() / vmf_insert_folio_pmd() / vmf_insert_folio_pud() in E3.`,
    source: 'lore: <bd332b0d3971b03152b3541f97470817c5147b51.1719386613.git-series.apopple@nvidia.com> (S3)',
  })),
  {
    name: 'dax_insert_pfn_mkwrite', roles: ['map'], exists: ALL_ERAS,
    effects: [
      fx(span('E0', 'E2'), 'vmf_insert_mixed_mkwrite() / vmf_insert_pfn_pmd(): devmap entry, no page ref', { pageTable: { insert: 'devmap', holdsRef: false } }),
      fx(span('E3'), 'temporary folio_ref_inc() around the refcounting insert helpers: +1 ref, +1 mapcount, normal entry', REFCOUNTED),
    ],
    doc: 'FS DAX synchronous-fault insert (static, fs/dax.c). E0-E2: vmf_insert_mixed_mkwrite() or vmf_insert_pfn_pmd(), devmap entry without a page reference. E3: the refcounting helpers (vmf_insert_page_mkwrite(), vmf_insert_folio_pmd()) under a temporary folio_ref_inc().',
    source: 'fs/dax.c (linux-6.1, linux-6.12; 38607c62b34b)',
  },
  {
    name: 'migrate_vma_pages', roles: ['map'], exists: ALL_ERAS,
    // A destination without a source page (an empty address) is mapped by migrate_vma_insert_page().
    reaches: [{ eras: ALL_ERAS, name: 'migrate_vma_insert_page', args: [], work: true }],
    effects: [
      fx(ALL_ERAS, 'PRIVATE destination: device-private swap entry that owns the page\'s reference (the entry\'s get, then the driver\'s put at finalize: a page at 0 goes 0->1->0 and is freed while mapped); anon mapcount', { types: ['PRIVATE'], refcount: { op: 'handover' }, mapcount: 'inc', pageTable: { insert: 'swap-entry', holdsRef: true } }),
      fx(ALL_ERAS, 'COHERENT destination: ordinary anon PTE that owns the page\'s reference (the entry\'s get, then the driver\'s put at finalize: a page at 0 goes 0->1->0 and is freed while mapped)', { types: ['COHERENT'], refcount: { op: 'handover' }, mapcount: 'inc', pageTable: { insert: 'normal', holdsRef: true } }),
      fx(ALL_ERAS, 'not a device-page destination for other types', { types: others('PRIVATE', 'COHERENT') }),
    ],
    doc: 'Second step of migrate_vma: moves the data\'s page-table entries to the driver\'s destination pages, transferring references between source and destination. A device-private destination gets a non-present device-private swap entry, a coherent one an ordinary anon PTE; either way the mapping owns the destination\'s reference and zap_pte_range() drops it. With migrate_vma_finalize() it is a hand-over: remove_migration_ptes() takes a reference for each entry it installs (remove_migration_pte(): folio_get()), and migrate_device_finalize() then unlocks and puts the destination, dropping the reference the driver\'s allocation gave it (zone_device_page_init()). A destination handed out at 0 (no zone_device_page_init()) goes 0 -> 1 -> 0: its free path runs (->page_free(), put_dev_pagemap() of a pgmap reference never taken) while the new entry maps it.',
    source: 'mm/migrate_device.c (linux-6.1, linux-6.12: migrate_device_finalize()), mm/migrate.c (linux-6.12: remove_migration_pte())',
  },
  {
    name: 'migrate_vma_insert_page', roles: ['map'], exists: ALL_ERAS,
    effects: [
      fx(ALL_ERAS, 'PRIVATE: +1 page ref (get_page / folio_get), anon rmap, a device-private swap entry that holds it', { types: ['PRIVATE'], refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'swap-entry', holdsRef: true } }),
      fx(ALL_ERAS, 'COHERENT: +1 page ref (get_page / folio_get), anon rmap, a normal anon PTE that holds it', { types: ['COHERENT'], refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'normal', holdsRef: true } }),
      fx(ALL_ERAS, 'not used for other types', { types: others('PRIVATE', 'COHERENT') }),
    ],
    doc: 'Fills a previously empty address during migrate_vma_pages(): adds the anon rmap of the destination page, takes a page reference for the new entry (get_page() in linux-6.1, folio_get() in linux-6.12) and installs a device-private swap entry (PRIVATE) or a normal PTE (COHERENT) that holds it; migrate_vma_finalize() then drops the driver\'s allocation reference (folio_put(dst)), so the mapping\'s is the one left.',
    source: 'mm/migrate_device.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'p2pmem_alloc_mmap', roles: ['alloc', 'map', 'pgmap-get'], exists: span('E2'),
    // E2: per page vm_insert_page(), then percpu_ref_get() and put_page() (the rest of its summary).
    // E3 sets the count to 1 before the insert: its rest would have to come first.
    reaches: [{ eras: ['E2'], name: 'vm_insert_page', args: [], work: true }],
    // percpu_ref_tryget_live_rcu(ref) before the loop, percpu_ref_put(ref) after it (linux-6.12
    // drivers/pci/p2pdma.c:136-155): every vm_insert_page() runs under that reference; `goto out`
    // (:122, :128) and `goto out_free_mem` (:138, the tryget failed) are taken before it.
    pgmapOwnRef: { eras: ['E2'], around: ['vm_insert_page'], labelsBefore: ['out', 'out_free_mem'] },
    effects: [
      fx(['E2'], 'per page: vm_insert_page() 1->2, put_page() 2->1: the mapping owns the count (a page at 0 goes 0->1->0 and is freed while mapped); +1 pgmap ref', { types: ['P2PDMA'], refcount: { op: 'handover' }, mapcount: 'inc', pgmap: 'get', pageTable: { insert: 'normal', holdsRef: true } }),
      fx(span('E3'), 'per page: set_page_count(1), vm_insert_page() 1->2, put_page() 2->1; +1 pgmap ref', { types: ['P2PDMA'], refcount: { op: 'set', value: 1 }, mapcount: 'inc', pgmap: 'get', pageTable: { insert: 'normal', holdsRef: true } }),
      fx(span('E2'), 'P2PDMA only', { types: others('P2PDMA') }),
    ],
    doc: 'Userspace mmap of P2PDMA memory (v6.2+, 7e9c7ef83d78): allocates from the provider\'s gen_pool and, per page, vm_insert_page() then put_page(), so the mapping owns the page\'s count and unmap takes it to the free path; one pgmap reference per inserted page, released in p2pdma_page_free(). E3 (b7e282378773) starts from 0 with set_page_count(page, 1). Its error path once leaked the pgmap ref (6220694c52a5).',
    source: 'drivers/pci/p2pdma.c (linux-6.12; b7e282378773, 6220694c52a5)',
  },
];
