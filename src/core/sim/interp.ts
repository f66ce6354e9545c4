// Path-sensitive interpreter of the C IR over the abstract page state of one pgmap type.
// Conditions on the pgmap type are decided; other conditions fork (the "primary" path is the one
// where undecidable conditions are false: error checks not taken). Loops run once; `return` and
// forward `goto` are real paths. Calls resolve to a body the patch provides, else to the API
// table's effect for (era, type). Every state change is a TraceStep.
import type { Era, PgmapType } from '../types';
import { PGMAP_TYPE_CONSTANTS } from '../types';
import type { Expr, FunctionIR, Stmt } from '../syntax/ir';
import type { ApiEntry, EraEffect, Role } from '../api/types';
import type { TraceStep } from '../report/types';
import { nrPages, pageState, stateChanged, type SimState } from './state';

/** A function body the patch provides, with the map from parsed-text lines to document lines. */
export interface Body {
  readonly fn: FunctionIR;
  readonly docLine: (textLine: number) => number | undefined;
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
  readonly budget: Budget;
  /** Scenario phase label written into steps. */
  phase: string;
}

export type Val =
  | { readonly k: 'bool'; readonly v: boolean; readonly typeDep?: boolean }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'type'; readonly t: PgmapType | string }
  // `staleHead`: a folio reached through the compound head of a stale former tail (another folio).
  | { readonly k: 'unknown'; readonly attempt?: Attempt; readonly staleHead?: boolean };

/** A call whose success is tested later: on the failure branch its effect is undone. */
interface Attempt {
  readonly callee: string;
  readonly before: SimState;
  readonly after: SimState;
  /** The value is truthy when the call succeeded (tryget) rather than when it failed (ret = insert()). */
  readonly truthySuccess: boolean;
}

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
}

export interface Frame {
  readonly name: string;
  readonly body?: Body;
  readonly depth: number;
  readonly stack: readonly string[];
}

type Out = [Path, Val][];
/** The note of a step where a WARN/BUG condition holds (warn-contradicts-state reads it). */
export const WARN_FIRES = 'WARN fires on this path';
/** The note of a raw count store that lands on another folio (unsafe-set-page-count reads it). */
export const STALE_HEAD_STORE = 'the store goes through a stale compound head: it lands on the head of an earlier folio, not on this page';
/** The note of a step where a page reaches its free path under a mapping that holds a reference. */
export const FREED_UNDER_MAPPING = 'the page is freed while a mapping that holds its reference remains';
const UNKNOWN: Val = { k: 'unknown' };

export function startPath(state: SimState): Path {
  return { state, steps: null, status: 'normal', vars: {}, primary: true };
}

export function stepsOf(p: Path): TraceStep[] {
  const out: TraceStep[] = [];
  for (let s = p.steps; s; s = s.prev) out.push(s.step);
  return out.reverse();
}

// ---- steps ----------------------------------------------------------------------------------

function docLine(frame: Frame, line: number | undefined): number | undefined {
  return line === undefined || !frame.body ? undefined : frame.body.docLine(line);
}

/** Records a step (state change or noted decision) and returns the new path. */
export function record(env: SimEnv, frame: Frame, p: Path, statement: string, next: SimState, textLine?: number, note?: string): Path {
  env.budget.steps++;
  if (!stateChanged(p.state, next) && note === undefined) return p;
  const step: TraceStep = {
    statement: oneLine(statement), function: frame.name, line: docLine(frame, textLine), phase: env.phase,
    types: [env.type], before: pageState(p.state), after: pageState(next), ...(note ? { note } : {}),
  };
  return { ...p, state: next, steps: { step, prev: p.steps } };
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 160 ? t.slice(0, 157) + '...' : t;
}

// ---- statements -----------------------------------------------------------------------------

