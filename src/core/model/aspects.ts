// Aspect values (docs/contract.md) read off the scenario runs of one side and one pgmap type, and
// the effects of a hunk: aspects whose value differs between the tree before and after it.
import type { PgmapType } from '../types';
import type { Aspect, Effect, TraceStep } from '../report/types';
import type { ScenarioRun } from '../sim/scenarios';
import { strayPgmapRefs, type SimState } from '../sim/state';
import { NAMED } from '../api/concepts';

/** One aspect value, observed at a place ("at memmap init", "after the free path"). */
export interface Observation {
  readonly aspect: Aspect;
  readonly where: string;
  readonly value: string;
  /** Scenario and phases whose steps explain the value. */
  readonly scenario: string;
  readonly phases: readonly string[];
}

function end(run: ScenarioRun | undefined, phase: string): SimState | undefined {
  return run?.ends.find((e) => e.phase === phase)?.state;
}

export function observe(runs: readonly ScenarioRun[]): Observation[] {
  const out: Observation[] = [];
  const by = (s: string) => runs.find((r) => r.scenario === s);
  const add = (aspect: Aspect, where: string, value: string | undefined, scenario: string, phases: string[]) => {
    if (value !== undefined) out.push({ aspect, where, value, scenario, phases });
  };
  const life = by('page-life');
  const init = end(life, 'init');
  const alloc = end(life, 'alloc');
  const mapped = end(life, 'map');
  const freed = end(life, 'free');
  add('free-refcount', 'at memmap init', init?.refcount?.toString(), 'page-life', ['init']);
  if (freed && freed.freed > 0) add('free-refcount', 'after the free path', freed.refcount?.toString(), 'page-life', ['put', 'free', 'unmap']);
  const firstUse = alloc?.refcount === 0 ? mapped : alloc;
  add('alloc-refcount', 'after allocation', firstUse?.refcount?.toString(), 'page-life', ['alloc', 'map']);
  // An entry whose page went through its free path while it was being set up holds no reference, whatever its kind.
  const freedUnder = life?.trace.steps.some((s) => (s.phase === 'alloc' || s.phase === 'map') && s.events?.some((e) => e.kind === 'freed-under-mapping'));
  if (mapped) add('mapping-ref', 'in the user mapping', mapped.mapping !== 'none' && mapped.mappingHoldsRef && !freedUnder ? 'yes' : 'no', 'page-life', ['alloc', 'map']);
  if (mapped && mapped.mapping !== 'none') add('mapping-kind', 'in the user mapping', mapped.mapping, 'page-life', ['alloc', 'map']);
  if (freed && freed.freed > 0) {
    add('page-free-callback', 'on the free path', freed.pageFreeCalls > 0 ? 'yes' : 'no', 'page-life', ['put', 'free', 'unmap']);
    // pgmapRefs count the references held for the page: its users' and the per-page one memremap_pages()
    // takes at init (E0: the page's own; E1+: the pgmap's, dropped by memunmap_pages()).
    const taken = (mapped?.pgmapRefs ?? 0) - (init?.pgmapRefs ?? 0);
    const dropped = freed.pgmapRefs - (mapped?.pgmapRefs ?? 0);
    const value = strayPgmapRefs(freed) !== 0 ? `unbalanced (${signed(taken)} at allocation, ${signed(dropped)} on free)` : taken > 0 ? 'per-allocation' : (init?.pgmapRefs ?? 0) > 0 ? 'static' : 'none';
    add('pgmap-ref', 'from allocation to free', value, 'page-life', ['alloc', 'map', 'put', 'free', 'unmap']);
  }
  const td = end(by('teardown'), 'teardown');
  if (td?.teardownWaited !== undefined) add('teardown-waits', `in ${NAMED.teardown}`, td.teardownWaited ? 'yes' : 'no', 'teardown', ['teardown']);
  const gupRun = by('gup');
  const g0 = end(gupRun, 'map');
  const g1 = end(gupRun, 'gup');
  if (g0 && g1 && g1.pinned > g0.pinned) add('gup-pgmap-ref', `in ${NAMED.gup}`, g1.pgmapHeld || g1.pgmapRefs > g0.pgmapRefs ? 'yes' : 'no', 'gup', ['gup']);
  const lt = by('longterm-pin');
  if (lt?.refused !== undefined) add('longterm-pin', 'for FOLL_LONGTERM', lt.refused ? 'refused' : 'allowed', 'longterm-pin', ['longterm-pin']);
  const bl = end(by('break-layouts'), 'break-layouts');
  if (bl && bl.waits.length > 0) add('idle-refcount', 'in the break-layouts wait', String(bl.waits[0]!.count), 'break-layouts', ['break-layouts', 'unpin']);
  const woken = end(by('break-layouts'), 'unpin')?.wakeAt;
  if (woken !== undefined) add('idle-refcount', 'in the idle wake', String(woken), 'break-layouts', ['unpin']);
  for (const run of runs) {
    const label = run.scenario === 'page-life:order-1' ? 'an order-1 folio' : run.scenario === 'page-life:pmd' ? 'a PMD folio' : undefined;
    if (!label) continue;
    const [i, m, f] = [end(run, 'init'), end(run, 'map'), end(run, 'free')];
    if (!i || !m) continue;
    const phases = ['alloc', 'map'];
    add('compound-folio', `after allocation of ${label}`, m.compound ? 'yes' : 'no', run.scenario, phases);
    const pages = 1 << (m.order ?? 0);
    const perFolio = (n: number) => (n === 0 ? 'none' : n === pages ? 'per-base-page' : n === 1 ? 'one' : String(n));
    add('pgmap-refs-per-folio', `at allocation of ${label}`, perFolio(m.pgmapRefs - i.pgmapRefs), run.scenario, phases);
    if (f && f.freed > 0) add('pgmap-refs-per-folio', `on the free path of ${label}`, perFolio(m.pgmapRefs - f.pgmapRefs), run.scenario, ['put', 'unmap', 'free']);
  }
  return out;
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

const MEANING: Record<Aspect, string> = {
  'free-refcount': 'the refcount a free page rests at',
  'alloc-refcount': 'the refcount of a freshly allocated page with one user',
  'idle-refcount': 'the refcount at which FS DAX considers the page idle',
  'mapping-ref': 'whether a user mapping holds a page reference',
  'mapping-kind': 'the kind of page-table entry that maps the page',
  'page-free-callback': 'whether the final put calls pgmap->ops->page_free()',
  'pgmap-ref': 'how the page holds its dev_pagemap reference',
  'teardown-waits': `whether ${NAMED.teardown}() waits for a page still in use`,
  'gup-pgmap-ref': `whether ${NAMED.gup}() takes a pgmap reference`,
  'longterm-pin': 'whether FOLL_LONGTERM pins are allowed',
  'pgmap-refs-per-folio': 'how many pgmap references a large folio takes or drops',
  'compound-folio': 'whether a large folio is set up as a compound folio',
};

export interface SideRuns {
  readonly type: PgmapType;
  readonly before: readonly ScenarioRun[];
  readonly after: readonly ScenarioRun[];
}

/** Effects of a hunk: aspects whose value differs before vs after, grouped over types. */
/** The steps that explain an effect: the phases its value is read from, on each side, and the whole
 * scenario of each side (where the cause can lie in an earlier phase). */
export interface EffectSteps {
  readonly after: readonly TraceStep[];
  readonly before: readonly TraceStep[];
  readonly wholeAfter: readonly TraceStep[];
  readonly wholeBefore: readonly TraceStep[];
}

export function effectsOf(sides: readonly SideRuns[], lineOf: (steps: EffectSteps) => number): Effect[] {
  const groups = new Map<string, { aspect: Aspect; where: string; before: string; after: string; types: PgmapType[]; steps: EffectSteps }>();
  for (const side of sides) {
    const b = observe(side.before);
    const a = observe(side.after);
    for (const ob of b) {
      const oa = a.find((x) => x.aspect === ob.aspect && x.where === ob.where);
      if (!oa || oa.value === ob.value) continue;
      const key = `${ob.aspect}|${ob.where}|${ob.value}|${oa.value}`;
      const g = groups.get(key);
      if (g) {
        g.types.push(side.type);
        continue;
      }
      const whole = (runs: readonly ScenarioRun[]) => runs.find((r) => r.scenario === oa.scenario)?.trace.steps ?? [];
      const pick = (runs: readonly ScenarioRun[]) => whole(runs).filter((s) => oa.phases.includes(s.phase));
      const steps = { after: pick(side.after), before: pick(side.before), wholeAfter: whole(side.after), wholeBefore: whole(side.before) };
      groups.set(key, { aspect: ob.aspect, where: ob.where, before: ob.value, after: oa.value, types: [side.type], steps });
    }
  }
  const out: Effect[] = [];
  for (const g of groups.values()) {
    out.push({
      aspect: g.aspect, types: g.types, before: g.before, after: g.after, line: lineOf(g.steps),
      explanation: `${MEANING[g.aspect][0].toUpperCase()}${MEANING[g.aspect].slice(1)} changes from ${g.before} to ${g.after} (${g.where}).`,
      trace: g.steps.after,
    });
  }
  return out;
}
