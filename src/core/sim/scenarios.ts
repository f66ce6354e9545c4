// Scenarios: the life of one page of one pgmap type in one era, as a sequence of phases, each a few
// calls. A call resolves to the patch's body when the patch provides one, else to the API table.
// A patched function no phase calls is placed into the phase its role (or its calls' roles) names.
import type { Era, PgmapType } from '../types';
import type { Expr, Stmt } from '../syntax/ir';
import type { Role } from '../api/types';
import { INIT_KEEPS, LIFE_START, lifePhases, orderOf, P2PDMA_MMAP, scenariosFor, USER_REF, type CallSpec, type PhaseSpec, type ScenarioName, type StepSpec } from '../api/lives';
import type { Trace, TraceStep } from '../report/types';
import { INITIAL_STATE, strayPgmapRefs, type SimState } from './state';
import { calleesOf, execFunction, execStmts, newBudget, record, startPath, stepsOf, truthOf, type ApiView, type Bodies, type Frame, type Names, type Path, type SimEnv } from './interp';
import { freePathAtZero } from './kernel';
import { newLookups, tracked, type Lookups, type RunMemo } from './memo';
import { apiEntry } from '../api';

export { SCENARIOS, LARGE_SCENARIOS, PMD_ORDER, orderOf, scenariosFor, type ScenarioName } from '../api/lives';

/** Where a scenario's page starts. 'page-life:former-tail' (E5): an order-0 page the driver hands out
 * again after it was a tail of a large folio that was freed whole: free (refcount 0), memmap long
 * initialised, its compound head still pointing at the earlier folio's head. */
function startOf(scenario: ScenarioName): SimState {
  if (scenario === 'page-life:former-tail') return { ...INITIAL_STATE, refcount: 0, staleHead: true };
  const order = orderOf(scenario);
  return order === 0 ? INITIAL_STATE : { ...INITIAL_STATE, order };
}

/** A phase of the table's page life (src/core/api/lives.ts) with its statements built. */
interface Phase extends Omit<PhaseSpec, 'steps'> {
  readonly stmts: readonly Stmt[];
}

const NOWHERE = { line: -1, character: 0 };
const NONE: Names = new Set<string>();

const lifeCalls = new WeakMap<Phase, ReadonlySet<string>>();
/** The functions a phase's script calls (SimEnv.lifeCalls). */
function lifeCallsOf(phase: Phase): ReadonlySet<string> {
  let names = lifeCalls.get(phase);
  if (!names) lifeCalls.set(phase, (names = new Set(calleesOf(phase.stmts))));
  return names;
}

function arg(text: string): Expr {
  return /^\d+$/.test(text) ? { k: 'number', value: Number(text), text, loc: NOWHERE } : { k: 'ident', name: text, text, loc: NOWHERE };
}

function callExpr([name, ...args]: CallSpec): Extract<Expr, { k: 'call' }> {
  return { k: 'call', callee: name, args: args.map(arg), text: `${name}(${args.join(', ')})`, loc: NOWHERE };
}

function call(spec: CallSpec): Stmt {
  return { k: 'expr', expr: callExpr(spec), loc: NOWHERE };
}

/** A call, or `if ([!]call) return -EINVAL;`. */
function stmtOf(step: StepSpec): Stmt {
  if (!('refuseIf' in step)) return call(step);
  const test = callExpr(step.refuseIf);
  const zero = arg('0');
  const cond: Expr = step.failed ? { k: 'binary', op: '<', left: test, right: zero, text: `${test.text} < 0`, loc: NOWHERE }
    : step.negate ? { k: 'unary', op: '!', arg: test, text: `!${test.text}`, loc: NOWHERE } : test;
  return { k: 'if', cond, then: { k: 'return', value: arg('EINVAL'), loc: NOWHERE }, loc: NOWHERE };
}

function phasesOf(scenario: ScenarioName, era: Era, type: PgmapType, absent: Names = NONE): Phase[] {
  return lifePhases(scenario, era, type, absent).map(({ steps, ...rest }) => ({ ...rest, stmts: steps.map(stmtOf) }));
}

export interface PhaseEnd {
  readonly phase: string;
  readonly state: SimState;
}

