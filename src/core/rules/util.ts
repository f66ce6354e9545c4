// Small readers over scenario runs shared by the rules.
import type { PageState, TraceStep } from '../report/types';
import type { ScenarioRun } from '../sim/scenarios';
import type { FunctionPath } from '../sim/paths';
import type { SimState } from '../sim/state';
import type { DiffInstance, RuleMeta, SideView } from './types';
import type { RuleId } from '../report/types';
import type { PgmapType, Severity } from '../types';

/** Runs of a scenario, with its variants ('page-life' includes the large-folio lives 'page-life:pmd', ...). */
export function runsOf(runs: readonly ScenarioRun[], scenario: string): ScenarioRun[] {
  return runs.filter((r) => r.scenario === scenario || r.scenario.startsWith(`${scenario}:`));
}

export function endOf(run: ScenarioRun, phase: string): SimState | undefined {
  return run.ends.find((e) => e.phase === phase)?.state;
}

/** Steps of the given phases. */
export function phaseSteps(steps: readonly TraceStep[], ...phases: string[]): TraceStep[] {
  return steps.filter((s) => phases.includes(s.phase));
}

/** Whether a step takes a pgmap reference, or calls what would have taken one had it not failed. */
export function takesPgmapRef(s: TraceStep): boolean {
  return !!s.events?.some((e) => e.kind === 'pgmap-get' || (e.kind === 'call-fails' && e.pgmapGet));
}

/** Whether a step's statement (from its line to its end line, when it spans several) holds one of `lines`. */
export function stepTouches(step: TraceStep, lines: ReadonlySet<number>): boolean {
  if (step.line === undefined) return false;
  for (let l = step.line; l <= (step.endLine ?? step.line); l++) if (lines.has(l)) return true;
  return false;
}

/** Document line of the last step matching `pred` that has one. */
export function lineOf(steps: readonly TraceStep[], pred: (s: TraceStep) => boolean = () => true): number | undefined {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.line !== undefined && pred(steps[i]!)) return steps[i]!.line;
  return undefined;
}

/** A page life's entry as installed, the steps that show it, and whether its insert took a page reference. */
export interface Insertion {
  readonly entry: PageState;
  readonly steps: readonly TraceStep[];
  readonly tookRef: boolean;
}

/** The entry a page life installs (the first step of its alloc or map phase that maps the page), as
 * installed, with the steps that show it. `tookRef`: the insert took a page reference for it (insert_page():
 * folio_get() and a mapcount; insert_pfn(), vmf_insert_pfn*(), *_mkspecial() and *_mkdevmap() take none).
 * The entry holds one (a normal or device-private entry), or the count rose across the insert: over the
 * map phase (a temporary reference the phase drops again, dax_fault_iter()'s, is not the insert's, nor
 * is the one the allocation gave the page); where the life maps the page while handing it out
 * (p2pmem_alloc_mmap()), at the install against the count after memmap init, since the caller's put
 * that follows hands the insert's reference to the entry. */
export function insertion(run: ScenarioRun): Insertion | undefined {
  const steps = phaseSteps(run.trace.steps, 'alloc', 'map');
  const at = steps.findIndex((t) => t.before.mapping === 'none' && t.after.mapping !== 'none');
  if (at < 0) return undefined;
  const install = steps[at]!;
  const rose = (to: { refcount: number | null } | undefined, from: { refcount: number | null } | undefined) =>
    to?.refcount != null && from?.refcount != null && to.refcount > from.refcount;
  const whileHandingOut = install.phase === 'alloc';
  const tookRef = install.after.mappingHoldsRef || (whileHandingOut ? rose(install.after, endOf(run, 'init')) : rose(endOf(run, 'map'), endOf(run, 'alloc')));
  return { entry: install.after, steps: whileHandingOut ? steps.slice(0, at + 1) : phaseSteps(run.trace.steps, 'map'), tookRef };
}

export function meta(id: RuleId, summary: string, severity: Severity, confidence: RuleMeta['confidence']): RuleMeta {
  return { id, summary, severity, confidence, docs: `src/core/rules/${id}/README.md` };
}

/** A failure exit that does not give back what its function took of some count. */
export interface ExitImbalance {
  /** How the exit reads: "the error path returning ret", "the goto out error exit". */
  readonly exit: string;
  /** References kept (> 0) or dropped beyond those taken (< 0). */
  readonly surplus: number;
  /** The fallible call whose failure led there, if one did. */
  readonly failing?: string;
}

/** How a function holds what `change` counts, when every return of it (not only its failure exits)
 * must give back all it holds: 'run', it takes and gives back its own while it runs (a fragment of it
 * that shows no take lies inside that run, holding one); 'caller', it holds one its caller took where
 * it starts, and drops it before it returns. */
export type Holding = 'run' | 'caller';

/** Failure exits of the changed functions that keep or over-drop what `change` counts per step, as
 * introduced / fixed findings. A function shown from its start holds nothing there (one `holding`
 * says holds its caller's: one); where a fragment starts (after its gets), it holds the most any path
 * of either side drops before taking (a put implies a held reference, and the code above the hunk is
 * the same on both sides; a put the patch adds is no evidence for itself), or what `how` knows
 * otherwise. A failure exit must end at 0; so must every return of a function `holding` names (it
 * hands nothing to its caller). */
