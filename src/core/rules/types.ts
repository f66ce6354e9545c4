// The shape of a rule: meta data, and a check over the simulated runs of one side of a hunk (or a
// diff of both sides). The registry (index.ts) turns per-side instances into introduced / fixed /
// present findings.
import type { Era, PgmapType, Severity } from '../types';
import type { Finding, FindingStatus, RuleId, TraceStep } from '../report/types';
import type { ScenarioRun } from '../sim/scenarios';
import type { Body } from '../sim/interp';
import type { FunctionPath } from '../sim/paths';

export interface RuleMeta {
  readonly id: RuleId;
  readonly summary: string;
  readonly severity: Severity;
  readonly confidence: 'high' | 'medium' | 'low';
  /** The rule's documentation, relative to the repository root. */
  readonly docs: string;
}

/** One side (before or after the patch) of a hunk. */
export interface SideView {
  readonly side: 'before' | 'after';
  readonly runs: readonly ScenarioRun[];
  /** The hunk's functions on this side. */
  readonly functions: readonly Body[];
  /** Every path of each function the hunk changes, per type (runFunctionPaths). */
  readonly paths?: readonly FunctionPath[];
}

export interface RuleContext {
  readonly era: Era;
  readonly types: readonly PgmapType[];
  /** Document lines the hunk adds or deletes. */
  readonly changedLines: ReadonlySet<number>;
  /** Types the patch means to change (model/intent.ts): their changes are effects, not hazards. */
  readonly intended?: ReadonlySet<PgmapType>;
}

/** The hazard holds for one type on one side. `key` says which hazard instance it is, across sides. */
export interface Instance {
  readonly key: string;
  readonly type: PgmapType;
  readonly line?: number;
  readonly message: string;
  readonly trace: readonly TraceStep[];
  readonly related?: Finding['related'];
  /** The rule's severity unless set (a rule that also reports information). */
  readonly severity?: Severity;
}

export interface DiffInstance extends Instance {
  readonly status: FindingStatus;
}

export interface Rule {
  readonly meta: RuleMeta;
  /** Instances true on one side; status comes from comparing the sides. */
  check?(side: SideView, ctx: RuleContext): Instance[];
  /** Instances the after side cannot judge (the path they need never runs on it): one the before
   * side has is then masked by the patch, not fixed, and is not reported. */
  unjudged?(side: SideView, ctx: RuleContext): readonly { readonly key: string; readonly type: PgmapType }[];
  /** For hazards that are a change in themselves (a guard removed): findings with their status. */
  diff?(before: SideView, after: SideView, ctx: RuleContext): DiffInstance[];
  /** What the rule cannot judge from the input, and why (information for the reader, not findings). */
  undecided?(before: SideView, after: SideView, ctx: RuleContext): readonly { readonly line?: number; readonly message: string }[];
}
