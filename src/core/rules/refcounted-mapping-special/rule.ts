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
      // Where the life maps the page while handing it out (p2pmem_alloc_mmap()), the insert's own
      // reference is seen at the step that installs the entry: the caller's put that follows hands it over.
      const steps = phaseSteps(run.trace.steps, 'alloc', 'map');
      const at = steps.findIndex((t) => t.before.mapping === 'none' && t.after.mapping !== 'none');
      const start = endOf(run, 'init');
      const install = at >= 0 && steps[at]!.phase === 'alloc' ? steps[at]!.after : undefined;
      const took = (x: { refcount: number | null } | undefined, from: { refcount: number | null } | undefined) => !!x && !!from && x.refcount !== null && from.refcount !== null && x.refcount > from.refcount;
      const tookRef = s.mappingHoldsRef || took(s, before) || took(install, start);
      if (!tookRef) return [];
      const shown = install ? steps.slice(0, at + 1) : phaseSteps(run.trace.steps, 'map');
      return [{ key: 'map', type: run.type, line: lineOf(shown), trace: shown,
        message: `${run.type} pages are mapped ${s.mapping} while the mapping takes a page reference: zap and fork skip ${s.mapping} entries, so that reference is never dropped` }];
    });
  },
};
