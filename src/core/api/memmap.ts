// Memmap initialisation and allocation of ZONE_DEVICE pages (mm/mm_init.c, mm/memremap.c).
import type { ApiEntry, EraEffect } from './types';
import { ALL_ERAS, PRIV_COH, fx, others, span } from './build';

/** Resting refcount a fresh ZONE_DEVICE page gets from the memmap init, per era and type. */
export const ZONE_DEVICE_INIT: readonly EraEffect[] = [
  fx(span('E0', 'E1'), '__init_single_page() leaves every ZONE_DEVICE page at 1', { refcount: { op: 'set', value: 1 }, mapcount: 'reset' }),
  fx(['E2'], 'PRIVATE/COHERENT: set_page_count(page, 0)', { types: PRIV_COH, refcount: { op: 'set', value: 0 }, mapcount: 'reset' }),
  fx(['E2'], 'FS_DAX/GENERIC/P2PDMA stay at 1', { types: others('PRIVATE', 'COHERENT'), refcount: { op: 'set', value: 1 }, mapcount: 'reset' }),
  fx(span('E3'), 'PRIVATE/COHERENT/FS_DAX/P2PDMA: set_page_count(page, 0)', { types: others('GENERIC'), refcount: { op: 'set', value: 0 }, mapcount: 'reset' }),
  fx(span('E3'), 'GENERIC stays at 1', { types: ['GENERIC'], refcount: { op: 'set', value: 1 }, mapcount: 'reset' }),
];

const E3_SRC = 'mm/memremap.c (E3: moking/linux-next@01faf42bdfd6)';
const E5_SRC = 'mm/memremap.c (E5: ColinIanKing/linux-next@201037a59604); mm/memremap.c (newest: gregkh/linux@85be0a262e39)';
/** E5 zone_device_page_init(page, order): head 0->1, one pgmap ref per base page of `order`, compound set-up for order > 0. */
const E5_INIT = { refcount: { op: 'set', value: 1 }, pgmap: 'get', pgmapCount: 'order-pages', orderArg: 'last', compound: 'prep', clearsStaleHead: true } as const;

export const MEMMAP: readonly ApiEntry[] = [
  {
    name: '__init_single_page', roles: ['memmap-init'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'refcount 1, mapcount reset', { refcount: { op: 'set', value: 1 }, mapcount: 'reset' })],
    doc: 'Initialises one struct page: refcount 1, mapcount reset, zone/node links. ZONE_DEVICE pages are then adjusted by __init_zone_device_page().',
    source: 'mm/mm_init.c (linux-6.1, linux-6.12)',
  },
  {
    name: '__init_zone_device_page', roles: ['memmap-init', 'reserved'], exists: ALL_ERAS,
    effects: ZONE_DEVICE_INIT,
    doc: 'Initialises a ZONE_DEVICE page: __init_single_page(), PG_reserved, ->pgmap and ->zone_device_data. From E2 (ef233450898f) PRIVATE/COHERENT pages are set to 0 (free); E3 adds P2PDMA (b7e282378773) and FS_DAX (38607c62b34b); GENERIC stays at 1. Before v5.17 the same code sat inline in memmap_init_zone_device().',
    source: 'mm/mm_init.c (linux-6.1, linux-6.12; b7e282378773, 38607c62b34b)',
  },
  {
    name: 'memmap_init_zone_device', roles: ['memmap-init', 'reserved'], exists: ALL_ERAS,
    effects: ZONE_DEVICE_INIT,
    doc: 'Initialises the memmap of a ZONE_DEVICE range (called from pagemap_range()), page by page through __init_zone_device_page(): it decides the resting refcount of free pages (1 everywhere in E0-E1; 0 for PRIVATE/COHERENT from E2, also FS_DAX/P2PDMA from E3).',
    source: 'mm/mm_init.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'zone_device_page_init', roles: ['alloc', 'pgmap-get'], fails: [{ returns: 'void', whenKilled: 'only' }], exists: span('E2'),
    effects: [
      fx(span('E2', 'E4'), 'tryget_live pgmap ref (WARN if dead), set_page_count(page, 1), lock_page()', { refcount: { op: 'set', value: 1 }, pgmap: 'get' }),
      fx(['E5'], 'clears stale large-folio state of the 1 << order pages, tryget_many(1 << order) pgmap refs (WARN if dead), head 0->1 and locked, prep_compound_page() for order > 0', E5_INIT),
    ],
    doc: 'Hands out a free 0-based device page (E2+, ef233450898f): takes a live pgmap reference (WARN_ON_ONCE if memunmap_pages() already killed it; 0dc45ca1ce18), sets the count 0->1 and locks the page. Drivers (nouveau, amdkfd, test_hmm, kvmppc uvmem, drm_pagemap) call it from their allocators. E5 adds the folio order (zone_device_page_init(page, order); the newest trees also pass the pgmap): percpu_ref_tryget_many(&pgmap->ref, 1 << order), set_page_count() and lock_page() on the head, then prep_compound_page() when order > 0, so the free path\'s folio_nr_pages() puts match. The newest form first clears, in each of the 1 << order pages, the order, head flag, _nr_pages and compound head an earlier larger folio left there (new_folio->pgmap = pgmap also clears the compound head).',
    source: `mm/memremap.c (ef233450898f, 0dc45ca1ce18; linux-6.1, linux-6.12); ${E3_SRC}; ${E5_SRC}`,
  },
  {
    name: 'zone_device_folio_init', roles: ['alloc', 'pgmap-get'], exists: ['E5'],
    effects: [fx(['E5'], 'zone_device_page_init(&folio->page, order), then large_rmappable for order > 0', E5_INIT)],
    doc: 'E5 inline wrapper (include/linux/memremap.h): zone_device_page_init(&folio->page, order) and folio_set_large_rmappable() when order > 0. Head 0->1 and 1 << order pgmap references, one per base page; the free path drops folio_nr_pages() of them (hazard 4).',
    source: 'include/linux/memremap.h (large device-private folio series, <20250908000448.180088-*-balbirs@nvidia.com>, as quoted in its review threads)',
  },
];
