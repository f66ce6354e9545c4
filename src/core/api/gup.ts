// get_user_pages and friends: page references, the transient pgmap reference GUP holds on devmap
// entries, long-term pins (mm/gup.c, mm/huge_memory.c, mm/hmm.c).
import type { ApiEntry, EraEffect } from './types';
import { ALL_ERAS, DAX, fx, others, span, within } from './build';

const GUP_C = 'mm/gup.c (linux-6.1, linux-6.12)';
const GUP_61 = 'mm/gup.c (linux-6.1)';
const GUP_612 = 'mm/gup.c (linux-6.12)';
const PIN = { refcount: { op: 'pin' } } as const;
/** The GUP entry points return the number of pages grabbed, or a negative errno with none grabbed. */
const GUP_FAILS: ApiEntry['fails'] = [{ returns: ['-EFAULT', '-ENOMEM', '-EINVAL'], success: 'count' }];
const GUP_PARAMS = ['start', 'nr_pages', 'gup_flags', 'pages'] as const;
/** What the slow path runs on its way to the page, with the flags it adds (FOLL_GET when pages are
 * wanted, FOLL_PIN for pin_user_pages*): __get_user_pages() checks the vma with check_vma_flags(), then
 * follow_page_pte() grabs the page (try_grab_page() through linux-6.1, try_grab_folio(folio, 1, flags)
 * from v6.6 (linux-6.12)). A refusal in either is GUP's failure. */
function slowPath(flag: 'FOLL_GET' | 'FOLL_PIN'): NonNullable<ApiEntry['reaches']> {
  const flags = `gup_flags|${flag}`;
  return [
    { eras: ALL_ERAS, name: 'check_vma_flags', args: ['vma', flags] },
    { eras: span('E0', 'E2'), name: 'try_grab_page', args: ['page', flags] },
    { eras: span('E2'), name: 'try_grab_folio', args: ['folio', '1', flags] },
  ];
}
/** GUP-fast grabs each page with try_grab_folio(page, 1, flags) (linux-6.1), try_grab_folio_fast()
 * from v6.10 (linux-6.12). */
function fastPath(flag: 'FOLL_GET' | 'FOLL_PIN'): NonNullable<ApiEntry['reaches']> {
  const flags = `gup_flags|${flag}`;
  return [
    { eras: span('E0', 'E2'), name: 'try_grab_folio', args: ['page', '1', flags] },
    { eras: span('E2'), name: 'try_grab_folio_fast', args: ['page', '1', flags] },
  ];
}

/** A GUP walk over entries of any kind. E0-E2: DAX entries are devmap, so a pgmap ref is held for the
 * walk; from E3 DAX entries are normal refcounted mappings and the devmap path no longer sees them. */
const WALK: readonly EraEffect[] = [
  fx(span('E0', 'E2'), 'DAX devmap entry: get_dev_pagemap() held for the walk, then +1 / pin bias', { types: DAX, ...PIN, pgmapHeld: true }),
  fx(ALL_ERAS, 'device-private entries are not present: GUP does not reach them', { types: ['PRIVATE'] }),
  fx(span('E0', 'E2'), '+1 / pin bias', { types: ['COHERENT', 'P2PDMA'], ...PIN }),
  fx(span('E3'), '+1 / pin bias; no pgmap ref (DAX entries are normal from E3)', { types: others('PRIVATE'), ...PIN }),
];
/** A helper only devmap entries reach (FS DAX and device-dax pages, E0-E3): pgmap ref held for the
 * walk, then the page reference. */
