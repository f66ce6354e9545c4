// Path-sensitive interpreter of the C IR over the abstract page state of one pgmap type: generic C
// evaluation (statements, expressions, conditions, values, paths). What kernel calls do to the page is
// kernel.ts. Conditions on the pgmap type are decided; other conditions fork (the "primary" path is
// the one where undecidable conditions take their usual outcome: error checks not taken). Loops run
// once; `return` and forward `goto` are real paths. Calls resolve to a body the patch provides, else
// to the API table's effect for (era, type); a fallible table call forks into success and failure.
// Every state change is a TraceStep with typed events.
import type { Era, PgmapType } from '../types';
import { PGMAP_TYPE_CONSTANTS } from '../types';
import type { Expr, FunctionIR, Stmt } from '../syntax/ir';
import { ABOVE, GAP_CALL } from '../syntax/fragment';
import type { ApiEntry, EraEffect, Role } from '../api/types';
import type { MappingKind, TraceEvent, TraceStep } from '../report/types';
import { ERRNO, ERROR_POINTER, ERROR_VARIABLES, FAULT_FAILURES, FLAG_CONSTANT, PGMAP_CALLBACKS, PGMAP_TYPE_PREFIX, isPgmapTypeField, pgmapCallbackField } from '../api/concepts';
import { pageState, stateChanged, type SimState } from './state';
import { callFunction, guardedWakeCount, runsArmAbove } from './kernel';
import { jsonOf, type RunMemo } from './memo';

/** A function body the patch provides, with the map from parsed-text lines to document lines. */
export interface Body {
  readonly fn: FunctionIR;
  readonly docLine: (textLine: number) => number | undefined;
  /** The same function as the tree before the patch has it, when the patch shows only parts of it
   * (an after-side body): what the input does not show is continued from its table summary. */
  readonly pre?: Body;
}

/** A set of function names, as far as the simulator asks (a Set, or a union view over several). */
export interface Names {
  has(name: string): boolean;
}

/** The patch's function bodies by name, as far as the simulator asks. */
export interface Bodies {
  get(name: string): Body | undefined;
}

/** What the simulator needs from the API table (injected so tests can use a small one). */
export interface ApiView {
  entry(name: string): ApiEntry | undefined;
  effect(entry: ApiEntry, era: Era, type: PgmapType): EraEffect | undefined;
  withRole(role: Role, era: Era): readonly string[];
}

export interface Budget {
  steps: number;
  readonly maxSteps: number;
  readonly maxPaths: number;
  readonly maxDepth: number;
  truncated?: string;
}

export function newBudget(maxSteps = 10_000, maxPaths = 256, maxDepth = 4): Budget {
  return { steps: 0, maxSteps, maxPaths, maxDepth };
}

export interface SimEnv {
  readonly era: Era;
  readonly type: PgmapType;
  readonly api: ApiView;
  readonly bodies: Bodies;
  /** Functions this side of the patch does not have (the patch adds or removes them). */
  readonly absent?: Names;
  /** Type guards and callback tests decided as for this type (the page's own type does the rest): the
   * arm another type takes, in a body the input shows only in part (kernel.ts gapFill). */
  readonly decideAs?: PgmapType;
  readonly budget: Budget;
  /** Scenario phase label written into steps. */
  phase: string;
  /** The phase's pgmap references are the pgmap's static per-page ones (PhaseSpec.pgmapStatic). */
  pgmapStatic?: boolean;
  /** The functions the phase's own script calls (the life's map call, `vmf_insert_page_mkwrite()` for an
   * FS DAX page mapped by a PTE), while the patch's placed bodies run in its stead: an undecidable
   * `if` whose one arm calls one of them and whose other does not takes that arm on the primary path. */
  lifeCalls?: ReadonlySet<string>;
  /** Where runs are remembered (the reviewer's): partly shown bodies' plans and patched bodies' calls
   * (kernel.ts gapPlan, callRemembered). */
  readonly memo?: RunMemo;
}

export type Val =
  | { readonly k: 'bool'; readonly v: boolean; readonly typeDep?: boolean }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'type'; readonly t: PgmapType | string }
  /** A negative errno, one of `names` (a failed call's return, `-ENOMEM`, `ERR_PTR(-EFAULT)`). */
  | { readonly k: 'err'; readonly names: readonly string[] }
  /** A positive count or a valid pointer: what a fallible call returns on success, when not 0 or true. */
  | { readonly k: 'nz' }
  /** A known set of flag constants (`FOLL_LONGTERM | FOLL_PIN`): a flag test on it is decided. */
  | { readonly k: 'flags'; readonly set: readonly string[] }
  /** A page-table entry value of a known kind (built by pte_mkspecial(), mk_pte(), ...). */
  | { readonly k: 'entry'; readonly kind: MappingKind }
  // `staleHead`: a folio reached through the compound head of a stale former tail (another folio).
  | { readonly k: 'unknown'; readonly staleHead?: boolean };

interface StepList {
  readonly step: TraceStep;
  readonly prev: StepList | null;
}