export function errorPathImbalances(before: SideView, after: SideView, change: (s: TraceStep) => number, message: (x: ExitImbalance) => string, how: ExitJudging = {}): { instances: DiffInstance[]; undecided: Undecided[] } {
  const { holding = () => undefined, heldAtEntry = () => 0, heldNone = () => false, added = new Set<number>() } = how;
  const balanced = (p: FunctionPath) => holding(p) !== undefined;
  const all = [...(before.paths ?? []), ...(after.paths ?? [])];
  const afterPaths = new Set(after.paths ?? []);
  // Keys and the paths of each function and type, made once (the paths of a large function number hundreds).
  const keys = new Map<FunctionPath, string>();
  const byKey = new Map<string, FunctionPath[]>();
  for (const p of all) {
    const k = `${p.function}|${p.type}`;
    keys.set(p, k);
    const g = byKey.get(k);
    if (g) g.push(p);
    else byKey.set(k, [p]);
  }
  const fnKey = (p: FunctionPath) => keys.get(p)!;
  // `low`: the most the path drops, after code the input does not show (above the hunk, or a gap
  // between hunks), before it first tries to take a reference (a drop after a tryget, even a failed
  // one, is the path's own business). A function shown from its start holds nothing there (what it
  // puts without taking it got from a callee), but what a gap took is unknown.
  // `preImage`: only what the code before the patch drops counts as evidence of what is held (a drop
  // the patch adds is the claim under review, not evidence for it).
  const nets = [new Map<FunctionPath, Net>(), new Map<FunctionPath, Net>()];
  const net = (p: FunctionPath, preImage = false): Net => {
    const memo = nets[preImage ? 1 : 0]!;
    let r = memo.get(p);
    if (!r) memo.set(p, (r = netOf(p, preImage)));
    return r;
  };
  function netOf(p: FunctionPath, preImage: boolean): Net {
    let v = 0, low = 0, tried = false, since = false, from = p.fromStart ? undefined : 0;
    for (const s of p.steps) {
      if (s.function === p.function && s.events?.some((e) => e.kind === 'gap')) {
        from ??= v;
        since = false;
      }
      if (!(preImage && afterPaths.has(p) && s.line !== undefined && added.has(s.line))) v += change(s);
      const tries = takesPgmapRef(s);
      tried ||= tries;
      since ||= tries;
      if (!since && from !== undefined) low = Math.min(low, v - from);
    }
    return { v, low, tried };
  }
  const heldBy = (preImage: boolean) => {
    const held = new Map<string, number>();
    for (const p of all) held.set(fnKey(p), Math.max(held.get(fnKey(p)) ?? 0, -net(p, preImage).low, holding(p) === 'caller' ? 1 : 0, heldAtEntry(p)));
    // A fragment of a function that holds a reference for its whole run, showing no path that takes one,
    // lies inside that run: it holds at least one.
    for (const [k, n] of held) {
      const mine = byKey.get(k)!;
      if (n === 0 && mine.some(balanced) && mine.every((p) => !p.fromStart && !net(p).tried)) held.set(k, 1);
    }
    return held;
  };
  const held = heldBy(false);
  // What a function holds where the input starts, when only a drop the patch adds says it holds it: the
  // verdict on its exits would be the patch's own claim (the same lines are a fix where the code above
  // took a reference, and an over-drop where it did not). Such exits are not judged; `undecided` says so.
  const claimed = heldBy(true);
  const unsure = new Set([...held].filter(([k, n]) => (claimed.get(k) ?? 0) !== n).map(([k]) => k));
  // A goto to a label neither side shows continues with code the input does not show: judged only
  // against paths of the other side that leave the same way (so that code is common to both).
  const forks = new Map<SideView, Map<string, FunctionPath[]>>();
  const sameExit = (p: FunctionPath, other: SideView) => {
    let index = forks.get(other);
    if (!index) {
      forks.set(other, (index = new Map()));
      for (const q of other.paths ?? []) {
        const k = `${fnKey(q)}|${q.forkLine ?? ''}`;
        const g = index.get(k);
        if (g) g.push(q);
        else index.set(k, [q]);
      }
    }
    const twins = index.get(`${fnKey(p)}|${p.forkLine ?? ''}`) ?? [];
    return twins.length > 0 && twins.every((q) => q.exit.kind === p.exit.kind && q.exit.text === p.exit.text);
  };
  // The variables a function drops its references through (`put(x)`): a path that found one NULL before
  // assigning it (`if (x)` not taken) held nothing in it where the fragment starts.
  const carriers = new Map<string, Set<string>>();
  for (const p of all) {
    for (const s of p.steps) {
      if (change(s) >= 0) continue;
      for (const e of s.events ?? []) {
        const arg = e.kind === 'call' ? /^[\w>.-]+\s*\(\s*([A-Za-z_]\w*)\s*[,)]/.exec(e.text)?.[1] : undefined;
        if (arg) carriers.set(fnKey(p), (carriers.get(fnKey(p)) ?? new Set()).add(arg));
      }
    }
  }
  const heldAt = (p: FunctionPath) => (heldNone(p) || p.nullAtEntry?.some((v) => carriers.get(fnKey(p))?.has(v)) ? 0 : held.get(fnKey(p)) ?? 0);
  const decided = (p: FunctionPath) => !unsure.has(fnKey(p)) || heldNone(p);
  const instances = (side: SideView, other: SideView) => {
    const out = new Map<string, { p: FunctionPath; surplus: number }>();
    for (const p of side.paths ?? []) {
      if (!(p.exit.failure || (p.exit.kind === 'return' && balanced(p))) || (p.exit.kind === 'goto' && !sameExit(p, other))) continue;
      const surplus = heldAt(p) + net(p).v;
      if (surplus === 0) continue;
      // One instance per exit and direction: paths that differ only in the branches (some on lines one
      // side lacks) that led to the same exit are one hazard there.
      const key = `${fnKey(p)}|${p.exit.kind}|${p.exit.text ?? ''}|${p.exit.line ?? ''}|${Math.sign(surplus)}`;
      if (!out.has(key)) out.set(key, { p, surplus });
    }
    return out;
  };
  const b = instances(before, after), a = instances(after, before);
  /** Where the other side's paths to the same exit take or drop a reference on a line this path lacks
   * (the put a patch deletes, or restores). */
  const otherSide = (p: FunctionPath, other: SideView) => {
    const mine = new Set(p.steps.map((s) => s.line));
    const lines = new Set<number>();
    for (const q of other.paths ?? []) {
      if (fnKey(q) !== fnKey(p) || q.exit.kind !== p.exit.kind || q.exit.text !== p.exit.text) continue;
      for (const s of q.steps) if (s.line !== undefined && !mine.has(s.line) && change(s) !== 0) lines.add(s.line);
    }
    return [...lines].map((line) => ({ line, message: `the ${other.side} side's path to this exit moves the reference here` }));
  };
  const make = (status: 'introduced' | 'fixed', { p, surplus }: { p: FunctionPath; surplus: number }, other: SideView): DiffInstance => {
    const fails = p.steps.flatMap((s) => s.events ?? []).find((e) => e.kind === 'call-fails');
    const exit = p.exit.kind === 'goto' ? `the error exit by goto ${p.exit.text}` : `the ${p.exit.failure ? 'error path' : 'path'} of ${p.function}() returning ${p.exit.text ?? 'a failure'}`;
    const failing = fails?.kind === 'call-fails' ? fails.callee : undefined;
    const related = [
      ...(p.forkLine !== undefined && p.forkLine !== p.exit.line ? [{ line: p.forkLine, message: failing ? `${failing}() fails here` : 'the error branch' }] : []),
      ...otherSide(p, other),
    ];
    return {
      key: `path:${p.function}:${p.exit.text ?? ''}:${p.exit.line ?? ''}`, type: p.type, status, line: p.exit.line ?? p.forkLine, trace: p.steps,
      message: message({ exit, surplus, ...(failing ? { failing } : {}) }),
      ...(related.length > 0 ? { related } : {}),
    };
  };
  const found = [...[...a].filter(([k]) => !b.has(k)).map(([, x]) => ({ ...x, d: make('introduced', x, before) })), ...[...b].filter(([k]) => !a.has(k)).map(([, x]) => ({ ...x, d: make('fixed', x, after) }))];
  const undecided = new Map<string, Undecided>();
  for (const { p } of found) {
    if (decided(p) || undecided.has(fnKey(p))) continue;
    const drop = (after.paths ?? []).filter((q) => fnKey(q) === fnKey(p)).flatMap((q) => q.steps).find((s) => s.line !== undefined && added.has(s.line) && change(s) < 0);
    undecided.set(fnKey(p), { type: p.type, line: drop?.line ?? p.exit.line, function: p.function });
  }
  return { instances: found.filter(({ p }) => decided(p)).map(({ d }) => d), undecided: [...undecided.values()] };
}

/** A path's count of what is judged: at its end, the lowest before its first take, and whether it tries one. */
interface Net {
  readonly v: number;
  readonly low: number;
  readonly tried: boolean;
}

/** What errorPathImbalances knows besides the paths. */
export interface ExitJudging {
  /** How the path's function holds what is counted, when every return of it must give back all it holds. */
  readonly holding?: (p: FunctionPath) => Holding | undefined;
  /** What the path's function holds where the input starts, known otherwise (the table). */
  readonly heldAtEntry?: (p: FunctionPath) => number;
  /** The path leaves by an exit where its function holds none of its references (the table says so). */
  readonly heldNone?: (p: FunctionPath) => boolean;
  /** Document lines the patch adds. */
  readonly added?: ReadonlySet<number>;
}

/** An exit whose balance the input cannot decide (errorPathImbalances). */
export interface Undecided {
  readonly type: PgmapType;
  readonly function: string;
  readonly line?: number;
}
