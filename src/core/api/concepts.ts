// Kernel vocabulary the simulator meets outside the API table's functions: assertion macros, branch
// hints, how C code spells a failure it returns, the pgmap callback and type field. Data only.
import { PGMAP_TYPES, type PgmapType } from '../types';
import type { MappingKind } from '../report/types';

/** WARN/BUG macros: their first argument is a condition that must not hold. */
export const ASSERTION_MACROS: ReadonlySet<string> = new Set([
  'WARN', 'WARN_ON', 'WARN_ON_ONCE', 'WARN_ONCE', 'BUG_ON', 'VM_BUG_ON', 'VM_WARN_ON', 'VM_WARN_ON_ONCE', 'VM_BUG_ON_PAGE',
  'VM_BUG_ON_FOLIO', 'VM_WARN_ON_PAGE', 'VM_WARN_ON_FOLIO', 'VM_WARN_ON_ONCE_PAGE', 'VM_WARN_ON_ONCE_FOLIO', 'VM_WARN_ONCE',
]);

/** An assertion the model judges: on the page's reference or map counts, and on the folio's shape
 * (large folios). WARN_ON(1) is not. */
export const COUNT_CONDITION = /ref_count|refcount|page_count|_refcount|folio_ref|mapcount|folio_test_large|PageCompound|folio_order/;

/** Entry kinds that zap (and fork, GUP) treat as holding a page reference: vm_normal_page() finds the
 * page behind a normal entry, zap_nonpresent_ptes() the page of a device-private swap entry, and each
 * drops one reference; special and devmap entries are skipped (mm/memory.c, linux-6.1, linux-6.12). */
export const REFCOUNTED_ENTRY_KINDS: readonly MappingKind[] = ['normal', 'swap-entry'];

/** Branch hints: their value is their argument. */
export const BRANCH_HINTS: ReadonlySet<string> = new Set(['likely', 'unlikely']);

/** The pgmap's ->page_free / ->folio_free callback, called through the ops table. */
export const PAGE_FREE_CALLBACK = /(->|\.)(page|folio)_free$/;

/** Whether a pgmap of each type has a `->ops` callback, for the callbacks a condition may test instead
 * of the type (`if (!pgmap->ops->migrate_to_ram)`): 'yes' when memremap_pages() refuses a pgmap of the
 * type without it, 'no' when no driver of the type defines it, 'maybe' when it is optional (taken as
 * absent on the primary path: only what memremap_pages() requires is certain).
 * migrate_to_ram (linux-6.1 and 6.12 mm/memremap.c memremap_pages(): required for
 * MEMORY_DEVICE_PRIVATE, only ->page_free for MEMORY_DEVICE_COHERENT; defined only by the
 * device-private/coherent drivers: nouveau_dmem.c, amdkfd kfd_migrate.c, book3s_hv_uvmem.c, test_hmm.c). */
export const PGMAP_CALLBACKS: Readonly<Record<string, Readonly<Record<PgmapType, 'yes' | 'no' | 'maybe'>>>> = {
  migrate_to_ram: { PRIVATE: 'yes', COHERENT: 'maybe', FS_DAX: 'no', GENERIC: 'no', P2PDMA: 'no' },
};

/** The callback a field chain reads from a pgmap's ops table (`page->pgmap->ops->migrate_to_ram`), when
 * PGMAP_CALLBACKS knows it. */
export function pgmapCallbackField(path: string): string | undefined {
  const m = /pgmap(?:->|\.)ops(?:->|\.)(\w+)$/.exec(path.replace(/\s+/g, ''));
  return m && m[1]! in PGMAP_CALLBACKS ? m[1] : undefined;
}

/** A field chain that reads a pgmap's type (`page->pgmap->type`, `pgmap->type`). */
export function isPgmapTypeField(path: string): boolean {
  return /(^|[^a-z_])type$/.test(path) && /pgmap/.test(path);
}

/** Prefix of the pgmap type constants (those of types the model does not simulate are still types). */
export const PGMAP_TYPE_PREFIX = 'MEMORY_DEVICE_';

/** Variables that usually hold an error code: `if (ret)` is an error check. */
export const ERROR_VARIABLES: ReadonlySet<string> = new Set(['ret', 'rc', 'err', 'error', 'r', 'res', 'rv']);

/** An errno constant (`ENOMEM`): negated, a failure value. */
export const ERRNO = /^E[A-Z0-9]+$/;

