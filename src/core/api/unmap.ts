// Removing and copying user page-table entries: munmap/truncate zaps and fork copies
// (mm/memory.c, mm/huge_memory.c). Until E3 DAX entries are devmap and carry no reference.
import type { ApiEntry, EraEffect } from './types';
import { ALL_ERAS, DAX, fx, others, span, within } from './build';

const PRIVATE_COPY = 'device-private entries are non-present swap entries, copied by copy_nonpresent_pte()';
const COPY = { refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'normal', holdsRef: true } } as const;

/** vm_normal_page() finds the page only behind a normal entry (zap_nonpresent_ptes() that of a
 * device-private swap entry): those drop their reference and mapcount; special and devmap entries (DAX
 * before E3, pfn inserts in every era) are removed with nothing dropped. Which entries DAX pages get is
 * the insert's business (E3: vmf_insert_page_mkwrite()/vmf_insert_folio_*() build normal ones). */
function zap(level: string): EraEffect[] {
  return [fx(ALL_ERAS, `${level} removed: a normal or device-private entry drops its reference and mapcount; a special or devmap one drops nothing`, { mapcount: 'dec', pageTable: { remove: true } })];
}
function copy(level: string, privateNote: string, privateEffects: readonly EraEffect[] = [fx(ALL_ERAS, privateNote, { types: ['PRIVATE'] })]): EraEffect[] {
  return [
    fx(span('E0', 'E2'), `DAX devmap ${level} copied without a reference`, { types: DAX, pageTable: { insert: 'devmap', holdsRef: false } }),
    ...privateEffects,
    fx(span('E0', 'E2'), `normal ${level}: +1 ref, +1 mapcount for the child`, { types: ['COHERENT', 'P2PDMA'], ...COPY }),
    fx(span('E3'), `normal ${level} (DAX included): +1 ref, +1 mapcount for the child`, { types: others('PRIVATE'), ...COPY }),
  ];
}

export const UNMAP: readonly ApiEntry[] = [
  {
    name: 'unmap_mapping_range', roles: ['unmap'], exists: ALL_ERAS, effects: zap('entry'),
    doc: 'Zaps every user mapping of a file range (truncate, hole punch, DAX layout breaking). E0-E2: DAX devmap entries go without any refcount change, which is why FS DAX must then wait for GUP references separately; E3+: each refcounted mapping drops its reference and mapcount.',
    source: 'mm/memory.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'unmap_mapping_pages', roles: ['unmap'], exists: ALL_ERAS, effects: zap('entry'),
    doc: 'unmap_mapping_range() by page index; dax_layout_busy_page_range() calls it before looking for busy pages. Same refcount behaviour per era.',
    source: 'mm/memory.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'zap_pte_range', roles: ['unmap', 'put'], exists: ALL_ERAS, effects: zap('PTE'),
    doc: 'Removes the PTEs of a range: normal pages get their mapcount and reference dropped, device-private swap entries drop the reference they own; special and (E0-E2 DAX) devmap PTEs are removed without any refcount change (vm_normal_page() returns NULL for them).',
    source: 'mm/memory.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'zap_huge_pmd', roles: ['unmap', 'put'], exists: ALL_ERAS, effects: zap('PMD'),
    doc: 'Removes a huge PMD. Pre-E3 DAX PMDs were "special huge" entries without reference; 38607c62b34b treats DAX vmas as normal once their PMDs are inserted with a reference (folio_remove_rmap_pmd + put). From E5 a device-private PMD entry is zapped like a present one: folio_remove_rmap_pmd() (WARN if the mapcount goes negative) and folio_put() of the reference the entry owned.',
    source: 'mm/huge_memory.c (linux-6.1, linux-6.12; 38607c62b34b); mm/huge_memory.c (linux-next: ColinIanKing/linux-next@0153b4ea4047, E5)',
  },
  {
    name: 'zap_huge_pud', roles: ['unmap', 'put'], exists: ALL_ERAS, effects: zap('PUD'),
    doc: 'Removes a huge PUD. Pre-E3 DAX PUDs carried no reference; with vmf_insert_folio_pud() (E3) zapping does folio_remove_rmap_pud() and drops the reference (as in S3).',
    source: 'mm/huge_memory.c (linux-6.1, linux-6.12; dbe54153296d)',
  },
  {
    name: 'copy_present_pte', roles: ['map', 'get'], exists: span('E0', 'E2'),
    effects: within(span('E0', 'E2'), copy('PTE', PRIVATE_COPY)),
    doc: 'fork(): copies a present PTE into the child. A normal page gets +1 reference and mapcount; special and (E0-E2 DAX) devmap PTEs are copied without touching the page. Batched as copy_present_ptes() by linux-6.12.',
    source: 'mm/memory.c (linux-6.1)',
  },
  {
    name: 'copy_present_ptes', roles: ['map', 'get'], exists: span('E2'),
    effects: within(span('E2'), copy('PTE', PRIVATE_COPY)),
    doc: 'fork(): batched copy of present PTEs mapping one folio (late E2+): +nr references and mapcounts for normal pages; special and (E2 DAX) devmap PTEs are copied without touching the folio.',
    source: 'mm/memory.c (linux-6.12)',
  },
  {
    name: 'copy_huge_pmd', roles: ['map', 'get'], exists: ALL_ERAS,
    effects: [
      // Only an anonymous vma's huge PMDs are copied: DAX, device-dax and P2PDMA pages are mapped by
      // file and driver vmas, whose PMDs the child faults in again.
      fx(ALL_ERAS, 'not copied: the vma is not anonymous, and copy_huge_pmd() returns before copying ("Skip if can be re-fill on fault"); the child faults the PMD in again', { types: ['FS_DAX', 'GENERIC', 'P2PDMA'] }),
      fx(ALL_ERAS, 'normal PMD of an anonymous vma: +1 ref, +1 mapcount for the child', { types: ['COHERENT'], ...COPY }),
      fx(span('E0', 'E4'), 'no huge device-private entries before E5', { types: ['PRIVATE'] }),
      fx(['E5'], 'device-private PMD entry: folio_get() and folio_try_dup_anon_rmap_pmd() for the child; a writable entry turns readable in both', { types: ['PRIVATE'], refcount: { op: 'inc' }, mapcount: 'inc', pageTable: { insert: 'swap-entry', holdsRef: true } }),
    ],
    doc: 'fork(): copies a huge PMD of an anonymous vma: +1 reference and entire mapcount for the child (folio_get() + folio_try_dup_anon_rmap_pmd()); from E5 a device-private PMD entry too, and a writable entry is made readable in the parent as well. For any other vma it returns before copying anything ("Skip if can be re-fill on fault"), so DAX, device-dax and P2PDMA PMDs are never copied at fork, in any era: the child faults them in. Special PMDs (pfnmaps) are checked before that and copied without touching a page.',
    source: `mm/huge_memory.c (linux-6.1 :1104-1106, linux-6.12 :1630-1649); mm/huge_memory.c (linux-next: ColinIanKing/linux-next@0153b4ea4047, E5)`,
  },
  {
    name: 'copy_huge_pud', roles: ['map', 'get'], exists: ALL_ERAS,
    effects: copy('PUD', 'no device-private PUDs'),
    doc: 'fork(): copies a huge PUD; DAX devmap PUDs (E0-E2) without a reference, refcounted ones with +1 reference and mapcount.',
    source: 'mm/huge_memory.c (linux-6.1, linux-6.12)',
  },
];