export function execFunction(body: Body, env: SimEnv, caller: Path, depth: number, stack: readonly string[] = [], args: readonly Val[] = []): Path[] {
  const frame: Frame = { name: body.fn.name, body, depth, stack: [...stack, body.fn.name] };
  // Known argument values (a number, a decided truth) are bound to their parameters.
  const vars: Record<string, Val> = {};
  body.fn.params.forEach((name, i) => {
    const v = args[i];
    if (name && v && v.k !== 'unknown') vars[name] = v;
  });
  const entry: Path = { ...caller, vars, status: 'normal' };
  const out = execStmts([body.fn.body], env, [entry], frame);
  return out.map((p) => ({ ...p, status: 'normal', vars: caller.vars }));
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
      if (p.status === 'normal') next.push(...execStmt(stmt, env, p, frame));
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
  const seen = new Set<string>();
  return paths.filter((p) => {
    if (p.primary) return true;
    const key = `${p.status}|${p.ret ?? ''}|${p.forkLine ?? ''}|${JSON.stringify(p.state)}|${JSON.stringify(p.vars)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
      // A guard clause (`if (...) return / goto`) usually does not fire: its branch is the odd path.
      for (const [q, truth] of evalCond(stmt.cond, env, p, frame, exits(stmt.then) ? false : undefined)) {
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
      if (!stmt.value) return [{ ...p, status: 'return' }];
      const text = stmt.value.text;
      return evalExpr(stmt.value, env, p, frame).map(([q, v]) => ({ ...q, status: 'return', ret: text, retVal: v }));
    }
    case 'goto':
      return [{ ...p, status: `goto:${stmt.label}` }];
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
  for (const [q, subject] of evalExpr(stmt.subject, env, p, frame)) {
    const starts: number[] = [];
    if (subject.k === 'type' || subject.k === 'num') {
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
      if (subject.k === 'type') {
        r = record(env, frame, r, `switch (${stmt.subject.text}) -> ${c.isDefault ? 'default' : 'case ' + c.labels.map((l) => l.text).join(', ')}`, r.state, c.loc.line, `type guard: taken for ${env.type}`);
      }
      let paths = [r];
      for (let i = start; i < stmt.cases.length && paths.some((x) => x.status === 'normal'); i++) paths = execStmts(stmt.cases[i]!.body, env, paths, frame);
      for (const s of paths) out.push(s.status === 'break' ? { ...s, status: 'normal' } : s);
    }
  }
  return out;
}

function constVal(e: Expr): Val {
  if (e.k === 'ident' && PGMAP_TYPE_CONSTANTS[e.name]) return { k: 'type', t: PGMAP_TYPE_CONSTANTS[e.name] };
  if (e.k === 'ident' && e.name.startsWith('MEMORY_DEVICE_')) return { k: 'type', t: e.name };
  if (e.k === 'number') return { k: 'num', v: e.value };
  return UNKNOWN;
}

function sameVal(a: Val, b: Val): boolean {
  return (a.k === 'type' && b.k === 'type' && a.t === b.t) || (a.k === 'num' && b.k === 'num' && a.v === b.v);
}

// ---- conditions ------------------------------------------------------------------------------

function truthOf(v: Val): boolean | undefined {
  if (v.k === 'bool') return v.v;
  if (v.k === 'num') return v.v !== 0;
  return undefined;
}

function exits(s: Stmt): boolean {
  if (s.k === 'return' || s.k === 'goto') return true;
  return s.k === 'block' && s.body.length > 0 && exits(s.body[s.body.length - 1]!);
}

/** Evaluates a condition; an undecidable one forks, the usual outcome (`usually`, else a guess from
 * its shape) on the primary path. */
function evalCond(e: Expr, env: SimEnv, p: Path, frame: Frame, usually?: boolean): [Path, boolean][] {
  const out: [Path, boolean][] = [];
  for (const [q, v] of evalExpr(e, env, p, frame)) {
    const t = truthOf(v);
    if (t !== undefined) {
      const typeDep = v.k === 'bool' && v.typeDep;
      out.push([typeDep ? record(env, frame, q, `if (${e.text})`, q.state, e.loc.line, `type guard: ${t ? 'true' : 'false'} for ${env.type}`) : q, t]);
      continue;
    }
    const fork = docLine(frame, e.loc.line);
    const off = (r: Path): Path => ({ ...r, primary: false, forkLine: r.forkLine ?? fork });
    const attempt = v.k === 'unknown' ? v.attempt : undefined;
    const undo = (r: Path): Path =>
      attempt && r.state === attempt.after
        ? record(env, frame, r, `${attempt.callee}() fails`, attempt.before, e.loc.line, 'failure branch: the call had no effect')
        : r;
    // The primary path: an attempted call succeeds; otherwise the condition's usual outcome.
    const primaryTruth = attempt ? attempt.truthySuccess : (usually ?? expectTrue(e));
    for (const truth of [primaryTruth, !primaryTruth]) {
      let r = attempt && truth !== attempt.truthySuccess ? undo(q) : q;
      if (truth !== primaryTruth) r = off(r);
      out.push([r, truth]);
    }
  }
  return out;
}

/** Whether an undecidable condition usually holds: a pointer or flag test (`if (page)`, `if (pages[i])`,
 * `if (p != NULL)`, `flags & FLAG`, `likely()`) or a positive count (`f(...) > 0`) does; error checks (`if (ret)`, `!x`, `IS_ERR()`, `unlikely()`, WARN) do not. */
function expectTrue(e: Expr): boolean {
  switch (e.k) {
    case 'ident':
      return !/^(ret|rc|err|error|r|res|rv)$/.test(e.name);
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

const WARN_RE = /^(WARN|WARN_ON|WARN_ON_ONCE|WARN_ONCE|BUG_ON|VM_BUG_ON|VM_WARN_ON|VM_WARN_ON_ONCE|VM_BUG_ON_PAGE|VM_BUG_ON_FOLIO|VM_WARN_ON_PAGE|VM_WARN_ON_FOLIO|VM_WARN_ON_ONCE_PAGE|VM_WARN_ON_ONCE_FOLIO|VM_WARN_ONCE)$/;

/** WARN conditions the model judges: on the refcount and mapcount, and on the folio's shape (large folios). */
const REFCOUNT_TEXT = /ref_count|refcount|page_count|_refcount|folio_ref|mapcount|folio_test_large|PageCompound|folio_order/;

function isTypeField(e: Expr): boolean {
  return e.k === 'field' && /(^|[^a-z_])type$/.test(e.path) && /pgmap/.test(e.path);
}

function lvalueKey(e: Expr): string {
  return `lvalue:${e.text.replace(/\s+/g, '')}`;
}

function evalExpr(e: Expr, env: SimEnv, p: Path, frame: Frame): Out {
  if (e.k === 'unary' || e.k === 'field' || e.k === 'other') {
    const stored = p.vars[lvalueKey(e)];
    if (stored) return [[p, stored]];
  }
  switch (e.k) {
    case 'number':
      return [[p, { k: 'num', v: e.value }]];
    case 'ident': {
      const c = constVal(e);
      if (c.k !== 'unknown') return [[p, c]];
      if (e.name === 'NULL' || e.name === 'false') return [[p, { k: 'num', v: 0 }]];
      if (e.name === 'true') return [[p, { k: 'num', v: 1 }]];
      return [[p, p.vars[e.name] ?? UNKNOWN]];
    }
    case 'field':
      return evalExpr(e.base, env, p, frame).map(([q]) => [q, isTypeField(e) ? { k: 'type', t: env.type } : UNKNOWN]);
    case 'unary':
      return evalExpr(e.arg, env, p, frame).map(([q, v]) => [q, unary(e.op, v)]);
    case 'binary':
      return evalBinary(e, env, p, frame);
    case 'assign':
      return evalExpr(e.value, env, p, frame).map(([q, v]) => {
        // `*pgmap = get_dev_pagemap(...)`, `vmf->page = ...`: remembered under the target's text.
        if (e.op === '=') return [{ ...q, vars: { ...q.vars, [e.target.k === 'ident' ? e.target.name : lvalueKey(e.target)]: v } }, v];
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

function unary(op: string, v: Val): Val {
  if (op === '!') {
    const t = truthOf(v);
    if (t !== undefined) return { k: 'bool', v: !t, typeDep: v.k === 'bool' && v.typeDep };
    if (v.k === 'unknown' && v.attempt) return { k: 'unknown', attempt: { ...v.attempt, truthySuccess: !v.attempt.truthySuccess } };
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

function binary(op: string, l: Val, r: Val): Val {
  const lt = truthOf(l);
  const rt = truthOf(r);
  const dep = (l.k === 'bool' && !!l.typeDep) || (r.k === 'bool' && !!r.typeDep);
  if (op === '&&' || op === '||') {
    if (rt === undefined) return op === '&&' && lt === true ? r : op === '||' && lt === false ? r : UNKNOWN;
    if (op === '&&') return rt === false ? { k: 'bool', v: false, typeDep: dep } : lt === true ? { k: 'bool', v: true, typeDep: dep } : UNKNOWN;
    return rt === true ? { k: 'bool', v: true, typeDep: dep } : lt === false ? { k: 'bool', v: false, typeDep: dep } : UNKNOWN;
  }
  if (l.k === 'type' && r.k === 'type' && (op === '==' || op === '!=')) return { k: 'bool', v: (l.t === r.t) === (op === '=='), typeDep: true };
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
  // `ret < 0`, `ret != 0`, `x == NULL` on the result of an attempted call.
  const att = l.k === 'unknown' ? l.attempt : undefined;
  if (att && r.k === 'num' && r.v === 0) {
    if (op === '!=' || op === '<') return { k: 'unknown', attempt: att };
    if (op === '==') return { k: 'unknown', attempt: { ...att, truthySuccess: !att.truthySuccess } };
  }
  return UNKNOWN;
}

// ---- calls -----------------------------------------------------------------------------------

function evalArgs(args: readonly Expr[], env: SimEnv, p: Path, frame: Frame): [Path, Val[]][] {
  let outs: [Path, Val[]][] = [[p, []]];
  for (const a of args) outs = outs.flatMap(([q, vs]) => evalExpr(a, env, q, frame).map(([r, v]): [Path, Val[]] => [r, [...vs, v]]));
  return outs;
}

function bareCallee(callee: string): string {
  return callee.replace(/\s+/g, '');
}

function evalCall(e: Extract<Expr, { k: 'call' }>, env: SimEnv, p: Path, frame: Frame): Out {
  const callee = bareCallee(e.callee);
  return evalArgs(e.args, env, p, frame).flatMap(([q, args]) => callFunction(callee, e, args, env, q, frame));
}

/** Calls `name` (a call expression in a body, or a scenario action). */
function callFunction(name: string, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): Out {
  const line = e.loc.line;
  if (/(->|\.)(page|folio)_free$/.test(name)) return pageFreeCallback(env, frame, p, e.text, line);
  if (WARN_RE.test(name)) {
    // Only conditions on the page's refcount are the model's business (WARN_ON(1) is an unreachable marker).
    const v = args[0] ?? UNKNOWN;
    if (truthOf(v) === true && REFCOUNT_TEXT.test(e.args[0]?.text ?? '')) {
      const next = { ...p.state, warns: [...p.state.warns, e.text] };
      return [[record(env, frame, p, e.text, next, line, WARN_FIRES), v]];
    }
    return [[p, v]];
  }
  // Branch hints are their argument (a tryget inside unlikely() is still an attempt the branch tests).
  if (name === 'likely' || name === 'unlikely') return [[p, args[0] ?? UNKNOWN]];
  if (env.absent?.has(name)) return [[record(env, frame, p, e.text, p.state, line, `${name}() does not exist on this side of the patch`), UNKNOWN]];
  const body = env.bodies.get(name);
  if (body && frame.depth < env.budget.maxDepth && !frame.stack.includes(name)) {
    return execFunction(body, env, p, frame.depth + 1, frame.stack, args).map((q) => [{ ...q, retVal: undefined }, q.retVal ?? UNKNOWN]);
  }
  const entry = env.api.entry(name);
  if (!entry) return [[p, UNKNOWN]];
  if (!entry.exists.includes(env.era)) {
    return [[record(env, frame, p, e.text, p.state, line, `${name} does not exist in ${env.era}`), UNKNOWN]];
  }
  const eff = env.api.effect(entry, env.era, env.type);
  if (!eff) return [[p, UNKNOWN]];
  return applyEffect(entry, withCallKey(eff, e), e.text, args, env, p, frame, line);
}

/** pgmap->ops->page_free(): the driver takes the page back (P2PDMA's callback also drops the mmap's pgmap ref). */
function pageFreeCallback(env: SimEnv, frame: Frame, p: Path, text: string, line: number | undefined): Out {
  const own = env.api.withRole('page-free-callback', env.era).filter((name) => {
    const entry = env.api.entry(name);
    return !!(entry && env.api.effect(entry, env.era, env.type));
  });
  // The type's own callback is one this side of the patch does not define: its pgmap has no ->page_free.
  if (own.some((name) => env.absent?.has(name))) return [[record(env, frame, p, text, p.state, line, `no ->page_free for ${env.type} pages on this side of the patch`), UNKNOWN]];
  const next = { ...p.state, pageFreeCalls: p.state.pageFreeCalls + 1 };
  let q = record(env, frame, p, text, next, line, 'pgmap->ops->page_free(): the page goes back to its driver');
  for (const name of own) {
    const entry = env.api.entry(name);
    const eff = entry && env.api.effect(entry, env.era, env.type);
    if (entry && eff?.pgmap === 'put') {
      q = record(env, { ...frame, body: undefined }, q, `${name}(page) [table ${env.era}]`, { ...q.state, pgmapRefs: q.state.pgmapRefs - 1 }, undefined, eff.note);
    }
  }
  return [[q, UNKNOWN]];
}

/** wake_up_var(key) / wait_var_event(key, cond): the key and idle count as written in the call. */
function withCallKey(eff: EraEffect, e: Extract<Expr, { k: 'call' }>): EraEffect {
  if (!eff.idle || !/wake_up_var|wait_var_event/.test(e.callee) || e.args.length === 0) return eff;
  const key = /_refcount/.test(e.args[0]!.text) ? 'refcount' : 'page';
  const m = e.args[1] ? /==\s*([01])\b/.exec(e.args[1].text) : null;
  const count = m ? (Number(m[1]) as 0 | 1) : /is_idle/.test(e.args[1]?.text ?? '') ? 0 : eff.idle.count;
  return { ...eff, idle: { key, count } };
}

export function freePathAtZero(env: SimEnv, frame: Frame, p: Path): Path[] {
  return freePath(env, frame, p).map(([q]) => q);
}

function argNum(v: Val | undefined): number | undefined {
  return v && v.k === 'num' ? v.v : undefined;
}

function hasContent(eff: EraEffect): boolean {
  return !!(eff.refcount || eff.pgmap || eff.pageFreeCallback || eff.idle || eff.mapcount || eff.pageTable);
}

function applyEffect(entry: ApiEntry, eff: EraEffect, text: string, args: readonly Val[], env: SimEnv, p: Path, frame: Frame, line: number | undefined): Out {
  const s = p.state;
  let next: SimState = s;
  let val: Val = UNKNOWN;
  const note = `[table ${env.era}] ${eff.note}`;
  if (eff.trueFor) val = { k: 'bool', v: eff.trueFor.includes(env.type), typeDep: true };
  if (eff.trueForEntry) val = { k: 'bool', v: eff.trueForEntry.includes(s.mapping) && (!eff.trueFor || eff.trueFor.includes(env.type)) };
  if (eff.folioQuery === 'large') val = { k: 'bool', v: !!s.compound };
  if (eff.folioQuery === 'nr-pages') val = { k: 'num', v: nrPages(s) };
  if (eff.folioQuery === 'order') val = { k: 'num', v: s.compound ? (s.order ?? 0) : 0 };
  if (eff.folioQuery === 'entry-order') val = { k: 'num', v: s.order ?? 0 };
  if (eff.folioQuery === 'head' && s.staleHead) val = { k: 'unknown', staleHead: true };
  if (eff.clearsStaleHead && s.staleHead) next = { ...next, staleHead: false };
  if (eff.orderArg) {
    const order = argNum(args[args.length - 1]) ?? s.order ?? 0;
    next = { ...next, order, ...(eff.compound === 'prep' ? { compound: order > 0 } : {}) };
  } else if (eff.compound === 'prep') next = { ...next, compound: (s.order ?? 0) > 0 };
  if (eff.compound === 'split') next = { ...next, compound: false };
  // put_devmap_managed_*(): true when it handled the page (the caller then skips its own put).
  if (entry.roles.includes('devmap-hook')) val = { k: 'bool', v: !!eff.refcount, typeDep: true };
  let tail: ((q: Path) => Out) | undefined;
  const rc = eff.refcount;
  if (rc) {
    const amount = 'amount' in rc && rc.amount !== undefined ? (rc.amount === 'arg' ? (argNum(args[1]) ?? 1) : rc.amount) : 1;
    switch (rc.op) {
      case 'set': {
        // Through page_folio() of a stale former tail the store lands on the earlier folio's head.
        if (args[0]?.k === 'unknown' && args[0].staleHead) {
          return [[record(env, frame, p, text, s, line, STALE_HEAD_STORE), UNKNOWN]];
        }
        const v = rc.value === 'arg' ? argNum(args[1]) : rc.value;
        next = { ...next, refcount: v ?? null };
        break;
      }
      case 'inc':
        if (s.refcount === 0 && !entry.roles.includes('raw-count')) next = { ...next, warns: [...next.warns, `${entry.name}() on a page at refcount 0`] };
        next = { ...next, refcount: s.refcount === null ? null : s.refcount + amount };
        break;
      case 'inc-unless-zero': {
        const unless = rc.unless === 'arg3' ? argNum(args[2]) : (rc.unless ?? 0);
        if (s.refcount === null || unless === undefined) val = UNKNOWN;
        else if (s.refcount === unless) val = { k: 'bool', v: false };
        else {
          next = { ...next, refcount: s.refcount + amount };
          val = { k: 'bool', v: true };
        }
        break;
      }
      case 'dec': {
        const r = s.refcount === null ? null : s.refcount - amount;
        next = { ...next, refcount: r === null ? null : Math.max(r, 0), underflow: next.underflow || (r !== null && r < 0) };
        if (r !== null) val = rc.zeroTest ? { k: 'bool', v: r === 0 } : { k: 'num', v: r };
        if (r !== null && eff.freeAt !== undefined && r === eff.freeAt) tail = (q) => freeAction(entry, eff, env, frame, q, line);
        break;
      }
      case 'pin':
        // GUP grabs only a referenced page: at 0 the grab (try_grab_folio(); try_grab_page() and
        // try_get_page() before v6.2) hits WARN_ON_ONCE(ref_count <= 0) and fails, so nothing is taken.
        if (s.refcount === 0) {
          const warn = `${oneLine(text)} -> try_grab_folio(): WARN_ON_ONCE(folio_ref_count(folio) <= 0)`;
          const q = record(env, frame, p, warn, { ...s, warns: [...s.warns, warn] }, line, `${WARN_FIRES}: the grab fails (-ENOMEM), nothing is taken or pinned`);
          // The grabs return a count, an int or a pointer: rather than a value each caller reads its
          // own way, a patched body takes its error path here (returns -ENOMEM); the scenario goes on.
          return [[frame.body ? { ...q, status: 'return', ret: '-ENOMEM', retVal: { k: 'num', v: -12 } } : q, UNKNOWN]];
        }
        next = { ...next, refcount: s.refcount === null ? null : s.refcount + 1, pinned: s.pinned + 1 };
        break;
      case 'read':
        if (s.refcount !== null) val = { k: 'num', v: s.refcount };
        break;
      case 'handover':
        if (s.refcount === 0) {
          next = { ...next, refcount: 1, warns: [...next.warns, `${entry.name}(): the mapping's get on a page at refcount 0`] };
          tail = (q) => putPage(env, frame, q, `${text}: the caller's put_page()`, line, false, 1);
        }
        break;
      case 'put':
        if (entry.roles.includes('gup') && next.pinned > 0) next = { ...next, pinned: next.pinned - 1 };
        tail = (q) => putPage(env, frame, q, text, line, eff.devmapHook === true || (entry.roles.includes('unmap') && devmapHookOfPut(env)), amount);
        break;
    }
  }
  if (eff.pgmapHeld) next = { ...next, pgmapHeld: true };
  if (eff.mapcount) next = { ...next, mapcount: eff.mapcount === 'inc' ? next.mapcount + 1 : eff.mapcount === 'dec' ? next.mapcount - 1 : 0 };
  const pgCount = eff.pgmapCount === undefined ? 1
    : eff.pgmapCount === 'nr-pages' ? nrPages(s)
    : eff.pgmapCount === 'order-pages' ? 1 << (next.order ?? 0)
    : eff.pgmapCount === 'arg' ? (argNum(args[1]) ?? 1) : eff.pgmapCount;
  if (eff.pgmap === 'get') {
    if (s.tornDown && /tryget|get_dev_pagemap|page_init/.test(entry.name)) val = { k: 'bool', v: false };
    else {
      next = { ...next, pgmapRefs: next.pgmapRefs + pgCount };
      if (/try|get_dev_pagemap/.test(entry.name)) val = { k: 'unknown', attempt: { callee: entry.name, before: s, after: next, truthySuccess: true } };
    }
  } else if (eff.pgmap === 'put') next = { ...next, pgmapRefs: next.pgmapRefs - pgCount };
  // E0: the per-page pgmap ref of memremap_pages() belongs to the page (its final put drops it);
  // from E1 memunmap_pages() drops those refs itself, so they are not the page's.
  else if (eff.pgmap === 'static-per-page' && env.era === 'E0') next = { ...next, pgmapRefs: next.pgmapRefs + 1, ownsStaticRef: true };
  if (eff.idle && entry.roles.includes('fsdax-idle-wait')) next = { ...next, waits: [...next.waits, { key: eff.idle.key, count: eff.idle.count }] };
  else if (eff.idle && entry.roles.includes('fsdax-wake') && rc?.op !== 'dec') next = { ...next, wakes: [...next.wakes, { key: eff.idle.key, count: next.refcount }] };
  const pt = eff.pageTable;
  // Removing the user mappings of a page that has none does nothing.
  if (pt && 'remove' in pt && s.mapping === 'none') return [[record(env, frame, p, text, s, line, `${note} (the page is not mapped)`), val]];
  if (pt && 'insert' in pt) {
    next = { ...next, mapping: pt.insert, mappingHoldsRef: pt.holdsRef, inUse: true };
    if (/insert/.test(entry.name) && !entry.name.startsWith('vmf_')) val = { k: 'unknown', attempt: { callee: entry.name, before: s, after: next, truthySuccess: false } };
  } else if (pt && 'remove' in pt) {
    const held = s.mappingHoldsRef;
    // Other device-private entries of the page (a fork's child's, E5 PMDs) stay: the kind goes only
    // with the last mapcount. (Present entries keep the one-mapping reading: placed bodies of insert
    // helpers would otherwise count a P2PDMA or DAX mapping twice.)
    const othersRemain = s.mapping === 'swap-entry' && ((eff.mapcount === 'dec' && next.mapcount > 0) || (pt.callerPuts === true && s.mapcount > 1));
    if (!othersRemain) next = { ...next, mapping: 'none', mappingHoldsRef: false };
    if ((!rc || rc.op === 'read') && held && !pt.callerPuts) tail = (q) => putPage(env, frame, q, `${text}: drop the mapping's reference`, line, devmapHookOfPut(env), 1);
  }
  if (eff.pgmap === 'kill-wait') next = teardown(next, rc?.op === 'put');
  // A helper that changes nothing (page_folio(), folio_test_large()) leaves no step: it only gives a value.
  if (entry.helper && !tail && !stateChanged(s, next)) return [[p, val]];
  const q = record(env, frame, p, text, next, line, note);
  const outs: Out = tail ? tail(q).map(([r]) => [r, val]) : [[q, val]];
  if (!eff.pageFreeCallback || (rc?.op === 'dec' && eff.freeAt !== undefined)) return outs;
  return outs.flatMap(([r]) => pageFreeCallback(env, frame, r, `pgmap->ops->page_free(page) [table ${env.era}]`, line).map(([t]): [Path, Val] => [t, val]));
}

