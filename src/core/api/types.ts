// The shape of the API table: one entry per kernel function, its effect per era, its roles.
// Domain source: ../shared/design/refcount-model.md sections 3, 5, 6, 10.
import type { Era, PgmapType } from '../types';
import type { MappingKind } from '../report/types';

/** How much a refcount op adds or drops: 1 when absent; 'arg' = the call's second argument (page_ref_add(page, nr)). */
export type RefAmount = number | 'arg';

/** What a call does to the page refcount. */
export type RefOp =
  | { readonly op: 'set'; readonly value: number | 'arg' } // set_page_count(page, v): 'arg' = take it from argument 2
  | { readonly op: 'inc'; readonly amount?: RefAmount } // get_page, folio_get, page_ref_inc
  // get_page_unless_zero, folio_try_get; `unless`: refuse when the count equals this instead of 0
  // (page_ref_add_unless(page, nr, u): 'arg3' = its third argument)
  | { readonly op: 'inc-unless-zero'; readonly amount?: RefAmount; readonly unless?: number | 'arg3' }
  // raw page_ref_dec: no free path; `zeroTest`: the call returns whether the count reached 0 (*_and_test, *_testzero)
  | { readonly op: 'dec'; readonly amount?: RefAmount; readonly zeroTest?: boolean }
  | { readonly op: 'put'; readonly amount?: RefAmount } // put_page / folio_put: dec, and at 0 run the free path (see `devmapHook`)
  | { readonly op: 'pin' } // GUP pin / grab: +1 or the pin bias
  // The caller's reference passes to a new mapping: +1 for the mapping (vm_insert_page), then the
  // caller's put. Net 0, except that a page at 0 goes 0 -> 1 -> 0 and through its free path.
  | { readonly op: 'handover' }
  | { readonly op: 'read' }; // page_ref_count, folio_ref_count

export type PgmapOp =
  | 'get' // get_dev_pagemap, percpu_ref_tryget_live on behalf of a page
  | 'put' // put_dev_pagemap, percpu_ref_put
  | 'kill-wait' // memunmap_pages: kill, drop the per-page refs, wait for zero
  | 'kill' // percpu_ref_kill: no new reference from now on; does not wait
  | 'drain-wait' // wait_for_completion(&pgmap->done) after a kill: blocks while a page holds a reference
  | 'memmap-remove' // pageunmap_range: the memmap goes; a page still referenced and not waited for loses its struct page
  | 'static-per-page'; // memremap_pages/pagemap_range: +1 per page at setup

/** Roles give a hunk context when it does not show the whole story. */
export type Role =
  | 'memmap-init' // sets the resting refcount of a fresh ZONE_DEVICE page
  | 'alloc' // driver / filesystem hands out a page (0->1 or "already 1")
  | 'map' // inserts a user page-table entry
  | 'unmap' // removes user page-table entries
  | 'put' // drops a page reference
  | 'get' // takes a page reference
  | 'free-path' // runs at refcount 0 (free_zone_device_page/folio, __put_page)
  | 'devmap-hook' // put_devmap_managed_page*: intercepts puts of devmap-managed pages
  | 'skips-devmap-hook' // folio_put*: a put that never runs the devmap-managed hook (matters in E0-E2)
  | 'page-free-callback' // pgmap->ops->page_free
  | 'teardown' // memunmap_pages and friends
  | 'gup' // get_user_pages family
  | 'fsdax-idle-wait' // wait until a DAX page is idle
  | 'fsdax-wake' // wake such waiters
  | 'pgmap-get'
  | 'pgmap-put'
  | 'type-test' // predicate on the pgmap type (is_device_private_page, folio_is_fsdax, ...)
  | 'predicate' // other predicate on page/PTE state (pte_devmap, PageReserved, ...)
  | 'raw-count' // raw refcount store/read
  | 'reserved'; // PG_reserved handling

