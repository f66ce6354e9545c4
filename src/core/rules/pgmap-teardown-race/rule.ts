// Hazard 3: memunmap_pages() can finish while pages are still in use.
import type { Rule } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf } from '../util';
import { NAMED } from '../../api/concepts';

export const rule: Rule = {
  meta: meta('pgmap-teardown-race', `${NAMED.teardown}() can finish while pages are still in use`, 'warning', 'medium'),
  check(side) {
    return runsOf(side.runs, 'teardown').flatMap((run) => {
      const s = endOf(run, 'teardown');
      if (!s || s.teardownWaited !== false) return [];
      const steps = phaseSteps(run.trace.steps, 'alloc', 'map', 'teardown');
      return [{ key: 'teardown', type: run.type, line: lineOf(steps), trace: steps,
        message: `${NAMED.teardown}() does not wait for an in-use ${run.type} page: the pgmap (and the memmap) can go away under its user` }];
    });
  },
};
