// File rmap (mapcount) helpers used by the refcounting inserts and zaps (mm/rmap.c).
import type { ApiEntry } from './types';
import { fx, span } from './build';

function rmap(name: string, mapcount: 'inc' | 'dec', exists: ApiEntry['exists'], source: string, doc: string): ApiEntry {
  return { name, roles: [mapcount === 'inc' ? 'map' : 'unmap'], exists, effects: [fx(exists, mapcount === 'inc' ? '+1 file mapcount' : '-1 mapcount', { mapcount })], doc, source };
}

export const RMAP: readonly ApiEntry[] = [
  rmap('page_add_file_rmap', 'inc', span('E0', 'E2'), 'mm/rmap.c (linux-6.1)', 'Adds a file mapcount for a page (insert_page() until v6.8; replaced by folio_add_file_rmap_pte/pmd()). No refcount change.'),
  rmap('folio_add_file_rmap_pte', 'inc', span('E2'), 'mm/rmap.c (linux-6.12)', 'Adds a file mapcount for a PTE mapping of a folio page (v6.8+); insert_page_into_pte_locked() pairs it with folio_get().'),
  rmap('folio_add_file_rmap_pmd', 'inc', span('E2'), 'mm/rmap.c (linux-6.12)', 'Adds the entire mapcount for a PMD mapping (v6.8+); vmf_insert_folio_pmd() (E3) pairs it with a folio reference.'),
  rmap('folio_add_file_rmap_pud', 'inc', span('E3'), 'mm/rmap.c (dbe54153296d)', 'Adds the entire mapcount for a PUD mapping (E3, with vmf_insert_folio_pud()).'),
  rmap('folio_remove_rmap_pte', 'dec', span('E2'), 'mm/rmap.c (linux-6.12)', 'Drops a PTE mapcount (v6.8+); zap pairs it with dropping the mapping\'s reference.'),
  rmap('folio_remove_rmap_pmd', 'dec', span('E2'), 'mm/rmap.c (linux-6.12)', 'Drops a PMD entire mapcount (v6.8+); E3 zap_huge_pmd() uses it for DAX folios too.'),
  rmap('folio_remove_rmap_pud', 'dec', span('E3'), 'mm/rmap.c (dbe54153296d)', 'Drops a PUD entire mapcount (E3, zap_huge_pud() of refcounted DAX PUDs).'),
];