/** memunmap_pages(): kill the pgmap ref, drop the static per-page refs, wait for the rest. */
function teardown(s: SimState, putsPages: boolean): SimState {
  // E0 drops the per-page refs by put_page() on every pfn (the put itself follows): a page still
  // referenced after that put keeps its pgmap ref, and teardown waits for it.
  const waited = putsPages ? s.refcount !== null && s.refcount > 1 : s.pgmapRefs > 0;
  return { ...s, tornDown: true, teardownWaited: waited };
}

function devmapHookOfPut(env: SimEnv): boolean {
  const put = env.api.entry('put_page');
  return !!(put && env.api.effect(put, env.era, env.type)?.devmapHook);
}

/** put_page / folio_put semantics: the devmap hook first when asked, else -n and the free path at 0. */
function putPage(env: SimEnv, frame: Frame, p: Path, text: string, line: number | undefined, viaHook: boolean, amount = 1): Out {
  if (viaHook) {
    const hooks = env.api.withRole('devmap-hook', env.era);
    const patched = hooks.map((h) => env.bodies.get(h)).find((b) => b !== undefined);
    if (patched && frame.depth < env.budget.maxDepth && !frame.stack.includes(patched.fn.name)) {
      return execFunction(patched, env, p, frame.depth + 1, frame.stack).map((q) => [q, UNKNOWN]);
    }
    for (const h of hooks) {
      const entry = env.api.entry(h);
      const eff = entry && env.api.effect(entry, env.era, env.type);
      if (entry && eff?.refcount) return applyEffect(entry, eff, `${h}(page) [table ${env.era}]`, [], env, p, frame, line);
    }
  }
  const s = p.state;
  if (s.refcount === null) return [[p, UNKNOWN]];
  const r = s.refcount - amount;
  const next = { ...s, refcount: Math.max(r, 0), underflow: s.underflow || r < 0 };
  const q = record(env, frame, p, text, next, line, r < 0 ? 'put on a page already at refcount 0: underflow' : undefined);
  return r === 0 ? freePath(env, frame, q) : [[q, UNKNOWN]];
}

