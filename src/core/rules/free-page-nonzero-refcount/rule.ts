// Hazard 1: a free page rests at a non-zero refcount, so free and in use look alike.
import type { PgmapType } from '../../types';
import type { TraceStep } from '../../report/types';
import type { DiffInstance, Instance, Rule, RuleContext, SideView } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf, stepTouches } from '../util';
import { NAMED } from '../../api/concepts';

interface Rest {
  readonly type: PgmapType;
  readonly key: string;
  /** Set when the page rests at a non-zero count here. */
  readonly instance?: Instance;
  /** The steps that decide the resting count (memmap init, or the free path after the drop to 0) touch a changed line. */
  readonly changed: boolean;
}

function rests(side: SideView, ctx: RuleContext): Rest[] {
  const touches = (steps: readonly TraceStep[]) => steps.some((s) => stepTouches(s, ctx.changedLines));
  return runsOf(side.runs, 'page-life').flatMap((run) => {
    const init = endOf(run, 'init');
    const free = endOf(run, 'free');
    const initSteps = phaseSteps(run.trace.steps, 'init');
    const steps = phaseSteps(run.trace.steps, 'unmap', 'put', 'free');
    const zero = steps.findIndex((s) => s.after.refcount === 0 && s.before.refcount !== 0);
    const line = (xs: readonly TraceStep[]) => lineOf(xs, (s) => s.after.refcount !== s.before.refcount);
    return [
      { type: run.type, key: 'at-init', changed: touches(initSteps),
        ...(init?.refcount ? { instance: { key: 'at-init', type: run.type, line: line(initSteps), trace: initSteps,
          message: `a fresh ${run.type} page rests at refcount ${init.refcount}: ${NAMED.speculativeGets} succeed on it while it is free` } } : {}) },
      { type: run.type, key: 'after-free', changed: touches(zero < 0 ? [] : steps.slice(zero + 1)),
        ...(free && free.freed > 0 && free.refcount ? { instance: { key: 'after-free', type: run.type, line: line(steps), trace: steps,
          message: `the free path leaves a ${run.type} page at refcount ${free.refcount}: a free page looks in use` } } : {}) },
    ];
  });
}

export const rule: Rule = {
  meta: meta('free-page-nonzero-refcount', 'Free pages rest at a non-zero refcount, so free and in use look alike', 'info', 'high'),
  diff(before, after, ctx) {
    // The resting count is set by memmap init or by the free path: only a hunk that changes one of
    // them can introduce or fix the hazard; a hunk that merely reaches (or stops reaching) the free
    // path does not, so such a one-sided instance is no finding.
    const all = { before: rests(before, ctx), after: rests(after, ctx) };
    const changedFor = (x: Instance) => [...all.before, ...all.after].some((r) => r.changed && r.type === x.type && r.key === x.key);
    const held = (rs: Rest[]) => rs.flatMap((r) => (r.instance ? [r.instance] : []));
    const b = held(all.before);
    const a = held(all.after);
    const has = (xs: Instance[], x: Instance) => xs.some((y) => y.type === x.type && y.key === x.key);
    const out: DiffInstance[] = [];
    for (const x of a) {
      if (has(b, x)) out.push({ ...x, status: 'present' });
      else if (changedFor(x)) out.push({ ...x, status: 'introduced' });
    }
    for (const x of b) if (!has(a, x) && changedFor(x)) out.push({ ...x, status: 'fixed' });
    return out;
  },
};