export interface Path {
  readonly state: SimState;
  readonly steps: StepList | null;
  /** 'normal' | 'return' | 'break' | 'continue' | 'goto:<label>' */
  readonly status: string;
  readonly vars: Readonly<Record<string, Val>>;
  /** Every undecidable condition on this path was taken as false. */
  readonly primary: boolean;
  /** Text of the returned expression, when the path returned a value. */
  readonly ret?: string;
  /** Document line of the branch that made this path leave the primary one. */
  readonly forkLine?: number;
  /** Value of the returned expression, handed to the caller of a patched body. */
  readonly retVal?: Val;
  /** The path returned a failure value (a negative errno, NULL, a VM_FAULT_ error, an error variable). */
  readonly failed?: boolean;
  /** Document line of the `return` or `goto` the path left by. */
  readonly exitLine?: number;
  /** Variables of the run function (frame depth 0) a condition found NULL before the path assigned them:
   * NULL where the input starts (a fragment's pointer that holds nothing there). */
  readonly nullAtEntry?: readonly string[];
}

export interface Frame {
  readonly name: string;
  readonly body?: Body;
  readonly depth: number;
  readonly stack: readonly string[];
}

export type Out = [Path, Val][];
export const UNKNOWN: Val = { k: 'unknown' };

export function startPath(state: SimState): Path {
  return { state, steps: null, status: 'normal', vars: {}, primary: true };
}

export function stepsOf(p: Path): TraceStep[] {
  const out: TraceStep[] = [];
  for (let s = p.steps; s; s = s.prev) out.push(s.step);
  return out.reverse();
}

// ---- steps ----------------------------------------------------------------------------------

export function docLine(frame: Frame, line: number | undefined): number | undefined {
  return line === undefined || !frame.body ? undefined : frame.body.docLine(line);
}

/** Records a step (state change, noted decision or typed event) and returns the new path. The pgmap
 * and underflow events follow from the states; the others are the caller's. */
export function record(env: SimEnv, frame: Frame, p: Path, statement: string, next: SimState, textLine?: number, note?: string, events: readonly TraceEvent[] = []): Path {
  env.budget.steps++;
  if (!stateChanged(p.state, next) && note === undefined && events.length === 0) return p;
  const dp = next.pgmapRefs - p.state.pgmapRefs;
  const underflow = next.underflow && !p.state.underflow;
  let all = events;
  if (dp !== 0 || underflow) {
    const more = [...events];
    if (dp !== 0) more.push({ kind: dp > 0 ? 'pgmap-get' : 'pgmap-drop', count: dp });
    if (underflow) more.push({ kind: 'underflow' });
    all = more;
  }
  if (dp !== 0 && env.pgmapStatic) next = { ...next, staticRefs: (p.state.staticRefs ?? 0) + dp };
  const line = docLine(frame, textLine);
  const rows = line === undefined || textLine === undefined ? 0 : newlines(statement);
  const endLine = rows > 0 ? docLine(frame, textLine! + rows) : undefined;
  const step: TraceStep = {
    statement: oneLine(statement), function: frame.name, line, ...(endLine !== undefined && endLine !== line ? { endLine } : {}), phase: env.phase,
    types: [env.type], before: pageState(p.state), after: pageState(next), ...(note ? { note } : {}), ...(all.length ? { events: all } : {}),
  };
  return { ...p, state: next, steps: { step, prev: p.steps } };
}

function newlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export function oneLine(s: string): string {
  let t = oneLines.get(s);
  if (t === undefined) {
    t = s.replace(/\s+/g, ' ').trim();
    if (t.length > 160) t = t.slice(0, 157) + '...';
    if (oneLines.size >= 20_000) oneLines.clear();
    oneLines.set(s, t);
  }
  return t;
}
/** Statements as traces show them, by their text (the same statements are recorded on every path). */
const oneLines = new Map<string, string>();

// ---- statements -----------------------------------------------------------------------------

/** `atExit`: applied to each path that leaves the body without a failure (a failure value returned, a
 * goto to a label the body does not show). */
export function execFunction(body: Body, env: SimEnv, caller: Path, depth: number, stack: readonly string[] = [], args: readonly Val[] = [], atExit?: (p: Path) => Path, seed?: Readonly<Record<string, Val>>): Path[] {
  const frame: Frame = { name: body.fn.name, body, depth, stack: [...stack, body.fn.name] };
  // Known argument values (a number, a decided truth) are bound to their parameters: a body whose
  // parameter list the input shows in part or not at all (a hunk starts inside it) has the table's;
  // `seed` gives values the input does not show (a condition above the hunk).
  const vars: Record<string, Val> = { ...seed };
  const table = env.api.entry(body.fn.name)?.params;
  const params = table && body.fn.params.length < table.length && body.fn.params.every((n) => table.includes(n)) ? table : body.fn.params;
  params.forEach((name, i) => {
    const v = args[i];
    if (name && v && v.k !== 'unknown') vars[name] = v;
  });
  const entry: Path = { ...caller, vars, status: 'normal' };
  const out = execStmts([body.fn.body], env, [entry], frame);
  return out.map((p) => ({ ...(atExit && !p.failed && !p.status.startsWith('goto:') ? atExit(p) : p), status: 'normal', vars: caller.vars }));
}

