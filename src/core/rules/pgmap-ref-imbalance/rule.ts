// Hazard 4: a pgmap reference is leaked or dropped twice on some path.
import type { Instance, Rule } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf } from '../util';
import { strayPgmapRefs, type SimState } from '../../sim/state';
import type { ScenarioRun } from '../../sim/scenarios';

export const rule: Rule = {
  meta: meta('pgmap-ref-imbalance', 'A pgmap reference is leaked or dropped twice on some path', 'error', 'high'),
  check(side) {
    const out: Instance[] = [];
    for (const run of runsOf(side.runs, 'page-life')) {
      const init = endOf(run, 'init');
      const free = endOf(run, 'free');
      // A page owns pgmap refs from allocation (E0: from memmap init) to its free: none may remain.
      if (init && free && free.freed > 0 && strayPgmapRefs(free) !== 0) {
        const n = strayPgmapRefs(free);
        const steps = phaseSteps(run.trace.steps, 'alloc', 'map', 'unmap', 'put', 'free');
        out.push({ key: n < 0 ? 'life-drop' : 'life-leak', type: run.type, line: lineOf(steps, (s) => s.after.pgmapRefs !== s.before.pgmapRefs), trace: steps,
          message: n < 0
            ? `over a ${run.type} page's life the pgmap reference is dropped ${-n} more time(s) than taken: memunmap_pages() can finish early, or the percpu ref underflows`
            : `over a ${run.type} page's life ${n} pgmap reference(s) are never dropped: memunmap_pages() waits forever` });
      } else if (free && stuck(run, free)) {
        const steps = phaseSteps(run.trace.steps, 'alloc', 'map', 'fork', 'unmap', 'put', 'free');
        out.push({ key: 'life-leak', type: run.type, line: lineOf(steps, (s) => s.after.refcount !== s.before.refcount), trace: steps,
          message: `a ${run.type} page's life ends unmapped with ${free.refcount} page reference(s) nobody drops: it never reaches its free path, and the pgmap reference it holds keeps memunmap_pages() waiting forever` });
      }
    }
    for (const run of side.runs) {
      for (const alt of run.alternatives) {
        const n = alt.end.pgmapRefs - alt.start.pgmapRefs;
        if (n <= 0 || !alt.ret || !/-E[A-Z]+|\b(ret|rc|err|error)\b|NULL|ERR_PTR|VM_FAULT/.test(alt.ret)) continue;
        out.push({ key: `error-path:${alt.phase}:${alt.ret}`, type: run.type, line: lineOf(alt.steps, (s) => s.after.pgmapRefs > s.before.pgmapRefs) ?? alt.forkLine, trace: alt.steps,
          message: `the error path returning ${alt.ret} keeps ${n} pgmap reference(s) it took: memunmap_pages() will wait forever`,
          related: alt.forkLine !== undefined ? [{ line: alt.forkLine, message: 'the error branch' }] : undefined });
      }
    }
    return dedupe(out);
  },
  // A page whose life never reaches its free path says nothing about the balance at its free: a patch
  // that stops the free path from running (pages resting at 0 that nothing puts) masks an imbalance.
  unjudged(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => {
      const free = endOf(run, 'free');
      return endOf(run, 'init') && free && free.freed === 0 && !stuck(run, free) ? [{ key: 'life-drop', type: run.type }, { key: 'life-leak', type: run.type }] : [];
    });
  },
};

/** A large folio (the page-life variants, whose types rest at 0) left with references but no mapping
 * or pin at the end of its life: a reference leaked, and with it the pgmap references it holds until
 * its free. Order-0 lives are left to the masking above: their placed bodies are less complete. */
function stuck(run: ScenarioRun, s: SimState): boolean {
  return run.scenario !== 'page-life' && s.freed === 0 && s.refcount !== null && s.refcount > 0 && s.mapping === 'none' && s.pinned === 0 && strayPgmapRefs(s) > 0;
}

function dedupe(xs: Instance[]): Instance[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = `${x.key}|${x.type}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