export interface ScenarioRun {
  readonly scenario: ScenarioName;
  readonly side: 'before' | 'after';
  readonly type: PgmapType;
  /** The primary path: every undecidable condition false. */
  readonly trace: Trace;
  /** State at the end of each phase of the primary path. */
  readonly ends: readonly PhaseEnd[];
  /** Paths that left the primary one (error branches), with the phase they ended in and its start state. */
  readonly alternatives: readonly { readonly phase: string; readonly start: SimState; readonly end: SimState; readonly steps: readonly TraceStep[]; readonly ret?: string; readonly failed?: boolean; readonly forkLine?: number }[];
  /** The longterm pin was refused (a refusing check returned). */
  readonly refused?: boolean;
}

export interface ScenarioInput {
  readonly era: Era;
  readonly type: PgmapType;
  readonly side: 'before' | 'after';
  readonly api: ApiView;
  readonly bodies: Bodies;
  /** Functions this side does not have: the patch adds (before) or removes (after) them. */
  readonly absent?: Names;
  /** Patched functions to place by role (those no phase calls), with their role. */
  readonly placed: readonly { readonly name: string; readonly role: Role }[];
  /** Where runs are remembered across inputs; none: every run is made afresh. */
  readonly memo?: RunMemo;
}

const SCENARIO_FRAME: Frame = { name: 'scenario', depth: 0, stack: [] };

type Alternative = ScenarioRun['alternatives'][number];

/** Where a scenario stands after some phases; every scenario starts with the same life (init, alloc,
 * map), which is run once per input and shared. */
export interface Progress {
  readonly cur: Path;
  readonly ends: readonly PhaseEnd[];
  readonly alternatives: readonly Alternative[];
  readonly steps: number;
  readonly truncated?: string;
}

/** Roles whose placed functions run in the life start. */
const LIFE_ROLES: readonly Role[] = ['memmap-init', 'alloc', 'map'];

/** Where the shared life start stands for one input and start ('' for the order-0 scenarios, else the
 * large-folio scenario's name), and what it asked of the patch. */
const lifeStarts = new WeakMap<ScenarioInput, Map<string, LifeStart>>();

/** A life start as the memo keeps it. */
export interface LifeStart {
  readonly progress: Progress;
  readonly lookups: Lookups;
}

/** A scenario run as the memo keeps it (either side takes it). */
export type StoredRun = Omit<ScenarioRun, 'side' | 'trace'> & { readonly trace: Omit<Trace, 'side'> };

/** Runs `phases` from `from` in `env`. */
function runPhases(phases: readonly Phase[], input: ScenarioInput, env: SimEnv, from: Progress): Progress & { refused?: boolean } {
  let cur = from.cur;
  const ends = [...from.ends];
  const alternatives = [...from.alternatives];
  let refused: boolean | undefined;
  for (const phase of phases) {
    if (phase.ifPinned && cur.state.pinned === 0) continue;
    env.phase = phase.name;
    env.lifeCalls = undefined;
    env.pgmapStatic = phase.pgmapStatic;
    if (phase.ifBusy) {
      const found = busyTest(phase.ifBusy, env, cur);
      if (!found) continue;
      cur = found;
    }
    const start = cur.state;
    // A placed function missing on this side (new or deleted by the patch): the phase keeps its default.
    const names = input.placed.filter((p) => phase.roles.includes(p.role) && env.bodies.get(p.name) !== undefined).map((p) => p.name);
    const placed = names.map((n) => call([n, 'page']));
    // The placed bodies run in the script's stead: it says which arm of theirs the life takes.
    if (placed.length > 0) env.lifeCalls = lifeCallsOf(phase);
    // Init keeps its first calls, except one whose summary includes a placed body (that body runs instead).
    const kept = () => phase.stmts.slice(0, INIT_KEEPS).filter((st) => !(st.k === 'expr' && st.expr.k === 'call' && input.api.entry(st.expr.callee)?.contains?.some((n) => names.includes(n))));
    const stmts = placed.length === 0 ? phase.stmts : phase.name === 'init' ? [...kept(), ...placed] : phase.userRef ? [call(USER_REF), ...placed] : placed;
    let paths = execStmts(stmts, env, [{ ...cur, status: 'normal' }], SCENARIO_FRAME);
    if (phase.name === 'free' && !phase.noRestingRef && !phase.keepsResting) {
      const atOne = restsAtOne(ends, stepsOf(cur));
      paths = paths.flatMap((p) => releaseLast(env, p, atOne));
    }
    if (phase.name === 'longterm-pin') refused = paths.some((p) => p.primary && p.status === 'return');
    const primary = paths.find((p) => p.primary) ?? paths[0] ?? cur;
    for (const p of paths) {
      if (p === primary) continue;
      alternatives.push({ phase: phase.name, start, end: p.state, steps: stepsOf(p), ret: p.ret, failed: p.failed, forkLine: p.forkLine });
    }
    cur = { ...primary, status: 'normal', primary: true };
    ends.push({ phase: phase.name, state: cur.state });
  }
  return { cur, ends, alternatives, steps: env.budget.steps, truncated: env.budget.truncated, ...(refused !== undefined ? { refused } : {}) };
}

