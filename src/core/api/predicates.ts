// Predicates: pgmap type tests, PTE-kind tests, vm_normal_page*, pinnability, mapcount reads.
import type { ApiEntry } from './types';
import type { PgmapType } from '../types';
import { ALL_ERAS, ALL_TYPES, DAX, fx, others, span } from './build';

const MEMREMAP_H = 'include/linux/memremap.h (linux-6.1, linux-6.12)';

function typeTest(name: string, trueFor: readonly PgmapType[], exists: ApiEntry['exists'], doc: string, source = MEMREMAP_H): ApiEntry {
  return { name, roles: ['type-test'], exists, effects: [fx(exists, trueFor.length ? `true for ${trueFor.join(', ')}` : 'false for every ZONE_DEVICE page', { trueFor })], doc, source };
}

/** A PTE/PMD/PUD-kind test: true (as a type set) for the types whose mappings have that kind, per era. */
function devmapTest(name: string, level: string): ApiEntry {
  return {
    name, roles: ['predicate'], exists: span('E0', 'E3'),
    effects: [
      fx(span('E0', 'E2'), `true for DAX ${level}s (FS_DAX, device DAX); GUP then takes a pgmap ref`, { trueFor: DAX }),
      fx(['E3'], `DAX is mapped by the refcounting helpers, not devmap; only vmf_insert_mixed/pfn_* users still make devmap ${level}s`, { trueFor: [] }),
    ],
    doc: `Tests the architecture's devmap software bit on a ${level}. Devmap entries (FS DAX, device DAX until E3) carry no page reference: zap, fork and vm_normal_page*() skip their refcounts, and GUP takes a pgmap ref (get_dev_pagemap()) for them (E0-E3). Removed with the devmap bit in E4 (d438d2734170).`,
    source: 'arch/x86/include/asm/pgtable.h, include/linux/pgtable.h (linux-6.1, linux-6.12; d438d2734170)',
  };
}

/** vm_normal_page*(): returns the struct page (trueFor) for normal entries, NULL for special/devmap ones. */
function normalPage(name: string, doc: string): ApiEntry {
  return {
    name, roles: ['predicate'], exists: ALL_ERAS,
    effects: [
      fx(span('E0', 'E2'), 'NULL for special, zero-pfn and devmap (DAX) entries; device-private entries are not present PTEs', { trueFor: others('PRIVATE', 'FS_DAX', 'GENERIC') }),
      fx(span('E3'), 'DAX entries are normal and refcounted: returned', { trueFor: others('PRIVATE') }),
    ],
    doc,
    source: 'mm/memory.c (linux-6.1, linux-6.12)',
  };
}

