// Page and folio reference-count primitives (include/linux/page_ref.h, include/linux/mm.h).
import type { Era } from '../types';
import type { ApiEntry, RefOp, Role } from './types';
import { ALL_ERAS, fx, others, span } from './build';

const PAGE_REF_H = 'include/linux/page_ref.h (linux-6.1, linux-6.12)';
const MM_H = 'include/linux/mm.h (linux-6.1, linux-6.12)';

function raw(name: string, doc: string, refcount: RefOp, note: string, source = PAGE_REF_H, exists: readonly Era[] = ALL_ERAS): ApiEntry {
  const roles: Role[] = refcount.op === 'read' ? ['raw-count'] : refcount.op === 'dec' ? ['raw-count', 'put'] : ['raw-count', 'get'];
  return { name, roles, exists, effects: [fx(exists, note, { refcount })], doc, source };
}

export const PAGE_REF: readonly ApiEntry[] = [
  {
    name: 'get_page', roles: ['get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1 on the folio; debug kernels BUG if the count was 0', { refcount: { op: 'inc' } })],
    doc: 'Takes one reference on the page (its folio). The page must already be referenced: on a free 0-based ZONE_DEVICE page (PRIVATE/COHERENT from E2, FS_DAX/P2PDMA from E3) it is a bug; allocation must go through zone_device_page_init(). No mapcount or pgmap effect.',
    source: MM_H,
  },
  {
    name: 'folio_get', roles: ['get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1; debug kernels BUG if the count was 0', { refcount: { op: 'inc' } })],
    doc: 'Takes one reference on a folio that is already referenced. Same rules as get_page(): never on a free 0-based ZONE_DEVICE folio.',
    source: MM_H,
  },
  {
    name: 'get_page_unless_zero', roles: ['get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1 unless the count is 0; returns whether it took the reference', { refcount: { op: 'inc-unless-zero' } })],
    doc: 'Speculatively takes a reference, failing on a page whose count is 0. Only meaningful for ZONE_DEVICE pages once free pages rest at 0 (E2 PRIVATE/COHERENT, E3 FS_DAX/P2PDMA); on a 1-based free page it succeeds and the caller holds a free page (hazard 1).',
    source: MM_H,
  },
  {
    name: 'folio_try_get', roles: ['get'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '+1 unless the count is 0', { refcount: { op: 'inc-unless-zero' } })],
    doc: 'Folio form of get_page_unless_zero(): takes a reference unless the count is 0. Succeeds on free 1-based ZONE_DEVICE folios, which is why free pages should rest at 0.',
    source: 'include/linux/page_ref.h (linux-6.12)',
  },
  {
    name: 'set_page_count', roles: ['raw-count'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'raw store of argument 2', { refcount: { op: 'set', value: 'arg' } })],
    doc: 'Raw store of the page refcount. Safe only while the caller owns the page exclusively (memmap init, zone_device_page_init(), the free path\'s reset to 1, p2pmem_alloc_mmap() in E3); on a page others may reference it loses or invents references (hazard 6).',
    source: PAGE_REF_H,
  },
  {
    name: 'init_page_count', roles: ['raw-count'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'raw store of 1', { refcount: { op: 'set', value: 1 } })],
    doc: 'set_page_count(page, 1) under its own name (page_ref.h): memmap init and the page allocator use it; a driver that hands out device pages may too. The same exclusive-ownership requirement as set_page_count() (hazard 6).',
    source: PAGE_REF_H,
  },
  {
    name: 'folio_set_count', roles: ['raw-count'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'raw store of argument 2', { refcount: { op: 'set', value: 'arg' } })],
    doc: 'Folio form of set_page_count(): raw store of the folio refcount, with the same exclusive-ownership requirement (hazard 6). free_zone_device_folio() uses it to reset non-private types to 1.',
    source: PAGE_REF_H,
  },
  raw('page_ref_inc', 'Raw +1 on the page refcount, with no debug check and no side effect.', { op: 'inc' }, 'raw +1'),
  raw('page_ref_dec', 'Raw -1 on the page refcount. Unlike put_page() it never runs the free path, so reaching 0 here leaves a page nobody frees.', { op: 'dec' }, 'raw -1, no free path'),
  raw('page_ref_count', 'Reads the page refcount. FS DAX idle tests compare it with 1 (E0-E2) or 0 (E3+).', { op: 'read' }, 'reads the count'),
  raw('folio_ref_count', 'Reads the folio refcount. E3 dax_busy_page() compares it with folio_mapcount().', { op: 'read' }, 'reads the count'),
  raw('page_ref_add', 'Raw add of nr (argument 2) to the page refcount, with no debug check and no side effect.', { op: 'inc', amount: 'arg' }, 'raw +nr'),
  raw('page_ref_sub_return', 'Raw subtract of nr (argument 2), returning the new count; no free path. The early-E2 FS DAX hook compared the result with 1 to detect idle pages. Gone by linux-6.12 (folio_ref_sub_return()).', { op: 'dec', amount: 'arg' }, 'raw -nr, returns the new count', 'include/linux/page_ref.h (linux-6.1)', span('E0', 'E2')),
  raw('page_ref_sub_and_test', 'Raw subtract of nr (argument 2), returning true when the count reached 0; the caller must free the page itself.', { op: 'dec', amount: 'arg', zeroTest: true }, 'raw -nr, true at 0'),
  raw('folio_ref_sub_and_test', 'Folio form of page_ref_sub_and_test(): subtracts nr (argument 2), true when the count reached 0; folios_put_refs() then frees a ZONE_DEVICE folio with free_zone_device_folio().', { op: 'dec', amount: 'arg', zeroTest: true }, 'raw -nr, true at 0'),
  raw('put_page_testzero', 'Drops one reference and returns true when it was the last (VM_BUG on a count of 0); the caller runs the free path itself (E2 release_pages() called free_zone_device_page()).', { op: 'dec', zeroTest: true }, '-1, true at 0', MM_H),
  raw('folio_put_testzero', 'Folio form of put_page_testzero(): -1, true when the count reached 0; the caller frees.', { op: 'dec', zeroTest: true }, '-1, true at 0', MM_H),
  raw('page_ref_dec_return', 'Raw -1 returning the new count; ==1 was the E0-E2 FS DAX idle edge.', { op: 'dec' }, 'raw -1, returns the new count'),
  raw('folio_ref_inc', 'Raw +1 on the folio refcount. In E3 fs/dax.c holds such a temporary reference around vmf_insert_page_mkwrite() / vmf_insert_folio_pmd().', { op: 'inc' }, 'raw +1'),
  raw('folio_ref_dec', 'Raw -1 on the folio refcount; unlike folio_put() it never runs the free path.', { op: 'dec' }, 'raw -1, no free path'),
  raw('folio_ref_add', 'Raw add of nr (argument 2) to the folio refcount, with no debug check and no side effect.', { op: 'inc', amount: 'arg' }, 'raw +nr'),
  raw('folio_ref_sub_return', 'Raw subtract of nr (argument 2) from the folio refcount, returning the new count; the late-E2 FS DAX hook compared it with 1.', { op: 'dec', amount: 'arg' }, 'raw -nr, returns the new count'),
  raw('page_ref_add_unless', 'Adds nr (argument 2) unless the count equals u (argument 3). E0 memcg used page_ref_add_unless(page, 1, 1) to skip free device-private pages at 1; 27674ef6c73f replaced it with get_page_unless_zero().', { op: 'inc-unless-zero', amount: 'arg', unless: 'arg3' }, '+nr unless the count equals argument 3'),
  {
    name: 'put_page', roles: ['put'], exists: ALL_ERAS,
    effects: [
      fx(['E0'], 'devmap-managed (PRIVATE, FS_DAX): diverted to put_devmap_managed_page(), which frees at 1', { types: ['PRIVATE', 'FS_DAX'], refcount: { op: 'put' }, devmapHook: true }),
      fx(['E0'], '-1; at 0 the free path (__put_page)', { types: others('PRIVATE', 'FS_DAX'), refcount: { op: 'put' } }),
      fx(span('E1', 'E2'), 'FS_DAX: diverted to put_devmap_managed_page*(), which wakes idle waiters at 1', { types: ['FS_DAX'], refcount: { op: 'put' }, devmapHook: true }),
      fx(span('E1', 'E2'), '-1; at 0 free_zone_device_page/folio()', { types: others('FS_DAX'), refcount: { op: 'put' } }),
      fx(span('E3'), 'plain folio_put(): -1; at 0 free_zone_device_folio()', { refcount: { op: 'put' } }),
    ],
    doc: 'Drops one page reference; at 0 the page goes to the free path (free_zone_device_page/folio() for ZONE_DEVICE). In E0-E2 it first diverts devmap-managed pages (E0: PRIVATE and FS_DAX; E1-E2: FS_DAX only) to put_devmap_managed_page*(), which treats 1 as free/idle. From E3 (38607c62b34b) it is plain folio_put().',
    source: 'include/linux/mm.h (linux-6.1, linux-6.12; 38607c62b34b)',
  },
  {
    name: 'folio_put', roles: ['put', 'skips-devmap-hook'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '-1; at 0 the free path; never the devmap-managed hook', { refcount: { op: 'put' } })],
    doc: 'Drops one folio reference; at 0 the folio goes to the free path (free_zone_device_folio() for ZONE_DEVICE). It never had put_page()\'s devmap-managed hook: in E0-E2 an FS DAX page released with folio_put() misses the idle wakeup at 1 (hazard 7).',
    source: MM_H,
  },
  {
    name: 'folio_put_refs', roles: ['put', 'skips-devmap-hook'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, '-refs (argument 2); at 0 the free path; never the devmap-managed hook', { refcount: { op: 'put', amount: 'arg' } })],
    doc: 'Drops refs (argument 2) folio references at once (folio_ref_sub_and_test(), then __folio_put() at 0). Like folio_put() it never had the devmap-managed hook: GUP released FS DAX pages with it until ef233450898f routed gup_put_folio() and try_get_folio() through put_devmap_managed_page_refs() first, so an FS DAX page reaching 1 woke no layout waiter.',
    source: `${MM_H}; ef233450898f`,
  },
];