/** Runs a body called from `caller`'s path: how the callee left is not how the caller leaves. */
export function callBody(body: Body, env: SimEnv, caller: Path, depth: number, stack: readonly string[], args: readonly Val[] = [], atExit?: (p: Path) => Path, seed?: Readonly<Record<string, Val>>): Path[] {
  return execFunction(body, env, caller, depth, stack, args, atExit, seed).map((p) => ({ ...p, failed: caller.failed, exitLine: caller.exitLine }));
}

export function execStmts(stmts: readonly Stmt[], env: SimEnv, paths: Path[], frame: Frame): Path[] {
  let cur = paths;
  for (const stmt of stmts) {
    if (env.budget.steps > env.budget.maxSteps) {
      env.budget.truncated ??= `step budget (${env.budget.maxSteps}) exhausted in ${frame.name}`;
      break;
    }
    // break / continue / return are not resumed by later statements of this list; goto may be.
    if (!cur.some((p) => p.status === 'normal' || p.status.startsWith('goto:'))) break;
    const next: Path[] = [];
    for (const p of cur) {
      if (p.status === 'normal') for (const q of execStmt(stmt, env, p, frame)) next.push(q);
      else if (stmt.k === 'label' && p.status === `goto:${stmt.name}`) next.push({ ...p, status: 'normal' });
      else next.push(p);
    }
    cur = limitPaths(next, env, frame);
  }
  return cur;
}

/** Paths beyond this many are merged when they agree on everything that decides what comes next. */
const MERGE_AT = 8;

function limitPaths(all: Path[], env: SimEnv, frame: Frame): Path[] {
  const paths = all.length > MERGE_AT ? mergeSame(all) : all;
  if (paths.length <= env.budget.maxPaths) return paths;
  env.budget.truncated ??= `path budget (${env.budget.maxPaths}) exhausted in ${frame.name}`;
  const primary = paths.filter((p) => p.primary);
  return [...primary, ...paths.filter((p) => !p.primary)].slice(0, env.budget.maxPaths);
}

/** Keeps one of the non-primary paths that share status, return value, state and variables: they only
 * differ in how they got there (a loop body's independent branches would otherwise multiply). */
function mergeSame(paths: Path[]): Path[] {
  // Grouped first by the line they forked at (most paths differ there: nothing more is compared), then
  // by what else is cheap to compare; the state and variables are written out only where two paths
  // share a group.
  const byFork = new Map<number | undefined, Path[]>();
  let shared = false;
  for (const p of paths) {
    if (p.primary) continue;
    const g = byFork.get(p.forkLine);
    if (!g) byFork.set(p.forkLine, [p]);
    else {
      g.push(p);
      shared = true;
    }
  }
  if (!shared) return paths;
  const dropped = new Set<Path>();
  for (const forked of byFork.values()) {
    if (forked.length < 2) continue;
    const groups = new Map<string, Path[]>();
    for (const p of forked) {
      const key = `${p.status}|${p.ret ?? ''}|${p.nullAtEntry?.join() ?? ''}`;
      const g = groups.get(key);
      if (g) g.push(p);
      else groups.set(key, [p]);
    }
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      // By the JSON each record keeps (hashed once): no key made of both.
      const seen = new Map<string, Set<string>>();
      for (const p of g) {
        const state = jsonOf(p.state);
        const vars = jsonOf(p.vars);
        const withState = seen.get(state);
        if (!withState) seen.set(state, new Set([vars]));
        else if (withState.has(vars)) dropped.add(p);
        else withState.add(vars);
      }
    }
  }
  return dropped.size === 0 ? paths : paths.filter((p) => !dropped.has(p));
}

function execStmt(stmt: Stmt, env: SimEnv, p: Path, frame: Frame): Path[] {
  switch (stmt.k) {
    case 'block':
      return execStmts(stmt.body, env, [p], frame);
    case 'expr':
      return evalExpr(stmt.expr, env, p, frame).map(([q]) => q);
    case 'decl': {
      let outs: Path[] = [p];
      stmt.inits.forEach((init, i) => {
        const name = stmt.names.length === stmt.inits.length ? stmt.names[i] : stmt.names[stmt.names.length - 1];
        outs = outs.flatMap((q) => evalExpr(init, env, q, frame).map(([r, v]) => (name ? { ...r, vars: { ...r.vars, [name]: v } } : r)));
      });
      return outs;
    }
    case 'if': {
      const out: Path[] = [];
      const wakeAt = guardedWakeCount(stmt.cond, stmt.then, env);
      // A guard clause (`if (...) return / goto`) usually does not fire: its branch is the odd path.
      // A statement the input does not show (the hunk ends after the condition): its arms are unknown.
      const cut = !stmt.else && unshown(stmt.then);
      const usually = (env.lifeCalls ? lifeArm(stmt, frame, env.lifeCalls) : undefined) ?? (exits(stmt.then) ? false : undefined);
      for (const [c, truth] of evalCond(stmt.cond, env, p, frame, usually, cut)) {
        const q = wakeAt === undefined ? c : { ...c, state: { ...c.state, wakeAt } };
        if (truth) out.push(...execStmt(stmt.then, env, q, frame));
        else if (stmt.else) out.push(...execStmt(stmt.else, env, q, frame));
        else out.push(q);
      }
      return out;
    }
    case 'switch':
      return execSwitch(stmt, env, p, frame);
    case 'loop': {
      const entered = stmt.cond ? evalExpr(stmt.cond, env, p, frame).map(([q]) => q) : [p];
      return entered
        .flatMap((q) => execStmt(stmt.body, env, q, frame))
        .map((q) => (q.status === 'break' || q.status === 'continue' ? { ...q, status: 'normal' } : q));
    }
    case 'return': {
      const exitLine = docLine(frame, stmt.loc.line);
      if (!stmt.value) return [{ ...p, status: 'return', exitLine }];
      const value = stmt.value;
      return evalExpr(value, env, p, frame).map(([q, v]) => ({ ...q, status: 'return', ret: value.text, retVal: v, failed: isFailure(value, v), exitLine }));
    }
    case 'goto':
      return [{ ...p, status: `goto:${stmt.label}`, exitLine: docLine(frame, stmt.loc.line) }];
    case 'break':
      return [{ ...p, status: 'break' }];
    case 'continue':
      return [{ ...p, status: 'continue' }];
    case 'label':
    case 'unknown':
      return [p];
  }
}

