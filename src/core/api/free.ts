// The ZONE_DEVICE free path and the E0-E2 devmap-managed put hooks (mm/memremap.c, mm/swap.c).
import type { Era } from '../types';
import type { ApiEntry, EraEffect } from './types';
import { ALL_ERAS, PRIV_COH, fx, others, span } from './build';
import { typesForPath } from './drivers';

/** The E1-E2 FS DAX hook: -refs, wake idle waiters at 1, return true; other types return false. */
function fsdaxHook(eras: ApiEntry['exists'], amount: 1 | 'arg'): EraEffect[] {
  return [
    fx(eras, 'FS_DAX: -refs; at 1 wake_up_var(&page->_refcount); returns true so put_page() stops', { types: ['FS_DAX'], refcount: { op: 'dec', amount }, freeAt: 1, idle: { key: 'refcount', count: 1 } }),
    fx(eras, 'not FS_DAX: returns false, the caller does a normal put', { types: others('FS_DAX') }),
  ];
}
const E0_HOOK: EraEffect[] = [
  fx(['E0'], 'PRIVATE: -1; at 1 free_devmap_managed_page() calls ->page_free(); at 0 __put_page()', { types: ['PRIVATE'], refcount: { op: 'dec' }, freeAt: 1, pageFreeCallback: true }),
  fx(['E0'], 'FS_DAX: -1; at 1 free_devmap_managed_page() wakes idle waiters', { types: ['FS_DAX'], refcount: { op: 'dec' }, freeAt: 1, idle: { key: 'refcount', count: 1 } }),
  fx(['E0'], 'not devmap managed: returns false, the caller does a normal put', { types: others('PRIVATE', 'FS_DAX') }),
];

/** free_zone_device_page/folio() in E2 (linux-6.1 and linux-6.12 read): ->page_free for every type, then PRIVATE/COHERENT drop their pgmap ref and stay at 0, the others are reset to 1. */
function e2Free(): EraEffect[] {
  return [
    fx(['E2'], 'PRIVATE/COHERENT: ->page_free(), put_dev_pagemap(); stays at 0', { types: PRIV_COH, pageFreeCallback: true, pgmap: 'put' }),
    fx(['E2'], '->page_free(), then reset to 1 (WARN and return if the pgmap has no ->page_free)', { types: others('PRIVATE', 'COHERENT'), pageFreeCallback: true, refcount: { op: 'set', value: 1 } }),
  ];
}

