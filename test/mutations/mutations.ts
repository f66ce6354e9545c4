// The mutation corpus: realistic edits of real kernel functions, written as small search/replace
// pairs of our own. The patches are generated at test time from Debian's linux-source-6.1 and
// 6.12 (generate.ts); nothing of the kernel is stored beyond the few-line anchors below.
//
// Each expectation was written from the kernel source of that tree (cited in `reason`) before the
// model was run on the mutation, and is never adjusted to its output: test/measure/status.json
// records how the model does. Both trees are E2 (v6.1-v6.14).
import type { RuleId } from '../../src/core/report/types';
import type { PgmapType } from '../../src/core/types';
import type { Expectation } from '../measure/expect';

export interface Edit {
  readonly file: string;
  /** Confines `find` to this top-level definition of `file` (first definition of that name). */
  readonly fn?: string;
  /** Must occur exactly once (in `fn` when given), unless `all`. */
  readonly find: string;
  readonly replace: string;
  /** Replace every occurrence (renames). */
  readonly all?: boolean;
}

/** Moves the definition `fn` of `file` to just before the definition `before` of `toFile`. */
export interface Move {
  readonly file: string;
  readonly moveFn: string;
  readonly toFile: string;
  readonly before: string;
}

export type Shape =
  | 'acquire-removed' | 'release-removed' | 'release-added' | 'release-removed-error-return' | 'release-removed-error-goto'
  | 'release-added-error-goto' | 'guard-narrowed' | 'guard-widened' | 'guard-removed' | 'guard-capability'
  | 'producer-consumer-compensated' | 'producer-consumer-uncompensated' | 'refusal-removed' | 'wait-removed' | 'wait-moved'
  | 'wait-changed' | 'wake-changed' | 'helper-ref-special' | 'helper-ref-devmap' | 'helper-clean-twin' | 'extra-put'
  | 'set-count' | 'warn-changed' | 'reserved-skip' | 'verbatim-move' | 'rename' | 'extract-helper' | 'inline-helper'
  | 'if-to-switch' | 'reorder' | 'release-moved-to-label';

export interface Mutation {
  readonly id: string;
  readonly tree: '6.1' | '6.12';
  readonly shape: Shape;
  /** Subject line of the generated mail (intent is read from it, as from a real posting). */
  readonly subject: string;
  readonly edits: readonly (Edit | Move)[];
  /** The first edit alone is not a patch anyone would post (it does not compile): no series. */
  readonly noSeries?: true;
  readonly expect: Expectation;
  /** Why, citing the kernel file and function. */
  readonly reason: string;
}

const NEUTRAL = { kind: 'neutral', effects: [], findings: [] } as const;
/** The expectation of a mutation that introduces one finding and changes no aspect. */
const introduces = (ruleId: RuleId, types: readonly PgmapType[]): Expectation => ({ kind: 'semantic', effects: [], findings: [{ ruleId, status: 'introduced', types }] });
const P2P = 'drivers/pci/p2pdma.c';
const MEMREMAP = 'mm/memremap.c';
const MMINIT = 'mm/mm_init.c';
const GUP = 'mm/gup.c';
const MEMORY = 'mm/memory.c';
const DAX = 'fs/dax.c';
const KFD = 'drivers/gpu/drm/amd/amdkfd/kfd_migrate.c';
const HMM = 'lib/test_hmm.c';

const SPECIAL_HELPER = (special: boolean): string => `static int insert_page_pte_ref(struct vm_area_struct *vma, pte_t *pte,
			unsigned long addr, struct page *page, pgprot_t prot)
{
	struct folio *folio = page_folio(page);

	if (!pte_none(ptep_get(pte)))
		return -EBUSY;
	folio_get(folio);
	inc_mm_counter(vma->vm_mm, mm_counter_file(folio));
	folio_add_file_rmap_pte(folio, page, vma);
	set_pte_at(vma->vm_mm, addr, pte, ${special ? 'pte_mkspecial(mk_pte(page, prot))' : 'mk_pte(page, prot)'});
	return 0;
}

static int insert_page(struct vm_area_struct *vma, unsigned long addr,`;

/** check_vma_flags() is where slow GUP refuses FOLL_LONGTERM on fsdax VMAs in both trees. */
const fsdaxRefusalRemoved = (tree: '6.1' | '6.12'): Mutation => ({
  id: `check-vma-fsdax-refusal-removed${tree === '6.1' ? '-61' : ''}`, tree, shape: 'refusal-removed',
  subject: 'mm/gup: let check_vma_flags() accept long-term pins of DAX files',
  edits: [{ file: GUP, fn: 'check_vma_flags', find: '\tif ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))\n\t\treturn -EOPNOTSUPP;\n\n', replace: '' }],
  expect: {
    kind: 'semantic',
    effects: [{ aspect: 'longterm-pin', types: ['FS_DAX'], before: 'refused', after: 'allowed' }],
    findings: [{ ruleId: 'longterm-pin-fsdax', status: 'introduced', types: ['FS_DAX'] }],
  },
  reason: `linux-${tree} check_vma_flags(): the FOLL_LONGTERM refusal of fsdax VMAs is where slow GUP keeps long-term pins off FS DAX in E2 (folio_is_longterm_pinnable does not exclude FS_DAX there).`,
});