function execSwitch(stmt: Extract<Stmt, { k: 'switch' }>, env: SimEnv, p: Path, frame: Frame): Path[] {
  const out: Path[] = [];
  const headless = typeSwitchAbove(stmt);
  for (const [q, subject0] of evalExpr(stmt.subject, env, p, frame)) {
    const starts: number[] = [];
    // A switch on the pgmap type whose head is above the hunk: a type whose label the hunk shows
    // enters there; the others take the arm the hunk starts in (its labels are above it too).
    const subject: Val = headless && subject0.k === 'unknown' ? { k: 'type', t: env.decideAs ?? env.type } : subject0;
    if (headless && subject.k === 'type' && !stmt.cases.some((c) => c.labels.some((l) => sameVal(constVal(l), subject)))) {
      // ... when the table's summary of the function lets that type do what the arm shows (as the
      // function was before the patch: a patch that changes the arm does not move the type).
      const fn = frame.body?.pre?.fn ?? frame.body?.fn;
      if (!fn || runsArmAbove(fn.name, armAbove(stmt, headless.above, frame), env, subject.t as PgmapType)) starts.push(headless.above);
    } else if (subject.k === 'type' || subject.k === 'num') {
      let hit = stmt.cases.findIndex((c) => c.labels.some((l) => sameVal(constVal(l), subject)));
      if (hit < 0) hit = stmt.cases.findIndex((c) => c.isDefault);
      if (hit >= 0) starts.push(hit);
    } else {
      stmt.cases.forEach((_, i) => starts.push(i));
    }
    const noDefault = !stmt.cases.some((c) => c.isDefault);
    const unknownSubject = subject.k !== 'type' && subject.k !== 'num';
    // An undecidable subject: the first case is the primary path (defaults are often the odd case).
    if (starts.length === 0) out.push(q);
    else if (unknownSubject && noDefault) out.push({ ...q, primary: false, forkLine: q.forkLine ?? docLine(frame, stmt.loc.line) });
    for (const start of starts) {
      if (out.length >= env.budget.maxPaths || env.budget.steps > env.budget.maxSteps) {
        env.budget.truncated ??= `path budget (${env.budget.maxPaths}) exhausted in the switch of ${frame.name}`;
        break;
      }
      const c = stmt.cases[start]!;
      const primary = q.primary && (!unknownSubject || start === starts[0]);
      let r: Path = { ...q, primary, forkLine: primary ? q.forkLine : (q.forkLine ?? docLine(frame, c.loc.line)) };
      // (The arm the hunk starts in is taken for want of another, not decided: no event.)
      if (subject.k === 'type' && !(headless && start === headless.above)) {
        r = record(env, frame, r, `switch (${stmt.subject.text}) -> ${c.isDefault ? 'default' : 'case ' + c.labels.map((l) => l.text).join(', ')}`, r.state, c.loc.line, `type guard: taken for ${env.type}`, [{ kind: 'type-decided', taken: true }]);
      }
      let paths = [r];
      for (let i = start; i < stmt.cases.length && paths.some((x) => x.status === 'normal'); i++) paths = execStmts(stmt.cases[i]!.body, env, paths, frame);
      for (const s of paths) out.push(s.status === 'break' ? { ...s, status: 'normal' } : s);
    }
  }
  return out;
}

/** A switch the fragment's wrapper opened above the hunk (`switch (__above) { case __above:`) whose
 * labels the hunk shows are all pgmap types: the index of the arm the hunk starts in. */
const typeSwitches = new WeakMap<Stmt, { above: number } | null>();
function typeSwitchAbove(stmt: Extract<Stmt, { k: 'switch' }>): { above: number } | null {
  let r = typeSwitches.get(stmt);
  if (r === undefined) {
    const isAbove = (l: Expr) => l.k === 'ident' && l.name === ABOVE;
    const above = stmt.subject.k === 'ident' && stmt.subject.name === ABOVE ? stmt.cases.findIndex((c) => c.labels.some(isAbove)) : -1;
    const shown = stmt.cases.flatMap((c) => c.labels.filter((l) => !isAbove(l)));
    r = above >= 0 && shown.every((l) => constVal(l).k === 'type') && !stmt.cases.some((c) => c.isDefault) ? { above } : null;
    typeSwitches.set(stmt, r);
  }
  return r;
}

