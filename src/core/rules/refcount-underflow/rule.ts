// Hazard 5: a path drops a page reference it never took.
import type { Rule } from '../types';
import { lineOf, meta } from '../util';

export const rule: Rule = {
  meta: meta('refcount-underflow', 'A path drops a page reference it never took', 'error', 'high'),
  check(side) {
    return side.runs.flatMap((run) => {
      const at = run.trace.steps.findIndex((s) => s.events?.some((e) => e.kind === 'underflow'));
      if (at < 0) return [];
      const step = run.trace.steps[at]!;
      return [{ key: step.phase, type: run.type, line: step.line ?? lineOf(run.trace.steps.slice(0, at + 1)), trace: run.trace.steps.slice(0, at + 1),
        message: `${step.statement} drops a reference on a ${run.type} page already at refcount 0 (${run.scenario}, ${step.phase})` }];
    }).filter((x, i, xs) => xs.findIndex((y) => y.key === x.key && y.type === x.type) === i);
  },
};
