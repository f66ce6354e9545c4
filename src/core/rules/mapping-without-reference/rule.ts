// Hazard 2: a page-table entry points at a struct page without holding a reference.
import type { Rule } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('mapping-without-reference', 'A page-table entry maps a struct page without holding a reference', 'warning', 'high'),
  check(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => {
      // The entry as it was inserted: a later step of the phase (a put that frees the page) must
      // not make an unreferenced mapping look referenced or gone.
      const steps = phaseSteps(run.trace.steps, 'map');
      const s = steps.find((t) => t.before.mapping === 'none' && t.after.mapping !== 'none')?.after ?? endOf(run, 'map');
      if (!s || s.mapping === 'none' || s.mappingHoldsRef) return [];
      return [{ key: 'map', type: run.type, line: lineOf(steps, (t) => t.after.mapping !== t.before.mapping), trace: steps,
        message: `${run.type} pages are mapped by a ${s.mapping} entry that holds no page reference: nothing stops the page (and its pgmap) from going away while mapped` }];
    });
  },
};
