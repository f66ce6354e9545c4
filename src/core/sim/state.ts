// The abstract state of one ZONE_DEVICE page of one pgmap type, as the simulator tracks it.
// `PageState` (report/types.ts) is the public projection; the extra fields are what rules read.
import type { PageState } from '../report/types';

/** The public fields (refcount, mapcount, pgmap refs, mapping, pins) plus what the rules read. */
export interface SimState extends Omit<PageState, 'phase'> {
  /** The page is handed out (allocated, associated with a file or mapped). */
  readonly inUse: boolean;
  readonly tornDown: boolean;
  /** Times the free path ran (refcount reached 0, or the devmap hook freed it). */
  readonly freed: number;
  readonly pageFreeCalls: number;
  /** Idle wakes: key ("refcount" | "page") and the refcount at the moment of the wake. */
  readonly wakes: readonly { readonly key: string; readonly count: number | null }[];
  /** The refcount at which the idle waker wakes waiters (the count its guard tests, reached or not). */
  readonly wakeAt?: number;
  /** Idle waits: key and the refcount the waiter waits for. */
  readonly waits: readonly { readonly key: string; readonly count: number }[];
  /** WARN/BUG conditions that fired. */
  readonly warns: readonly string[];
  /** WARN/BUG conditions on the page's state that a body evaluated: document line, macro, condition,
   * outcome (null: undecided), the function the scenario called on the way (the outermost body), phase. */
  readonly checks?: readonly { readonly line: number; readonly check: string; readonly condition: string; readonly holds: boolean | null; readonly root: string; readonly phase: string }[];
  /** A put found the refcount already at 0. */
  readonly underflow: boolean;
  /** memunmap_pages waited for this page (true) or finished while it was in use (false). */
  readonly teardownWaited?: boolean;
  /** A GUP walk held a pgmap reference for this page (E0-E2 devmap entries). */
  readonly pgmapHeld?: boolean;
  /** E1+: of pgmapRefs, the pgmap's own per-page references (taken at memmap init, dropped by
   * memunmap_pages() before it waits), not the page's users': negative when teardown drops more than
   * setup took. */
  readonly staticRefs?: number;
  /** memunmap_pages() waited for pgmap->done (whether or not the page held it up). */
  readonly drained?: boolean;
  /** memunmap_pages() removed the memmap (pageunmap_range()) while the page still held a reference
   * and before it waited for it: a wait after that is too late. */
  readonly memmapGoneInUse?: boolean;
  /** E0: the page owns its per-page pgmap ref from memremap_pages() until its count reaches 0. */
  readonly ownsStaticRef?: boolean;
  /** Folio order the scenario's page is handed out at (0 when absent). */
  readonly order?: number;
  /** Compound set-up ran for that order: folio_nr_pages() is 1 << order. */
  readonly compound?: boolean;
  /** The page was a tail of an earlier large folio and its compound head still points at that head. */
  readonly staleHead?: boolean;
}

/** folio_nr_pages() of the scenario's folio. */
export function nrPages(s: SimState): number {
  return s.compound ? 1 << (s.order ?? 0) : 1;
}

/** pgmap refs the page holds that nothing will drop: 0 for a balanced life. An E0 page resting at a
 * non-zero count still legitimately holds its per-page ref. */
export function strayPgmapRefs(s: SimState): number {
  return userPgmapRefs(s) - (s.ownsStaticRef && s.refcount !== 0 ? 1 : 0);
}

/** pgmap refs held for the page's users (allocation, GUP, mappings): what memunmap_pages() waits for. */
export function userPgmapRefs(s: SimState): number {
  return s.pgmapRefs - (s.staticRefs ?? 0);
}

export const INITIAL_STATE: SimState = {
  refcount: null, mapcount: 0, pgmapRefs: 0, mapping: 'none', mappingHoldsRef: false, pinned: 0,
  inUse: false, tornDown: false, freed: 0, pageFreeCalls: 0, wakes: [], waits: [], warns: [], underflow: false,
};

export function phaseOf(s: SimState): PageState['phase'] {
  if (s.tornDown) return 'torn-down';
  if (s.pinned > 0) return 'pinned';
  if (s.mapping !== 'none') return 'mapped';
  return s.inUse ? 'allocated' : 'free';
}

export function pageState(s: SimState): PageState {
  let v = pageStates.get(s);
  if (!v) {
    v = { refcount: s.refcount, mapcount: s.mapcount, pgmapRefs: s.pgmapRefs, mapping: s.mapping, mappingHoldsRef: s.mappingHoldsRef, pinned: s.pinned, phase: phaseOf(s) };
    pageStates.set(s, v);
  }
  return v;
}
/** One PageState per state object (states are immutable; a trace shows the same one at many steps). */
const pageStates = new WeakMap<SimState, PageState>();

/** True when the visible (PageState) part or any rule-relevant flag changed. */
export function stateChanged(a: SimState, b: SimState): boolean {
  if (a === b) return false;
  const differ = (x: unknown, y: unknown) => x !== y && !(Array.isArray(x) && Array.isArray(y) && x.length === y.length && JSON.stringify(x) === JSON.stringify(y));
  for (const k in a) if (differ(a[k as keyof SimState], b[k as keyof SimState])) return true;
  for (const k in b) if (!(k in a) && b[k as keyof SimState] !== undefined) return true;
  return false;
}
