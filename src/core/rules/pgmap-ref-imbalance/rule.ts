// Hazard 4: a pgmap reference is leaked or dropped twice on some path.
import type { TraceStep } from '../../report/types';
import type { Instance, Rule, RuleContext, SideView } from '../types';
import { endOf, errorPathImbalances, lineOf, meta, phaseSteps, runsOf, takesPgmapRef, type Holding } from '../util';
import { strayPgmapRefs, type SimState } from '../../sim/state';
import { NAMED } from '../../api/concepts';
import { apiEntry, effectFor, type ApiEntry } from '../../api';
import type { Era } from '../../types';
import type { FunctionPath } from '../../sim/paths';
import { IN_KERNEL_LIFE } from '../../api/lives';
import { restsAtOne, type ScenarioRun } from '../../sim/scenarios';

export const rule: Rule = {
  meta: meta('pgmap-ref-imbalance', 'A pgmap reference is leaked or dropped twice on some path', 'error', 'high'),
  check(side) {
    const out: Instance[] = [];
    for (const run of runsOf(side.runs, 'page-life')) {
      const init = endOf(run, 'init');
      const free = endOf(run, 'free');
      // A page owns pgmap refs from allocation (E0: from memmap init) to its free: none may remain.
      // An in-kernel allocation keeps its page at its resting count: judged when it is given back.
      const ended = free !== undefined && (free.freed > 0 || run.scenario === IN_KERNEL_LIFE);
      if (init && free && ended && strayPgmapRefs(free) !== 0) {
        const n = strayPgmapRefs(free);
        const steps = phaseSteps(run.trace.steps, 'alloc', 'map', 'unmap', 'put', 'free');
        out.push({ key: n < 0 ? 'life-drop' : 'life-leak', type: run.type, line: lineOf(steps, (s) => s.after.pgmapRefs !== s.before.pgmapRefs), trace: steps,
          message: n < 0
            ? `over a ${run.type} page's life the pgmap reference is dropped ${-n} more time(s) than taken: ${NAMED.teardown}() can finish early, or the percpu ref underflows`
            : `over a ${run.type} page's life ${n} pgmap reference(s) are never dropped: ${NAMED.teardown}() waits forever` });
      } else if (free && stuck(run, free)) {
        const steps = phaseSteps(run.trace.steps, 'alloc', 'map', 'fork', 'unmap', 'put', 'free');
        out.push({ key: 'life-leak', type: run.type, line: lineOf(steps, (s) => s.after.refcount !== s.before.refcount), trace: steps,
          message: `a ${run.type} page's life ends unmapped with ${free.refcount} page reference(s) nobody drops: it never reaches its free path, and the pgmap reference it holds keeps ${NAMED.teardown}() waiting forever` });
      }
    }
    // The pgmap's own per-page references (E1+): memunmap_pages() drops what memremap_pages() took.
    for (const run of runsOf(side.runs, 'teardown')) {
      const n = endOf(run, 'teardown')?.staticRefs ?? 0;
      if (n === 0) continue;
      const steps = phaseSteps(run.trace.steps, 'init', 'teardown');
      out.push({ key: n < 0 ? 'teardown-drop' : 'teardown-leak', type: run.type, line: lineOf(steps, (s) => s.after.pgmapRefs !== s.before.pgmapRefs), trace: steps,
        message: n < 0
          ? `${NAMED.teardown}() drops ${-n} more per-page pgmap reference(s) of a ${run.type} page than the pgmap's set-up took: the percpu ref underflows, and the pgmap can go while pages are in use`
          : `${NAMED.teardown}() leaves ${n} per-page pgmap reference(s) of a ${run.type} page that the pgmap's set-up took: it waits forever` });
    }
    return dedupe(out);
  },
  // Every failure exit of every changed function gives back what it took (judged across the sides).
  // A function the table says puts its pgmap reference before it returns (GUP-fast's devmap walk)
  // gives it back on every return, success or not; one that drops its caller's
  // (memory_failure_dev_pagemap()) holds it where it starts, and gives it back on every return.
  diff(before, after, ctx) {
    return exitBalances(before, after, ctx).instances;
  },
  // An added put whose exit the input cannot judge (it shows no get, and the code before the patch puts
  // nothing there either): said, not guessed.
  undecided(before, after, ctx) {
    return exitBalances(before, after, ctx).undecided.map((u) => ({ line: u.line,
      message: `pgmap-ref-imbalance not judged for ${u.type} in ${u.function}(): the input does not show whether the function holds a pgmap reference where the put this patch adds drops one (no get or tryget before it is shown, and the code before the patch drops none there): a fix if the code above took one, an extra put if not; review with --kernel-tree or more context` }));
  },
  // A page whose life never reaches its free path says nothing about the balance at its free: a patch
  // that stops the free path from running (pages resting at 0 that nothing puts) masks an imbalance.
  unjudged(side) {
    return runsOf(side.runs, 'page-life').flatMap((run) => {
      const free = endOf(run, 'free');
      return endOf(run, 'init') && free && free.freed === 0 && run.scenario !== IN_KERNEL_LIFE && !stuck(run, free) ? [{ key: 'life-drop', type: run.type }, { key: 'life-leak', type: run.type }] : [];
    });
  },
};

