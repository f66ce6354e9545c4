// The dev_pagemap percpu reference: setup, lookup, teardown (mm/memremap.c, lib/percpu-refcount.c).
import type { ApiEntry } from './types';
import { ALL_ERAS, PRIV_COH, fx, others, span } from './build';

const SETUP: ApiEntry['effects'] = [
  fx(span('E0', 'E1'), 'memmap at 1; +1 pgmap ref per page', { refcount: { op: 'set', value: 1 }, mapcount: 'reset', pgmap: 'static-per-page' }),
  fx(['E2'], 'PRIVATE/COHERENT: memmap at 0, no per-page pgmap ref (taken per allocation instead)', { types: PRIV_COH, refcount: { op: 'set', value: 0 }, mapcount: 'reset' }),
  fx(['E2'], 'memmap at 1; +1 pgmap ref per page', { types: others('PRIVATE', 'COHERENT'), refcount: { op: 'set', value: 1 }, mapcount: 'reset', pgmap: 'static-per-page' }),
  fx(span('E3'), 'PRIVATE/COHERENT: memmap at 0, no per-page pgmap ref', { types: PRIV_COH, refcount: { op: 'set', value: 0 }, mapcount: 'reset' }),
  fx(span('E3'), 'FS_DAX/P2PDMA: memmap at 0; +1 pgmap ref per page', { types: ['FS_DAX', 'P2PDMA'], refcount: { op: 'set', value: 0 }, mapcount: 'reset', pgmap: 'static-per-page' }),
  fx(span('E3'), 'GENERIC: memmap at 1; +1 pgmap ref per page', { types: ['GENERIC'], refcount: { op: 'set', value: 1 }, mapcount: 'reset', pgmap: 'static-per-page' }),
];

