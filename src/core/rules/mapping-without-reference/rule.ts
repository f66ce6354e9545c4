// Hazard 2: a page-table entry points at a struct page without holding a reference.
import type { ScenarioRun } from '../../sim/scenarios';
import type { Instance, Rule } from '../types';
import { insertion, lineOf, meta, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('mapping-without-reference', 'A page-table entry maps a struct page without holding a reference', 'warning', 'high'),
  check(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => [...unreferencedEntry(run), ...freedUnderMapping(run)]);
  },
};

/** The entry, as it was inserted, holds no reference (a later step of the phase, a put that frees the
 * page, must not make it look referenced or gone). One whose insert did take a reference is
 * refcounted-mapping-special's. */
function unreferencedEntry(run: ScenarioRun): Instance[] {
  const ins = insertion(run);
  if (!ins || ins.tookRef) return [];
  return [{ key: 'map', type: run.type, line: lineOf(ins.steps, (t) => t.after.mapping !== t.before.mapping), trace: ins.steps,
    message: `${run.type} pages are mapped by a ${ins.entry.mapping} entry that holds no page reference: nothing stops the page (and its pgmap) from going away while mapped` }];
}

/** The page reaches its free path while an entry that should hold a reference still maps it: that
 * reference is gone (the mapping's get found the page at 0, and the caller's put took it back to 0). */
function freedUnderMapping(run: ScenarioRun): Instance[] {
  const i = run.trace.steps.findIndex((t) => t.events?.some((e) => e.kind === 'freed-under-mapping'));
  if (i < 0) return [];
  const s = run.trace.steps[i]!;
  const steps = run.trace.steps.slice(0, i + 1);
  return [{ key: 'freed-under-mapping', type: run.type, line: lineOf(steps, (t) => t.after.refcount !== t.before.refcount), trace: steps,
    message: `${run.type} pages reach their free path (${s.phase}) while a ${s.after.mapping} entry that holds their reference still maps them: the driver gets the page back under a live user mapping, and the entry's removal frees it again` }];
}
