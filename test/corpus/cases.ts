// The real-change corpus: upstream changes in the ZONE_DEVICE / DAX / HMM / P2PDMA area seen as
// the difference between Debian's linux-6.1 (6.1.192, early E2) and linux-6.12 (6.12.117, late
// E2). Only these definitions are committed; the C is cut from the two trees at test time
// (cut.ts) and reviewed through the core façade (corpus.test.ts).
//
// `expect` is what a kernel reviewer who knows refcount-model.md expects the review to report,
// written before running the model and not adjusted to it. Both trees are E2, so most changes are
// refcount-neutral (renames, folio conversions, code motion, whitespace, comments) and expect no
// effect and no finding. `todo` marks a case where the model disagrees and we are not sure who is
// right; the reason says what it reports.
import type { Aspect, FindingStatus, RuleId } from '../../src/core/report/types';
import type { Era, PgmapType } from '../../src/core/types';
import type { FileChange } from './cut';

export interface ExpectedEffect {
  readonly aspect: Aspect;
  readonly types: readonly PgmapType[];
  readonly before: string;
  readonly after: string;
}

export interface ExpectedFinding {
  readonly ruleId: RuleId;
  readonly status: FindingStatus;
  readonly types: readonly PgmapType[];
}

export interface CorpusCase {
  readonly id: string;
  /** The upstream change: commit id(s) when known for sure, subject, and what it does. */
  readonly upstream: { readonly commits?: readonly string[]; readonly subject: string; readonly what: string };
  /** 'neutral': no refcount behaviour changes; 'semantic': it changes what the model tracks. */
  readonly kind: 'neutral' | 'semantic';
  /** Tree the pre-image is cut from; the post-image comes from the other one. Default '6.1'. */
  readonly from?: '6.1' | '6.12';
  readonly files: readonly FileChange[];
  readonly era: Era;
  readonly expect: { readonly effects: readonly ExpectedEffect[]; readonly findings: readonly ExpectedFinding[] };
  /** Why a reviewer expects this. */
  readonly reasoning: string;
  readonly todo?: string;
}

const same = (path: string, old: readonly string[], now: readonly string[] = old): FileChange => ({
  old: { path, symbols: old },
  new: { path, symbols: now },
});

const NONE = { effects: [], findings: [] } as const;

/** P2PDMA userspace mmap as it stands in 6.12.117 (7e9c7ef83d78 with the 6220694c52a5 fix). */
/** In-kernel allocation (pci_alloc_p2pmem/pci_free_p2pmem, one pgmap ref per allocation) is in both cuts, as context. */
const P2PDMA_612 = ['p2pmem_alloc_mmap', 'p2pmem_alloc_attr', 'p2pmem_bin_attrs', 'p2pmem_group', 'p2pdma_page_free', 'p2pdma_pgmap_ops',
  'pci_p2pdma_unmap_mappings', 'pci_p2pdma_add_resource', 'pci_alloc_p2pmem', 'pci_free_p2pmem'];
const P2PDMA_61 = ['p2pmem_group', 'pci_p2pdma_add_resource', 'pci_alloc_p2pmem', 'pci_free_p2pmem'];

