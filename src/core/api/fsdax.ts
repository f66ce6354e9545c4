// FS DAX association, busy-page detection and idle wait/wake (fs/dax.c, include/linux/dax.h,
// fs/ext4, fs/xfs, fs/fuse, kernel/sched/wait_bit.c).
import type { ApiEntry, EraEffect } from './types';
import { ALL_ERAS, fx, span } from './build';

/** Idle wait per era: refcount == 1 keyed on &page->_refcount (E0-E2), refcount == 0 keyed on the page (E3+). */
function idleWait(what: string): EraEffect[] {
  return [
    fx(span('E0', 'E2'), `${what}: waits on &page->_refcount until the count is 1`, { idle: { key: 'refcount', count: 1 } }),
    fx(span('E3'), `${what}: waits on the page until the count is 0`, { idle: { key: 'page', count: 0 } }),
  ];
}
/** Unmap, then the busy test per era: refcount > 1 (E0-E2), refcount - mapcount != 0 (E3+). The unmap
 * drops a mapping's reference only where the mapping holds one (E3+), like unmap_mapping_pages(). */
function busy(what: string): EraEffect[] {
  return [
    fx(span('E0', 'E2'), `${what}: unmaps the range (no reference held by DAX mappings), busy = refcount > 1`, { pageTable: { remove: true }, idle: { key: 'refcount', count: 1 } }),
    fx(span('E3'), `${what}: unmaps the range (each mapping drops its reference), busy = refcount - mapcount != 0`, { pageTable: { remove: true }, idle: { key: 'page', count: 0 } }),
  ];
}
const BREAK_DOC = 'waits until no DAX page of the file range is busy (GUP/DMA references), so truncate or hole punch can proceed: it unmaps the range (dax_layout_busy_page_range()) and sleeps on each busy page';