/** The devmap hook's action at its free count: ->page_free (E0 PRIVATE) or the idle wakeup (FS_DAX). */
function freeAction(entry: ApiEntry, eff: EraEffect, env: SimEnv, frame: Frame, p: Path, line: number | undefined): Out {
  let q = p;
  if (eff.idle) q = record(env, frame, q, `${entry.name}: wake_up_var() [table ${env.era}]`, { ...q.state, wakes: [...q.state.wakes, { key: eff.idle.key, count: q.state.refcount }] }, line, `idle at ${eff.idle.count}: waiters are woken`);
  if (eff.pageFreeCallback) {
    q = { ...q, state: { ...q.state, freed: q.state.freed + 1, inUse: false } };
    return pageFreeCallback(env, frame, q, `pgmap->ops->page_free(page) [table ${env.era}]`, line);
  }
  return [[q, UNKNOWN]];
}

/** The free path for this era: the patch's body of a free-path function, else the table's. */
function freePath(env: SimEnv, frame: Frame, p: Path): Out {
  const names = env.api.withRole('free-path', env.era);
  // A mapping that holds a reference cannot outlive its page's last reference: one still there is freed
  // under (its reference is gone), and stays, so that its removal shows. Others end with the page.
  const under = p.state.mappingHoldsRef && p.state.mapping !== 'none';
  const freed: Path = { ...p, state: { ...p.state, freed: p.state.freed + 1, inUse: false, ...(under ? {} : { mapping: 'none' as const, mappingHoldsRef: false }) } };
  const start = under ? record(env, frame, freed, `free path under a live ${p.state.mapping} mapping`, freed.state, undefined, FREED_UNDER_MAPPING) : freed;
  const patched = names.map((n) => env.bodies.get(n)).find((b) => b !== undefined);
  if (patched && frame.depth < env.budget.maxDepth && !frame.stack.includes(patched.fn.name)) {
    const entered = record(env, frame, start, `${patched.fn.name}(page)`, start.state, undefined, 'free path: the patched body runs');
    return execFunction(patched, env, entered, frame.depth + 1, frame.stack).map((q) => [q, UNKNOWN]);
  }
  for (const n of names) {
    const entry = env.api.entry(n);
    const eff = entry && env.api.effect(entry, env.era, env.type);
    if (entry && eff && hasContent(eff)) return applyEffect(entry, eff, `${n}(page) [table ${env.era}]`, [], env, start, frame, undefined);
  }
  return [[record(env, frame, start, 'free path', start.state, undefined, `no free path known for ${env.type} in ${env.era}`), UNKNOWN]];
}
