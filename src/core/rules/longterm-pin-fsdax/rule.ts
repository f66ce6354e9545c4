// Hazard 10: FOLL_LONGTERM pins of filesystem DAX memory are possible.
import type { Rule } from '../types';
import { lineOf, meta, phaseSteps, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('longterm-pin-fsdax', 'FOLL_LONGTERM pins of filesystem DAX memory are possible', 'error', 'medium'),
  check(side) {
    return runsOf(side.runs, 'longterm-pin').filter((r) => r.type === 'FS_DAX' && r.refused === false).map((run) => {
      const steps = phaseSteps(run.trace.steps, 'longterm-pin');
      return { key: 'longterm', type: run.type, line: lineOf(steps), trace: steps,
        message: 'a FOLL_LONGTERM pin of an FS DAX page is allowed: truncate and hole punch would wait for it forever' };
    });
  },
};
