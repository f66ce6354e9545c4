// Every path of one function body, with its arguments bound: how each path leaves (a return, a goto to
// a label the input does not show, or the end of what it shows), whether that is a failure, and the
// state and typed trace from entry to exit. Rules read these for every changed function; the model
// calls `runFunctionPaths` once per function, side and type.
import type { Era, PgmapType } from '../types';
import type { FunctionIR, Stmt } from '../syntax/ir';
import type { TraceStep } from '../report/types';
import { INITIAL_STATE, type SimState } from './state';
import { newLookups, signatureId, tracked, type RunMemo } from './memo';
import { aboveSeed } from './kernel';
import { calleesOf, execStmts, newBudget, startPath, stepsOf, type ApiView, type Bodies, type Body, type Budget, type Frame, type Names, type Path, type Val } from './interp';

/** How a path leaves the function. */
export interface PathExit {
  /** 'return'; 'goto': to a label the input does not show (an error exit beyond the hunk); 'end': off
   * the end of the body (or of what a fragment shows of it). */
  readonly kind: 'return' | 'goto' | 'end';
  /** It returns a failure value (a negative errno, NULL, ...) or leaves by a goto beyond the input. */
  readonly failure: boolean;
  /** The returned expression, or the goto's label. */
  readonly text?: string;
  /** Document line of the return or goto, when the input shows it. */
  readonly line?: number;
}

export interface FunctionPath {
  readonly function: string;
  /** The input shows the function from its start (its definition), not only statements of it. */
  readonly fromStart: boolean;
  readonly type: PgmapType;
  /** Every undecidable condition took its usual outcome and every fallible call succeeded. */
  readonly primary: boolean;
  readonly exit: PathExit;
  readonly start: SimState;
  readonly end: SimState;
  readonly steps: readonly TraceStep[];
  /** Document line where the path left the primary one (a branch, or a call that failed). */
  readonly forkLine?: number;
  /** Variables the path found NULL before assigning them: NULL where the input starts. */
  readonly nullAtEntry?: readonly string[];
}

export interface PathsInput {
  readonly era: Era;
  readonly type: PgmapType;
  readonly api: ApiView;
  /** Bodies calls resolve to (the world's functions); the table otherwise. */
  readonly bodies: Bodies;
  /** Functions this world does not have. */
  readonly absent?: Names;
  /** Values bound to parameters (by name); unbound parameters are unknown. */
  readonly args?: Readonly<Record<string, Val>>;
  /** The page's state at entry; by default a page in use, referenced elsewhere (its count far from 0,
   * so that a path's puts and gets show as a difference rather than running the free path). */
  readonly start?: SimState;
  readonly budget?: Budget;
  /** Where runs are remembered across inputs (used when `args`, `start` and `budget` are the defaults). */
  readonly memo?: RunMemo;
}

export interface PathsResult {
  readonly paths: readonly FunctionPath[];
  readonly truncated?: string;
}

/** Callees of a body, kept per function (asked for each type and side). */
/** Every function a body calls by name, once each. */
export function callees(fn: FunctionIR): readonly string[] {
  return calleesOf(fn.body);
}

/** Whether a path of `body` can take or drop a pgmap reference in `era`: the table says the function
 * holds one while it runs and puts it before it returns, or it calls a table function with a pgmap effect there, or a body of the
 * world that does (as deep as the simulator follows calls). Bodies that cannot are not worth running. */
export function movesPgmapRefs(body: Body, era: Era, api: ApiView, bodies: Bodies, depth = newBudget().maxDepth, seen = new Set<string>()): boolean {
  const own = api.entry(body.fn.name);
  if (own?.pgmapBalanced && own.effects.some((f) => f.pgmapHeld && f.eras.includes(era))) return true;
  if (own?.pgmapConsumes && own.exists.includes(era)) return true;
  seen.add(body.fn.name);
  return callees(body.fn).some((n) => {
    const e = api.entry(n);
    if (e && e.effects.some((f) => f.pgmap !== undefined && f.eras.includes(era))) return true;
    const b = depth > 0 && !seen.has(n) ? bodies.get(n) : undefined;
    return !!b && movesPgmapRefs(b, era, api, bodies, depth - 1, seen);
  });
}

/** A page in use whose count no path of one function takes to 0. */
export const REFERENCED_PAGE: SimState = { ...INITIAL_STATE, refcount: 1 << 10, inUse: true };

/** Runs every path of `body` in one world, for one type. */
export function runFunctionPaths(body: Body, input: PathsInput): PathsResult {
  const memo = input.memo && !input.args && !input.start && !input.budget ? input.memo : undefined;
  if (!memo) return runPaths(body, input, input);
  const key = `${signatureId(body)}|${input.era}|${input.type}`;
  const known = memo.paths.find(input.api, key, input);
  if (known) return known.value;
  const lookups = newLookups();
  const result = runPaths(body, input, tracked(input, lookups));
  memo.paths.keep(input.api, key, lookups, result);
  return result;
}

function runPaths(body: Body, input: PathsInput, seen: { readonly bodies: Bodies; readonly absent?: Names }): PathsResult {
  const budget = input.budget ?? newBudget();
  const env = { era: input.era, type: input.type, api: input.api, bodies: seen.bodies, absent: seen.absent, budget, phase: 'paths', memo: input.memo };
  const frame: Frame = { name: body.fn.name, body, depth: 0, stack: [body.fn.name] };
  const start = input.start ?? REFERENCED_PAGE;
  // A condition above the hunk is read from the function's table summary, as when it is called (gapFill).
  const entry: Path = { ...startPath(start), vars: { ...aboveSeed(body, env, startPath(start)), ...(input.args ?? {}) } };
  const labels = labelsOf(body.fn.body);
  const out = execStmts([body.fn.body], env, [entry], frame);
  const paths = out.map((p): FunctionPath => ({
    function: body.fn.name, fromStart: !body.fn.partial, type: input.type, primary: p.primary, exit: exitOf(p, labels), start, end: p.state, steps: stepsOf(p),
    ...(p.forkLine !== undefined ? { forkLine: p.forkLine } : {}),
    ...(p.nullAtEntry ? { nullAtEntry: p.nullAtEntry } : {}),
  }));
  return { paths, ...(budget.truncated ? { truncated: budget.truncated } : {}) };
}

function exitOf(p: Path, labels: ReadonlySet<string>): PathExit {
  const line = p.exitLine !== undefined ? { line: p.exitLine } : {};
  if (p.status === 'return') return { kind: 'return', failure: !!p.failed, ...(p.ret !== undefined ? { text: p.ret } : {}), ...line };
  if (p.status.startsWith('goto:')) {
    const label = p.status.slice(5);
    // A label the body has, jumped to backwards (a retry), ends nothing; one it does not show is an error exit.
    return labels.has(label) ? { kind: 'end', failure: false } : { kind: 'goto', failure: true, text: label, ...line };
  }
  return { kind: 'end', failure: false };
}

function labelsOf(s: Stmt): Set<string> {
  const out = new Set<string>();
  const visit = (x: Stmt): void => {
    switch (x.k) {
      case 'label': out.add(x.name); break;
      case 'block': x.body.forEach(visit); break;
      case 'if': visit(x.then); if (x.else) visit(x.else); break;
      case 'loop': visit(x.body); break;
      case 'switch': for (const c of x.cases) c.body.forEach(visit); break;
      default: break;
    }
  };
  visit(s);
  return out;
}
