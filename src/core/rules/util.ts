// Small readers over scenario runs shared by the rules.
import type { TraceStep } from '../report/types';
import type { ScenarioRun } from '../sim/scenarios';
import type { SimState } from '../sim/state';
import type { RuleMeta } from './types';
import type { RuleId } from '../report/types';
import type { Severity } from '../types';

/** Runs of a scenario, with its variants ('page-life' includes the large-folio lives 'page-life:pmd', ...). */
export function runsOf(runs: readonly ScenarioRun[], scenario: string): ScenarioRun[] {
  return runs.filter((r) => r.scenario === scenario || r.scenario.startsWith(`${scenario}:`));
}

export function endOf(run: ScenarioRun, phase: string): SimState | undefined {
  return run.ends.find((e) => e.phase === phase)?.state;
}

/** Steps of the given phases. */
export function phaseSteps(steps: readonly TraceStep[], ...phases: string[]): TraceStep[] {
  return steps.filter((s) => phases.includes(s.phase));
}

/** Document line of the last step matching `pred` that has one. */
export function lineOf(steps: readonly TraceStep[], pred: (s: TraceStep) => boolean = () => true): number | undefined {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.line !== undefined && pred(steps[i]!)) return steps[i]!.line;
  return undefined;
}

export function meta(id: RuleId, summary: string, severity: Severity, confidence: RuleMeta['confidence']): RuleMeta {
  return { id, summary, severity, confidence, docs: `src/core/rules/${id}/README.md` };
}
