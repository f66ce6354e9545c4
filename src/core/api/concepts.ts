// Kernel vocabulary the simulator meets outside the API table's functions: assertion macros, branch
// hints, how C code spells a failure it returns, the pgmap callback and type field. Data only.

/** WARN/BUG macros: their first argument is a condition that must not hold. */
export const ASSERTION_MACROS: ReadonlySet<string> = new Set([
  'WARN', 'WARN_ON', 'WARN_ON_ONCE', 'WARN_ONCE', 'BUG_ON', 'VM_BUG_ON', 'VM_WARN_ON', 'VM_WARN_ON_ONCE', 'VM_BUG_ON_PAGE',
  'VM_BUG_ON_FOLIO', 'VM_WARN_ON_PAGE', 'VM_WARN_ON_FOLIO', 'VM_WARN_ON_ONCE_PAGE', 'VM_WARN_ON_ONCE_FOLIO', 'VM_WARN_ONCE',
]);

/** An assertion the model judges: on the page's reference or map counts, and on the folio's shape
 * (large folios). WARN_ON(1) is not. */
export const COUNT_CONDITION = /ref_count|refcount|page_count|_refcount|folio_ref|mapcount|folio_test_large|PageCompound|folio_order/;

/** Branch hints: their value is their argument. */
export const BRANCH_HINTS: ReadonlySet<string> = new Set(['likely', 'unlikely']);

/** The pgmap's ->page_free / ->folio_free callback, called through the ops table. */
export const PAGE_FREE_CALLBACK = /(->|\.)(page|folio)_free$/;

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

/** vm_fault_t values a fault handler returns on failure. */
export const FAULT_FAILURES: ReadonlySet<string> = new Set(['VM_FAULT_OOM', 'VM_FAULT_SIGBUS', 'VM_FAULT_SIGSEGV', 'VM_FAULT_HWPOISON', 'VM_FAULT_FALLBACK']);

/** wake_up_var(key) / wait_var_event(key, cond): an idle key on the page's refcount field. */
export const IDLE_VAR_CALL = /wake_up_var|wait_var_event/;
export const REFCOUNT_KEY = /_refcount/;
export const IDLE_TEST = /is_idle/;
