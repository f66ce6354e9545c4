// The report vocabulary of docs/contract.md: aspects, effects, findings, traces, and the
// JSON (version 1) shapes. Plain data; JSON, SARIF, diagnostics and webview messages are each
// made from these by one converter at the edge.
import type { Era, PgmapType, Problem, Range, Severity } from '../types';

export const ASPECTS = [
  'free-refcount', 'alloc-refcount', 'idle-refcount', 'mapping-ref', 'mapping-kind', 'page-free-callback',
  'pgmap-ref', 'teardown-waits', 'gup-pgmap-ref', 'longterm-pin', 'pgmap-refs-per-folio', 'compound-folio',
] as const;
export type Aspect = (typeof ASPECTS)[number];

export const RULE_IDS = [
  'free-page-nonzero-refcount', 'mapping-without-reference', 'refcounted-mapping-special', 'pgmap-teardown-race',
  'pgmap-ref-imbalance', 'refcount-underflow', 'unsafe-set-page-count', 'folio-put-skips-devmap-hook',
  'pgmap-type-guard-changed', 'wait-wake-mismatch', 'longterm-pin-fsdax', 'reserved-treated-as-unrefcounted',
  'warn-contradicts-state',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type MappingKind = 'none' | 'normal' | 'devmap' | 'special' | 'swap-entry';

/** The simulated state of one page of one pgmap type. */
export interface PageState {
  /** Page refcount; null when the simulation lost track (unknown). */
  readonly refcount: number | null;
  readonly mapcount: number;
  /** pgmap references held on behalf of this page (relative to the static per-page one). */
  readonly pgmapRefs: number;
  readonly mapping: MappingKind;
  /** Whether the user mapping (if any) holds a page reference. */
  readonly mappingHoldsRef: boolean;
  readonly pinned: number;
  /** Lifecycle label for the state diagram. */
  readonly phase: 'free' | 'allocated' | 'mapped' | 'pinned' | 'torn-down';
}

/** What a step did, typed: rules read these, never `statement` or `note`. */
export type TraceEvent =
  /** A call ran: resolved to the API table, to a body the patch shows, or to an implicit callback. */
  | { readonly kind: 'call'; readonly callee: string; readonly roles: readonly string[]; readonly via: 'table' | 'callback'; readonly text: string }
  /** A fallible call took its failure path: it took nothing and returned `returns`. */
  | { readonly kind: 'call-fails'; readonly callee: string; readonly returns: string; readonly pgmapGet: boolean }
  /** A call to a function this side of the patch or this era does not have. */
  | { readonly kind: 'missing'; readonly callee: string; readonly why: 'side' | 'era' }
  /** A WARN/BUG condition on the page's counts holds. */
  | { readonly kind: 'warn-fires'; readonly condition: string }
  /** A put found the refcount already at 0. */
  | { readonly kind: 'underflow' }
  /** pgmap references taken (`count` > 0) or dropped (< 0). */
  | { readonly kind: 'pgmap-get' | 'pgmap-drop'; readonly count: number }
  /** The references this step took are stored where the caller finds them (`*pgmap = ...`, `ctx->pgmap = ...`). */
  | { readonly kind: 'handed-off'; readonly to: string }
  /** A condition or switch on the pgmap type was decided for the step's type (the step's line and end
   * line span the condition; `cut`: the input ends before the statement it guards, so neither arm is shown). */
  | { readonly kind: 'type-decided'; readonly taken: boolean; readonly cut?: boolean }
  /** The refcount was stored raw (set_page_count and friends). */
  | { readonly kind: 'refcount-set' }
  /** A raw store reached the page through a stale compound head: it landed on an earlier folio's head. */
  | { readonly kind: 'stale-head-store' }
  /** pgmap->ops->page_free() gave the page back to its driver. */
  | { readonly kind: 'page-free' }
  /** The page reached its free path while a mapping that holds its reference remains. */
  | { readonly kind: 'freed-under-mapping' }
  /** An idle wait or wake on a key. */
  | { readonly kind: 'idle-wait' | 'idle-wake'; readonly key: string }
  /** Code of the function the input does not show (between two hunks) ran here: unknown. */
  | { readonly kind: 'gap' };

/** One step of a trace: a statement or table effect, with the state per pgmap type around it. */
export interface TraceStep {
  /** What ran: the C statement (trimmed) or the API-table entry used, e.g. "put_page(page) [table E2]". */
  readonly statement: string;
  /** Kernel function whose body this step is in. */
  readonly function: string;
  /** 0-based document line when the step comes from the patch; undefined for table steps. */
  readonly line?: number;
  /** Last document line of the statement, when it spans several (a call whose arguments run on). */
  readonly endLine?: number;
  /** Scenario phase: "init", "alloc", "map", "unmap", "put", "free", "teardown", "gup", "break-layouts". */
  readonly phase: string;
  readonly types: readonly PgmapType[];
  readonly before: PageState;
  readonly after: PageState;
  /** Free text: the branch taken, why, the table entry's note. */
  readonly note?: string;
  /** What happened, typed (see TraceEvent). */
  readonly events?: readonly TraceEvent[];
}

export interface Trace {
  readonly scenario: string;
  readonly side: 'before' | 'after';
  readonly type: PgmapType;
  readonly steps: readonly TraceStep[];
  /** Set when a path or step budget stopped the simulation early. */
  readonly truncated?: string;
}

export interface Effect {
  readonly aspect: Aspect;
  readonly types: readonly PgmapType[];
  readonly before: string;
  readonly after: string;
  /** 0-based document line of the change that causes it. */
  readonly line: number;
  readonly explanation: string;
  readonly trace?: readonly TraceStep[];
}

/** `cannot-fire` (warn-contradicts-state only, information): a check the patch adds or changes that
 * the model is sure never fires. */
export type FindingStatus = 'introduced' | 'fixed' | 'present' | 'cannot-fire';

export interface Finding {
  readonly ruleId: RuleId;
  readonly status: FindingStatus;
  readonly types: readonly PgmapType[];
  readonly severity: Severity;
  readonly line: number;
  readonly character?: number;
  readonly message: string;
  readonly trace: readonly TraceStep[];
  /** Other document lines that matter (where the reference was taken, the branch that skips the put). */
  readonly related?: readonly { readonly line: number; readonly message: string }[];
}

/** A recognised kernel call inside a hunk. */
export interface HunkCall {
  readonly callee: string;
  readonly side: 'before' | 'after' | 'both';
  readonly line: number;
  readonly character: number;
  readonly function: string;
  readonly guards: readonly string[];
}

export interface HunkReport {
  readonly header: string;
  readonly function: string;
  readonly range: Range;
  /** How the C was obtained: the hunk fragment alone, or whole functions from --kernel-tree: from the
   * git blob the patch's index line names, or from the tree's working file. */
  readonly source: 'fragment' | 'kernel-tree' | 'git-blob';
  readonly calls: readonly HunkCall[];
  readonly effects: readonly Effect[];
  readonly findings: readonly Finding[];
}

export interface FileReport {
  readonly path: string;
  readonly hunks: readonly HunkReport[];
}

export interface PatchReport {
  readonly subject: string;
  readonly index?: number;
  readonly total?: number;
  readonly version?: number;
  /** The era this patch is reviewed in, when it differs from the report's (its series' base, or a
   * later era that an earlier patch of the series introduced). */
  readonly era?: Era;
  /** Document the patch came from (for multi-file reviews). */
  readonly source: string;
  readonly startLine: number;
  readonly files: readonly FileReport[];
}

export interface ReviewReport {
  readonly version: 1;
  readonly era: Era;
  readonly eraSource: string;
  readonly patches: readonly PatchReport[];
  readonly problems: readonly Problem[];
}

export interface ScanCall {
  readonly path: string;
  readonly line: number;
  readonly character: number;
  readonly callee: string;
  readonly function?: string;
}

export interface ScanReport {
  readonly version: 1;
  readonly calls: readonly ScanCall[];
  readonly files: number;
  readonly problems: readonly Problem[];
}