function devmapOnly(exists: ApiEntry['exists']): EraEffect[] {
  return [fx(exists, 'devmap entry: get_dev_pagemap() held for the walk, then +1 / pin bias; undone on failure', { types: DAX, ...PIN, pgmapHeld: true })];
}
/** GUP-fast walks and helpers (`fast`): their pgmap is a local, put before they return. */
function walker(name: string, exists: ApiEntry['exists'], doc: string, source = GUP_C, fast = false): ApiEntry {
  return { name, roles: ['gup', 'get'], exists, effects: within(exists, WALK), doc, source, ...(fast ? { pgmapBalanced: true } : {}) };
}
function devmapHelper(name: string, exists: ApiEntry['exists'], doc: string, source = GUP_C, fast = false): ApiEntry {
  return { name, roles: ['gup', 'get'], exists, effects: devmapOnly(exists), doc, source, ...(fast ? { pgmapBalanced: true } : {}) };
}
function undo(name: string, exists: ApiEntry['exists'], doc: string, source: string): ApiEntry {
  return { name, roles: ['gup', 'put'], exists, effects: [fx(exists, 'releases the references grabbed so far (gup_put_folio)', { refcount: { op: 'put' } })], doc, source };
}
const GUP_PUT: readonly EraEffect[] = [
  fx(span('E0', 'E2'), 'FS_DAX: through the devmap-managed hook (put_devmap_managed_page*)', { types: ['FS_DAX'], refcount: { op: 'put', amount: 'arg' }, devmapHook: true }),
  fx(span('E0', 'E2'), '-refs; at 0 the free path', { types: others('FS_DAX'), refcount: { op: 'put', amount: 'arg' } }),
  fx(span('E3'), '-refs; at 0 free_zone_device_folio()', { refcount: { op: 'put', amount: 'arg' } }),
];

