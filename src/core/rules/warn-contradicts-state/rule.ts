// A WARN/BUG/VM_WARN condition on the page's refcount that fires on the normal path.
import type { Rule } from '../types';
import { meta } from '../util';

export const rule: Rule = {
  meta: meta('warn-contradicts-state', 'A WARN/BUG condition the model predicts fires on the normal path', 'warning', 'medium'),
  check(side) {
    return side.runs.flatMap((run) => run.trace.steps.flatMap((s, i) => (s.events?.some((e) => e.kind === 'warn-fires')
      ? [{ key: s.phase, type: run.type, line: s.line, trace: run.trace.steps.slice(0, i + 1),
          message: `${s.statement} fires for ${run.type} pages on the normal path (${run.scenario}, ${s.phase}): refcount ${s.before.refcount ?? 'unknown'}` }]
      : []))).filter((x, i, xs) => xs.findIndex((y) => y.key === x.key && y.type === x.type) === i);
  },
};