export const FREE: readonly ApiEntry[] = [
  {
    name: '__put_page', roles: ['free-path'], exists: span('E0', 'E1'),
    effects: [
      fx(['E0'], 'ZONE_DEVICE page at 0: put_dev_pagemap() drops its pgmap ref', { pgmap: 'put' }),
      fx(['E1'], 'ZONE_DEVICE page at 0: free_zone_device_page()'),
    ],
    doc: 'Runs when a page\'s count reaches 0. For a ZONE_DEVICE page in E0 it only drops the page\'s pgmap reference (the page_free callback ran earlier, at 1, in free_devmap_managed_page()); in E1 it hands the page to free_zone_device_page(). Renamed __folio_put() before v6.1.',
    source: 'mm/swap.c (dc90f0846df4, v5.15; 27674ef6c73f)',
  },
  {
    name: '__folio_put', roles: ['free-path'], exists: span('E2'),
    effects: [
      fx(['E2'], 'ZONE_DEVICE folio at 0: free_zone_device_page() (free_zone_device_folio() from v6.10)'),
      fx(span('E3'), 'ZONE_DEVICE folio at 0: free_zone_device_folio()'),
    ],
    doc: 'Runs when a folio\'s count reaches 0 (the former __put_page(), renamed before v6.1). For ZONE_DEVICE folios it hands over to free_zone_device_page() (before v6.10) or free_zone_device_folio().',
    source: 'mm/swap.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'free_zone_device_page', roles: ['free-path'], exists: span('E1', 'E2'),
    effects: [
      fx(['E1'], '->page_free(), then set_page_count(page, 1) (the page is already back with the driver)', { pageFreeCallback: true, refcount: { op: 'set', value: 1 } }),
      ...e2Free(),
    ],
    doc: 'ZONE_DEVICE free path at refcount 0 (E1, and E2 before v6.10): clears ->mapping, uncharges memcg and calls pgmap->ops->page_free(). E1 then resets every page to 1; E2 (ef233450898f) keeps PRIVATE/COHERENT at 0 and drops their per-allocation pgmap ref, resetting only the other types to 1.',
    source: 'mm/memremap.c (27674ef6c73f; ef233450898f; linux-6.1)',
  },
  {
    name: 'free_zone_device_folio', roles: ['free-path', 'fsdax-wake'], exists: span('E2'),
    effects: [
      ...e2Free(),
      fx(span('E3', 'E4'), 'PRIVATE/COHERENT: ->page_free(), put_dev_pagemap()', { types: PRIV_COH, pageFreeCallback: true, pgmap: 'put' }),
      fx(['E5'], 'PRIVATE/COHERENT: ->folio_free(folio), percpu_ref_put_many(folio_nr_pages()): one pgmap put per base page', { types: PRIV_COH, pageFreeCallback: true, pgmap: 'put', pgmapCount: 'nr-pages' }),
      fx(span('E3'), 'FS_DAX: wake_up_var(&folio->page); stays at 0; ->mapping kept', { types: ['FS_DAX'], idle: { key: 'page', count: 0 } }),
      fx(span('E3'), 'GENERIC: no ->page_free, folio_set_count(folio, 1)', { types: ['GENERIC'], refcount: { op: 'set', value: 1 } }),
      fx(span('E3'), 'P2PDMA: ->page_free() (p2pdma_page_free); stays at 0', { types: ['P2PDMA'], pageFreeCallback: true }),
    ],
    doc: 'ZONE_DEVICE free path at refcount 0 from v6.10 (9f100e3b3759). In E2 it behaves as free_zone_device_page(). From E3 it switches on the type: PRIVATE/COHERENT call ->page_free() and drop the pgmap ref, FS_DAX wakes idle waiters keyed on &folio->page, GENERIC is reset to 1 without ->page_free (aed877c2b425), P2PDMA calls ->page_free() and stays at 0. E5 (large device-private folios): the callback is ->folio_free(folio), PRIVATE and COHERENT drop folio_nr_pages() pgmap references (percpu_ref_put_many()), PG_anon_exclusive is cleared on every page of an anon folio, and a large non-anon folio WARNs unless it is FS_DAX (VM_WARN_ON_ONCE(pgmap->type != MEMORY_DEVICE_FS_DAX && folio_test_large(folio)); gone again in the newest tree).',
    source: 'mm/memremap.c (linux-6.12; 38607c62b34b, aed877c2b425); mm/memremap.c (E3: moking/linux-next@01faf42bdfd6); mm/memremap.c (E5: ColinIanKing/linux-next@201037a59604; newest: gregkh/linux@85be0a262e39)',
  },
  {
    name: 'put_devmap_managed_page', roles: ['devmap-hook', 'put', 'fsdax-wake'], exists: span('E0', 'E2'),
    effects: [...E0_HOOK, ...fsdaxHook(span('E1', 'E2'), 1)],
    doc: 'The devmap-managed put hook called by put_page() (E0-E2, until the folio rename). E0: for PRIVATE and FS_DAX pages, decrements and at 1 calls free_devmap_managed_page() (PRIVATE ->page_free(), FS_DAX wakeup). E1-E2: FS_DAX only; decrements and wakes idle waiters at 1. Returns false for pages it does not manage.',
    source: 'include/linux/mm.h, mm/memremap.c (dc90f0846df4; 27674ef6c73f; linux-6.1)',
  },
  {
    name: '__put_devmap_managed_page', roles: ['devmap-hook', 'put', 'fsdax-wake'], exists: span('E0', 'E1'),
    effects: [...E0_HOOK, ...fsdaxHook(['E1'], 1)],
    doc: 'Out-of-line body of put_devmap_managed_page() in E0-E1: -1, and at 1 the page is free (E0 PRIVATE: ->page_free()) or idle (FS_DAX: wake_up_var(&page->_refcount)). Replaced by __put_devmap_managed_page_refs() in v6.1.',
    source: 'mm/memremap.c (dc90f0846df4; 27674ef6c73f)',
  },
  {
    name: 'put_devmap_managed_page_refs', roles: ['devmap-hook', 'put', 'fsdax-wake'], exists: span('E1', 'E2'),
    effects: fsdaxHook(span('E1', 'E2'), 'arg'),
    doc: 'Static-key wrapper of __put_devmap_managed_page_refs() (ef233450898f, v5.19, to early E2): for FS DAX pages drops refs (argument 2) and wakes idle waiters at 1; false for other pages.',
    source: 'include/linux/mm.h (ef233450898f; linux-6.1)',
  },
  {
    name: '__put_devmap_managed_page_refs', roles: ['devmap-hook', 'put', 'fsdax-wake'], exists: span('E1', 'E2'),
    effects: fsdaxHook(span('E1', 'E2'), 'arg'),
    doc: 'FS DAX put hook from ef233450898f (v5.19) to early E2: page_ref_sub_return(page, refs) == 1 wakes waiters on &page->_refcount; returns true for FS DAX pages so the normal free path is skipped.',
    source: 'mm/memremap.c (ef233450898f, linux-6.1)',
  },
  {
    name: 'put_devmap_managed_folio_refs', roles: ['devmap-hook', 'put', 'fsdax-wake'], exists: ['E2'],
    effects: fsdaxHook(['E2'], 'arg'),
    doc: 'Static-key wrapper of __put_devmap_managed_folio_refs() (late E2): FS DAX folios drop refs and wake idle waiters at 1; false for others. Removed by 38607c62b34b.',
    source: 'include/linux/mm.h (linux-6.12)',
  },
  {
    name: '__put_devmap_managed_folio_refs', roles: ['devmap-hook', 'put', 'fsdax-wake'], exists: ['E2'],
    effects: fsdaxHook(['E2'], 'arg'),
    doc: 'Folio form of the FS DAX put hook (late E2): folio_ref_sub_return(folio, refs) == 1 wakes waiters on &folio->_refcount. Removed by 38607c62b34b (E3).',
    source: 'mm/memremap.c (82ba975e4c43 parent, linux-6.12)',
  },
  {
    name: 'free_devmap_managed_page', roles: ['free-path', 'fsdax-wake'], exists: ['E0'],
    effects: [
      fx(['E0'], 'PRIVATE at 1: clear ->mapping, uncharge memcg, ->page_free()', { types: ['PRIVATE'], pageFreeCallback: true }),
      fx(['E0'], 'FS_DAX at 1: wake_up_var(&page->_refcount)', { types: ['FS_DAX'], idle: { key: 'refcount', count: 1 } }),
      fx(['E0'], 'not called for other types', { types: others('PRIVATE', 'FS_DAX') }),
    ],
    doc: 'E0 handler for a devmap-managed page whose count fell to 1: device-private pages are returned to the driver (->page_free()), FS DAX pages wake their idle waiters. The count itself is not changed.',
    source: 'mm/memremap.c (dc90f0846df4, v5.15)',
  },
  {
    name: 'release_pages', roles: ['put'], exists: ALL_ERAS,
    effects: [
      fx(['E0'], 'each page: devmap-managed ones via put_devmap_managed_page()', { types: ['PRIVATE', 'FS_DAX'], refcount: { op: 'put' }, devmapHook: true }),
      fx(['E0'], 'each page: -1, at 0 the free path', { types: others('PRIVATE', 'FS_DAX'), refcount: { op: 'put' } }),
      fx(span('E1', 'E2'), 'FS_DAX pages via the devmap hook', { types: ['FS_DAX'], refcount: { op: 'put' }, devmapHook: true }),
      fx(span('E1', 'E2'), 'each page: -1, at 0 free_zone_device_page/folio()', { types: others('FS_DAX'), refcount: { op: 'put' } }),
      fx(span('E3'), 'each page: -1, at 0 free_zone_device_folio()', { refcount: { op: 'put' } }),
    ],
    doc: 'Batch put_page(): drops one reference on each page of an array, with the devmap-managed hook first in E0-E2 like put_page().',
    source: 'mm/swap.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'folios_put_refs', roles: ['put'], exists: span('E2'),
    effects: [
      fx(['E2'], 'FS_DAX folios via put_devmap_managed_folio_refs()', { types: ['FS_DAX'], refcount: { op: 'put' }, devmapHook: true }),
      fx(['E2'], 'each folio: -refs, at 0 free_zone_device_folio()', { types: others('FS_DAX'), refcount: { op: 'put' } }),
      fx(span('E3'), 'each folio: -refs, at 0 free_zone_device_folio()', { refcount: { op: 'put' } }),
    ],
    doc: 'Batch folio put with per-folio reference counts (v6.9+, behind release_pages()). In E2 FS DAX folios go through the devmap hook first; 38607c62b34b removed that.',
    source: 'mm/swap.c (linux-6.12; 38607c62b34b)',
  },
  {
    name: 'p2pdma_page_free', roles: ['page-free-callback', 'pgmap-put'], exists: span('E2', 'E4'),
    effects: [fx(span('E2', 'E4'), 'gen_pool free of the page, percpu_ref_put() of the mmap\'s pgmap ref', { types: ['P2PDMA'], pgmap: 'put' })],
    doc: 'P2PDMA ->page_free() callback (v6.2+, 7e9c7ef83d78): returns the page to the provider\'s gen_pool and drops the pgmap reference p2pmem_alloc_mmap() took for it. Runs when a userspace-mapped P2PDMA page\'s count goes 1->0 (E2) or reaches 0 (E3). E5 renames it p2pdma_folio_free().',
    source: 'drivers/pci/p2pdma.c (linux-6.12)',
  },
  {
    name: 'p2pdma_folio_free', roles: ['page-free-callback', 'pgmap-put'], exists: ['E5'],
    effects: [fx(['E5'], 'gen_pool free of the page, percpu_ref_put() of the mmap\'s pgmap ref', { types: ['P2PDMA'], pgmap: 'put' })],
    doc: 'The P2PDMA ->folio_free() callback (E5: the ->page_free -> ->folio_free(folio) conversion): p2pdma_page_free() under its new name and argument, the same gen_pool free and percpu_ref_put(). The newest trees also pass the folio order.',
    source: 'drivers/pci/p2pdma.c (E5: the pci tree, kernelorg-mirror/linux_kernel_git_pci_pci@cd2698d76c31; newest: linux-mm/linux-mm@1af43132d318)',
  },
  // The device-private and coherent drivers' callbacks. None touches a count: free_zone_device_page/folio()
  // drops these types' pgmap reference itself after the callback, so a put the driver adds is a second one.
  ...driverFree('dmirror_devmem_free', ALL_ERAS, 'lib/test_hmm.c', 'the HMM selftest driver: the page (and its backing system page, for the emulated types) goes back on the device\'s free list; E5 passes the folio'),
  ...driverFree('nouveau_dmem_page_free', span('E0', 'E4'), 'drivers/gpu/drm/nouveau/nouveau_dmem.c', 'nouveau: the page goes back on the chunk\'s free list; E5 renames it nouveau_dmem_folio_free()'),
  ...driverFree('nouveau_dmem_folio_free', ['E5'], 'drivers/gpu/drm/nouveau/nouveau_dmem.c', 'nouveau (E5): a large folio goes back on the free folio list, a page on the free page list'),
  ...driverFree('svm_migrate_page_free', span('E0', 'E4'), 'drivers/gpu/drm/amd/amdkfd/kfd_migrate.c', 'amdkfd: drops the page\'s svm_bo kref (a driver object, not the page); E5 renames it svm_migrate_folio_free()'),
  ...driverFree('svm_migrate_folio_free', ['E5'], 'drivers/gpu/drm/amd/amdkfd/kfd_migrate.c', 'amdkfd (E5): drops the folio\'s svm_bo kref'),
  ...driverFree('kvmppc_uvmem_page_free', span('E0', 'E4'), 'arch/powerpc/kvm/book3s_hv_uvmem.c', 'POWER uvmem: clears the pfn in the device bitmap and frees the page\'s private data; E5 renames it kvmppc_uvmem_folio_free()'),
  ...driverFree('kvmppc_uvmem_folio_free', ['E5'], 'arch/powerpc/kvm/book3s_hv_uvmem.c', 'POWER uvmem (E5)'),
  ...driverFree('drm_pagemap_page_free', span('E3', 'E4'), 'drivers/gpu/drm/drm_pagemap.c', 'drm_pagemap (v6.15+): drops the page\'s zone-device-data reference (a driver object); E5 renames it drm_pagemap_folio_free()'),
  ...driverFree('drm_pagemap_folio_free', ['E5'], 'drivers/gpu/drm/drm_pagemap.c', 'drm_pagemap (E5)'),
];