/** The effect of a call in some eras, optionally only for some pgmap types. */
export interface EraEffect {
  readonly eras: readonly Era[];
  /** Types this effect applies to; all types when absent. */
  readonly types?: readonly PgmapType[];
  readonly refcount?: RefOp;
  readonly mapcount?: 'inc' | 'dec' | 'reset';
  readonly pgmap?: PgmapOp;
  /** How many pgmap references a 'get'/'put' takes or drops: 1 when absent; 'arg' = second argument
   * (percpu_ref_get_many(ref, nr)); on a 'kill-wait', the static per-page references dropped before the
   * wait (none when absent); 'nr-pages' = folio_nr_pages(): 1 << order once compound set-up ran,
   * else 1 (E5 free path); 'order-pages' = 1 << order of the order the call sets up (E5 init's
   * percpu_ref_tryget_many(ref, 1 << order)), whether or not compound set-up follows. */
  readonly pgmapCount?: number | 'arg' | 'nr-pages' | 'order-pages';
  /** The call's last argument is the folio order it sets up (zone_device_page_init(page, order),
   * prep_compound_page(page, order)); a non-constant argument means the scenario's order. */
  readonly orderArg?: 'last';
  /** Folio shape: 'prep' = compound set-up for order > 0 (head and tails, folio_nr_pages() = 1 << order);
   * 'split' = back to order-0 pages (dax_folio_put() at the last share). */
  readonly compound?: 'prep' | 'split';
  /** Folio queries: 'large' returns whether the folio is compound (folio_test_large); 'nr-pages' and
   * 'order' return folio_nr_pages() and folio_order(); 'entry-order' the order of the entry the page
   * is handed out for (dax_entry_order()), compound or not yet; 'head' returns the folio through the
   * page's compound head (page_folio), which points elsewhere on a stale former tail. */
  readonly folioQuery?: 'large' | 'nr-pages' | 'order' | 'entry-order' | 'head';
  /** The call clears what an earlier large folio left in the pages (order, compound head, _nr_pages). */
  readonly clearsStaleHead?: boolean;
  /** For predicates on page-table entries: true while the page is mapped by one of these kinds
   * (is_swap_pmd, is_device_private_entry on a device-private swap entry). */
  readonly trueForEntry?: readonly MappingKind[];
  /** Entry builders: the kind of entry the returned value is (pte_mkspecial, folio_mk_pmd, pte_mkdevmap). */
  readonly builds?: MappingKind;
  /** Entry modifiers (pte_mkwrite, swp_entry_to_pte): the returned entry is of the kind of argument 1.
   * With `builds` (pte_mkspecial): the entry of argument 1 marked so, known only when argument 1 is. */
  readonly keepsEntry?: boolean;
  /** Entry stores (set_pte_at, set_pmd_at): argument N (1-based) is installed when its kind is known
   * (built by a `builds` call); it holds a reference when zap drops one for its kind (normal, swap
   * entry: vm_normal_page() finds the page), none when special or devmap. Of an unknown value nothing
   * is assumed (a fragment's entry built above the hunk: the enclosing function's summary says). */
  readonly installsArg?: number;
  /** GUP on devmap entries: a pgmap reference is held for the walk (get_dev_pagemap ... put_dev_pagemap)
   * and released before the call returns, so there is no net pgmap effect. */
  readonly pgmapHeld?: boolean;
  /** The call does nothing when its first argument is NULL (put_dev_pagemap(): `if (pgmap)`). */
  readonly nullArgNoop?: boolean;
  /** The call runs `pgmap->ops->page_free` (the driver takes the page back). */
  readonly pageFreeCallback?: boolean;
  /** For 'put'/'dec': the refcount at which the page is handed to its free action (page_free callback,
   * idle wakeup); 0 when absent. 1 for the E0-E2 devmap-managed hooks. */
  readonly freeAt?: 0 | 1;
  /** Page-table effect: the kind of entry inserted and whether it holds a page reference, or removal. */
  readonly pageTable?:
    | { readonly insert: MappingKind; readonly holdsRef: boolean }
    // `callerPuts`: the entry is cleared and returned (pmdp_huge_get_and_clear_full); the caller drops its reference.
    | { readonly remove: true; readonly callerPuts?: boolean };
  /** For 'put': devmap-managed pages are diverted to put_devmap_managed_page* first (E0-E2). */
  readonly devmapHook?: boolean;
  /** A check the call makes on the flags it is passed (check_vma_flags()): for the effect's types it
   * returns `returns` when argument `flagsArg` (1-based) holds every one of `ifFlags`. */
  readonly refuses?: { readonly flagsArg: number; readonly ifFlags: readonly string[]; readonly returns: `-E${string}` };
  /** For type-test roles: the pgmap types for which the predicate is true. */
  readonly trueFor?: readonly PgmapType[];
  /** Wait / wake key and idle count, for fsdax idle roles. */
  readonly idle?: { readonly key: 'refcount' | 'page'; readonly count: 0 | 1 };
  /** One line on this era's behaviour, shown in hovers and traces. */
  readonly note: string;
}