/** The life maps its page when it allocates it (P2PDMA's mmap) and a function placed into its map phase
 * maps it again: a second entry, which the page state (one entry) does not hold, nor the reference it
 * takes going with it. */
function mappedAgain(ends: readonly PhaseEnd[], steps: readonly TraceStep[]): boolean {
  const alloc = ends.find((e) => e.phase === 'alloc')?.state;
  return alloc !== undefined && alloc.mapping !== 'none' && steps.some((s) => s.phase === 'map');
}

/** The life's free pages rest at 1 (its init leaves the page there) and it maps the page once: a page
 * still at 1 at the end holds a reference of its users, not its resting one. */
export function restsAtOne(ends: readonly PhaseEnd[], steps: readonly TraceStep[]): boolean {
  return ends.find((e) => e.phase === 'init')?.state.refcount === 1 && !mappedAgain(ends, steps);
}

export function runScenario(scenario: ScenarioName, input: ScenarioInput): ScenarioRun {
  // Only the placements of roles the scenario's phases run make a difference (most hunks place a
  // function into one phase of some of the scenarios).
  const roles = scenarioRoles(scenario, input.era, input.type);
  const key = `${scenario}|${input.era}|${input.type}|${input.placed.filter((p) => roles.has(p.role)).map((p) => `${p.role}:${p.name}`).join(',')}`;
  const known = input.memo?.runs.find(input.api, key, input)?.value;
  if (known) return { ...known, side: input.side, trace: { ...known.trace, side: input.side } };

  let starts = lifeStarts.get(input);
  if (!starts) lifeStarts.set(input, (starts = new Map()));
  const startKey = scenario.startsWith('page-life:') ? scenario : '';
  let start = starts.get(startKey);
  if (!start) {
    const memoKey = `${startKey}|${input.era}|${input.type}|${input.placed.filter((p) => LIFE_ROLES.includes(p.role)).map((p) => `${p.role}:${p.name}`).join(',')}`;
    start = input.memo?.starts.find(input.api, memoKey, input)?.value;
    if (!start) {
      const lookups = newLookups();
      const env: SimEnv = { era: input.era, type: input.type, api: input.api, ...tracked(input, lookups), budget: newBudget(), phase: 'init', memo: input.memo };
      const progress = runPhases(phasesOf(scenario, input.era, input.type, env.absent).slice(0, LIFE_START), input, env, { cur: startPath(startOf(scenario)), ends: [], alternatives: [], steps: 0 });
      start = { progress, lookups };
      input.memo?.starts.keep(input.api, memoKey, lookups, start);
    }
    starts.set(startKey, start);
  }
  const lookups = newLookups(start.lookups);
  const env: SimEnv = { era: input.era, type: input.type, api: input.api, ...tracked(input, lookups), budget: newBudget(), phase: 'init', memo: input.memo };
  env.budget.steps = start.progress.steps;
  if (start.progress.truncated) env.budget.truncated = start.progress.truncated;
  const phases = phasesOf(scenario, input.era, input.type, env.absent);
  const { cur, ends, alternatives, refused } = runPhases(phases.slice(LIFE_START), input, env, start.progress);
  const trace: Trace = { scenario, side: input.side, type: input.type, steps: stepsOf(cur), ...(env.budget.truncated ? { truncated: env.budget.truncated } : {}) };
  const run: ScenarioRun = { scenario, side: input.side, type: input.type, trace, ends, alternatives, ...(refused !== undefined ? { refused } : {}) };
  input.memo?.runs.keep(input.api, key, lookups, run);
  return run;
}

/** The patch's body of a busy test run on the page (its arguments unknown): the primary path when it
 * finds the page busy (returns something other than NULL / 0 / false), else nothing. */
