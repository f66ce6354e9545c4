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

interface Judged {
  readonly line: number;
  readonly check: string;
  readonly condition: string;
  readonly types: Set<PgmapType>;
  sure: boolean;
  readonly first: { readonly run: ScenarioRun; readonly phase: string };
}

/** Every check of a body on the side's paths (the primary path and each alternative), per line and
 * condition: on the changed lines, whether the model is sure it is false everywhere. */
function judged(side: SideView, ctx: RuleContext, changedOnly: boolean): Map<string, Judged> {
  const out = new Map<string, Judged>();
  for (const run of side.runs) {
    const states = [run.ends[run.ends.length - 1]?.state, ...run.alternatives.map((a) => a.end)];
    for (const s of states) {
      for (const c of s?.checks ?? []) {
        if (changedOnly && !ctx.changedLines.has(c.line)) continue;
        const key = changedOnly ? `${c.line}|${c.condition}` : c.condition;
        let j = out.get(key);
        if (!j) out.set(key, (j = { line: c.line, check: c.check, condition: c.condition, types: new Set(), sure: true, first: { run, phase: c.phase } }));
        j.types.add(run.type);
        // Sure only when decided false, on a path of the type's own life, in a run that was not cut short.
        if (c.holds !== false || !calledByKernel(ctx.era, run.type, c.root) || run.trace.truncated) j.sure = false;
      }
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
  diff(before, after, ctx) {
    const old = judged(before, ctx, false);
    const out: DiffInstance[] = [];
    for (const j of judged(after, ctx, true).values()) {
      if (!j.sure || old.has(j.condition)) continue;
      const { run, phase } = j.first;
      for (const type of j.types) {
        out.push({ key: `never|${j.condition}`, type, line: j.line, status: 'cannot-fire', severity: 'info', trace: run.trace.steps.filter((s) => s.phase === phase),
          message: `${j.check}(${j.condition}) can never fire for ${type} pages: every path of their life that reaches it decides it false` });
      }
    }
    return out;
  },
};