export const PREDICATES: readonly ApiEntry[] = [
  typeTest('is_zone_device_page', ALL_TYPES, ALL_ERAS, 'True for any ZONE_DEVICE page, whatever its pgmap type; such pages carry ->pgmap and PG_reserved.', 'include/linux/mmzone.h (linux-6.1, linux-6.12)'),
  typeTest('folio_is_zone_device', ALL_TYPES, ALL_ERAS, 'Folio form of is_zone_device_page(): true for any ZONE_DEVICE folio.', 'include/linux/mmzone.h (linux-6.1, linux-6.12)'),
  typeTest('is_device_private_entry', ['PRIVATE'], ALL_ERAS, 'True for a device-private swap entry: the only way a MEMORY_DEVICE_PRIVATE page appears in a page table (zap_pte_range(), copy_nonpresent_pte() and migration handle its reference).', 'include/linux/swapops.h (linux-6.1, linux-6.12)'),
  typeTest('is_device_exclusive_entry', [], ALL_ERAS, 'True for a device-exclusive swap entry, which stands for an ordinary anonymous page a device holds exclusively (make_device_exclusive_range()): never a ZONE_DEVICE page.', 'include/linux/swapops.h (linux-6.1, linux-6.12)'),
  typeTest('is_device_private_page', ['PRIVATE'], ALL_ERAS, 'True for MEMORY_DEVICE_PRIVATE pages: never CPU-mapped (device-private swap entries), free at 0 from E2.'),
  typeTest('folio_is_device_private', ['PRIVATE'], ALL_ERAS, 'Folio form of is_device_private_page(): true for MEMORY_DEVICE_PRIVATE folios (mapped only as device-private swap entries).'),
  typeTest('is_device_coherent_page', ['COHERENT'], span('E1'), 'True for MEMORY_DEVICE_COHERENT pages (type added in v6.0): CPU-mapped by ordinary PTEs, free at 0 from E2, migrated out instead of long-term pinned.'),
  typeTest('folio_is_device_coherent', ['COHERENT'], span('E1'), 'Folio form of is_device_coherent_page(): true for MEMORY_DEVICE_COHERENT folios, which folio_is_longterm_pinnable() refuses so they are migrated out.'),
  typeTest('folio_is_fsdax', ['FS_DAX'], span('E3'), 'True for MEMORY_DEVICE_FS_DAX folios (E3, fs/dax refcount series): folio_is_longterm_pinnable() uses it to refuse long-term pins (e5cb23256347). Not present in linux-6.12.', 'include/linux/memremap.h (e5cb23256347, 38607c62b34b)'),
  typeTest('is_fsdax_page', ['FS_DAX'], span('E3'), 'Page form of folio_is_fsdax() (E3; not present in linux-6.12).', 'include/linux/memremap.h (38607c62b34b)'),
  typeTest('is_pci_p2pdma_page', ['P2PDMA'], ALL_ERAS, 'True for MEMORY_DEVICE_PCI_P2PDMA pages (free at 1 until E3, at 0 from b7e282378773).'),
  typeTest('folio_is_pci_p2pdma', ['P2PDMA'], span('E3'), 'Folio form of is_pci_p2pdma_page() (E3; not present in linux-6.12).', 'include/linux/memremap.h (82ba975e4c43)'),
  {
    name: 'vma_is_fsdax', roles: ['type-test'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'true for a vma of a file on a DAX filesystem', { trueFor: ['FS_DAX'] })],
    doc: 'True when a vma maps a file on a filesystem DAX mount (not device DAX). GUP slow uses it to refuse FOLL_LONGTERM on FS DAX in E0-E2.',
    source: 'include/linux/fs.h (linux-6.1, linux-6.12)',
  },
  devmapTest('pte_devmap', 'PTE'),
  devmapTest('pmd_devmap', 'PMD'),
  devmapTest('pud_devmap', 'PUD'),
  {
    name: 'pfn_t_devmap', roles: ['predicate'], exists: span('E0', 'E3'), helper: true,
    effects: [fx(span('E0', 'E3'), 'true for DAX pfns (PFN_DEV|PFN_MAP): FS_DAX (pmem), device DAX', { trueFor: DAX })],
    doc: 'Whether a pfn_t carries PFN_DEV|PFN_MAP: the pfns of FS DAX (pmem\'s pfn_flags) and device DAX (phys_to_pfn_t(phys, PFN_DEV|PFN_MAP)). insert_pfn() and insert_pfn_pmd() build devmap entries for them, special ones otherwise. pfn_t is gone in E4.',
    source: 'include/linux/pfn_t.h, drivers/dax/device.c, drivers/nvdimm/pmem.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'pte_special', roles: ['predicate'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'true for special PTEs (pfn maps, zero page, E4 vmf_insert_mixed)')],
    doc: 'Tests the special PTE bit: vm_normal_page() returns NULL for special PTEs, so nothing refcounts them. From E4 vmf_insert_mixed() marks its PFNs special (4b1d3145c104).',
    source: 'include/linux/pgtable.h (linux-6.1, linux-6.12)',
  },
  normalPage('vm_normal_page', 'Returns the struct page behind a PTE, or NULL when the mapping must not be refcounted (special, zero pfn, and devmap until E3). It decides whether zap, fork, GUP and migration touch the page\'s refcount and mapcount: a refcounted page mapped special or devmap has its mapping reference skipped (hazard 2 corollary).'),
  normalPage('vm_normal_folio', 'Folio form of vm_normal_page(): NULL for special, zero-pfn and (until E3) devmap PTEs.'),
  normalPage('vm_normal_page_pmd', 'PMD form of vm_normal_page(): NULL for special and (until E3) devmap PMDs; zap_huge_pmd() and copy_huge_pmd() follow it.'),
  {
    name: 'folio_is_longterm_pinnable', roles: ['predicate'], exists: span('E2'),
    effects: [
      fx(['E2'], 'false for COHERENT (migrated out instead); FS DAX is refused by the vma/devmap checks, not here', { trueFor: others('COHERENT') }),
      fx(span('E3'), 'false for COHERENT and FS_DAX (e5cb23256347)', { trueFor: others('COHERENT', 'FS_DAX') }),
    ],
    doc: 'Whether GUP may satisfy a FOLL_LONGTERM pin with this folio. Coherent device memory is migrated out first; from E3 (e5cb23256347) FS DAX folios are refused here because the devmap checks that used to refuse them were going away (hazard 10).',
    source: 'include/linux/mm.h (linux-6.1, linux-6.12; e5cb23256347)',
  },
  {
    name: 'is_longterm_pinnable_page', roles: ['predicate'], exists: span('E0', 'E2'),
    effects: [
      fx(['E0'], 'true except for CMA/movable pages', { trueFor: ALL_TYPES }),
      fx(span('E1', 'E2'), 'false for COHERENT', { trueFor: others('COHERENT') }),
    ],
    doc: 'Page form of folio_is_longterm_pinnable() before the folio conversion (gone in linux-6.12); device coherent pages are not long-term pinnable once that type exists.',
    source: 'include/linux/mm.h (linux-6.1)',
  },
  {
    name: 'folio_mapcount', roles: ['predicate'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'reads the mapcount; E3 dax_busy_page() compares it with the refcount')],
    doc: 'Reads a folio\'s total mapcount. E3 FS DAX calls a folio busy when folio_ref_count() - folio_mapcount() is non-zero, i.e. when references exist that mappings do not explain.',
    source: 'include/linux/mm.h (linux-6.1, linux-6.12)',
  },
];