/** A device-private/coherent driver's ->page_free (->folio_free in E5) callback: its types by driver
 * (drivers.ts), COHERENT from E1 where the driver serves it. */
function driverFree(name: string, exists: readonly Era[], path: string, what: string): ApiEntry[] {
  const types = typesForPath(path);
  const early = types.filter((t) => t !== 'COHERENT');
  const note = 'driver bookkeeping only; no page or pgmap count changes';
  const effects = types.length === early.length || !exists.includes('E0')
    ? [fx(exists, note, { types })]
    : [fx(['E0'], note, { types: early }), fx(exists.filter((e) => e !== 'E0'), note, { types })];
  return [{
    name, roles: ['page-free-callback'], exists,
    effects,
    doc: `Driver ->page_free() callback (->folio_free() in E5): ${what}. It runs from free_zone_device_page/folio() when the page's count reaches 0, and free_zone_device_page/folio() then drops the page's pgmap reference for PRIVATE and COHERENT pages itself: the callback must not.`,
    source: exists.includes('E2') ? `${path} (linux-6.1, linux-6.12)` : `${path} (${exists.includes('E5') ? 'E5: the ->page_free -> ->folio_free conversion, read in the mm and pci trees' : 'v6.15+: drm_pagemap.c'})`,
  }];
}