/** How a call can fail. It then takes, drops and installs nothing, and returns `returns`. A call with
 * a failure mode forks inside a function body: one path where it succeeds, one where it fails. */
export interface Failure {
  /** Eras this applies to; every era the function exists in when absent. */
  readonly eras?: readonly Era[];
  /** The failure value: false, NULL, or one of these negative errnos; 'void': it cannot report it. */
  readonly returns: 'false' | 'null' | 'void' | readonly `-E${string}`[];
  /** With errno failures, what success returns: 0 (vm_insert_page) or a positive count (get_user_pages). */
  readonly success?: 'zero' | 'count';
  /** It fails only once the pgmap's reference is killed (percpu_ref_tryget_live, get_dev_pagemap): a page
   * of a torn-down pgmap always takes this path. */
  readonly whenKilled?: 'only' | 'also';
}

/** A function an entry runs on its way (GUP's check_vma_flags() and page grab): when the patch changes
 * it, its body runs inside the summary, with `args` bound, and a failure it returns is the entry's;
 * otherwise its table entry's `refuses` check, if it has one, is applied to the bound arguments. */
export interface Reach {
  readonly eras: readonly Era[];
  readonly name: string;
  /** Its arguments: a parameter of the entry (bound to the caller's argument), a number, a flag
   * constant, or a union of those (`gup_flags|FOLL_PIN`); anything else is unknown. */
  readonly args: readonly string[];
  /** It does part of the entry's work (vm_insert_page() is insert_page(), whose PTE set-up is
   * insert_page_into_pte_locked()): when the patch changes it, or a function it reaches so, it runs in
   * that part's place: the entry's effect minus its table effect, both from the call's state (the rest:
   * p2pmem_alloc_mmap()'s put_page() and pgmap reference), follows it on the paths where it succeeds.
   * Such a function is never placed into a page life by its role: the life reaches it here. */
  readonly work?: true;
}

export interface ApiEntry {
  readonly name: string;
  readonly roles: readonly Role[];
  /** Parameter names, where `reaches` binds them, and for a body the input shows from inside (its
   * parameter list not shown), the names its arguments are bound to. */
  readonly params?: readonly string[];
  /** Functions it runs on its way, in order (see Reach). */
  readonly reaches?: readonly Reach[];
  /** Functions its summary includes (memremap_pages(): pagemap_range()): a scenario phase that runs a
   * patched one of them in its place runs that body instead of this summary, not both. */
  readonly contains?: readonly string[];
  /** It puts every pgmap reference it takes before it returns (GUP-fast keeps its pgmap in a local, not
   * in the walk context the slow path hands to its caller): each return leaves the pgmap count as found. */
  readonly pgmapBalanced?: boolean;
  /** It drops the pgmap reference its caller took, on every return (memory_failure_dev_pagemap(): "drop
   * pgmap ref acquired in caller"): it holds one where it starts, and each return must leave it at 0. */
  readonly pgmapConsumes?: boolean;
  /** A pgmap reference it takes and drops itself (p2pmem_alloc_mmap(): percpu_ref_tryget_live_rcu()
   * before its insert loop, percpu_ref_put() after it), for judging a part of it the input shows:
   * `around`, the calls it makes only under that reference (a shown part that passes one holds it
   * where the input starts); `labelsBefore`, the labels of its error exits it jumps to only before it
   * took it (an exit there holds none of it). */
  readonly pgmapOwnRef?: { readonly eras: readonly Era[]; readonly around: readonly string[]; readonly labelsBefore: readonly string[] };
  /** Failure modes (see Failure); none: the call cannot fail, as far as references go. */
  readonly fails?: readonly Failure[];
  /** Eras the function exists in (it is "unknown" outside them). */
  readonly exists: readonly Era[];
  readonly effects: readonly EraEffect[];
  /** One paragraph for hovers: what it does to refcount, mapcount, pgmap ref and page table. */
  readonly doc: string;
  /** Kernel source it is taken from, e.g. "mm/memremap.c (ef233450898f, v6.1)". */
  readonly source: string;
  /** A folio accessor or entry builder the simulator evaluates, used all over mm/: its calls alone do
   * not make a hunk relevant, and `scan` does not list them (not in API_NAMES). */
  readonly helper?: boolean;
}

/** A kernel source file and the pgmap types of the pages it allocates or maps. */
export interface DriverFile {
  readonly path: string;
  readonly types: readonly PgmapType[];
  readonly note: string;
  /** Its types' pages reach only the functions that name their concepts (or have a role in the table). */
  readonly onlyWhereNamed?: boolean;
}