/** Whether the statement holds a switch whose head is above the hunk and whose type labels it shows. */
export function showsTypeLabels(s: Stmt): boolean {
  const found = firstSwitchAbove(s);
  return !!found && found.stmt.cases.some((c) => c.labels.some((l) => constVal(l).k === 'type'));
}

/** The statements of the arm the hunk starts in, as the function before the patch has them (its
 * pre-image's first such switch), else as this side does. */
function armAbove(stmt: Extract<Stmt, { k: 'switch' }>, above: number, frame: Frame): readonly Stmt[] {
  const pre = frame.body?.pre?.fn;
  const theirs = pre ? firstSwitchAbove(pre.body) : undefined;
  return theirs ? theirs.stmt.cases[theirs.above]!.body : stmt.cases[above]!.body;
}

function firstSwitchAbove(s: Stmt): { stmt: Extract<Stmt, { k: 'switch' }>; above: number } | undefined {
  switch (s.k) {
    case 'switch': {
      const h = typeSwitchAbove(s);
      if (h) return { stmt: s, above: h.above };
      for (const c of s.cases) for (const b of c.body) {
        const r = firstSwitchAbove(b);
        if (r) return r;
      }
      return undefined;
    }
    case 'block':
      for (const b of s.body) {
        const r = firstSwitchAbove(b);
        if (r) return r;
      }
      return undefined;
    case 'if':
      return firstSwitchAbove(s.then) ?? (s.else && firstSwitchAbove(s.else));
    case 'loop':
      return firstSwitchAbove(s.body);
    default:
      return undefined;
  }
}

function constVal(e: Expr): Val {
  if (e.k === 'ident' && PGMAP_TYPE_CONSTANTS[e.name]) return { k: 'type', t: PGMAP_TYPE_CONSTANTS[e.name] };
  if (e.k === 'ident' && e.name.startsWith(PGMAP_TYPE_PREFIX)) return { k: 'type', t: e.name };
  if (e.k === 'number') return { k: 'num', v: e.value };
  return UNKNOWN;
}

function sameVal(a: Val, b: Val): boolean {
  return (a.k === 'type' && b.k === 'type' && a.t === b.t) || (a.k === 'num' && b.k === 'num' && a.v === b.v);
}

// ---- conditions ------------------------------------------------------------------------------

export function truthOf(v: Val): boolean | undefined {
  if (v.k === 'bool') return v.v;
  if (v.k === 'num') return v.v !== 0;
  if (v.k === 'err' || v.k === 'nz') return true;
  if (v.k === 'flags') return v.set.length > 0;
  return undefined;
}

/** Whether a returned expression and its value are a failure: a negative errno (`-ENOMEM`, a failed
 * call's result, `ERR_PTR(...)`, a VM_FAULT_ error), NULL, or an error variable of unknown value. */
function isFailure(e: Expr, v: Val): boolean {
  if (v.k === 'err') return true;
  if (e.k !== 'ident') return false;
  return e.name === 'NULL' || (v.k === 'unknown' && ERROR_VARIABLES.has(e.name));
}

/** A statement the input does not show (the hunk ends before it): an empty block, or a loop or an
 * `if` whose own statement is one (`for (...)` as a hunk's last line). */
export function unshown(s: Stmt): boolean {
  if (s.k === 'block') return s.body.length === 0;
  return (s.k === 'loop' || (s.k === 'if' && !s.else)) && unshown(s.k === 'loop' ? s.body : s.then);
}

/** true when only the `then` arm of the `if` calls one of the life's own calls, false when only the
 * `else` arm does; read on the `if` at the same document line of the function before the patch, where
 * there is one (both sides take the same arm, whatever the patch puts in it). */
function lifeArm(stmt: Extract<Stmt, { k: 'if' }>, frame: Frame, life: ReadonlySet<string>): boolean | undefined {
  const line = docLine(frame, stmt.loc.line);
  const pre = frame.body?.pre;
  const theirs = pre && line !== undefined ? ifsByLine(pre).get(line) : undefined;
  const s = theirs ?? stmt;
  if (!s.else) return undefined;
  const a = callsAny(s.then, life);
  const b = callsAny(s.else, life);
  return a === b ? undefined : a;
}

const ifsOf = new WeakMap<Body, Map<number, Extract<Stmt, { k: 'if' }>>>();
function ifsByLine(body: Body): Map<number, Extract<Stmt, { k: 'if' }>> {
  let m = ifsOf.get(body);
  if (!m) {
    const out = new Map<number, Extract<Stmt, { k: 'if' }>>();
    const visit = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(visit);
      else if (x && typeof x === 'object') {
        const o = x as Stmt;
        if (o.k === 'if') {
          const line = body.docLine(o.loc.line);
          if (line !== undefined && !out.has(line)) out.set(line, o);
        }
        for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v);
      }
    };
    visit(body.fn.body);
    ifsOf.set(body, (m = out));
  }
  return m;
}