function busyTest([name]: CallSpec, env: SimEnv, cur: Path): Path | undefined {
  const body = env.bodies.get(name);
  if (!body) return undefined;
  const p = execFunction(body, env, { ...cur, status: 'normal' }, 1).find((q) => q.primary);
  if (!p || p.failed || p.ret === undefined || /^(NULL|0|false)$/.test(p.ret.trim()) || truthOf(p.retVal ?? { k: 'unknown' }) === false) return undefined;
  return { ...p, ret: undefined, retVal: undefined, exitLine: cur.exitLine };
}

/** A page whose users are gone but whose resting reference keeps it above 0 reaches the free path only
 * when that reference is dropped (teardown, or a stray put): the scenario drops it to show that path.
 * Where free pages rest at 1 (`restsAtOne`, and the life does not map the page twice), a page still
 * handed out, mapped by nothing (no entry, no mapcount), that holds a pgmap reference of its own (taken for its allocation, dropped on its free
 * path) is not resting: a reference of its users leaked, and it stays where it is. (Where they rest at 0 the page is let go, as a placed body may not
 * show all of the puts its caller makes.) */
function releaseLast(env: SimEnv, p: Path, restsAtOne: boolean): Path[] {
  const s = p.state;
  if (s.freed > 0 || s.refcount !== 1) return [p];
  if (restsAtOne && s.inUse && s.mapping === 'none' && s.mapcount === 0 && s.pinned === 0 && strayPgmapRefs(s) > 0) return [p];
  const q = record(env, SCENARIO_FRAME, p, 'last reference dropped', { ...s, refcount: 0 }, undefined, 'a 1-based page only reaches its free path when its resting reference goes (teardown or a stray put)');
  return freePathAtZero(env, SCENARIO_FRAME, q);
}

const WITHOUT_MMAP: Names = new Set([P2PDMA_MMAP]);
const rolesCache = new Map<string, ReadonlySet<Role>>();

/** The roles whose placed functions a scenario's phases run (whatever the side lacks). */
function scenarioRoles(scenario: ScenarioName, era: Era, type: PgmapType): ReadonlySet<Role> {
  const k = `${scenario}|${era}|${type}`;
  let roles = rolesCache.get(k);
  if (!roles) {
    const all = new Set<Role>();
    for (const absent of [NONE, WITHOUT_MMAP]) for (const phase of lifePhases(scenario, era, type, absent)) for (const r of phase.roles) all.add(r);
    rolesCache.set(k, (roles = all));
  }
  return roles;
}
const calleeCache = new Map<string, ReadonlySet<string>>();

/** `name` and the functions that do its work in `era` (API table `reaches` marked `work`): the lives
 * reach those where they call `name`. */
function addWithWork(names: Set<string>, name: string, era: Era, seen: Set<string> = new Set()): void {
  if (seen.has(name)) return;
  seen.add(name);
  names.add(name);
  for (const r of apiEntry(name)?.reaches ?? []) if (r.work && r.eras.includes(era)) addWithWork(names, r.name, era, seen);
}

/** Functions the scenarios call by name, or (`work`) reach through the functions that do their work
 * (for one era and type, or for all). */
export function scenarioCallees(era?: Era, type?: PgmapType, work = true): ReadonlySet<string> {
  const k = `${era ?? '*'}|${type ?? '*'}|${work}`;
  let set = calleeCache.get(k);
  if (set) return set;
  const names = new Set<string>();
  const eras: readonly Era[] = era ? [era] : ['E0', 'E1', 'E2', 'E3', 'E4', 'E5'];
  const types: readonly PgmapType[] = type ? [type] : ['PRIVATE', 'COHERENT', 'FS_DAX', 'GENERIC', 'P2PDMA'];
  for (const e of eras) for (const t of types) for (const s of scenariosFor(t, e)) for (const absent of [NONE, WITHOUT_MMAP]) {
    for (const phase of lifePhases(s, e, t, absent)) {
      for (const step of phase.steps) {
        const name = 'refuseIf' in step ? step.refuseIf[0] : step[0];
        if (work) addWithWork(names, name, e);
        else names.add(name);
      }
      if (phase.ifBusy) names.add(phase.ifBusy[0]);
    }
  }
  calleeCache.set(k, (set = names));
  return set;
}