export const MUTATIONS: readonly Mutation[] = [
  // ---- P2PDMA: drivers/pci/p2pdma.c (6.12) ----
  {
    id: 'p2pdma-mmap-insert-fail-no-put', tree: '6.12', shape: 'release-removed-error-return',
    subject: 'PCI/P2PDMA: simplify the vm_insert_page() error path',
    edits: [{ file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\t\tpercpu_ref_put(ref);\n\t\t\treturn ret;', replace: '\t\t\treturn ret;' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'p2pmem_alloc_mmap(): the percpu_ref_tryget_live_rcu() reference is dropped by the final percpu_ref_put() or, when vm_insert_page() fails, in its branch (6220694c52a5); removing it leaks one pgmap ref per failed mmap.',
  },
  {
    id: 'p2pdma-mmap-tryget-fail-put', tree: '6.12', shape: 'release-added-error-goto',
    subject: 'PCI/P2PDMA: drop the pgmap reference when the pgmap is dying',
    edits: [{ file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\tret = -ENODEV;\n\t\tgoto out_free_mem;', replace: '\t\tret = -ENODEV;\n\t\tpercpu_ref_put(ref);\n\t\tgoto out_free_mem;' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'p2pmem_alloc_mmap(): percpu_ref_tryget_live_rcu() failed, so no reference was taken; the added put drops one never taken before the goto to out_free_mem (beyond a -U3 context).',
  },
  {
    id: 'p2pdma-mmap-loop-get-removed', tree: '6.12', shape: 'acquire-removed',
    subject: 'PCI/P2PDMA: do not take a pgmap reference per inserted page',
    edits: [{ file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\tpercpu_ref_get(ref);\n', replace: '' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'p2pmem_alloc_mmap() takes one pgmap ref per mapped page, which p2pdma_page_free() drops when the page is freed after unmap; without the get each freed page drops a ref it never took.',
  },
  {
    id: 'p2pdma-mmap-final-put-removed', tree: '6.12', shape: 'release-removed',
    subject: 'PCI/P2PDMA: keep the mapping reference',
    edits: [{ file: P2P, fn: 'p2pmem_alloc_mmap', find: '\tpercpu_ref_put(ref);\n\n\treturn 0;', replace: '\treturn 0;' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'p2pmem_alloc_mmap(): the tryget reference taken before the loop is dropped at the end of the success path; removing that put leaks it on every successful mmap (memunmap_pages() would wait forever).',
  },
  {
    id: 'p2pdma-mmap-handover-put-removed', tree: '6.12', shape: 'release-removed',
    subject: 'PCI/P2PDMA: keep the allocation reference of mapped pages',
    edits: [{ file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\tput_page(virt_to_page(kaddr));\n', replace: '' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'p2pmem_alloc_mmap(): vm_insert_page() takes a page reference for the PTE (insert_page_into_pte_locked folio_get); the put_page() hands the allocation reference over so unmap frees the page to p2pdma_page_free(); without it the page never reaches its free path and its per-page pgmap ref is never dropped.',
  },
  {
    id: 'p2pmem-free-put-removed', tree: '6.12', shape: 'release-removed',
    subject: 'PCI/P2PDMA: pci_free_p2pmem() only returns the memory',
    edits: [{ file: P2P, fn: 'pci_free_p2pmem', find: '\tpercpu_ref_put(ref);\n', replace: '' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'pci_alloc_p2pmem() takes one pgmap ref per allocation (percpu_ref_tryget_live_rcu) that pci_free_p2pmem() drops; without the put every in-kernel allocation leaks one.',
  },
  {
    id: 'p2pdma-page-free-put-removed', tree: '6.12', shape: 'release-removed',
    subject: 'PCI/P2PDMA: page_free only returns the page to the pool',
    edits: [{ file: P2P, fn: 'p2pdma_page_free', find: '\tpercpu_ref_put(ref);\n', replace: '' }],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'p2pdma_page_free() drops the per-page ref p2pmem_alloc_mmap() took (percpu_ref_get in the loop); without it each unmapped page leaks one.',
  },
  {
    id: 'p2pdma-mmap-leak-then-rename', tree: '6.12', shape: 'release-removed-error-return',
    subject: 'PCI/P2PDMA: simplify the vm_insert_page() error path, rename the mmap handler',
    edits: [
      { file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\t\tpercpu_ref_put(ref);\n\t\t\treturn ret;', replace: '\t\t\treturn ret;' },
      { file: P2P, find: 'p2pmem_alloc_mmap', replace: 'p2pmem_mmap_alloc', all: true },
    ],
    expect: introduces('pgmap-ref-imbalance', ['P2PDMA']),
    reason: 'The issue\'s named leak (p2pmem_alloc_mmap() failure branch without percpu_ref_put) followed by a rename of the function: the leak must survive the second patch of the series.',
  },
  {
    id: 'p2pdma-mmap-common-exit', tree: '6.12', shape: 'release-moved-to-label',
    subject: 'PCI/P2PDMA: one exit that drops the mapping reference',
    edits: [
      { file: P2P, fn: 'p2pmem_alloc_mmap', find: '\tpercpu_ref_put(ref);\n\n\treturn 0;', replace: '\tret = 0;\nout_put:\n\tpercpu_ref_put(ref);\n\treturn ret;' },
      { file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\t\tpercpu_ref_put(ref);\n\t\t\treturn ret;', replace: '\t\t\tgoto out_put;' },
    ],
    expect: NEUTRAL,
    reason: 'p2pmem_alloc_mmap(): the vm_insert_page() failure branch jumps to a new out_put label (beyond a -U3 context) that drops the tryget reference once, as the branch did; the success path drops it at the same label.',
  },
  {
    id: 'free-folio-else-put-removed', tree: '6.12', shape: 'release-removed',
    subject: 'mm/memremap: device-private pages keep their pgmap reference',
    edits: [{ file: MEMREMAP, find: '\t\tfolio_set_count(folio, 1);\n\telse\n\t\tput_dev_pagemap(folio->page.pgmap);', replace: '\t\tfolio_set_count(folio, 1);' }],
    expect: introduces('pgmap-ref-imbalance', ['PRIVATE', 'COHERENT']),
    reason: 'free_zone_device_folio(): the else arm drops the pgmap ref zone_device_page_init() took for each PRIVATE/COHERENT allocation; without it every allocation leaks one and memunmap_pages() waits forever.',
  },
  // ---- pgmap static references: mm/memremap.c (6.12) ----
  {
    id: 'generic-static-ref-dropped-both', tree: '6.12', shape: 'producer-consumer-compensated',
    subject: 'mm/memremap: device-dax (GENERIC) pages do not pin their pgmap',
    edits: [
      { file: MEMREMAP, fn: 'pagemap_range', find: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\tpercpu_ref_get_many', replace: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT &&\n\t    pgmap->type != MEMORY_DEVICE_GENERIC)\n\t\tpercpu_ref_get_many' },
      { file: MEMREMAP, fn: 'memunmap_pages', find: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n', replace: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT &&\n\t    pgmap->type != MEMORY_DEVICE_GENERIC)\n' },
    ],
    expect: { kind: 'semantic', effects: [{ aspect: 'pgmap-ref', types: ['GENERIC'], before: 'static', after: 'none' }], findings: [] },
    reason: 'pagemap_range() takes pfn_len() refs for every type but PRIVATE/COHERENT and memunmap_pages() puts the same count under the same guard; excluding GENERIC from both keeps them balanced (GENERIC is the named intent), GENERIC pages just stop pinning the pgmap.',
  },
  {
    id: 'generic-static-ref-get-only', tree: '6.12', shape: 'producer-consumer-uncompensated',
    subject: 'mm/memremap: device-dax (GENERIC) pages do not pin their pgmap',
    edits: [{ file: MEMREMAP, fn: 'pagemap_range', find: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\tpercpu_ref_get_many', replace: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT &&\n\t    pgmap->type != MEMORY_DEVICE_GENERIC)\n\t\tpercpu_ref_get_many' }],
    expect: introduces('pgmap-ref-imbalance', ['GENERIC']),
    reason: 'pagemap_range() no longer takes the static refs for GENERIC but memunmap_pages() still puts pfn_len() of them: the percpu ref underflows at teardown.',
  },
  {
    id: 'generic-static-ref-put-only', tree: '6.12', shape: 'producer-consumer-uncompensated',
    subject: 'mm/memremap: do not drop device-dax (GENERIC) references at teardown',
    edits: [{ file: MEMREMAP, fn: 'memunmap_pages', find: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n', replace: '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT &&\n\t    pgmap->type != MEMORY_DEVICE_GENERIC)\n' }],
    expect: introduces('pgmap-ref-imbalance', ['GENERIC']),
    reason: 'memunmap_pages() stops putting the pfn_len() refs pagemap_range() took for GENERIC: they leak and wait_for_completion(&pgmap->done) never returns.',
  },
  {
    id: 'memunmap-wait-removed', tree: '6.12', shape: 'wait-removed',
    subject: 'mm/memremap: do not wait for the pgmap reference to drain',
    edits: [{ file: MEMREMAP, fn: 'memunmap_pages', find: '\twait_for_completion(&pgmap->done);\n', replace: '' }],
    expect: {
      kind: 'semantic',
      effects: [{ aspect: 'teardown-waits', types: ['PRIVATE', 'COHERENT', 'P2PDMA'], before: 'yes', after: 'no' }],
      findings: [{ ruleId: 'pgmap-teardown-race', status: 'introduced', types: ['PRIVATE', 'COHERENT', 'P2PDMA'] }],
    },
    reason: 'memunmap_pages(): PRIVATE/COHERENT pages hold a pgmap ref per allocation (zone_device_page_init) and P2PDMA allocations one each (pci_alloc_p2pmem, p2pmem_alloc_mmap); without the wait the memmap is torn down (pageunmap_range) while those pages are in use.',
  },
  {
    id: 'memunmap-wait-moved', tree: '6.12', shape: 'wait-moved',
    subject: 'mm/memremap: unmap the ranges before waiting for users',
    edits: [
      { file: MEMREMAP, fn: 'memunmap_pages', find: '\twait_for_completion(&pgmap->done);\n\n', replace: '' },
      { file: MEMREMAP, fn: 'memunmap_pages', find: '\t\tpageunmap_range(pgmap, i);\n', replace: '\t\tpageunmap_range(pgmap, i);\n\twait_for_completion(&pgmap->done);\n' },
    ],
    expect: introduces('pgmap-teardown-race', ['PRIVATE', 'COHERENT', 'P2PDMA']),
    reason: 'memunmap_pages(): the wait now runs after pageunmap_range() removed the memmap, so in-use PRIVATE/COHERENT/P2PDMA pages (per-allocation refs) lose their struct pages before the last put.',
  },
  // ---- free path and init guards: mm/memremap.c, mm/mm_init.c (6.12), free_zone_device_page (6.1) ----
  {
    id: 'free-folio-guard-narrowed', tree: '6.12', shape: 'guard-narrowed',
    subject: 'mm/memremap: only device-private pages drop their pgmap reference on free',
    edits: [{ file: MEMREMAP, fn: 'free_zone_device_folio', find: ' &&\n\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)', replace: ')' }],
    expect: {
      kind: 'semantic',
      effects: [{ aspect: 'free-refcount', types: ['COHERENT'], before: '0', after: '1' }],
      findings: [
        { ruleId: 'pgmap-type-guard-changed', status: 'introduced', types: ['COHERENT'] },
        { ruleId: 'pgmap-ref-imbalance', status: 'introduced', types: ['COHERENT'] },
        { ruleId: 'free-page-nonzero-refcount', status: 'introduced', types: ['COHERENT'] },
      ],
    },
    reason: 'free_zone_device_folio(): COHERENT leaves the put_dev_pagemap() arm for folio_set_count(folio, 1): the ref zone_device_page_init() took per allocation leaks and freed COHERENT pages rest at 1 (the subject names PRIVATE only).',
  },
  {
    id: 'free-folio-guard-widened', tree: '6.12', shape: 'guard-widened',
    subject: 'mm/memremap: let device-private and coherent pages rest at zero',
    edits: [{ file: MEMREMAP, fn: 'free_zone_device_folio', find: '\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)', replace: '\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT &&\n\t    folio->page.pgmap->type != MEMORY_DEVICE_PCI_P2PDMA)' }],
    expect: {
      kind: 'semantic',
      effects: [{ aspect: 'free-refcount', types: ['P2PDMA'], before: '1', after: '0' }],
      findings: [
        { ruleId: 'pgmap-type-guard-changed', status: 'introduced', types: ['P2PDMA'] },
        { ruleId: 'pgmap-ref-imbalance', status: 'introduced', types: ['P2PDMA'] },
      ],
    },
    reason: 'free_zone_device_folio(): P2PDMA joins the put_dev_pagemap() arm; its page_free callback (p2pdma_page_free) already drops the per-page ref, so each free drops one more, and freed P2PDMA pages rest at 0 (not meant by the subject).',
  },
  {
    id: 'free-folio-guard-capability', tree: '6.12', shape: 'guard-capability',
    subject: 'mm/memremap: test for migrate_to_ram instead of the pgmap type on free',
    edits: [{ file: MEMREMAP, fn: 'free_zone_device_folio', find: '\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)', replace: '\tif (!folio->page.pgmap->ops->migrate_to_ram)' }],
    expect: introduces('pgmap-type-guard-changed', ['COHERENT']),
    reason: 'free_zone_device_folio(): memremap_pages() requires ->migrate_to_ram only for PRIVATE; a COHERENT pgmap may have none (only page_free is required), so COHERENT pages of such drivers go the reset-to-1 arm and keep their pgmap ref.',
  },
  {
    id: 'init-guard-removed', tree: '6.12', shape: 'guard-removed',
    subject: 'mm/mm_init: start every ZONE_DEVICE page at refcount zero',
    edits: [{ file: MMINIT, fn: '__init_zone_device_page', find: '\tif (pgmap->type == MEMORY_DEVICE_PRIVATE ||\n\t    pgmap->type == MEMORY_DEVICE_COHERENT)\n\t\tset_page_count(page, 0);', replace: '\tset_page_count(page, 0);' }],
    expect: introduces('pgmap-type-guard-changed', ['FS_DAX', 'GENERIC', 'P2PDMA']),
    reason: '__init_zone_device_page(): FS_DAX/GENERIC/P2PDMA pages now start at 0 although E2 maps them (devmap, vm_insert_page validate_page_before_insert refuses 0) and frees them back to 1 (free_zone_device_folio folio_set_count): their start state changes with the guard gone.',
  },
  {
    id: 'init-guard-narrowed', tree: '6.12', shape: 'guard-narrowed',
    subject: 'mm/mm_init: only device-private pages start free at zero',
    edits: [{ file: MMINIT, fn: '__init_zone_device_page', find: '\tif (pgmap->type == MEMORY_DEVICE_PRIVATE ||\n\t    pgmap->type == MEMORY_DEVICE_COHERENT)\n', replace: '\tif (pgmap->type == MEMORY_DEVICE_PRIVATE)\n' }],
    expect: {
      kind: 'semantic', effects: [],
      findings: [
        { ruleId: 'pgmap-type-guard-changed', status: 'introduced', types: ['COHERENT'] },
        { ruleId: 'free-page-nonzero-refcount', status: 'introduced', types: ['COHERENT'] },
      ],
    },
    reason: '__init_zone_device_page(): fresh COHERENT pages stay at 1 from __init_single_page() until zone_device_page_init(), so a free COHERENT page looks in use (get_page_unless_zero succeeds).',
  },
  {
    id: 'free-page-reset-removed-61', tree: '6.1', shape: 'guard-removed',
    subject: 'mm/memremap: do not reset the refcount of freed device pages',
    edits: [{ file: MEMREMAP, fn: 'free_zone_device_page', find: '\tif (page->pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    page->pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\t/*\n\t\t * Reset the page count to 1 to prepare for handing out the page\n\t\t * again.\n\t\t */\n\t\tset_page_count(page, 1);\n\telse\n\t\tput_dev_pagemap(page->pgmap);', replace: '\tif (page->pgmap->type == MEMORY_DEVICE_PRIVATE ||\n\t    page->pgmap->type == MEMORY_DEVICE_COHERENT)\n\t\tput_dev_pagemap(page->pgmap);' }],
    expect: {
      kind: 'semantic',
      effects: [{ aspect: 'free-refcount', types: ['FS_DAX', 'GENERIC', 'P2PDMA'], before: '1', after: '0' }],
      findings: [
        { ruleId: 'unsafe-set-page-count', status: 'fixed', types: ['FS_DAX', 'GENERIC'] },
        { ruleId: 'free-page-nonzero-refcount', status: 'fixed', types: ['FS_DAX', 'GENERIC', 'P2PDMA'] },
      ],
    },
    reason: 'linux-6.1 free_zone_device_page(): FS_DAX/GENERIC/P2PDMA pages were reset to 1 after ->page_free() handed them back (a set_page_count on a page the driver may already reuse); without it they rest at 0 like PRIVATE/COHERENT.',
  },
  // ---- FS DAX waits and wakes ----
  {
    id: 'xfs-wait-idle-count-zero', tree: '6.12', shape: 'wait-changed',
    subject: 'xfs: wait for DAX pages to become free',
    edits: [{ file: 'fs/xfs/xfs_inode.c', fn: 'xfs_break_dax_layouts', find: 'atomic_read(&page->_refcount) == 1', replace: 'atomic_read(&page->_refcount) == 0' }],
    expect: introduces('wait-wake-mismatch', ['FS_DAX']),
    reason: 'xfs_break_dax_layouts() now waits for 0 but in E2 __put_devmap_managed_folio_refs() wakes &_refcount when an FS_DAX folio reaches 1 and the count never goes below 1: the wait never ends.',
  },
  {
    id: 'ext4-wait-key-changed', tree: '6.12', shape: 'wait-changed',
    subject: 'ext4: wait on the DAX page itself',
    edits: [{ file: 'fs/ext4/inode.c', fn: 'ext4_break_layouts', find: '___wait_var_event(&page->_refcount,', replace: '___wait_var_event(page,' }],
    expect: introduces('wait-wake-mismatch', ['FS_DAX']),
    reason: 'ext4_break_layouts() waits on the key page while __put_devmap_managed_folio_refs() wakes &folio->_refcount: the waiter is never woken.',
  },
  {
    id: 'fsdax-wake-key-changed', tree: '6.12', shape: 'wake-changed',
    subject: 'mm/memremap: wake DAX layout waiters on the folio',
    edits: [{ file: MEMREMAP, fn: '__put_devmap_managed_folio_refs', find: '\t\twake_up_var(&folio->_refcount);', replace: '\t\twake_up_var(folio);' }],
    expect: introduces('wait-wake-mismatch', ['FS_DAX']),
    reason: '__put_devmap_managed_folio_refs() wakes a different key than the one ext4/xfs/fuse wait on (&page->_refcount, same address as &folio->_refcount).',
  },
  {
    id: 'fsdax-wake-count-changed', tree: '6.12', shape: 'wake-changed',
    subject: 'mm/memremap: wake DAX layout waiters when the folio is free',
    edits: [{ file: MEMREMAP, fn: '__put_devmap_managed_folio_refs', find: 'folio_ref_sub_return(folio, refs) == 1', replace: 'folio_ref_sub_return(folio, refs) == 0' }],
    expect: {
      kind: 'semantic',
      effects: [{ aspect: 'idle-refcount', types: ['FS_DAX'], before: '1', after: '0' }],
      findings: [{ ruleId: 'wait-wake-mismatch', status: 'introduced', types: ['FS_DAX'] }],
    },
    reason: '__put_devmap_managed_folio_refs(): E2 FS_DAX pages are idle at 1 and the waiters test == 1; waking at 0 (never reached) leaves them asleep.',
  },
  {
    id: 'dax-busy-page-threshold', tree: '6.12', shape: 'wait-changed',
    subject: 'fs/dax: treat any referenced DAX page as busy',
    edits: [{ file: DAX, fn: 'dax_busy_page', find: 'page_ref_count(page) > 1', replace: 'page_ref_count(page) > 0' }],
    expect: introduces('wait-wake-mismatch', ['FS_DAX']),
    reason: 'dax_busy_page() reports idle E2 FS_DAX pages (refcount 1) as busy while the waiters and the waker treat 1 as idle: the break-layouts loops never finish.',
  },
  {
    id: 'dax-disassociate-warn-tightened', tree: '6.12', shape: 'warn-changed',
    subject: 'fs/dax: warn on any reference left at truncate',
    edits: [{ file: DAX, fn: 'dax_disassociate_entry', find: 'WARN_ON_ONCE(trunc && page_ref_count(page) > 1);', replace: 'WARN_ON_ONCE(trunc && page_ref_count(page) > 0);' }],
    expect: introduces('warn-contradicts-state', ['FS_DAX']),
    reason: 'dax_disassociate_entry(): an idle E2 FS_DAX page rests at refcount 1 (free_zone_device_folio resets it), so the tightened WARN fires on every normal truncate.',
  },
  // ---- devmap-managed hook (FS DAX put) ----
  {
    id: 'gup-put-folio-skips-hook', tree: '6.12', shape: 'release-removed',
    subject: 'mm/gup: release GUP references with folio_put_refs()',
    edits: [{ file: GUP, fn: 'gup_put_folio', find: '\tif (!put_devmap_managed_folio_refs(folio, refs))\n\t\tfolio_put_refs(folio, refs);', replace: '\tfolio_put_refs(folio, refs);' }],
    expect: introduces('folio-put-skips-devmap-hook', ['FS_DAX']),
    reason: 'gup_put_folio(): an FS_DAX folio dropping to 1 must go through __put_devmap_managed_folio_refs() to wake the layout waiters (f4f451a16dd1); folio_put_refs() skips that (and would free the page at 0).',
  },
  {
    id: 'put-page-skips-hook-61', tree: '6.1', shape: 'release-removed',
    subject: 'mm: put_page() is folio_put()',
    edits: [{ file: 'include/linux/mm.h', fn: 'put_page', find: '\tif (put_devmap_managed_page(&folio->page))\n\t\treturn;\n', replace: '' }],
    expect: introduces('folio-put-skips-devmap-hook', ['FS_DAX']),
    reason: 'linux-6.1 put_page(): FS_DAX pages are devmap-managed; put_devmap_managed_page() wakes waiters at 1 and keeps them from the free path; plain folio_put() skips it.',
  },
  // ---- long-term pins ----
  fsdaxRefusalRemoved('6.12'),
  fsdaxRefusalRemoved('6.1'),
  // ---- page references of mappings ----
  {
    id: 'migrate-insert-folio-get-removed', tree: '6.12', shape: 'acquire-removed',
    subject: 'mm/migrate_device: the new anon rmap is enough',
    edits: [{ file: 'mm/migrate_device.c', fn: 'migrate_vma_insert_page', find: '\tfolio_get(folio);\n', replace: '' }],
    expect: {
      kind: 'semantic', effects: [{ aspect: 'mapping-ref', types: ['PRIVATE', 'COHERENT'], before: 'yes', after: 'no' }],
      findings: [
        { ruleId: 'mapping-without-reference', status: 'introduced', types: ['PRIVATE', 'COHERENT'] },
        { ruleId: 'refcount-underflow', status: 'introduced', types: ['PRIVATE', 'COHERENT'] },
      ],
    },
    reason: 'migrate_vma_insert_page() installs a device-private swap entry (PRIVATE) or a normal PTE (COHERENT) that holds one page reference; without folio_get() the entry holds none and the put at zap/migration drops one never taken.',
  },
  {
    id: 'insert-page-no-get', tree: '6.12', shape: 'acquire-removed',
    subject: 'mm/memory: do not take a page reference for inserted pages',
    edits: [{ file: MEMORY, fn: 'insert_page_into_pte_locked', find: '\t\tfolio_get(folio);\n', replace: '' }],
    expect: {
      kind: 'semantic', effects: [{ aspect: 'mapping-ref', types: ['P2PDMA'], before: 'yes', after: 'no' }],
      findings: [
        { ruleId: 'mapping-without-reference', status: 'introduced', types: ['P2PDMA'] },
        { ruleId: 'pgmap-ref-imbalance', status: 'introduced', types: ['P2PDMA'] },
      ],
    },
    // Corrected (session 4) from refcount-underflow after reading linux-6.12 again: the count never goes
    // below 0. p2pmem_alloc_mmap()'s put_page() (drivers/pci/p2pdma.c:150) takes the page 1 -> 0 and
    // free_zone_device_folio() resets a P2PDMA page to 1 after ->page_free() (mm/memremap.c:491-497),
    // so the zap frees it a second time: p2pdma_page_free()'s percpu_ref_put() runs twice for one get.
    reason: 'insert_page_into_pte_locked() (vm_insert_page, used for P2PDMA by p2pmem_alloc_mmap in E2) takes the PTE\'s reference; zap_present_pte drops it, so without the get the mapping holds none: the page is freed under its PTE by the mmap\'s put, and again by the zap, dropping its pgmap reference twice.',
  },
  {
    id: 'insert-page-special-helper', tree: '6.12', shape: 'helper-ref-special',
    subject: 'mm/memory: factor the PTE set-up of insert_page()',
    edits: [
      { file: MEMORY, fn: 'insert_page', find: 'static int insert_page(struct vm_area_struct *vma, unsigned long addr,', replace: SPECIAL_HELPER(true) },
      { file: MEMORY, fn: 'insert_page', find: '\tretval = insert_page_into_pte_locked(vma, pte, addr, page, prot);', replace: '\tretval = insert_page_pte_ref(vma, pte, addr, page, prot);' },
    ],
    expect: { kind: 'semantic', effects: [{ aspect: 'mapping-kind', types: ['P2PDMA'], before: 'normal', after: 'special' }], findings: [{ ruleId: 'refcounted-mapping-special', status: 'introduced', types: ['P2PDMA'] }] },
    reason: 'insert_page() now builds the entry with pte_mkspecial() while still taking a reference and an rmap: vm_normal_page() skips special PTEs, so zap never drops that reference (P2PDMA pages via p2pmem_alloc_mmap).',
  },
  {
    id: 'insert-page-clean-helper', tree: '6.12', shape: 'helper-clean-twin',
    subject: 'mm/memory: factor the PTE set-up of insert_page()',
    edits: [
      { file: MEMORY, fn: 'insert_page', find: 'static int insert_page(struct vm_area_struct *vma, unsigned long addr,', replace: SPECIAL_HELPER(false) },
      { file: MEMORY, fn: 'insert_page', find: '\tretval = insert_page_into_pte_locked(vma, pte, addr, page, prot);', replace: '\tretval = insert_page_pte_ref(vma, pte, addr, page, prot);' },
    ],
    expect: NEUTRAL,
    reason: 'The clean twin: the helper takes the reference and rmap and builds a normal PTE, as insert_page_into_pte_locked() does for every page but the shared zero folio (not ZONE_DEVICE).',
  },
  {
    id: 'insert-pfn-pmd-ref-devmap', tree: '6.12', shape: 'helper-ref-devmap',
    subject: 'mm/huge_memory: hold a page reference for inserted DAX PMDs',
    edits: [{ file: 'mm/huge_memory.c', fn: 'insert_pfn_pmd', find: '\tset_pmd_at(mm, addr, pmd, entry);\n\tupdate_mmu_cache_pmd(vma, addr, pmd);\n\nout_unlock:', replace: '\tif (pfn_t_devmap(pfn))\n\t\tfolio_get(page_folio(pfn_t_to_page(pfn)));\n\tset_pmd_at(mm, addr, pmd, entry);\n\tupdate_mmu_cache_pmd(vma, addr, pmd);\n\nout_unlock:' }],
    expect: introduces('refcounted-mapping-special', ['FS_DAX', 'GENERIC']),
    reason: 'insert_pfn_pmd() still builds pmd_mkdevmap() entries for DAX pfns (FS_DAX, device-dax GENERIC); zap_huge_pmd() takes the vma_is_special_huge() path for them and drops no reference, so the one taken here leaks.',
  },
  // ---- page reference drops ----
  {
    id: 'kfd-put-vram-page-twice', tree: '6.12', shape: 'extra-put',
    subject: 'drm/amdkfd: release the VRAM page reference',
    edits: [{ file: KFD, fn: 'svm_migrate_put_vram_page', find: '\tunlock_page(page);\n\tput_page(page);', replace: '\tunlock_page(page);\n\tput_page(page);\n\tput_page(page);' }],
    expect: introduces('refcount-underflow', ['PRIVATE', 'COHERENT']),
    reason: 'svm_migrate_get_vram_page() takes one reference (zone_device_page_init sets 1); svm_migrate_put_vram_page() now drops two. kfd registers PRIVATE or COHERENT pgmaps.',
  },
  {
    id: 'nouveau-alloc-drops-ref', tree: '6.12', shape: 'extra-put',
    subject: 'drm/nouveau/dmem: hand out pages without a reference',
    edits: [{ file: 'drivers/gpu/drm/nouveau/nouveau_dmem.c', fn: 'nouveau_dmem_page_alloc_locked', find: '\tzone_device_page_init(page);\n\treturn page;', replace: '\tzone_device_page_init(page);\n\tput_page(page);\n\treturn page;' }],
    expect: introduces('refcount-underflow', ['PRIVATE']),
    reason: 'nouveau_dmem_page_alloc_locked(): zone_device_page_init() gives the caller the only reference; the put frees the page (page_free puts it back on the free list) and the caller\'s later put underflows. nouveau uses PRIVATE.',
  },
  {
    id: 'dmirror-alloc-init-removed', tree: '6.12', shape: 'acquire-removed',
    subject: 'lib/test_hmm: pages from the free list are ready',
    edits: [{ file: HMM, fn: 'dmirror_devmem_alloc_page', find: '\tzone_device_page_init(dpage);\n', replace: '' }],
    expect: {
      kind: 'semantic', effects: [],
      findings: [
        { ruleId: 'refcount-underflow', status: 'introduced', types: ['PRIVATE', 'COHERENT'] },
        { ruleId: 'pgmap-ref-imbalance', status: 'introduced', types: ['PRIVATE', 'COHERENT'] },
      ],
    },
    reason: 'dmirror_devmem_alloc_page(): free PRIVATE/COHERENT pages rest at 0 with no pgmap ref; without zone_device_page_init() (set 1, percpu_ref_tryget_live) the caller\'s put underflows and free_zone_device_folio() drops a pgmap ref never taken.',
  },
  {
    id: 'kfd-put-vram-set-count', tree: '6.12', shape: 'set-count',
    subject: 'drm/amdkfd: reset VRAM pages instead of putting them',
    edits: [{ file: KFD, fn: 'svm_migrate_put_vram_page', find: '\tput_page(page);', replace: '\tset_page_count(page, 0);' }],
    expect: introduces('unsafe-set-page-count', ['PRIVATE', 'COHERENT']),
    reason: 'svm_migrate_put_vram_page() forces the count to 0 on a page migrate_vma may still reference, and the page never reaches free_zone_device_folio() (no page_free, pgmap ref kept).',
  },
  {
    id: 'gup-put-folio-reserved-skip', tree: '6.12', shape: 'reserved-skip',
    subject: 'mm/gup: reserved pages are not refcounted',
    edits: [{ file: GUP, fn: 'gup_put_folio', find: '\tif (!put_devmap_managed_folio_refs(folio, refs))', replace: '\tif (PageReserved(&folio->page))\n\t\treturn;\n\tif (!put_devmap_managed_folio_refs(folio, refs))' }],
    expect: introduces('reserved-treated-as-unrefcounted', ['FS_DAX', 'GENERIC', 'P2PDMA', 'COHERENT']),
    reason: 'Every ZONE_DEVICE page has PG_reserved (__init_zone_device_page) yet GUP took a real reference on it; skipping the put for reserved pages leaks it (the KVM bug a78986aae9b2).',
  },
  // ---- pgmap references in GUP and memory failure ----
  {
    id: 'gup-fast-devmap-put-removed', tree: '6.12', shape: 'release-removed',
    subject: 'mm/gup: get_dev_pagemap() reference is dropped by the caller',
    edits: [{ file: GUP, fn: 'gup_fast_devmap_leaf', find: '\tput_dev_pagemap(pgmap);\n', replace: '' }],
    expect: introduces('pgmap-ref-imbalance', ['FS_DAX', 'GENERIC']),
    reason: 'gup_fast_devmap_leaf(): get_dev_pagemap() takes a pgmap ref (percpu_ref_tryget_live_rcu) for devmap PTE/PMD/PUD leaves (FS_DAX, device-dax); nothing else puts it.',
  },
  {
    id: 'gup-fast-devmap-grab-fail-return', tree: '6.12', shape: 'release-removed-error-return',
    subject: 'mm/gup: return early when a devmap folio cannot be grabbed',
    edits: [{ file: GUP, fn: 'gup_fast_devmap_leaf', find: '\t\tif (!folio) {\n\t\t\tgup_fast_undo_dev_pagemap(nr, nr_start, flags, pages);\n\t\t\tbreak;', replace: '\t\tif (!folio) {\n\t\t\tgup_fast_undo_dev_pagemap(nr, nr_start, flags, pages);\n\t\t\treturn 0;' }],
    expect: introduces('pgmap-ref-imbalance', ['FS_DAX', 'GENERIC']),
    reason: 'gup_fast_devmap_leaf(): the try_grab_folio_fast() failure path now returns before the put_dev_pagemap() after the loop (the leak 6401c4eb57f9 fixed in __gup_device_huge).',
  },
  {
    id: 'gup-device-huge-put-removed-61', tree: '6.1', shape: 'release-removed',
    subject: 'mm/gup: get_dev_pagemap() reference is dropped by the caller',
    edits: [{ file: GUP, fn: '__gup_device_huge', find: '\tput_dev_pagemap(pgmap);\n', replace: '' }],
    expect: introduces('pgmap-ref-imbalance', ['FS_DAX', 'GENERIC']),
    reason: 'linux-6.1 __gup_device_huge(): the get_dev_pagemap() reference of devmap leaves is only put after the loop.',
  },
  {
    id: 'memory-failure-pgmap-early-return', tree: '6.12', shape: 'release-removed-error-goto',
    subject: 'mm/memory-failure: return the driver\'s verdict directly',
    edits: [{ file: 'mm/memory-failure.c', fn: 'memory_failure_dev_pagemap', find: '\t\tif (rc != -EOPNOTSUPP)\n\t\t\tgoto out;', replace: '\t\tif (rc != -EOPNOTSUPP)\n\t\t\treturn rc;' }],
    expect: introduces('pgmap-ref-imbalance', ['FS_DAX']),
    reason: 'memory_failure_dev_pagemap() must put the get_dev_pagemap() ref its caller took ("drop pgmap ref acquired in caller" at out:); returning past out: leaks it for pgmaps with ->memory_failure (pmem, FS_DAX).',
  },
  {
    id: 'migrate-insert-zone-device-refusal-removed', tree: '6.12', shape: 'refusal-removed',
    subject: 'mm/migrate_device: drop the unsupported-type warning',
    edits: [{ file: 'mm/migrate_device.c', fn: 'migrate_vma_insert_page', find: '\t\tif (folio_is_zone_device(folio) &&\n\t\t    !folio_is_device_coherent(folio)) {\n\t\t\tpr_warn_once("Unsupported ZONE_DEVICE page type.\\n");\n\t\t\tgoto abort;\n\t\t}\n', replace: '' }],
    expect: introduces('pgmap-type-guard-changed', ['FS_DAX', 'GENERIC', 'P2PDMA']),
    reason: 'migrate_vma_insert_page() refused destination pages of other ZONE_DEVICE types; without the check FS_DAX/GENERIC/P2PDMA pages would be mapped as anonymous normal PTEs with an anon rmap.',
  },
  // ---- neutral: moves, renames, helpers, switches ----
  {
    id: 'p2pmem-alloc-mmap-rename', tree: '6.12', shape: 'rename',
    subject: 'PCI/P2PDMA: rename p2pmem_alloc_mmap()',
    edits: [{ file: P2P, find: 'p2pmem_alloc_mmap', replace: 'p2pmem_mmap_alloc', all: true }],
    expect: NEUTRAL,
    reason: 'A rename of the function and its one user (p2pmem_alloc_attr .mmap).',
  },
  {
    id: 'free-folio-if-to-switch', tree: '6.12', shape: 'if-to-switch', noSeries: true,
    subject: 'mm/memremap: switch on the pgmap type in free_zone_device_folio()',
    edits: [
      { file: MEMREMAP, fn: 'free_zone_device_folio', find: '\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n', replace: '\tswitch (folio->page.pgmap->type) {\n\tdefault:\n' },
      { file: MEMREMAP, find: '\t\tfolio_set_count(folio, 1);\n\telse\n\t\tput_dev_pagemap(folio->page.pgmap);', replace: '\t\tfolio_set_count(folio, 1);\n\t\tbreak;\n\tcase MEMORY_DEVICE_PRIVATE:\n\tcase MEMORY_DEVICE_COHERENT:\n\t\tput_dev_pagemap(folio->page.pgmap);\n\t\tbreak;\n\t}' },
    ],
    expect: NEUTRAL,
    reason: 'free_zone_device_folio(): the same two arms for the same types (the reset comment stays in the default arm).',
  },
  {
    id: 'init-zone-device-page-switch', tree: '6.12', shape: 'if-to-switch',
    subject: 'mm/mm_init: switch on the pgmap type in __init_zone_device_page()',
    edits: [{ file: MMINIT, fn: '__init_zone_device_page', find: '\tif (pgmap->type == MEMORY_DEVICE_PRIVATE ||\n\t    pgmap->type == MEMORY_DEVICE_COHERENT)\n\t\tset_page_count(page, 0);', replace: '\tswitch (pgmap->type) {\n\tcase MEMORY_DEVICE_PRIVATE:\n\tcase MEMORY_DEVICE_COHERENT:\n\t\tset_page_count(page, 0);\n\t\tbreak;\n\tdefault:\n\t\tbreak;\n\t}' }],
    expect: NEUTRAL,
    reason: '__init_zone_device_page(): PRIVATE/COHERENT still start at 0, the others at 1.',
  },
  {
    id: 'memunmap-extract-put-helper', tree: '6.12', shape: 'extract-helper',
    subject: 'mm/memremap: factor the static reference drop of memunmap_pages()',
    edits: [
      { file: MEMREMAP, fn: 'memunmap_pages', find: 'void memunmap_pages(struct dev_pagemap *pgmap)\n{\n\tint i;\n\n\tpercpu_ref_kill(&pgmap->ref);\n\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\tfor (i = 0; i < pgmap->nr_range; i++)\n\t\t\tpercpu_ref_put_many(&pgmap->ref, pfn_len(pgmap, i));\n', replace: 'static void pgmap_put_static_refs(struct dev_pagemap *pgmap)\n{\n\tint i;\n\n\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\tfor (i = 0; i < pgmap->nr_range; i++)\n\t\t\tpercpu_ref_put_many(&pgmap->ref, pfn_len(pgmap, i));\n}\n\nvoid memunmap_pages(struct dev_pagemap *pgmap)\n{\n\tint i;\n\n\tpercpu_ref_kill(&pgmap->ref);\n\tpgmap_put_static_refs(pgmap);\n' },
    ],
    expect: NEUTRAL,
    reason: 'memunmap_pages(): the guarded percpu_ref_put_many() loop moves into a static helper called at the same point.',
  },
  {
    id: 'p2pmem-extract-handover-helper', tree: '6.12', shape: 'extract-helper',
    subject: 'PCI/P2PDMA: factor the per-page hand-over of p2pmem_alloc_mmap()',
    edits: [
      { file: P2P, fn: 'p2pmem_alloc_mmap', find: 'static int p2pmem_alloc_mmap(struct file *filp, struct kobject *kobj,', replace: 'static void p2pmem_hand_over(struct percpu_ref *ref, void *kaddr)\n{\n\tpercpu_ref_get(ref);\n\tput_page(virt_to_page(kaddr));\n}\n\nstatic int p2pmem_alloc_mmap(struct file *filp, struct kobject *kobj,' },
      { file: P2P, fn: 'p2pmem_alloc_mmap', find: '\t\tpercpu_ref_get(ref);\n\t\tput_page(virt_to_page(kaddr));\n', replace: '\t\tp2pmem_hand_over(ref, kaddr);\n' },
    ],
    expect: NEUTRAL,
    reason: 'p2pmem_alloc_mmap(): the pgmap get and the hand-over put of each inserted page move into a helper called at the same place.',
  },
  {
    id: 'gup-put-folio-inline-hook', tree: '6.12', shape: 'inline-helper',
    subject: 'mm/gup: open-code the devmap-managed release',
    edits: [{ file: GUP, fn: 'gup_put_folio', find: '\tif (!put_devmap_managed_folio_refs(folio, refs))\n\t\tfolio_put_refs(folio, refs);', replace: '\tif (folio_is_zone_device(folio) &&\n\t    folio->page.pgmap->type == MEMORY_DEVICE_FS_DAX) {\n\t\tif (folio_ref_sub_return(folio, refs) == 1)\n\t\t\twake_up_var(&folio->_refcount);\n\t\treturn;\n\t}\n\tfolio_put_refs(folio, refs);' }],
    expect: NEUTRAL,
    reason: 'gup_put_folio(): put_devmap_managed_folio_refs() (include/linux/mm.h) and __put_devmap_managed_folio_refs() (mm/memremap.c) inlined: FS_DAX still subtracts and wakes &_refcount at 1, everything else goes to folio_put_refs() (the devmap_managed_key static branch is an optimisation).',
  },
  {
    id: 'zone-device-page-init-move', tree: '6.12', shape: 'verbatim-move',
    subject: 'mm: move zone_device_page_init() next to the memmap init',
    edits: [{ file: MEMREMAP, moveFn: 'zone_device_page_init', toFile: MMINIT, before: 'memmap_init_zone_device' }],
    expect: NEUTRAL,
    reason: 'zone_device_page_init() moves verbatim from mm/memremap.c to mm/mm_init.c (its EXPORT_SYMBOL stays behind, which does not change what it does).',
  },
  {
    id: 'zone-device-page-init-wrapper', tree: '6.12', shape: 'rename',
    subject: 'mm/memremap: rename zone_device_page_init() behind a wrapper',
    edits: [
      { file: MEMREMAP, fn: 'zone_device_page_init', find: 'void zone_device_page_init(struct page *page)\n{', replace: 'static void __zone_device_page_init(struct page *page)\n{' },
      { file: MEMREMAP, find: 'EXPORT_SYMBOL_GPL(zone_device_page_init);', replace: '\nvoid zone_device_page_init(struct page *page)\n{\n\t__zone_device_page_init(page);\n}\nEXPORT_SYMBOL_GPL(zone_device_page_init);' },
    ],
    noSeries: true,
    expect: NEUTRAL,
    reason: 'zone_device_page_init() becomes a wrapper around the same body under a new static name: same tryget, same refcount 1, same lock.',
  },
  {
    id: 'dax-busy-page-move', tree: '6.12', shape: 'verbatim-move',
    subject: 'fs/dax: move dax_busy_page() next to its user',
    edits: [{ file: DAX, moveFn: 'dax_busy_page', toFile: DAX, before: 'dax_layout_busy_page_range' }],
    expect: NEUTRAL,
    reason: 'fs/dax.c dax_busy_page() moves verbatim within the file.',
  },
  {
    id: 'kfd-put-vram-page-folio', tree: '6.12', shape: 'rename',
    subject: 'drm/amdkfd: use the folio API to release VRAM pages',
    edits: [{ file: KFD, fn: 'svm_migrate_put_vram_page', find: '\tunlock_page(page);\n\tput_page(page);', replace: '\tfolio_unlock(page_folio(page));\n\tfolio_put(page_folio(page));' }],
    expect: NEUTRAL,
    reason: 'svm_migrate_put_vram_page(): kfd pages are PRIVATE/COHERENT, for which put_page() and folio_put() are the same (the devmap-managed hook only diverts FS_DAX).',
  },
  {
    id: 'dmirror-alloc-rename-local', tree: '6.12', shape: 'rename',
    subject: 'lib/test_hmm: rename a local',
    edits: [{ file: HMM, fn: 'dmirror_devmem_alloc_page', find: 'dpage', replace: 'dev_page', all: true }],
    expect: NEUTRAL,
    reason: 'dmirror_devmem_alloc_page(): a local variable renamed.',
  },
  {
    id: 'check-vma-flags-reorder', tree: '6.12', shape: 'reorder',
    subject: 'mm/gup: check FOLL_SPLIT_PMD first',
    edits: [{ file: GUP, fn: 'check_vma_flags', find: '\tif ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))\n\t\treturn -EOPNOTSUPP;\n\n\tif ((gup_flags & FOLL_SPLIT_PMD) && is_vm_hugetlb_page(vma))\n\t\treturn -EOPNOTSUPP;\n', replace: '\tif ((gup_flags & FOLL_SPLIT_PMD) && is_vm_hugetlb_page(vma))\n\t\treturn -EOPNOTSUPP;\n\n\tif ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))\n\t\treturn -EOPNOTSUPP;\n' }],
    expect: NEUTRAL,
    reason: 'check_vma_flags(): two independent refusals swap places; both still return -EOPNOTSUPP.',
  },
];
