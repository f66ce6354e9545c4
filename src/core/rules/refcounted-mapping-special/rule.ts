// Hazard 2, corollary: a mapping that holds a reference is marked special or devmap, so
// vm_normal_page() callers (zap, fork, GUP) skip it and the reference is never dropped.
import type { Rule } from '../types';
import { insertion, lineOf, meta, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('refcounted-mapping-special', 'A mapping that holds a page reference is marked special or devmap', 'error', 'medium'),
  check(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => {
      const ins = insertion(run);
      if (!ins?.tookRef || (ins.entry.mapping !== 'special' && ins.entry.mapping !== 'devmap')) return [];
      const kind = ins.entry.mapping;
      return [{ key: 'map', type: run.type, line: lineOf(ins.steps), trace: ins.steps,
        message: `${run.type} pages are mapped ${kind} while the mapping takes a page reference: zap and fork skip ${kind} entries, so that reference is never dropped` }];
    });
  },
};