/** The last exitBalances() made, by the views it judged: `diff` and `undecided` ask for the same hunk in turn. */
const lastBalances = new WeakMap<SideView, { after: SideView; ctx: RuleContext; result: ReturnType<typeof errorPathImbalances> }>();

/** Failure exits of the changed functions that keep or over-drop pgmap references (errorPathImbalances). */
function exitBalances(before: SideView, after: SideView, ctx: RuleContext): ReturnType<typeof errorPathImbalances> {
  const last = lastBalances.get(before);
  if (last && last.after === after && last.ctx === ctx) return last.result;
  const result = judgeExits(before, after, ctx);
  lastBalances.set(before, { after, ctx, result });
  return result;
}

function judgeExits(before: SideView, after: SideView, ctx: RuleContext): ReturnType<typeof errorPathImbalances> {
  const holding = (p: FunctionPath): Holding | undefined => {
    const e = apiEntry(p.function);
    return e?.pgmapConsumes ? 'caller' : e?.pgmapBalanced && effectFor(e, ctx.era, p.type)?.pgmapHeld ? 'run' : undefined;
  };
  return errorPathImbalances(before, after, pgmapChange, (x) => x.surplus > 0
    ? `${x.exit} keeps ${x.surplus} pgmap reference(s) it took${x.failing ? ` (${x.failing}() failed)` : ''}: ${NAMED.teardown}() waits forever`
    : `${x.exit} drops ${-x.surplus} pgmap reference(s) more than it took${x.failing ? ` (${x.failing}() failed)` : ''}: ${NAMED.teardown}() can finish under a user, or the percpu ref underflows`,
    { holding, heldAtEntry: (p) => (heldAround(p, ctx.era) ? 1 : 0), heldNone: (p) => beforeOwnRef(p, ctx.era), added: ctx.changedLines });
}

/** The function's own pgmap reference in this era (ApiEntry.pgmapOwnRef), for a part of it the input shows. */
function ownRef(p: FunctionPath, era: Era): NonNullable<ApiEntry['pgmapOwnRef']> | undefined {
  const own = apiEntry(p.function)?.pgmapOwnRef;
  return !p.fromStart && own?.eras.includes(era) ? own : undefined;
}

/** A shown part of a function that passes a call the function makes only under its own pgmap reference:
 * it holds that reference where the input starts. */
function heldAround(p: FunctionPath, era: Era): boolean {
  const around = ownRef(p, era)?.around;
  if (!around) return false;
  for (const s of p.steps) {
    if (s.function !== p.function) continue;
    // The input shows where the function takes it: what it holds there is the path's own business.
    if (pgmapChange(s) > 0 || takesPgmapRef(s)) return false;
    if (s.events?.some((e) => (e.kind === 'call' || e.kind === 'call-fails') && around.includes(e.callee))) return true;
  }
  return false;
}

/** A path that leaves by a goto to a label the function jumps to only before it takes its own reference. */
function beforeOwnRef(p: FunctionPath, era: Era): boolean {
  return p.exit.kind === 'goto' && p.exit.text !== undefined && !!ownRef(p, era)?.labelsBefore.includes(p.exit.text);
}

/** A page left with references but no mapping or pin at the end of its life, holding pgmap references
 * only its free path drops: a reference leaked, and with it those pgmap references. Judged for the
 * large folios (the page-life variants, whose types rest at 0) and for order-0 pages of types that rest
 * at 1, unmapped (no mapcount) and mapped once; other order-0 lives are left to the masking above: their
 * placed bodies are less complete. */
function stuck(run: ScenarioRun, s: SimState): boolean {
  const order0 = run.scenario === 'page-life';
  if (order0 && (!restsAtOne(run.ends, run.trace.steps) || s.mapcount !== 0)) return false;
  return s.freed === 0 && s.refcount !== null && s.refcount > 0 && s.mapping === 'none' && s.pinned === 0 && strayPgmapRefs(s) > 0;
}

/** pgmap references a step takes (+) or drops (-), except those it hands to the caller. */
function pgmapChange(s: TraceStep): number {
  const ev = s.events ?? [];
  if (ev.some((e) => e.kind === 'handed-off')) return 0;
  return ev.reduce((n, e) => n + (e.kind === 'pgmap-get' || e.kind === 'pgmap-drop' ? e.count : 0), 0);
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