/** Every function a statement, a list of them or an expression calls by name, once each (kept per node). */
const calleesMemo = new WeakMap<object, readonly string[]>();
export function calleesOf(node: Stmt | readonly Stmt[] | Expr): readonly string[] {
  let out = calleesMemo.get(node);
  if (out) return out;
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as { k?: string; callee?: string };
      if (o.k === 'call' && typeof o.callee === 'string') names.add(o.callee.replace(/\s+/g, ''));
      Object.values(o).forEach(visit);
    }
  };
  visit(node);
  calleesMemo.set(node, (out = [...names]));
  return out;
}

function callsAny(s: Stmt, names: ReadonlySet<string>): boolean {
  return calleesOf(s).some((n) => names.has(n));
}

function exits(s: Stmt): boolean {
  if (s.k === 'return' || s.k === 'goto') return true;
  return s.k === 'block' && s.body.length > 0 && exits(s.body[s.body.length - 1]!);
}

/** Evaluates a condition; an undecidable one forks, the usual outcome (`usually`, else a guess from
 * its shape) on the primary path. */
function evalCond(e: Expr, env: SimEnv, p: Path, frame: Frame, usually?: boolean, cut = false): [Path, boolean][] {
  const out: [Path, boolean][] = [];
  for (const [q, v] of evalExpr(e, env, p, frame)) {
    const t = truthOf(v);
    if (t !== undefined) {
      const typeDep = v.k === 'bool' && v.typeDep;
      out.push([typeDep ? record(env, frame, q, `if (${e.text})`, q.state, e.loc.line, `type guard: ${t ? 'true' : 'false'} for ${env.type}`, [{ kind: 'type-decided', taken: t, ...(cut ? { cut } : {}) }]) : q, t]);
      continue;
    }
    const fork = docLine(frame, e.loc.line);
    const primaryTruth = usually ?? expectTrue(e);
    const tested = frame.depth === 0 ? nullTest(e) : undefined;
    const entryNull = (r: Path, truth: boolean): Path => (tested && tested.nullWhen === truth && !(tested.name in r.vars)
      ? { ...r, nullAtEntry: [...(r.nullAtEntry ?? []), tested.name] } : r);
    out.push([entryNull(q, primaryTruth), primaryTruth], [entryNull({ ...q, primary: false, forkLine: q.forkLine ?? fork }, !primaryTruth), !primaryTruth]);
  }
  return out;
}

/** The variable a condition tests against NULL and the outcome under which it is NULL: `x`, `!x`,
 * `x == NULL`, `x != NULL`, also inside likely()/unlikely() or parentheses. */
function nullTest(e: Expr): { readonly name: string; readonly nullWhen: boolean } | undefined {
  switch (e.k) {
    case 'ident':
      return { name: e.name, nullWhen: false };
    case 'unary': {
      const t = e.op === '!' ? nullTest(e.arg) : undefined;
      return t && { name: t.name, nullWhen: !t.nullWhen };
    }
    case 'binary':
      return (e.op === '==' || e.op === '!=') && e.left.k === 'ident' && /^(NULL|0)$/.test(e.right.text.trim()) ? { name: e.left.name, nullWhen: e.op === '==' } : undefined;
    case 'call':
      return (e.callee === 'likely' || e.callee === 'unlikely') && e.args.length === 1 ? nullTest(e.args[0]!) : undefined;
    case 'other':
      return e.parts.length === 1 && /^\(.*\)$/s.test(e.text.trim()) ? nullTest(e.parts[0]!) : undefined;
    default:
      return undefined;
  }
}

/** Whether an undecidable condition usually holds: a pointer or flag test (`if (page)`, `if (pages[i])`,
 * `if (p != NULL)`, `flags & FLAG`, `likely()`) or a positive count (`f(...) > 0`) does; error checks (`if (ret)`, `!x`, `IS_ERR()`, `unlikely()`, WARN) do not. */
function expectTrue(e: Expr): boolean {
  switch (e.k) {
    case 'ident':
      return !ERROR_VARIABLES.has(e.name);
    case 'field':
      return true;
    case 'other':
      return /^[\w>.-]+\[[^\]]+\]$/.test(e.text.replace(/\s+/g, '')) || (e.parts.length === 1 && expectTrue(e.parts[0]!));
    case 'binary':
      // `folio_batch_add(&fbatch, folio) > 0`: a count a call returns (room left, items found) is usually positive.
      if (e.op === '>' && e.right.text.trim() === '0' && e.left.k === 'call') return true;
      // `flags & FOLL_GET`: a flag test, like `if (page)`.
      if (e.op === '&') return true;
      return e.op === '!=' && /^(NULL|0)$/.test(e.right.text.trim()) && expectTrue(e.left);
    case 'call':
      return e.callee === 'likely';
    default:
      return false;
  }
}

// ---- expressions -----------------------------------------------------------------------------

const lvalueKeys = new WeakMap<Expr, string>();
function lvalueKey(e: Expr): string {
  let k = lvalueKeys.get(e);
  if (k === undefined) lvalueKeys.set(e, (k = `lvalue:${e.text.replace(/\s+/g, '')}`));
  return k;
}

