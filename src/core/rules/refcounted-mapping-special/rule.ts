// Hazard 2, corollary: a mapping that holds a reference is marked special or devmap, so
// vm_normal_page() callers (zap, fork, GUP) skip it and the reference is never dropped.
import type { Rule } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('refcounted-mapping-special', 'A mapping that holds a page reference is marked special or devmap', 'error', 'medium'),
  check(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => {
      const before = endOf(run, 'alloc');
      const s = endOf(run, 'map');
      if (!s || !before || (s.mapping !== 'special' && s.mapping !== 'devmap')) return [];
      const tookRef = s.mappingHoldsRef || (s.refcount !== null && before.refcount !== null && s.refcount > before.refcount);
      if (!tookRef) return [];
      const steps = phaseSteps(run.trace.steps, 'map');
      return [{ key: 'map', type: run.type, line: lineOf(steps), trace: steps,
        message: `${run.type} pages are mapped ${s.mapping} while the mapping takes a page reference: zap and fork skip ${s.mapping} entries, so that reference is never dropped` }];
    });
  },
};