export const GUP: readonly ApiEntry[] = [
  walker('follow_page_pte', ALL_ERAS, 'GUP slow path for one PTE: vm_normal_page() (E3: gup_normal_page(), which returns the page of a valid pfn in VM_MIXEDMAP/VM_PFNMAP vmas); for a devmap PTE with FOLL_GET/FOLL_PIN it first takes a pgmap reference (get_dev_pagemap(), kept in the walk context and dropped when GUP returns), then grabs the page with try_grab_folio() (+1 or the pin bias). The devmap part goes with fd2825b0760a (E4).', `${GUP_C}; mm/gup.c (E3: ColinIanKing/linux-next@02c39c227190)`),
  devmapHelper('follow_devmap_pmd', span('E0', 'E3'), 'GUP slow path for a devmap PMD: get_dev_pagemap() for the walk, then +1 / pin bias on the page. Removed by fd2825b0760a (E4).', 'mm/huge_memory.c (linux-6.1, linux-6.12; fd2825b0760a)'),
  devmapHelper('follow_devmap_pud', span('E0', 'E2'), 'GUP slow path for a devmap PUD (gone by linux-6.12, folded into follow_huge_pud()): get_dev_pagemap() for the walk, then +1 / pin bias.', 'mm/huge_memory.c (linux-6.1)'),
  walker('follow_huge_pud', ALL_ERAS, 'GUP slow path for a huge PUD (late E2 handles devmap PUDs here: pgmap ref for the walk, then +1 / pin bias; linux-6.1 had a hugetlb-only version).', 'mm/gup.c (linux-6.12), mm/hugetlb.c (linux-6.1)'),
  walker('gup_pte_range', span('E0', 'E2'), 'GUP-fast PTE walk before the v6.10 rename: for devmap PTEs get_dev_pagemap() + try_grab_folio(), undone on failure; refuses devmap entries for FOLL_LONGTERM.', GUP_61, true),
  walker('gup_fast_pte_range', span('E2'), 'GUP-fast PTE walk (v6.10+ name): devmap PTEs take get_dev_pagemap() around try_grab_folio_fast() until fd2825b0760a (E4); FOLL_LONGTERM refuses devmap entries.', GUP_612, true),
  devmapHelper('gup_fast_devmap_leaf', span('E2', 'E3'), 'GUP-fast grab of devmap pages (v6.10 name of __gup_device_huge()): get_dev_pagemap() per page, try_grab_folio_fast(), undo on failure. Removed by fd2825b0760a.', GUP_612, true),
  devmapHelper('gup_fast_devmap_pmd_leaf', span('E2', 'E3'), 'GUP-fast devmap PMD leaf (v6.10 name of __gup_device_huge_pmd()). Removed by fd2825b0760a.', GUP_612, true),
  devmapHelper('gup_fast_devmap_pud_leaf', span('E2', 'E3'), 'GUP-fast devmap PUD leaf (v6.10 name of __gup_device_huge_pud()). Removed by fd2825b0760a.', GUP_612, true),
  devmapHelper('__gup_device_huge', span('E0', 'E2'), 'GUP-fast grab of devmap pages before v6.10: get_dev_pagemap() per page, try_grab_folio(), undo_dev_pagemap() on failure.', GUP_61, true),
  devmapHelper('__gup_device_huge_pmd', span('E0', 'E2'), 'GUP-fast grab of a devmap PMD before v6.10 (renamed gup_fast_devmap_pmd_leaf()): pgmap ref for the walk, then the page reference.', GUP_61, true),
  devmapHelper('__gup_device_huge_pud', span('E0', 'E2'), 'GUP-fast grab of a devmap PUD before v6.10 (renamed gup_fast_devmap_pud_leaf()): pgmap ref for the walk, then the page reference.', GUP_61, true),
  undo('gup_fast_undo_dev_pagemap', span('E2', 'E3'), 'Undoes a partial GUP-fast devmap grab: puts the references taken so far (v6.10 name of undo_dev_pagemap()).', GUP_612),
  undo('undo_dev_pagemap', span('E0', 'E2'), 'Undoes a partial GUP-fast devmap grab before v6.10: puts the references taken so far.', GUP_61),
  {
    name: 'check_vma_flags', roles: [], exists: ALL_ERAS, params: ['vma', 'gup_flags'],
    effects: [
      fx(span('E0', 'E2'), 'FOLL_LONGTERM on a vma of an FS DAX file: -EOPNOTSUPP', { types: ['FS_DAX'], refuses: { flagsArg: 2, ifFlags: ['FOLL_LONGTERM'], returns: '-EOPNOTSUPP' } }),
      fx(span('E0', 'E2'), 'checks the vma against the GUP flags; refuses nothing a device page of this type needs', { types: others('FS_DAX') }),
      fx(span('E3'), 'checks the vma against the GUP flags; refuses nothing a device page needs (FS DAX long-term pins are refused by folio_is_longterm_pinnable())'),
    ],
    doc: 'Slow GUP\'s check of each vma against the flags (__get_user_pages()): -EFAULT for VM_IO/VM_PFNMAP, write and anon mismatches, secretmem; -EOPNOTSUPP for FOLL_LONGTERM on an FS DAX file (vma_is_fsdax(), E0-E2) and, from v6.2, for FOLL_LONGTERM with FOLL_PCI_P2PDMA (4003f107fa2e). In E3 long-term pins of FS DAX are refused by folio_is_longterm_pinnable() instead.',
    source: `${GUP_C}; 4003f107fa2e`,
  },
  {
    name: 'gup_put_folio', roles: ['gup', 'put'], exists: ALL_ERAS, effects: GUP_PUT,
    doc: 'Releases a GUP reference or pin (refs, or refs times the pin bias). In E0-E2 FS DAX folios go through the devmap-managed hook so the idle wakeup at 1 happens; 38607c62b34b removed the hook.',
    source: `${GUP_C}; 38607c62b34b`,
  },
  {
    name: 'follow_page', roles: ['get'], exists: span('E0', 'E2'),
    effects: [fx(span('E0', 'E2'), 'FOLL_GET: +1 on the page found at the address (the caller puts it)', { refcount: { op: 'inc' } })],
    doc: 'Looks up the page mapped at an address; with FOLL_GET it returns it with a reference the caller must drop (move_pages, KSM, migration used it). Removed in v6.12 in favour of folio_walk_start(), which takes no reference.',
    source: 'mm/gup.c (linux-6.1)',
  },
  {
    name: 'try_grab_folio', roles: ['gup', 'get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+refs, or refs x GUP_PIN_COUNTING_BIAS for FOLL_PIN', PIN)],
    doc: 'Takes a GUP reference (FOLL_GET: +refs) or pin (FOLL_PIN: +refs x GUP_PIN_COUNTING_BIAS) on a folio. The E2 GUP-fast form failed on a count of 0; from v6.10 the fast path uses try_grab_folio_fast() and this is the slow-path grab.',
    source: GUP_C,
  },
  {
    name: 'try_grab_folio_fast', roles: ['gup', 'get'], fails: [{ returns: 'null' }], exists: span('E2'),
    effects: [fx(span('E2'), '+refs / pin bias unless the count is 0 (speculative)', PIN)],
    doc: 'GUP-fast speculative grab (v6.10+): try_get_folio() then the pin bias for FOLL_PIN; fails on a folio at 0, so free 0-based device pages cannot be grabbed. Its E2 failure path released through the devmap hook.',
    source: GUP_612,
  },
  {
    name: 'try_get_folio', roles: ['gup', 'get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+refs unless the count is 0; rechecks the folio after the grab', { refcount: { op: 'inc-unless-zero', amount: 'arg' } })],
    doc: 'Speculative folio reference for GUP-fast: adds refs unless the count is 0 and rechecks that the page still belongs to the folio. In E0-E2 its release-on-race path went through the devmap hook.',
    source: GUP_C,
  },
  {
    name: 'try_grab_page', roles: ['gup', 'get'], fails: [{ returns: 'false' }], exists: span('E0', 'E2'),
    effects: [fx(span('E0', 'E2'), '+1, or GUP_PIN_COUNTING_BIAS for FOLL_PIN', PIN)],
    doc: 'GUP slow-path grab of one page before the folio conversion (gone in linux-6.12).',
    source: GUP_61,
  },
  {
    name: 'pin_user_pages', roles: ['gup', 'get'], fails: GUP_FAILS, exists: ALL_ERAS, effects: within(ALL_ERAS, WALK),
    params: GUP_PARAMS, reaches: slowPath('FOLL_PIN'),
    doc: 'FOLL_PIN GUP: each page gets the pin bias. With FOLL_LONGTERM, FS DAX must be refused (E0-E2 by the vma_is_fsdax()/devmap checks, E3+ by folio_is_longterm_pinnable()) and COHERENT pages are migrated out first (hazard 10). On its way it runs check_vma_flags() and the page grab (try_grab_page(), try_grab_folio() from v6.6), which refuse P2PDMA pages without FOLL_PCI_P2PDMA and FOLL_LONGTERM with it from v6.2 (4003f107fa2e).',
    source: `${GUP_C}; 4003f107fa2e`,
  },
  {
    name: 'pin_user_pages_fast', roles: ['gup', 'get'], fails: GUP_FAILS, exists: ALL_ERAS, effects: within(ALL_ERAS, WALK),
    params: GUP_PARAMS, reaches: fastPath('FOLL_PIN'),
    doc: 'GUP-fast FOLL_PIN: pin bias per page; devmap entries are refused for FOLL_LONGTERM and fall back to the slow path.',
    source: GUP_C,
  },
  {
    name: 'get_user_pages', roles: ['gup', 'get'], fails: GUP_FAILS, exists: ALL_ERAS, effects: within(ALL_ERAS, WALK),
    params: GUP_PARAMS, reaches: slowPath('FOLL_GET'),
    doc: 'FOLL_GET GUP: +1 per page; the caller must put_page() each one. Callers that skip the put for "reserved" pages leak ZONE_DEVICE references (a78986aae9b2, hazard 11).',
    source: GUP_C,
  },
  {
    name: 'get_user_pages_fast', roles: ['gup', 'get'], fails: GUP_FAILS, exists: ALL_ERAS, effects: within(ALL_ERAS, WALK),
    params: GUP_PARAMS, reaches: fastPath('FOLL_GET'),
    doc: 'GUP-fast FOLL_GET: +1 per page without mmap_lock, falling back to the slow path.',
    source: GUP_C,
  },
  {
    name: 'hmm_range_fault', roles: ['gup'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'reports pfns; takes no page references (device-private pages of the caller are reported as such)')],
    doc: 'Snapshots the CPU page tables of a range for a device (faulting as needed) and reports pfns, taking no page references; the caller must use mmu notifiers. Kernels before about v5.7 held a pgmap reference while walking devmap PTEs.',
    source: 'mm/hmm.c (linux-6.1, linux-6.12)',
  },
];