export const CASES: readonly CorpusCase[] = [
  {
    id: 'free-zone-device-folio',
    upstream: { commits: ['9f100e3b3759'], subject: 'mm: convert free_zone_device_page to free_zone_device_folio', what: 'renames the ZONE_DEVICE final-put path and converts it to folios (plus the page->folio accessors of later cleanups)' },
    kind: 'neutral',
    files: [same('mm/memremap.c', ['free_zone_device_page'], ['free_zone_device_folio'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Same steps in the same order for every type: page_free, then reset to 1 except PRIVATE/COHERENT, which drop their pgmap ref. The type guard is the same two constants; only page->folio spelling changes.',
  },
  {
    id: 'devmap-managed-folio-refs',
    upstream: { subject: 'mm: convert put_devmap_managed_page_refs() to put_devmap_managed_folio_refs()', what: 'folio conversion of the FS DAX idle hook' },
    kind: 'neutral',
    files: [same('mm/memremap.c', ['__put_devmap_managed_page_refs'], ['__put_devmap_managed_folio_refs'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Still FS_DAX only, still wakes at refcount 1; &folio->_refcount is the same address as &page->_refcount, so the wake key the ext4/xfs waiters use is unchanged (no wait-wake-mismatch).',
  },
  {
    id: 'put-page-devmap-hook',
    upstream: { subject: 'mm: convert put_devmap_managed_page_refs() to put_devmap_managed_folio_refs()', what: 'put_page() calls the folio form of the devmap-managed hook; the put_devmap_managed_page() wrapper goes away' },
    kind: 'neutral',
    files: [same('include/linux/mm.h', ['put_devmap_managed_page_refs#1', 'put_devmap_managed_page', 'put_page'], ['put_devmap_managed_folio_refs#1', 'put_page'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'put_page() keeps diverting devmap-managed (FS_DAX) pages to the hook before folio_put(), so hazard 7 is neither introduced nor fixed.',
  },
  {
    id: 'gup-put-folio',
    upstream: { subject: 'mm: convert put_devmap_managed_page_refs() to put_devmap_managed_folio_refs() (+ folio->_pincount cleanup)', what: 'GUP release uses the folio hook and folio->_pincount' },
    kind: 'neutral',
    files: [same('mm/gup.c', ['gup_put_folio'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'GUP release still goes through the devmap-managed hook before folio_put_refs(); pin accounting is not a page-refcount aspect.',
  },
  {
    id: 'pagemap-range-untrack-pfn',
    upstream: { subject: 'untrack_pfn() gains an mm_wr_locked argument (VMA locking series)', what: 'one-line change on the error path of pagemap_range()' },
    kind: 'neutral',
    files: [same('mm/memremap.c', ['pagemap_range'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'The per-page pgmap refs (percpu_ref_get_many, not for PRIVATE/COHERENT) are untouched; only a PAT helper call on the error path changes.',
  },
  {
    id: 'init-zone-device-page-blank-line',
    upstream: { subject: 'not identified (whitespace difference between the trees)', what: 'a blank line added at the top of __init_zone_device_page()' },
    kind: 'neutral',
    files: [same('mm/mm_init.c', ['__init_zone_device_page'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Whitespace only; the set_page_count(page, 0) for PRIVATE/COHERENT is unchanged.',
  },
  {
    id: 'memmap-init-zone-device-indent',
    upstream: { subject: 'not identified (whitespace difference between the trees)', what: 're-indents a pr_debug() continuation line' },
    kind: 'neutral',
    files: [same('mm/mm_init.c', ['memmap_init_zone_device'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Whitespace only.',
  },
  {
    id: 'memmap-init-compound-head',
    upstream: { subject: 'mm: remove folio_pincount_ptr() and head_compound_pincount()', what: 'compound head metadata now lives in the first tail page, so prep_compound_head() runs one tail earlier; comment rewritten' },
    kind: 'neutral',
    files: [same('mm/mm_init.c', ['memmap_init_compound'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Tail pages are still set to refcount 0 for every type; only where compound metadata is stored changes.',
  },
  {
    id: 'unpin-dirty-lock-comment',
    upstream: { subject: 'page_mkclean() -> folio_mkclean() rename, reflected in a comment', what: 'comment-only change in unpin_user_pages_dirty_lock()' },
    kind: 'neutral',
    files: [same('mm/gup.c', ['unpin_user_pages_dirty_lock'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Comment only.',
  },
  {
    id: 'folio-put-zone-device',
    upstream: { subject: 'mm: convert free_zone_device_page to free_zone_device_folio (+ __folio_put() rework)', what: '__folio_put() still sends ZONE_DEVICE folios to the device free path, now with early returns' },
    kind: 'neutral',
    files: [same('mm/swap.c', ['__folio_put'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'ZONE_DEVICE folios reaching 0 still go to the (renamed) free path first; the rest concerns ordinary and hugetlb folios.',
  },
  {
    id: 'mc-handle-swap-pte-move',
    upstream: { subject: 'mm: memcg: move charge migration code to memcontrol-v1.c', what: 'code motion of mc_handle_swap_pte() between files (plus swp_offset -> swap_cache_index)' },
    kind: 'neutral',
    files: [same('mm/memcontrol.c', ['mc_handle_swap_pte'], []), same('mm/memcontrol-v1.c', [], ['mc_handle_swap_pte'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'The device-private branch (get_page_unless_zero on the swap entry page) moves unchanged; a move must not read as a removal plus an addition.',
  },
  {
    id: 'gup-fast-pte-range',
    upstream: { subject: 'mm/gup: consistently name GUP-fast functions (+ stop abusing try_grab_folio, pte_offset_map failure, secretmem check moved)', what: 'gup_pte_range() becomes gup_fast_pte_range()' },
    kind: 'neutral',
    files: [same('mm/gup.c', ['gup_pte_range'], ['gup_fast_pte_range'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Devmap PTEs still refuse FOLL_LONGTERM and take a pgmap ref with get_dev_pagemap() before grabbing the folio; failure paths still undo both.',
  },
  {
    id: 'gup-fast-devmap-leaf',
    upstream: { subject: 'mm/gup: consistently name GUP-fast functions (+ FOLL_PCI_P2PDMA check)', what: '__gup_device_huge()/undo_dev_pagemap() renamed; P2PDMA pages refused without FOLL_PCI_P2PDMA' },
    kind: 'neutral',
    files: [same('mm/gup.c', ['undo_dev_pagemap', '__gup_device_huge'], ['gup_fast_undo_dev_pagemap', 'gup_fast_devmap_leaf'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Each devmap pfn still takes get_dev_pagemap() then a folio grab, and the undo path releases through gup_put_folio (which keeps the devmap hook). The P2PDMA refusal changes which callers may GUP such pages, not a refcount aspect.',
  },
  {
    id: 'follow-devmap-pmd',
    upstream: { subject: 'mm: gup: stop abusing try_grab_folio (+ FOLL_PIN|FOLL_GET check moved to the GUP entry points)', what: 'try_grab_page() -> try_grab_folio() in the devmap PMD follow path' },
    kind: 'neutral',
    files: [same('mm/huge_memory.c', ['follow_devmap_pmd'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Still takes the pgmap ref with get_dev_pagemap() and one page reference per follow.',
  },
  {
    id: 'try-grab-folio-split',
    upstream: { commits: ['4003f107fa2e'], subject: 'mm: gup: stop abusing try_grab_folio (and, between 6.1 and 6.12, mm: introduce FOLL_PCI_P2PDMA)', what: 'try_grab_folio() is split into try_grab_folio_fast() (lockless, may fail on a zero count) and try_grab_folio() (folio known to be referenced; WARNs on a count <= 0); the 6.12 bodies also refuse P2PDMA pages without FOLL_PCI_P2PDMA, which linux-6.1 does not have' },
    kind: 'semantic',
    files: [same('mm/gup.c', ['try_grab_folio'], ['try_grab_folio_fast', 'try_grab_folio'])],
    era: 'E2',
    expect: { effects: [{ aspect: 'longterm-pin', types: ['P2PDMA'], before: 'allowed', after: 'refused' }], findings: [] },
    reasoning: 'Same reference/pin arithmetic; the new WARN only fires for a mapped page at refcount 0, which no E2 type has (mapped FS_DAX/GENERIC pages rest at >= 1, PRIVATE is never GUP-mapped). But the 6.1 -> 6.12 diff of these functions also carries 4003f107fa2e (v6.2): linux-6.1 mm/gup.c has no FOLL_PCI_P2PDMA, linux-6.12 try_grab_folio() and try_grab_folio_fast() return -EREMOTEIO / NULL for a P2PDMA page without it, and a long-term pin passes only FOLL_LONGTERM | FOLL_PIN: a P2PDMA page can no longer be pinned long term (first written as neutral from the split commit alone; corrected from the kernel source when the model began to run GUP\'s grab).',
  },
  {
    id: 'insert-pfn-pmd-special',
    upstream: { subject: 'mm: mark special bits for huge pfn mappings when inject', what: 'non-devmap huge pfnmap PMDs are marked special' },
    kind: 'neutral',
    files: [same('mm/huge_memory.c', ['insert_pfn_pmd'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'DAX pfns carry PFN_DEV|PFN_MAP and still get pmd_mkdevmap(); only pfns without struct pages (VM_PFNMAP) become special. No ZONE_DEVICE mapping kind changes.',
  },
  {
    id: 'vmf-insert-pfn-pmd-prot',
    upstream: { subject: 'mm: remove vmf_insert_pfn_xxx_prot() for huge page-table entries', what: 'the _prot variant folds into vmf_insert_pfn_pmd(), taking vma->vm_page_prot' },
    kind: 'neutral',
    files: [same('mm/huge_memory.c', ['vmf_insert_pfn_pmd_prot'], ['vmf_insert_pfn_pmd'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Still inserts a devmap PMD without a page reference for FS_DAX/GENERIC (mapping-without-reference present before and after, not introduced).',
  },
  {
    id: 'insert-pfn-ptep-get',
    upstream: { subject: 'mm: ptep_get() conversion', what: 'insert_pfn() reads the PTE once with ptep_get()' },
    kind: 'neutral',
    files: [same('mm/memory.c', ['insert_pfn'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Same devmap/special PTE construction, no reference taken, before and after.',
  },
  {
    id: 'dax-shared-entries',
    upstream: { subject: 'fsdax: introduce page->share for fsdax in reflink mode (+ IOMAP_F_SHARED instead of the CoW test)', what: 'FS DAX reflink sharing tracked by page->share instead of the CoW mapping flag' },
    kind: 'neutral',
    files: [same('fs/dax.c', ['dax_associate_entry', 'dax_disassociate_entry', 'dax_insert_entry'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Association bookkeeping (mapping/index/share) only; the truncate WARN still expects refcount <= 1, matching the E2 FS_DAX idle count.',
  },
  {
    id: 'migrate-vma-insert-page',
    upstream: { subject: 'folio conversion of migrate_vma_insert_page() (+ pte_offset_map_lock() may fail, pte_mkwrite() takes the VMA)', what: 'device-private swap entry / coherent PTE installation on the folio API' },
    kind: 'neutral',
    files: [same('mm/migrate_device.c', ['migrate_vma_insert_page'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Still one reference (get_page -> folio_get) and one anon rmap for the installed entry; PRIVATE gets a swap entry, COHERENT a normal PTE, other ZONE_DEVICE types are refused.',
  },
  {
    id: 'migrate-device-coherent-folio',
    upstream: { subject: 'folio conversion: migrate_device_coherent_page() -> migrate_device_coherent_folio()', what: 'the FOLL_LONGTERM escape path that migrates a COHERENT page to system memory, on folios' },
    kind: 'neutral',
    files: [same('mm/migrate_device.c', ['migrate_device_coherent_page'], ['migrate_device_coherent_folio'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'Same unmap / allocate / copy / finalize sequence; COHERENT pages are still migrated out instead of being pinned long term.',
  },
  {
    id: 'migrate-device-pages-swapcache',
    upstream: { subject: 'not identified (migrate_device: drop an anon source folio from the swap cache instead of refusing it; migrate_folio*() -> folio_migrate_mapping())', what: 'migration to device memory accepts anonymous swap-cache folios' },
    kind: 'neutral',
    files: [same('mm/migrate_device.c', ['__migrate_device_pages'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'The destination-type guard is the same (PRIVATE/COHERENT accepted, other ZONE_DEVICE types refused); what widens is the set of source folios (anon after folio_free_swap()), which are ordinary memory. The fault page still counts one extra reference.',
  },
  {
    id: 'zap-huge-pmd',
    upstream: { subject: 'folio conversion of zap_huge_pmd() (folio_remove_rmap_pmd, arch_check_zapped_pmd)', what: 'huge PMD zap on the folio API' },
    kind: 'neutral',
    files: [same('mm/huge_memory.c', ['zap_huge_pmd'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'DAX VMAs still take the vma_is_special_huge() branch that drops no page reference, matching the E2 devmap PMDs inserted without one (no refcount-underflow).',
  },
  {
    id: 'longterm-pinnable',
    upstream: { subject: 'folio conversion: is_longterm_pinnable_page() folded into folio_is_longterm_pinnable()', what: 'same checks on the folio' },
    kind: 'neutral',
    files: [same('include/linux/mm.h', ['is_longterm_pinnable_page', 'folio_is_longterm_pinnable#1'], ['folio_is_longterm_pinnable#1'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'COHERENT is still refused (migrated), the rest follows ZONE_MOVABLE; FS_DAX long-term pins are refused elsewhere in E2 (devmap/VMA checks), not here.',
  },
  {
    id: 'xfs-break-dax-layouts-move',
    upstream: { subject: 'not identified (xfs layout-breaking helpers moved from xfs_file.c to xfs_inode.c; ASSERT(xfs_isilocked()) -> xfs_assert_ilocked())', what: 'code motion of the FS DAX busy-page wait between files' },
    kind: 'neutral',
    files: [
      same('fs/xfs/xfs_file.c', ['xfs_wait_dax_page', 'xfs_break_dax_layouts'], []),
      same('fs/xfs/xfs_inode.c', [], ['xfs_wait_dax_page', 'xfs_break_dax_layouts']),
    ],
    era: 'E2',
    expect: NONE,
    reasoning: 'The wait keeps its key (&page->_refcount) and its idle count (1), which still match the E2 waker in __put_devmap_managed_*_refs(); moving it must not read as a new wait (no wait-wake-mismatch).',
  },
  {
    id: 'insert-page-zero-refcount-guard',
    upstream: { subject: 'not identified (vm_insert_page() learns the shared zeropage and refuses pages with a zero refcount; folio rmap API)', what: 'insert_page() maps the zero folio special without a reference and returns -EINVAL for a page at refcount 0' },
    kind: 'neutral',
    files: [same('mm/memory.c', ['validate_page_before_insert', 'insert_page_into_pte_locked', 'insert_page'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'ZONE_DEVICE pages inserted with vm_insert_page() in E2 (P2PDMA) rest at refcount >= 1, so they still take one reference and one mapcount per PTE; the zero-refcount refusal only turns a get_page() on a free page into an error, and the zero folio is not ZONE_DEVICE.',
  },
  {
    id: 'memory-failure-dev-pagemap-put',
    upstream: { subject: 'not identified (memory-failure: the MF_COUNT_INCREASED reference is dropped by put_ref_page(pfn, flags) in memory_failure() instead of inside memory_failure_dev_pagemap())', what: 'moves the put of the madvise-injection page reference from the ZONE_DEVICE handler to its caller' },
    kind: 'neutral',
    files: [same('mm/memory-failure.c', ['memory_failure_dev_pagemap', 'memory_failure', 'put_ref_page'], ['put_ref_page', 'memory_failure_dev_pagemap', 'memory_failure'])],
    era: 'E2',
    expect: NONE,
    reasoning: 'The injected page reference is still dropped exactly once on the ZONE_DEVICE path (now before the handler runs), and the pgmap reference from get_dev_pagemap() is still dropped by memory_failure_dev_pagemap() on every path.',
  },
  {
    id: 'p2pdma-userspace-mmap',
    upstream: { commits: ['7e9c7ef83d78', '6220694c52a5'], subject: 'PCI/P2PDMA: Allow userspace VMA allocations through sysfs (+ its error-path pgmap ref fix)', what: 'p2pmem_alloc_mmap() maps P2PDMA pages into user space with vm_insert_page(); P2PDMA pgmaps get a page_free callback that returns the memory and the pgmap ref' },
    kind: 'semantic',
    files: [same('drivers/pci/p2pdma.c', P2PDMA_61, P2PDMA_612)],
    era: 'E2',
    expect: {
      effects: [
        { aspect: 'mapping-ref', types: ['P2PDMA'], before: 'no', after: 'yes' },
        { aspect: 'page-free-callback', types: ['P2PDMA'], before: 'no', after: 'yes' },
      ],
      findings: [],
    },
    reasoning: 'vm_insert_page() takes a reference and mapcount (1->2), put_page() hands the count to the mapping (2->1), unmap takes it 1->0 and free_zone_device_page() calls p2pdma_page_free(). Each inserted page takes one pgmap ref that p2pdma_page_free() drops, and the 6.12 error path drops the tryget ref (6220694c52a5), so no imbalance is introduced. P2PDMA stays 1-based (free-page-nonzero-refcount is present before and after, not introduced). Teardown already waited for in-use P2PDMA memory before: pci_alloc_p2pmem() holds one pgmap ref per in-kernel allocation, so neither teardown-waits nor pgmap-teardown-race changes; the new per-mapped-page refs follow the same per-allocation pattern (a reviewer could argue for a pgmap-ref effect here; we do not expect one).',
  },
  {
    id: 'p2pdma-userspace-mmap-revert',
    upstream: { commits: ['7e9c7ef83d78', '6220694c52a5'], subject: 'the same change reverted (6.12 -> 6.1)', what: 'removes the P2PDMA user mapping and its page_free callback' },
    kind: 'semantic',
    from: '6.12',
    files: [same('drivers/pci/p2pdma.c', P2PDMA_612, P2PDMA_61)],
    era: 'E2',
    expect: {
      effects: [
        { aspect: 'mapping-ref', types: ['P2PDMA'], before: 'yes', after: 'no' },
        { aspect: 'page-free-callback', types: ['P2PDMA'], before: 'yes', after: 'no' },
      ],
      findings: [],
    },
    reasoning: 'The mirror image of p2pdma-userspace-mmap: a review must be symmetric.',
  },
];