export const PGMAP: readonly ApiEntry[] = [
  {
    name: 'memremap_pages', roles: ['memmap-init'], exists: ALL_ERAS, contains: ['pagemap_range'],
    effects: SETUP,
    doc: 'Sets up a dev_pagemap: percpu_ref_init(), then per range pagemap_range(), which initialises the memmap (resting refcount per era/type) and takes one pgmap reference per page, except for PRIVATE/COHERENT from E2 (0dc45ca1ce18), whose pages take theirs at allocation. Adds a linear mapping except for PRIVATE.',
    source: 'mm/memremap.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'pagemap_range', roles: ['memmap-init'], exists: ALL_ERAS,
    effects: SETUP,
    doc: 'One range of memremap_pages(): hotplugs the range, runs memmap_init_zone_device() and percpu_ref_get_many(&pgmap->ref, pfns) (skipped for PRIVATE/COHERENT from E2).',
    source: 'mm/memremap.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'devm_memremap_pages', roles: ['memmap-init'], exists: ALL_ERAS, contains: ['pagemap_range'],
    effects: SETUP,
    doc: 'Device-managed memremap_pages(): sets the pgmap up and registers memunmap_pages() as a devres action, so the teardown runs when the driver detaches. P2PDMA (pci_p2pdma_add_resource()) and device DAX use it. Same per-page effects as memremap_pages().',
    source: 'mm/memremap.c (linux-6.1, linux-6.12); mm/memremap.c (E5: ColinIanKing/linux-next@201037a59604)',
  },
  {
    name: 'memunmap_pages', roles: ['teardown', 'pgmap-put'], exists: ALL_ERAS,
    effects: [
      fx(['E0'], 'kill; put_page() every pfn (idle pages go to 0 and drop their pgmap ref); wait for the ref to drain', { refcount: { op: 'put' }, pgmap: 'kill-wait' }),
      fx(['E1'], 'kill; percpu_ref_put_many() of all per-page refs up front; wait: in-use pages no longer hold it up', { pgmap: 'kill-wait', pgmapCount: 1 }),
      fx(span('E2'), 'PRIVATE/COHERENT: kill, no pre-drop; waits for every allocated page to be freed', { types: PRIV_COH, pgmap: 'kill-wait' }),
      fx(span('E2'), 'kill; percpu_ref_put_many() of the static per-page refs; wait', { types: others('PRIVATE', 'COHERENT'), pgmap: 'kill-wait', pgmapCount: 1 }),
    ],
    doc: 'Tears a dev_pagemap down: percpu_ref_kill(), drop the per-page references (E0 by put_page() on every pfn; E1+ by percpu_ref_put_many(), skipped for PRIVATE/COHERENT from E2), wait_for_completion(&pgmap->done), remove the memmap. Whatever still holds a pgmap ref blocks it; a leaked ref hangs it, a missing ref lets it finish under a user (hazard 3).',
    source: 'mm/memremap.c (dc90f0846df4; 27674ef6c73f; 0dc45ca1ce18; linux-6.1, linux-6.12)',
  },
  {
    name: 'pageunmap_range', roles: [], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'removes the memmap of one range (remove_pfn_range_from_zone(), __remove_pages() / arch_remove_memory()): a page still in use loses its struct page', { pgmap: 'memmap-remove' })],
    doc: 'memunmap_pages() per range, after wait_for_completion(&pgmap->done): "pages are dead and unused, undo the arch mapping": takes the range out of ZONE_DEVICE and removes its memmap (__remove_pages() for PRIVATE, arch_remove_memory() and the KASAN shadow for the others), then pgmap_array_delete(). Run before the wait, it frees struct pages that users still reference (hazard 3).',
    source: 'mm/memremap.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'get_dev_pagemap', roles: ['pgmap-get'], fails: [{ returns: 'null', whenKilled: 'also' }], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1 pgmap ref (percpu_ref_tryget_live) or NULL once killed; a cached pgmap covering the pfn is returned without a new ref', { pgmap: 'get' })],
    doc: 'Looks up the dev_pagemap of a pfn and takes a live reference on it; NULL after memunmap_pages() killed it. Until E3 it also takes a cached pgmap: one that covers the pfn is returned without a new reference, otherwise the cached one is dropped. Used by GUP for devmap entries (E0-E3). With GUP\'s devmap paths gone (E4) it is get_dev_pagemap(pfn): xa_load() and percpu_ref_tryget_live_rcu() only.',
    source: 'mm/memremap.c (linux-6.1, linux-6.12); mm/memremap.c (E3: moking/linux-next@01faf42bdfd6; E5: ColinIanKing/linux-next@201037a59604)',
  },
  {
    name: 'put_dev_pagemap', roles: ['pgmap-put'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '-1 pgmap ref (percpu_ref_put); nothing for a NULL pgmap', { pgmap: 'put', nullArgNoop: true })],
    doc: 'Drops one dev_pagemap reference (percpu_ref_put()); a NULL pgmap is ignored (`if (pgmap)`), so callers put what a failed get_dev_pagemap() left NULL. Must pair with get_dev_pagemap(), zone_device_page_init() or a per-page reference; an extra put lets memunmap_pages() finish early, a missing one hangs it.',
    source: 'include/linux/memremap.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'memory_failure_dev_pagemap', roles: ['pgmap-put'], exists: ALL_ERAS, pgmapConsumes: true,
    effects: [fx(ALL_ERAS, 'puts the pgmap reference memory_failure() took with get_dev_pagemap(), on every return', { pgmap: 'put' })],
    doc: 'Memory failure of a ZONE_DEVICE pfn: memory_failure() takes the pgmap with get_dev_pagemap() and hands it over; this function calls the pgmap\'s ->memory_failure() (pmem in FS DAX mode) or the generic handler, and drops that reference at its one exit ("drop pgmap ref acquired in caller", put_dev_pagemap() at out:). A return that skips out: leaks it.',
    source: 'mm/memory-failure.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'pgmap_has_memory_failure', roles: ['predicate'], exists: span('E1'), helper: true,
    effects: [fx(span('E1'), 'true for FS_DAX: pmem\'s fsdax_pagemap_ops has ->memory_failure', { trueFor: ['FS_DAX'] })],
    doc: 'Whether the pgmap has a ->memory_failure operation (v5.19+): only pmem\'s FS DAX pgmaps (fsdax_pagemap_ops) set one; memory_failure_dev_pagemap() then asks the driver first.',
    source: 'include/linux/memremap.h, drivers/nvdimm/pmem.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_init', roles: [], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'initialises pgmap->ref (one initial reference, dropped by percpu_ref_kill)')],
    doc: 'Initialises a percpu reference; memremap_pages() uses it for pgmap->ref with dev_pagemap_percpu_release() completing pgmap->done at zero.',
    source: 'lib/percpu-refcount.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_get_many', roles: ['pgmap-get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+nr refs (argument 2)', { pgmap: 'get', pgmapCount: 'arg' })],
    doc: 'Takes nr references on a percpu ref; pagemap_range() takes one per page of the range this way (not for PRIVATE/COHERENT from E2).',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_put_many', roles: ['pgmap-put'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '-nr refs (argument 2)', { pgmap: 'put', pgmapCount: 'arg' })],
    doc: 'Drops nr references; memunmap_pages() drops the static per-page pgmap references with it (E1+).',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'pci_alloc_p2pmem', roles: ['alloc', 'pgmap-get'], fails: [{ returns: 'null', whenKilled: 'also' }], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'in-kernel allocation: +1 pgmap ref (percpu_ref_tryget_live_rcu) per allocation; the page count stays at 1', { types: ['P2PDMA'], pgmap: 'get' })],
    doc: 'In-kernel P2PDMA allocation (NVMe target, RDMA): takes memory from the provider\'s gen_pool and one pgmap reference per allocation, so memunmap_pages() waits for memory still allocated. The page refcount is not touched (the page stays at its resting 1 until E3). Released by pci_free_p2pmem().',
    source: 'drivers/pci/p2pdma.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'pci_free_p2pmem', roles: ['pgmap-put'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'gen_pool free, -1 pgmap ref (percpu_ref_put)', { types: ['P2PDMA'], pgmap: 'put' })],
    doc: 'Returns in-kernel P2PDMA memory to the gen_pool and drops the pgmap reference pci_alloc_p2pmem() took for it.',
    source: 'drivers/pci/p2pdma.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_tryget_live', roles: ['pgmap-get'], fails: [{ returns: 'false', whenKilled: 'only' }], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1 unless the ref was killed', { pgmap: 'get' })],
    doc: 'Takes a reference unless percpu_ref_kill() already ran; zone_device_page_init() and get_dev_pagemap() use it so nothing new pins a pgmap being torn down.',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_tryget_live_rcu', roles: ['pgmap-get'], fails: [{ returns: 'false', whenKilled: 'only' }], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1 unless killed (caller holds rcu_read_lock)', { pgmap: 'get' })],
    doc: 'RCU-locked form of percpu_ref_tryget_live(); used by get_dev_pagemap() and p2pmem_alloc_mmap().',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_get', roles: ['pgmap-get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1', { pgmap: 'get' })],
    doc: 'Takes one percpu reference unconditionally; p2pmem_alloc_mmap() takes one per inserted page this way.',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_put', roles: ['pgmap-put'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '-1', { pgmap: 'put' })],
    doc: 'Drops one percpu reference; put_dev_pagemap() and p2pdma_page_free() are this on pgmap->ref.',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'percpu_ref_kill', roles: ['teardown'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'marks the ref dead and drops the initial reference; later trygets fail; does not wait', { pgmap: 'kill' })],
    doc: 'Kills a percpu reference: tryget_live fails from now on and the initial reference is dropped. memunmap_pages() starts with it, then waits for the count to drain.',
    source: 'include/linux/percpu-refcount.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'wait_for_completion', roles: ['teardown'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'memunmap_pages(): blocks until pgmap->ref drains (pgmap->done); after a kill, a page that still holds a reference holds it up', { pgmap: 'drain-wait' })],
    doc: 'Blocks until a completion is signalled; memunmap_pages() waits on pgmap->done, which the pgmap ref\'s release callback completes when the last reference goes.',
    source: 'kernel/sched/completion.c; mm/memremap.c (linux-6.1, linux-6.12)',
  },
];
