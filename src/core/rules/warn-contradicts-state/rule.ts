// A WARN/BUG/VM_WARN condition on the page's state that fires on the normal path; and, as
// information, one the patch adds or changes that the model is sure can never fire.
import type { PgmapType } from '../../types';
import type { ScenarioRun } from '../../sim/scenarios';
import { scenarioCallees } from '../../sim/scenarios';
import { apiEntry } from '../../api';
import type { DiffInstance, Rule, RuleContext, SideView } from '../types';
import { meta } from '../util';

/** Functions the kernel itself calls on a type's normal path: the scenario's own calls and the free
 * path's bodies. A function placed into a life by its role is not among them. */
const IMPLICIT_ROLES = ['free-path', 'devmap-hook'];
const calledByKernel = (era: RuleContext['era'], type: PgmapType, name: string): boolean =>
  scenarioCallees(era, type).has(name) || (apiEntry(name)?.roles.some((r) => IMPLICIT_ROLES.includes(r)) ?? false);

/** One evaluation of a body's check on one path of a scenario run. */
interface Evaluation {
  readonly line: number;
  readonly check: string;
  readonly condition: string;
  readonly holds: boolean | null;
  readonly type: PgmapType;
  /** Scenario and phase: where in the page's life it was evaluated. */
  readonly where: string;
  /** Sure of this evaluation: on the type's own life, in a run not cut short. */
  readonly own: boolean;
  readonly run: ScenarioRun;
  readonly phase: string;
}

/** Every check a body evaluated on the side's paths (the primary path and each alternative). */
function evaluations(side: SideView, era: RuleContext['era']): Evaluation[] {
  const out: Evaluation[] = [];
  for (const run of side.runs) {
    const states = [run.ends[run.ends.length - 1]?.state, ...run.alternatives.map((a) => a.end)];
    for (const s of states) {
      for (const c of s?.checks ?? []) {
        out.push({ line: c.line, check: c.check, condition: c.condition, holds: c.holds, type: run.type, where: `${run.scenario}|${c.phase}`, phase: c.phase, run,
          own: calledByKernel(era, run.type, c.root) && !run.trace.truncated });
      }
    }
  }
  return out;
}

/** Checks on the after side's changed lines that can never fire, per type: every evaluation decided
 * false on the type's own life. A type for which the patch only restates a check (one it removes or
 * rewrites, evaluated at the same point of the same life, never firing there either) says nothing new. */
function cannotFire(before: SideView, after: SideView, ctx: RuleContext): DiffInstance[] {
  const a = evaluations(after, ctx.era);
  const b = evaluations(before, ctx.era);
  const kept = new Set(a.map((e) => e.condition));
  const removed = b.filter((e) => !kept.has(e.condition));
  const byCheck = new Map<string, Evaluation[]>();
  for (const e of a) {
    if (!ctx.changedLines.has(e.line)) continue;
    const k = `${e.line}|${e.condition}`;
    byCheck.set(k, [...(byCheck.get(k) ?? []), e]);
  }
  const old = new Set(b.map((e) => e.condition));
  const out: DiffInstance[] = [];
  for (const es of byCheck.values()) {
    const first = es[0]!;
    if (old.has(first.condition) || !es.every((e) => e.holds === false && e.own)) continue;
    for (const type of new Set(es.map((e) => e.type))) {
      const where = new Set(es.filter((e) => e.type === type).map((e) => e.where));
      const restated = removed.some((r) => r.type === type && where.has(r.where)
        && !removed.some((x) => x.type === type && x.line === r.line && x.condition === r.condition && x.holds === true));
      if (restated) continue;
      const shown = es.find((e) => e.type === type)!;
      out.push({ key: `never|${first.condition}`, type, line: first.line, status: 'cannot-fire', severity: 'info', trace: shown.run.trace.steps.filter((s) => s.phase === shown.phase),
        message: `${first.check}(${first.condition}) can never fire for ${type} pages: every path of their life that reaches it decides it false` });
    }
  }
  return out;
}

export const rule: Rule = {
  meta: meta('warn-contradicts-state', 'A WARN/BUG condition the model predicts fires on the normal path', 'warning', 'medium'),
  check(side) {
    return side.runs.flatMap((run) => run.trace.steps.flatMap((s, i) => (s.events?.some((e) => e.kind === 'warn-fires')
      ? [{ key: s.phase, type: run.type, line: s.line, trace: run.trace.steps.slice(0, i + 1),
          message: `${s.statement} fires for ${run.type} pages on the normal path (${run.scenario}, ${s.phase}): refcount ${s.before.refcount ?? 'unknown'}` }]
      : []))).filter((x, i, xs) => xs.findIndex((y) => y.key === x.key && y.type === x.type) === i);
  },
  // "Can never fire", as information: a check the patch adds or changes (its condition is not one the
  // other side evaluates) that every path of every type reaching it decides false.
  diff: cannotFire,
};