/** Macros that wrap a failure value: `ERR_PTR(-ENOMEM)`. */
export const ERROR_POINTER = 'ERR_PTR';

/** Flag constants the simulation tracks as sets: the GUP flags the lives pass (FOLL_PIN, FOLL_LONGTERM)
 * and the bodies they reach test (`gup_flags & FOLL_PCI_P2PDMA`). */
export const FLAG_CONSTANT = /^FOLL_[A-Z0-9_]+$/;

/** vm_fault_t values a fault handler returns on failure. */
export const FAULT_FAILURES: ReadonlySet<string> = new Set(['VM_FAULT_OOM', 'VM_FAULT_SIGBUS', 'VM_FAULT_SIGSEGV', 'VM_FAULT_HWPOISON', 'VM_FAULT_FALLBACK']);

/** wake_up_var(key) / wait_var_event(key, cond): an idle key on the page's refcount field. */
export const IDLE_VAR_CALL = /wake_up_var|wait_var_event/;
export const REFCOUNT_KEY = /_refcount/;
export const IDLE_TEST = /is_idle/;

/** Kernel functions the rules and the simulator name in their messages and notes, and the calls some
 * rules look for: one place, so a rename in a later era is one edit. */
export const NAMED = {
  /** Waits for the pgmap's references at teardown. */
  teardown: 'memunmap_pages',
  /** Takes page references for a user (GUP). */
  gup: 'get_user_pages',
  /** The put with the devmap-managed hook (E0-E2), and the folio put without it. */
  put: 'put_page',
  folioPut: 'folio_put',
  /** Speculative gets that succeed on any page above 0. */
  speculativeGets: 'get_page_unless_zero()/folio_try_get()',
  /** Raw refcount stores, and the lookup of the folio they store through. */
  countStores: 'set_page_count / folio_set_count',
  headLookup: 'page_folio',
  /** The GUP grab, and the WARN it hits on a page at refcount 0. */
  grab: 'try_grab_folio',
  grabWarn: 'WARN_ON_ONCE(folio_ref_count(folio) <= 0)',
  grabWarnCondition: 'folio_ref_count(folio) <= 0',
  /** The idle wakeup of a devmap-managed page's waiters. */
  idleWake: 'wake_up_var',
} as const;

/** A test of PG_reserved (or KVM's reserved-pfn test) in a condition. */
export const RESERVED_TEST = /\b(PageReserved|folio_test_reserved|kvm_is_reserved_pfn)\s*\(/;
/** A ZONE_DEVICE exception in the same condition. */
export const ZONE_DEVICE_TEST = /zone_device|is_device_|folio_is_fsdax|is_fsdax_page/;
/** Calls that take, drop or act on a page reference (what a PG_reserved test may guard). */
export const REFCOUNTING_CALL = /^(put_page|get_page|folio_put|folio_get|kvm_release_pfn\w*|kvm_set_pfn_\w+|unpin_user_page\w*|put_user_page\w*|mark_page_accessed|set_page_dirty\w*)$/;

/** ZONE_DEVICE concepts and the pgmap types whose pages they concern. */
export const TYPE_WORDS: readonly (readonly [RegExp, readonly PgmapType[]])[] = [
  [/zone_device|pgmap|dev_pagemap/, PGMAP_TYPES],
  [/device_private|MEMORY_DEVICE_PRIVATE/, ['PRIVATE']],
  [/device_coherent|MEMORY_DEVICE_COHERENT/, ['COHERENT']],
  [/\bhmm_|migrate_vma|migrate_device/, ['PRIVATE', 'COHERENT']],
  [/fsdax|MEMORY_DEVICE_FS_DAX/, ['FS_DAX']],
  [/devmap|(?<![A-Za-z])dax(?![A-Za-z])/i, ['FS_DAX', 'GENERIC']],
  [/MEMORY_DEVICE_GENERIC/, ['GENERIC']],
  [/p2pdma|MEMORY_DEVICE_PCI_P2PDMA/, ['P2PDMA']],
];

/** An assertion's condition (`WARN_ON_ONCE(page && is_zone_device_page(page))`), up to two levels of
 * parentheses: it says ZONE_DEVICE pages must not get here, so it does not make code reachable for them. */
export const ASSERTION_CALL = /\b(?:VM_)?(?:WARN|BUG)\w*\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g;