/** What a name is whatever the path (a type constant, NULL, a fault code, a flag), else null; by name. */
const namedVals = new Map<string, Val | null>();
function namedVal(e: Extract<Expr, { k: 'ident' }>): Val | null {
  let v = namedVals.get(e.name);
  if (v === undefined) {
    const c = constVal(e);
    v = c.k !== 'unknown' ? c
      : e.name === 'NULL' || e.name === 'false' ? { k: 'num', v: 0 }
      : e.name === 'true' ? { k: 'num', v: 1 }
      : FAULT_FAILURES.has(e.name) ? { k: 'err', names: [e.name] }
      : FLAG_CONSTANT.test(e.name) ? { k: 'flags', set: [e.name] }
      : null;
    namedVals.set(e.name, v);
  }
  return v;
}

function evalExpr(e: Expr, env: SimEnv, p: Path, frame: Frame): Out {
  if (e.k === 'unary' || e.k === 'field' || e.k === 'other') {
    const stored = p.vars[lvalueKey(e)];
    if (stored) return [[p, stored]];
  }
  switch (e.k) {
    case 'number':
      return [[p, { k: 'num', v: e.value }]];
    case 'ident':
      return [[p, namedVal(e) ?? p.vars[e.name] ?? UNKNOWN]];
    case 'field': {
      const callback = pgmapCallbackField(e.path);
      return evalExpr(e.base, env, p, frame).flatMap(([q]): Out => {
        if (callback === undefined) return [[q, isPgmapTypeField(e.path) ? { k: 'type', t: env.decideAs ?? env.type } : UNKNOWN]];
        // A callback's presence is decided per type; an optional one is absent on the primary path.
        const has = PGMAP_CALLBACKS[callback]![env.decideAs ?? env.type];
        if (has !== 'maybe') return [[q, { k: 'bool', v: has === 'yes', typeDep: true }]];
        return [[q, { k: 'bool', v: false, typeDep: true }], [{ ...q, primary: false, forkLine: q.forkLine ?? docLine(frame, e.loc.line) }, { k: 'bool', v: true, typeDep: true }]];
      });
    }
    case 'unary':
      if (e.op === '-' && e.arg.k === 'ident' && ERRNO.test(e.arg.name)) return [[p, { k: 'err', names: [`-${e.arg.name}`] }]];
      return evalExpr(e.arg, env, p, frame).map(([q, v]) => [q, unary(e.op, v)]);
    case 'binary':
      return evalBinary(e, env, p, frame);
    case 'assign':
      return evalExpr(e.value, env, p, frame).map(([q0, v]) => {
        // A reference stored through a pointer or into a field (`*pgmap = get_dev_pagemap(...)`,
        // `ctx->pgmap = ...`) is the caller's to drop: the steps that took it say so.
        const q = e.op === '=' && e.target.k !== 'ident' ? handOff(p, q0, e.target.text) : q0;
        // `*pgmap = get_dev_pagemap(...)`, `vmf->page = ...`: remembered under the target's text.
        if (e.op === '=') return [{ ...q, vars: { ...q.vars, [e.target.k === 'ident' ? e.target.name : lvalueKey(e.target)]: v } }, v];
        // `gup_flags |= FOLL_PIN` on a known flag set adds to it; any other update of one forgets it.
        const old = e.target.k === 'ident' ? q.vars[e.target.name] : undefined;
        if (e.target.k === 'ident' && old?.k === 'flags') {
          const next = e.op === '|=' ? binary('|', old, v) : UNKNOWN;
          const vars = { ...q.vars };
          if (next.k === 'flags') vars[e.target.name] = next;
          else delete vars[e.target.name];
          return [{ ...q, vars }, next];
        }
        return [q, UNKNOWN];
      });
    case 'cond':
      return evalCond(e.test, env, p, frame).flatMap(([q, t]) => evalExpr(t ? e.then : e.else, env, q, frame));
    case 'call':
      return evalCall(e, env, p, frame);
    case 'other': {
      let outs: Out = [[p, UNKNOWN]];
      for (const part of e.parts) outs = outs.flatMap(([q]) => evalExpr(part, env, q, frame));
      return outs.map(([q]) => [q, UNKNOWN]);
    }
  }
}

/** `q` with the pgmap references taken since `p` marked as handed off to `to`. */
function handOff(p: Path, q: Path, to: string): Path {
  const mark = (s: StepList | null): StepList | null => {
    if (s === p.steps || !s) return s;
    const taken = s.step.events?.some((x) => x.kind === 'pgmap-get');
    const step = taken ? { ...s.step, events: [...s.step.events!, { kind: 'handed-off' as const, to: oneLine(to) }] } : s.step;
    return { step, prev: mark(s.prev) };
  };
  return q.steps === p.steps ? q : { ...q, steps: mark(q.steps) };
}

function unary(op: string, v: Val): Val {
  if (op === '!') {
    const t = truthOf(v);
    if (t !== undefined) return { k: 'bool', v: !t, typeDep: v.k === 'bool' && v.typeDep };
    return UNKNOWN;
  }
  if (op === '-' && v.k === 'num') return { k: 'num', v: -v.v };
  if (op === '(' || op === '') return v;
  return UNKNOWN;
}