export const FSDAX: readonly ApiEntry[] = [
  {
    name: 'wake_up_var', roles: ['fsdax-wake'], exists: ALL_ERAS,
    effects: [
      fx(span('E0', 'E2'), 'FS DAX waker: wake_up_var(&page->_refcount) when the count reaches 1', { idle: { key: 'refcount', count: 1 } }),
      fx(span('E3'), 'FS DAX waker: wake_up_var(&folio->page) when the count reaches 0', { idle: { key: 'page', count: 0 } }),
    ],
    doc: 'Wakes the waiters of a wait_var_event() key. The FS DAX idle waker is keyed on &page->_refcount at count 1 in E0-E2 (the devmap-managed put hook) and on &folio->page at count 0 from E3 (free_zone_device_folio()). Waiter and waker must use the same address and the same idle count (hazard 9); inside the e6fa3963a30d..38607c62b34b window they did not.',
    source: 'kernel/sched/wait_bit.c; mm/memremap.c (linux-6.12; 38607c62b34b)',
  },
  {
    name: 'wait_var_event', roles: ['fsdax-idle-wait'], exists: ALL_ERAS, effects: idleWait('FS DAX idle wait'),
    doc: 'Sleeps until a condition holds, woken by wake_up_var() on the same address. For FS DAX idle pages the key and the count must match the era\'s waker: &page->_refcount and 1 in E0-E2, the page and 0 in E3+.',
    source: 'include/linux/wait_bit.h (linux-6.1, linux-6.12)',
  },
  {
    name: '___wait_var_event', roles: ['fsdax-idle-wait'], exists: ALL_ERAS, effects: idleWait('open-coded FS DAX idle wait'),
    doc: 'The macro behind wait_var_event*(). E0-E2 ext4/xfs/fuse open-code ___wait_var_event(&page->_refcount, count == 1, TASK_INTERRUPTIBLE, ..., <fs>_wait_dax_page()); E3 uses dax_wait_page_idle() (page key, count 0).',
    source: 'include/linux/wait_bit.h; fs/ext4/inode.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'dax_wait_page_idle', roles: ['fsdax-idle-wait'], exists: span('E3'),
    effects: [fx(span('E3'), 'waits keyed on the page until dax_page_is_idle() (count 0)', { idle: { key: 'page', count: 0 } })],
    doc: 'E3 common FS DAX idle wait (e6fa3963a30d), keyed on the page. Introduced waiting for count == 1 while the waker still used &folio->_refcount; 38607c62b34b switched it to count 0 and the waker to &folio->page, so the keys match again.',
    source: 'include/linux/dax.h (e6fa3963a30d, 38607c62b34b)',
  },
  {
    name: 'dax_page_is_idle', roles: ['predicate'], exists: span('E3'),
    effects: [fx(span('E3'), 'page && page_ref_count(page) == 0', { refcount: { op: 'read' }, idle: { key: 'page', count: 0 } })],
    doc: 'E3 FS DAX idle test: a page with refcount 0 (mappings now hold references, so they must be gone too). It compared with 1 when e6fa3963a30d introduced it and with 0 from 38607c62b34b.',
    source: 'include/linux/dax.h (e6fa3963a30d, 38607c62b34b)',
  },
  {
    name: 'dax_layout_busy_page', roles: ['unmap'], exists: ALL_ERAS, effects: busy('whole file'),
    doc: 'Returns a DAX page of the file that is still busy, after unmapping the whole file from user space. Busy means refcount > 1 in E0-E2 and refcount - mapcount != 0 in E3 (references not explained by mappings).',
    source: 'fs/dax.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'dax_layout_busy_page_range', roles: ['unmap'], exists: ALL_ERAS, effects: busy('file range'),
    doc: 'dax_layout_busy_page() for a byte range: unmap_mapping_pages() of the range, then the first busy page (E0-E2 refcount > 1; E3 refcount - mapcount != 0; zero/empty entries skipped, unmapped busy pages returned since cee91fa13a8e).',
    source: 'fs/dax.c (linux-6.1, linux-6.12; cee91fa13a8e)',
  },
  {
    name: 'dax_busy_page', roles: ['predicate'], exists: ALL_ERAS,
    effects: [
      fx(span('E0', 'E2'), 'busy = page_ref_count() > 1', { refcount: { op: 'read' }, idle: { key: 'refcount', count: 1 } }),
      fx(span('E3'), 'busy = folio_ref_count() - folio_mapcount() != 0', { refcount: { op: 'read' }, idle: { key: 'page', count: 0 } }),
    ],
    doc: 'Per-entry busy test of dax_layout_busy_page_range(): E0-E2 a page with refcount > 1; E3 a folio whose references exceed its mapcount.',
    source: 'fs/dax.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'ext4_break_layouts', roles: ['fsdax-idle-wait'], exists: ALL_ERAS, effects: idleWait('ext4'),
    doc: `ext4: ${BREAK_DOC}. E0-E2 open-codes ___wait_var_event(&page->_refcount, count == 1); E3 uses the common dax_break_layout*() helpers (count 0, page key).`,
    source: 'fs/ext4/inode.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'xfs_break_dax_layouts', roles: ['fsdax-idle-wait'], exists: ALL_ERAS, effects: idleWait('xfs'),
    doc: `xfs: ${BREAK_DOC}. Same era split as ext4_break_layouts().`,
    source: 'fs/xfs/xfs_file.c (linux-6.1), fs/xfs/xfs_inode.c (linux-6.12)',
  },
  {
    name: 'fuse_dax_break_layouts', roles: ['fsdax-idle-wait'], exists: ALL_ERAS, effects: idleWait('fuse/virtiofs'),
    doc: `fuse (virtiofs DAX window): ${BREAK_DOC}. Same era split as ext4_break_layouts().`,
    source: 'fs/fuse/dax.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'dax_break_layout', roles: ['fsdax-idle-wait'], exists: span('E3'), effects: [idleWait('common helper')[1]!],
    doc: `E3 common helper (d5b3afea22a5) shared by ext4, xfs and fuse: ${BREAK_DOC} with dax_wait_page_idle() (count 0, page key).`,
    source: 'fs/dax.c (d5b3afea22a5)',
  },
  {
    name: 'dax_break_layout_inode', roles: ['fsdax-idle-wait'], exists: span('E3'), effects: [idleWait('whole inode')[1]!],
    doc: 'E3: dax_break_layout() over a whole inode (d5b3afea22a5), waiting for each busy page to reach refcount 0.',
    source: 'fs/dax.c (d5b3afea22a5)',
  },
  {
    name: 'dax_break_layout_final', roles: ['fsdax-idle-wait'], exists: span('E3'), effects: [idleWait('unmount/eviction')[1]!],
    doc: 'E3: waits, without interruption, for every DAX page of an inode to become idle before it is evicted (0e2f80afcfa6).',
    source: 'fs/dax.c (0e2f80afcfa6)',
  },
  {
    name: 'dax_associate_entry', roles: ['alloc'], exists: ALL_ERAS,
    effects: [
      fx(span('E0', 'E2'), 'sets ->mapping/->index (or the shared marker); refcount untouched'),
      fx(span('E3'), 'first association: dax_folio_init() (compound set-up of the entry\'s order, WARN unless at 0), then ->mapping/->index; a further sharer: ->share++', { compound: 'prep' }),
    ],
    doc: 'Associates a DAX entry\'s pages with the file (->mapping and ->index, or the shared count for reflinked pages). Refcount-neutral; from E3 it initialises the folio first and warns if the folio is not free (count 0). The DAX zero page is never associated.',
    source: 'fs/dax.c (linux-6.1, linux-6.12; 38607c62b34b)',
  },
  {
    name: 'dax_folio_init', roles: ['alloc'], exists: span('E3'),
    effects: [fx(span('E3'), 'WARN_ON_ONCE(folio_order(folio)); for order > 0 prep_compound_page() and WARN_ON_ONCE(folio_ref_count(folio))', { compound: 'prep' })],
    doc: 'E3 (38607c62b34b): makes the pages of a DAX entry one folio of the entry\'s order (dax_entry_order()) before association: it warns unless the folio was split back to order 0 by dax_folio_put(), then for order > 0 runs prep_compound_page() (and inits the deferred list for order > 1) and warns unless the folio is free (count 0). Refcount-neutral.',
    source: 'fs/dax.c (38607c62b34b); fs/dax.c (newest: gregkh/linux@185cd2f5fe1e)',
  },
  {
    name: 'dax_disassociate_entry', roles: [], exists: ALL_ERAS, params: ['entry', 'mapping', 'trunc'],
    effects: [
      fx(span('E0', 'E2'), 'clears ->mapping/->index; WARNs if the page is still busy'),
      fx(span('E3'), 'dax_folio_put(): drops one share; at the last clears ->mapping and splits the folio to order 0', { compound: 'split' }),
    ],
    doc: 'Undoes dax_associate_entry() when the entry leaves the file. Refcount-neutral; in E3 it goes through dax_folio_put(), which splits the folio back to order 0 when the last sharer goes (and must reset order/_nr_pages, hazard 12).',
    source: 'fs/dax.c (linux-6.1, linux-6.12; 38607c62b34b)',
  },
  {
    name: 'dax_folio_put', roles: [], exists: span('E3'),
    effects: [fx(span('E3'), 'drops one share; at the last clears ->mapping and splits the folio to order 0', { compound: 'split' })],
    doc: 'E3 (38607c62b34b): drops the file\'s share of a DAX folio; when no sharer is left clears ->mapping and splits the compound folio back into order-0 pages. Refcount-neutral, but the split must reset folio metadata (hazard 12): the newest tree does it in dax_folio_reset_order() (folio_reset_order(), then per page ClearPageHead(), clear_compound_head(), ->mapping, ->share and ->pgmap) and WARNs if any page of the former folio still has a count.',
    source: 'fs/dax.c (38607c62b34b); fs/dax.c (newest: gregkh/linux@185cd2f5fe1e)',
  },
];
