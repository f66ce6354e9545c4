// Hazard 1: a free page rests at a non-zero refcount, so free and in use look alike.
import type { Rule } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('free-page-nonzero-refcount', 'Free pages rest at a non-zero refcount, so free and in use look alike', 'info', 'high'),
  check(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => {
      const init = endOf(run, 'init');
      const free = endOf(run, 'free');
      const out = [];
      if (init?.refcount) {
        const steps = phaseSteps(run.trace.steps, 'init');
        out.push({ key: 'at-init', type: run.type, line: lineOf(steps, (s) => s.after.refcount !== s.before.refcount), trace: steps,
          message: `a fresh ${run.type} page rests at refcount ${init.refcount}: get_page_unless_zero()/folio_try_get() succeed on it while it is free` });
      }
      if (free && free.freed > 0 && free.refcount) {
        const steps = phaseSteps(run.trace.steps, 'unmap', 'put', 'free');
        out.push({ key: 'after-free', type: run.type, line: lineOf(steps, (s) => s.after.refcount !== s.before.refcount), trace: steps,
          message: `the free path leaves a ${run.type} page at refcount ${free.refcount}: a free page looks in use` });
      }
      return out;
    });
  },
};
