// One CSyntax for the syntax tests, created on first use (test files are CommonJS: no top-level await).
import { createCSyntax, type CSyntax } from '../../../src/core/syntax';
import { loadAssets } from '../../helpers/assets';

let syntax: Promise<CSyntax> | undefined;

export function getSyntax(): Promise<CSyntax> {
  syntax ??= createCSyntax(loadAssets());
  return syntax;
}

/** The brief's list of API names, fixed so goldens do not move with the API table. */
export const NAMES: ReadonlySet<string> = new Set(
  ('set_page_count folio_set_count put_dev_pagemap get_dev_pagemap zone_device_page_init zone_device_folio_init ' +
    'vmf_insert_pfn_pud vmf_insert_pfn_pmd vmf_insert_mixed vmf_insert_mixed_mkwrite vmf_insert_page_mkwrite ' +
    'vmf_insert_folio_pmd vmf_insert_folio_pud vm_insert_page insert_page insert_pfn pte_devmap pmd_devmap pud_devmap ' +
    'folio_put put_page get_page folio_get get_page_unless_zero folio_try_get page_ref_inc page_ref_dec page_ref_count ' +
    'folio_ref_count put_devmap_managed_page free_zone_device_page free_zone_device_folio memunmap_pages memremap_pages ' +
    'wake_up_var dax_wait_page_idle dax_layout_busy_page unmap_mapping_range release_pages folios_put_refs ' +
    'pin_user_pages PageReserved SetPageReserved is_device_private_page folio_is_fsdax is_pci_p2pdma_page'
  ).split(' '),
);