function evalBinary(e: Extract<Expr, { k: 'binary' }>, env: SimEnv, p: Path, frame: Frame): Out {
  const out: Out = [];
  for (const [q, l] of evalExpr(e.left, env, p, frame)) {
    const lt = truthOf(l);
    const ltDep = l.k === 'bool' && !!l.typeDep;
    if ((e.op === '&&' && lt === false) || (e.op === '||' && lt === true)) {
      out.push([q, { k: 'bool', v: lt, typeDep: ltDep }]);
      continue;
    }
    for (const [r, rv] of evalExpr(e.right, env, q, frame)) out.push([r, binary(e.op, l, rv)]);
  }
  return out;
}

export function binary(op: string, l: Val, r: Val): Val {
  const lt = truthOf(l);
  const rt = truthOf(r);
  const dep = (l.k === 'bool' && !!l.typeDep) || (r.k === 'bool' && !!r.typeDep);
  if (op === '&&' || op === '||') {
    if (rt === undefined) return op === '&&' && lt === true ? r : op === '||' && lt === false ? r : UNKNOWN;
    if (op === '&&') return rt === false ? { k: 'bool', v: false, typeDep: dep } : lt === true ? { k: 'bool', v: true, typeDep: dep } : UNKNOWN;
    return rt === true ? { k: 'bool', v: true, typeDep: dep } : lt === false ? { k: 'bool', v: false, typeDep: dep } : UNKNOWN;
  }
  if (l.k === 'type' && r.k === 'type' && (op === '==' || op === '!=')) return { k: 'bool', v: (l.t === r.t) === (op === '=='), typeDep: true };
  if (l.k === 'flags' && r.k === 'flags') {
    if (op === '|') return { k: 'flags', set: [...new Set([...l.set, ...r.set])] };
    if (op === '&') return { k: 'bool', v: l.set.some((f) => r.set.includes(f)) };
  }
  if (l.k === 'num' && r.k === 'num') {
    const a = l.v, b = r.v;
    switch (op) {
      case '==': return { k: 'bool', v: a === b };
      case '!=': return { k: 'bool', v: a !== b };
      case '<': return { k: 'bool', v: a < b };
      case '>': return { k: 'bool', v: a > b };
      case '<=': return { k: 'bool', v: a <= b };
      case '>=': return { k: 'bool', v: a >= b };
      case '+': return { k: 'num', v: a + b };
      case '-': return { k: 'num', v: a - b };
      case '<<': return { k: 'num', v: a << b };
      default: return UNKNOWN;
    }
  }
  // A failed call's errno or a successful call's count / pointer against 0: `ret < 0`, `if (ret != 0)`, `!page`.
  if ((l.k === 'err' || l.k === 'nz') && r.k === 'num' && r.v === 0) {
    const neg = l.k === 'err';
    switch (op) {
      case '==': return { k: 'bool', v: false };
      case '!=': return { k: 'bool', v: true };
      case '<': case '<=': return { k: 'bool', v: neg };
      case '>': case '>=': return { k: 'bool', v: !neg };
    }
  }
  if (l.k === 'err' && r.k === 'err' && r.names.length === 1 && (op === '==' || op === '!=')) {
    const hit = l.names.includes(r.names[0]!);
    if (!hit || l.names.length === 1) return { k: 'bool', v: hit === (op === '==') };
  }
  return UNKNOWN;
}

// ---- calls -----------------------------------------------------------------------------------

function evalArgs(args: readonly Expr[], env: SimEnv, p: Path, frame: Frame): [Path, Val[]][] {
  // Most arguments have one outcome: one list, grown in place, until one forks.
  let q = p;
  const vs: Val[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const out = evalExpr(args[i]!, env, q, frame);
    if (out.length !== 1) {
      let outs = out.map(([r, v]): [Path, Val[]] => [r, [...vs, v]]);
      for (i++; i < args.length; i++) outs = outs.flatMap(([r0, ws]) => evalExpr(args[i]!, env, r0, frame).map(([r, v]): [Path, Val[]] => [r, [...ws, v]]));
      return outs;
    }
    q = out[0]![0];
    vs.push(out[0]![1]);
  }
  return [[q, vs]];
}

/** The callee without whitespace (lowering already strips it: the same string then, whose hash the
 * table lookups keep). */
function bareCallee(callee: string): string {
  return /\s/.test(callee) ? callee.replace(/\s+/g, '') : callee;
}

function evalCall(e: Extract<Expr, { k: 'call' }>, env: SimEnv, p: Path, frame: Frame): Out {
  const callee = bareCallee(e.callee);
  return evalArgs(e.args, env, p, frame).flatMap(([q, args]): Out => {
    // ERR_PTR(-E...) is the errno as a pointer.
    if (callee === ERROR_POINTER) return [[q, { k: 'err', names: args[0]?.k === 'err' ? args[0].names : [] }]];
    if (callee === GAP_CALL) return [[record(env, frame, q, 'code the input does not show', q.state, e.loc.line, undefined, [{ kind: 'gap' }]), UNKNOWN]];
    return callFunction(callee, e, args, env, q, frame);
  });
}

