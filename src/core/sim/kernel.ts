// What kernel calls do to the page: the API table's effects for (era, type), the put / free path /
// ->page_free machinery, assertions on the page's counts, and the failure forks of fallible calls
// (their failure modes are data in the table). Generic C evaluation is interp.ts.
import type { Expr, FunctionIR, Stmt } from '../syntax/ir';
import { PGMAP_TYPES, type PgmapType } from '../types';
import type { ApiEntry, EraEffect, Failure, Reach } from '../api/types';
import type { TraceEvent, TraceStep } from '../report/types';
import { ASSERTION_MACROS, BRANCH_HINTS, REFCOUNTED_ENTRY_KINDS, COUNT_CONDITION, FLAG_CONSTANT, IDLE_TEST, IDLE_VAR_CALL, NAMED, PAGE_FREE_CALLBACK, REFCOUNT_KEY } from '../api/concepts';
import { nrPages, stateChanged, userPgmapRefs, type SimState } from './state';
import { callees } from './paths';
import { jsonOf, newLookups, signatureId, tracked } from './memo';
import { ABOVE, GAP_CALL } from '../syntax/fragment';
import { UNKNOWN, binary, callBody, calleesOf, unshown, docLine, execFunction, oneLine, record, showsTypeLabels, truthOf, type Body, type Frame, type Out, type Path, type SimEnv, type Val } from './interp';

/** The note of a step where a WARN/BUG condition holds. */
const WARN_FIRES = 'WARN fires on this path';
/** The note of a raw count store that lands on another folio. */
const STALE_HEAD_STORE = 'the store goes through a stale compound head: it lands on the head of an earlier folio, not on this page';
/** The note of a step where a page reaches its free path under a mapping that holds a reference. */
const FREED_UNDER_MAPPING = 'the page is freed while a mapping that holds its reference remains';

/** Calls `name` (a call expression in a body, or a scenario action). */
export function callFunction(name: string, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): Out {
  const line = e.loc.line;
  if (PAGE_FREE_CALLBACK.test(name)) return pageFreeCallback(env, frame, p, e.text, line);
  if (ASSERTION_MACROS.has(name)) {
    // Only conditions on the page's refcount are the model's business (WARN_ON(1) is an unreachable marker).
    const v = args[0] ?? UNKNOWN;
    if (!COUNT_CONDITION.test(e.args[0]?.text ?? '')) return [[p, v]];
    const holds = truthOf(v);
    // A body's check is remembered with its outcome (fired, false, undecided) and the function the
    // scenario called to reach it.
    const at = docLine(frame, line);
    const q: Path = at === undefined ? p : { ...p, state: { ...p.state, checks: [...(p.state.checks ?? []), { line: at, check: name, condition: oneLine(e.args[0]!.text), holds: holds ?? null, root: frame.stack[0]!, phase: env.phase }] } };
    if (holds === true) {
      const next = { ...q.state, warns: [...q.state.warns, e.text] };
      return [[record(env, frame, q, e.text, next, line, WARN_FIRES, [{ kind: 'warn-fires', condition: oneLine(e.args[0]!.text) }]), v]];
    }
    return [[q, v]];
  }
  // Branch hints are their argument.
  if (BRANCH_HINTS.has(name)) return [[p, args[0] ?? UNKNOWN]];
  if (env.absent?.has(name)) return [[record(env, frame, p, e.text, p.state, line, `${name}() does not exist on this side of the patch`, [{ kind: 'missing', callee: name, why: 'side' }]), UNKNOWN]];
  const body = runnable(env.bodies.get(name));
  if (body && runsShownCode(body, env) && frame.depth < env.budget.maxDepth && !frame.stack.includes(name)) return callRemembered(body, name, e, args, env, p, frame);
  const entry = env.api.entry(name);
  if (!entry) return [[p, UNKNOWN]];
  if (!entry.exists.includes(env.era)) {
    return [[record(env, frame, p, e.text, p.state, line, `${name} does not exist in ${env.era}`, [{ kind: 'missing', callee: name, why: 'era' }]), UNKNOWN]];
  }
  const eff = env.api.effect(entry, env.era, env.type);
  const fails = failureOf(entry, env);
  // A pgmap already killed refuses what needs a live reference: only the failure path remains.
  if (fails?.whenKilled && p.state.tornDown) return [failPath(entry, fails, e, env, p, frame, false)];
  // A NULL argument to a call that ignores NULL (put_dev_pagemap() after get_dev_pagemap() failed).
  if (eff?.nullArgNoop && args[0]?.k === 'num' && args[0].v === 0) return [[record(env, frame, p, e.text, p.state, line, `${name}(NULL) does nothing`, [{ kind: 'call', callee: name, roles: entry.roles, via: 'table', text: oneLine(e.text) }]), UNKNOWN]];
  const finish = (from: Path): Out => {
    const done: Out = eff ? applyEffect(entry, withCallKey(eff, e), e.text, args, env, from, frame, line) : [[from, UNKNOWN]];
    if (!fails) return done;
    const success = successValue(fails);
    const ok: Out = done.map(([q, v]) => [q, v.k === 'unknown' ? success : v]);
    // The scenarios' own calls are the page's normal life; a body's fallible call also fails.
    return frame.body ? [...ok, failPath(entry, fails, e, env, from, frame, true)] : ok;
  };
  const work = eff && hasContent(eff) && frame.depth < env.budget.maxDepth ? (entry.reaches ?? []).find((r) => r.work && r.eras.includes(env.era) && reachesBody(r.name, env, [...frame.stack, entry.name])) : undefined;
  const rest = work && eff ? restOf(entry, eff, work, e, args, env, p, frame) : undefined;
  if (work && rest) {
    const inner: Frame = { ...frame, depth: frame.depth + 1, stack: [...frame.stack, entry.name] };
    const bound = work.args.map((a) => reachArg(a, entry.params ?? [], args));
    const call: Extract<Expr, { k: 'call' }> = { ...e, callee: work.name, args: [], text: `${oneLine(e.text)} -> ${work.name}()` };
    const success = fails ? successValue(fails) : UNKNOWN;
    return callFunction(work.name, call, bound, env, p, inner).flatMap(([q, v]): Out => (v.k === 'err' || q.failed ? [[q, v]] : rest(q).map(([x]) => [x, v.k === 'unknown' ? success : v])));
  }
  const reached = (entry.reaches ?? []).filter((r) => !r.work && r.eras.includes(env.era) && !frame.stack.includes(r.name) && (env.bodies.get(r.name) !== undefined || tableRefusal(r, env) !== undefined));
  // A call that does nothing to this type's page (GUP does not reach device-private pages) runs none of it.
  if (reached.length === 0 || frame.depth >= env.budget.maxDepth || !eff || !hasContent(eff)) return finish(p);
  return throughReached(entry, reached, e, args, env, p, frame, fails).flatMap(([q, v]) => (v === undefined ? finish(q) : [[q, v]]));
}

/** The idle count a wake guarded by `cond` wakes at: `if (<refcount call> == N) <fsdax wake>(...)`
 * (__put_devmap_managed_folio_refs(): folio_ref_sub_return(folio, refs) == 1), whether or not the
 * count is reached on this path. */
export function guardedWakeCount(cond: Expr, then: Stmt, env: SimEnv): number | undefined {
  const first = then.k === 'block' ? then.body[0] : then;
  if (first?.k !== 'expr' || first.expr.k !== 'call' || !env.api.entry(first.expr.callee)?.roles.includes('fsdax-wake')) return undefined;
  if (cond.k !== 'binary' || cond.op !== '==') return undefined;
  const counts = (e: Expr) => e.k === 'call' && !!env.api.entry(e.callee)?.effects.some((f) => f.refcount?.op === 'dec' || f.refcount?.op === 'read');
  const [call, n] = counts(cond.left) ? [cond.left, cond.right] : [cond.right, cond.left];
  return counts(call) && n.k === 'number' ? n.value : undefined;
}

/** `paths` with the first that leaves without a failure as the primary one, when the primary one fails
 * (pagemap_range() returns -ENOMEM when get_dev_pagemap() finds a conflicting pgmap: success of the
 * lookup is the error path there). */
function succeeding(paths: readonly Path[]): Path[] {
  // Only an errno or NULL the body returns itself: an error variable may hold 0 (ext4_break_layouts()).
  const primary = paths.find((q) => q.primary);
  const ok = paths.find((q) => !q.failed);
  if (!primary?.failed || primary.retVal?.k !== 'err' || !ok) return [...paths];
  return paths.map((q) => (q === ok ? { ...q, primary: true } : q === primary ? { ...q, primary: false, forkLine: q.forkLine ?? ok.forkLine } : q));
}

/** A call of a body the patch provides. */
function callBodyOf(body: Body, name: string, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): Out {
  const gap = gapFill(body, e, args, env, p, frame);
  const entered = gap ? (gap.entered ?? p) : withHeldAtEntry(body, args, env, p, frame);
  const ran = execFunction(body, env, entered, frame.depth + 1, frame.stack, args, gap?.fill, gap?.seed);
  // A type test whose body the patch shows but that answers from what the model does not hold
  // (`page_zonenum(page) == ZONE_DEVICE`) answers as the table says.
  const answer = (v: Val | undefined): Val => {
    if (v !== undefined && truthOf(v) !== undefined) return v;
    const entry = env.api.entry(name);
    const eff = entry?.roles.includes('type-test') ? effectIn(entry, env) : undefined;
    return (eff && typeTruth(eff, env)) ?? v ?? UNKNOWN;
  };
  // The scenarios' own calls are the page's normal life: the body's path that succeeds.
  return (frame.body ? ran : succeeding(ran)).map((q) => [{ ...q, failed: p.failed, exitLine: p.exitLine, retVal: undefined }, answer(q.retVal)]);
}

const lifeKeys = new WeakMap<ReadonlySet<string>, string>();
function lifeKey(names: ReadonlySet<string> | undefined): string {
  if (!names) return '';
  let k = lifeKeys.get(names);
  if (k === undefined) lifeKeys.set(names, (k = [...names].join(',')));
  return k;
}

/** Whether the body calls a function the table says drops a page reference (for the type): only such a
 * body can drop one its fragment does not show taking. */
function dropsPageRefs(fn: FunctionIR, env: SimEnv): boolean {
  return callees(fn).some((n) => {
    const entry = env.api.entry(n);
    const op = entry && env.api.effect(entry, env.era, env.type)?.refcount?.op;
    return op === 'put' || op === 'dec';
  });
}

/** Page references at most this many are read as held by the code above a fragment. */
const MAX_HELD = 2;

/** A body the input shows from inside (its start above the hunk) of a function the table does not hold
 * starts with the page references the code above the hunk took for it: the fewest with which the body
 * as it was before the patch, from `p`, neither drops a reference the page does not have nor frees the
 * page under its mapping (the code before the patch is taken to be right). Both sides start so: a patch
 * that skips the put of such a reference leaks it, one that adds a put drops one too many. */
function withHeldAtEntry(body: Body, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): Path {
  const pre = body.pre ?? body;
  if (!pre.fn.partial || p.state.refcount === null || env.api.entry(pre.fn.name) || !dropsPageRefs(pre.fn, env)) return p;
  const counted = env.budget.steps;
  const clean = (held: number): boolean => {
    const from: Path = { ...p, steps: null, state: { ...p.state, refcount: p.state.refcount! + held } };
    const q = execFunction(pre, env, from, frame.depth + 1, frame.stack, args).find((x) => x.primary);
    if (!q || q.state.underflow) return !q;
    for (let st = q.steps; st; st = st.prev) if (st.step.events?.some((x) => x.kind === 'freed-under-mapping' || x.kind === 'underflow')) return false;
    return true;
  };
  let held = 0;
  while (held <= MAX_HELD && !clean(held)) held++;
  env.budget.steps = counted;
  if (held === 0 || held > MAX_HELD) return p;
  const callee: Frame = { name: body.fn.name, body, depth: frame.depth + 1, stack: [...frame.stack, body.fn.name] };
  return record(env, callee, p, `${body.fn.name}(): the code above the hunk`, { ...p.state, refcount: p.state.refcount + held }, undefined,
    `${held} page reference(s) the code above the hunk holds: the code before the patch drops them`);
}

/** A body's call, relative to the caller's path: what each way out leaves and the steps it adds. */
export interface CallOutcome {
  readonly state: SimState;
  readonly steps: readonly TraceStep[];
  readonly primary: boolean;
  /** The first fork inside the call (the caller had none). */
  readonly forkLine?: number;
  readonly ret?: string;
  readonly val: Val;
}

/** A body's call made once per body, call and caller state (every path of a caller that reaches the same
 * call from the same state runs it alike: gup_put_folio() on each of a GUP walk's error paths): served
 * from the run memo with the steps it counted and the lookups it made. The callee sees of its caller's
 * path only the state, whether it is primary, whether it has forked, its failure flag and its return
 * text and value (kept by a path that does not return); the rest of an outcome is the caller's. */
function callRemembered(body: Body, name: string, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): Out {
  const memo = env.memo;
  if (!memo || env.budget.truncated) return callBodyOf(body, name, e, args, env, p, frame);
  const key = [callKey(body, e, args, env, p, frame), p.primary ? 'p' : '', p.ret ?? '\u0002', p.retVal ? JSON.stringify(p.retVal) : '', frame.body ? 'b' : ''].join('\u0001');
  const known = memo.calls.find(env.api, key, env)?.value;
  // Served only where the budget would have let the call run to its end.
  if (known && env.budget.steps + known.steps <= env.budget.maxSteps) {
    env.budget.steps += known.steps;
    return known.outcomes.map((o) => {
      let steps = p.steps;
      for (const step of o.steps) steps = { step, prev: steps };
      const q: Path = { ...p, state: o.state, steps, status: 'normal', primary: o.primary, forkLine: p.forkLine ?? o.forkLine, ret: o.ret, retVal: undefined };
      return [q, o.val];
    });
  }
  const lookups = newLookups();
  const before = env.budget.steps;
  const outs = callBodyOf(body, name, e, args, { ...env, ...tracked(env, lookups) }, p, frame);
  const outcomes: CallOutcome[] = [];
  for (const [q, val] of outs) {
    const added: TraceStep[] = [];
    let s = q.steps;
    for (; s && s !== p.steps; s = s.prev) added.push(s.step);
    // A history rewritten below the caller's steps is not an outcome relative to them.
    if (s !== p.steps) return outs;
    outcomes.push({ state: q.state, steps: added.reverse(), primary: q.primary, ...(p.forkLine === undefined && q.forkLine !== undefined ? { forkLine: q.forkLine } : {}), ...(q.ret !== undefined ? { ret: q.ret } : {}), val });
  }
  if (!env.budget.truncated) memo.calls.keep(env.api, key, lookups, { steps: env.budget.steps - before, outcomes });
  return outs;
}

/** What a call of `body` from `p` depends on besides the bodies it looks up, as the memo keys of calls
 * and gap plans have it: the body, the simulated type and phase, the caller's state, failure and fork,
 * the call as written with its argument values, and where in the call stack it is made. */
function callKey(body: Body, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): string {
  return [signatureId(body), env.era, env.type, env.decideAs ?? '', env.phase, lifeKey(env.lifeCalls), env.pgmapStatic ? 's' : '', jsonOf(p.state), p.failed ? 'x' : '', p.forkLine === undefined ? '' : 'f',
    e.text, JSON.stringify(args), frame.depth, frame.stack.join(',')].join('\u0001');
}

/** Runs the functions `entry` reaches that the patch changes, in order, with their arguments bound. A
 * return that refuses (an errno, NULL, false) ends the call there, returning it: nothing more is taken.
 * The call succeeds where it can: a refusal on an undecided condition is an alternative path, one on
 * decided values (the page's type, the flags the caller passed) the outcome. Paths that get through
 * come back with no value, for the entry's own effect. */
function throughReached(entry: ApiEntry, reached: readonly Reach[], e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame, fails: Failure | undefined): [Path, Val | undefined][] {
  let live: Path[] = [p];
  const out: [Path, Val | undefined][] = [];
  for (const r of reached) {
    const body = env.bodies.get(r.name);
    const bound = r.args.map((a) => reachArg(a, entry.params ?? [], args));
    if (!body) {
      // Not changed by the patch: its table check, on the bound flags.
      const check = tableRefusal(r, env)!;
      const flags = bound[check.flagsArg - 1];
      if (flags?.k !== 'flags' || !check.ifFlags.every((f) => flags.set.includes(f))) continue;
      const events: TraceEvent[] = [{ kind: 'call-fails', callee: entry.name, returns: check.returns, pgmapGet: false }];
      for (const q of live) out.push([record(env, frame, q, e.text, q.state, e.loc.line, `${entry.name}() fails: ${r.name}() returns ${check.returns} [table ${env.era}]; nothing is taken`, events), { k: 'err', names: [check.returns] }]);
      live = [];
      break;
    }
    const next: Path[] = [];
    for (const q of live) {
      const clean: Path = { ...q, failed: false, ret: undefined, retVal: undefined };
      const ran = execFunction(body, env, clean, frame.depth + 1, frame.stack, bound).map((x) => ({ ...x, exitLine: q.exitLine, failed: refuses(x) }));
      const ok = ran.filter((x) => !x.failed);
      const keepPrimary = (x: Path, i: number) => (q.primary && !ok.some((y) => y.primary) && i === 0 ? { ...x, primary: true } : x);
      next.push(...ok.map((x, i) => ({ ...keepPrimary(x, i), failed: q.failed, retVal: undefined, ret: undefined })));
      for (const x of ran.filter((y) => y.failed)) {
        const returns = x.ret ?? 'failure';
        const events: TraceEvent[] = [{ kind: 'call-fails', callee: entry.name, returns, pgmapGet: false }];
        const refusal = record(env, frame, { ...x, failed: q.failed }, e.text, x.state, e.loc.line, `${entry.name}() fails: ${r.name}() returns ${returns}; nothing more is taken`, events);
        const value = x.retVal?.k === 'err' ? x.retVal : fails ? failureValue(fails) : { k: 'err' as const, names: [returns] };
        out.push([ok.length > 0 ? { ...refusal, primary: false, forkLine: refusal.forkLine ?? docLine(frame, e.loc.line) } : refusal, value]);
      }
    }
    live = next;
  }
  return [...live.map((q): [Path, undefined] => [q, undefined]), ...out];
}

/** A body the input shows enough of to run: not one it cuts before any call (a definition's head, its
 * declarations), which stands for the function as the table has it, unless it is cut inside a
 * condition's arm (the condition decides which arm's summary the unknown code continues: gapFill). */
function runnable(body: Body | undefined): Body | undefined {
  return body && body.fn.cut && callees(body.fn).length === 0 && !endsInCutArm(body.fn.body) ? undefined : body;
}

/** The statement ends in an `if` whose arm the input does not show. */
function endsInCutArm(s: Stmt): boolean {
  if (s.k === 'block') return s.body.length > 0 && endsInCutArm(s.body[s.body.length - 1]!);
  if (s.k === 'loop') return endsInCutArm(s.body);
  return s.k === 'if' && (s.else ? endsInCutArm(s.else) : unshown(s.then) || endsInCutArm(s.then));
}

/** Whether `name` is a patched body, or reaches one through the functions that do its work. */
function reachesBody(name: string, env: SimEnv, stack: readonly string[]): boolean {
  if (stack.includes(name)) return false;
  if (runnable(env.bodies.get(name)) !== undefined) return true;
  const entry = env.api.entry(name);
  return (entry?.reaches ?? []).some((r) => r.work && r.eras.includes(env.era) && reachesBody(r.name, env, [...stack, name]));
}

/** What `entry` does beyond the function `r` that does its work (both table summaries, from the call's
 * state): applied after `r` ran, on the paths where it succeeded. None when `r` has no summary here. */
function restOf(entry: ApiEntry, eff: EraEffect, r: Reach, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): ((q: Path) => Out) | undefined {
  const part = env.api.entry(r.name);
  const partEff = effectIn(part, env);
  if (!part || !partEff || !hasContent(partEff)) return undefined;
  const from: Path = { ...p, primary: true, steps: null };
  const whole = applyEffect(entry, eff, e.text, args, env, from, frame, e.loc.line)[0]?.[0].state;
  const done = applyEffect(part, partEff, e.text, [], env, from, frame, e.loc.line)[0]?.[0].state;
  if (!whole || !done) return undefined;
  // Counts, mapping and use only: a teardown in the summaries is not carried over.
  const { ref = 0, map = 0, pgmap = 0, mapping, inUse } = deltaOf(whole, done) ?? {};
  const text = `${oneLine(e.text)}: the rest of ${entry.name}() beyond ${r.name}(), from the table`;
  const note = `[table ${env.era}] ${eff.note}`;
  return (q) => {
    const s = q.state;
    const next: SimState = {
      ...s, mapcount: Math.max(0, s.mapcount + map), pgmapRefs: s.pgmapRefs + pgmap, refcount: ref > 0 && s.refcount !== null ? s.refcount + ref : s.refcount,
      ...(mapping ? { mapping: mapping.mapping, mappingHoldsRef: mapping.holdsRef } : {}), ...(inUse !== undefined ? { inUse } : {}),
    };
    const t = record(env, frame, q, text, next, e.loc.line, note);
    return ref < 0 ? putPage(env, frame, t, `${text}: ${NAMED.put}()`, e.loc.line, devmapHookOfPut(env), -ref) : [[t, UNKNOWN]];
  };
}

/** The entry's effect in this era for `type` (the simulated one by default); none where it does not exist. */
function effectIn(entry: ApiEntry | undefined, env: SimEnv, type: PgmapType = env.type): EraEffect | undefined {
  return entry && entry.exists.includes(env.era) ? env.api.effect(entry, env.era, type) : undefined;
}

/** A call the kernel makes itself (no line of the input), of `body`'s function, written `text`. */
function implicitCall(body: Body, text: string): Extract<Expr, { k: 'call' }> {
  return { k: 'call', callee: body.fn.name, args: [], text, loc: { line: -1, character: 0 } };
}

/** ->page_free() run above what the input shows of a free path (gapFill). */
function enterPageFree(env: SimEnv, callee: Frame): (x: Path) => Path {
  return (x) => pageFreeCallback(env, callee, x, `pgmap->ops->page_free(page): above what the input shows [table ${env.era}]`, undefined)[0]![0];
}

/** The table's flag check of a reached function, for the simulated type in this era. */
function tableRefusal(r: Reach, env: SimEnv): EraEffect['refuses'] {
  return effectIn(env.api.entry(r.name), env)?.refuses;
}

/** A reached function refused: it returned an errno, NULL or false. */
function refuses(x: Path): boolean {
  return !!x.failed || x.ret?.trim() === 'false' || (x.retVal?.k === 'bool' && !x.retVal.v);
}

/** A Reach argument's value: the caller's argument for a parameter of the entry, a number, a flag
 * constant, or the union of such (`gup_flags|FOLL_PIN`). */
function reachArg(text: string, params: readonly string[], args: readonly Val[]): Val {
  const one = (t: string): Val => {
    const i = params.indexOf(t);
    if (i >= 0) return args[i] ?? UNKNOWN;
    if (/^\d+$/.test(t)) return { k: 'num', v: Number(t) };
    if (FLAG_CONSTANT.test(t)) return { k: 'flags', set: [t] };
    return UNKNOWN;
  };
  return text.split('|').map((t) => one(t.trim())).reduce((a, b) => binary('|', a, b));
}

/** A body the patch shows only in part (its start above the hunk, or gaps between hunks) of a function
 * the table summarises: what its shown code does not do is continued from the summary. The difference
 * between the summary and what the pre-image's shown code does, both from the call's state, is what
 * the unknown code does; it is added where a path leaves the body without a failure, in both worlds
 * alike (a renamed function keeps its pre-image's summary). Two things the input does not show are
 * read from the summary too: the outcome of a condition above the hunk (`seed`: the one whose shown
 * code agrees with the summary, when only one does), and what the arm of a type guard cut by the hunk
 * does when a changed guard sends the page there (the summary of a type the pre-image sends there,
 * with the page's own callbacks). */
function gapFill(body: Body, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame): { fill?: (q: Path) => Path; seed?: Record<string, Val>; entered?: Path } | undefined {
  const pre = body.pre ?? body;
  if (!gapped(body.fn) || !gapped(pre.fn)) return undefined;
  // A helper extracted from the function it runs inside (its pre-image is that function's): what the
  // input does not show of the function is filled once, at that function's own exit, when it has one
  // (a wrapper the input shows whole leaves it to the helper).
  const outer = pre.fn.name !== body.fn.name && frame.stack.includes(pre.fn.name) ? env.bodies.get(pre.fn.name) : undefined;
  if (outer && gapped(outer.fn)) return undefined;
  const entry = env.api.entry(pre.fn.name);
  const effOf = (type: PgmapType) => effectIn(entry, env, type);
  const eff = effOf(env.type);
  if (!entry || !eff || !hasContent(eff)) return undefined;
  const callee: Frame = { name: body.fn.name, body, depth: frame.depth + 1, stack: [...frame.stack, body.fn.name] };
  const plan = gapPlan(pre, entry, eff, e, args, env, p, frame, callee);
  if (!plan) return undefined;
  const { seed, own, mine } = plan;
  if (own === undefined && mine === undefined) return seed && { seed };
  const enter = plan.enter ? enterPageFree(env, callee) : undefined;
  const fill = (q: Path): Path => {
    let d = own;
    let from = eff;
    const taken = decisions(q.steps, entered.steps, body.fn.name);
    if (taken !== mine) {
      // A changed type guard sends the page down another arm than the pre-image's: what the input does
      // not show of that arm is what it does for a type the pre-image sends there.
      // The plan counted entering ->page_free() once; made again here, it is not counted again.
      const counted = env.budget.steps;
      const { start, tableOf, run } = gapRuns(pre, entry, e, args, env, p, frame, enter);
      env.budget.steps = counted;
      for (const t of PGMAP_TYPES) {
        const other = t === env.type ? undefined : effOf(t);
        const theirs = other && hasContent(other) ? run(start, seed, t) : undefined;
        const summary = theirs && decisions(theirs.steps, start.steps, pre.fn.name) === taken ? tableOf(other!) : undefined;
        if (!summary) continue;
        d = deltaOf(summary, theirs!.state);
        from = other!;
        break;
      }
    }
    if (!d) return q;
    const s = q.state;
    let next: SimState = {
      ...s, refcount: s.refcount === null ? null : Math.max(0, s.refcount + d.ref), mapcount: Math.max(0, s.mapcount + d.map), pgmapRefs: s.pgmapRefs + d.pgmap,
      ...(d.mapping ? { mapping: d.mapping.mapping, mappingHoldsRef: d.mapping.holdsRef } : {}), ...(d.inUse !== undefined ? { inUse: d.inUse } : {}),
      ...(d.teardown && !s.tornDown ? { tornDown: true, teardownWaited: d.teardown === 'all' ? d.waited : (s.teardownWaited ?? false) } : {}),
    };
    if ((d.teardown === 'wait' || (d.teardown === 'all' && s.tornDown)) && !s.drained) next = { ...next, ...drain(next) };
    return record(env, callee, q, `${entry.name}(): what the input does not show of it, from the table`, next, undefined, `[table ${env.era}] ${from.note}`, [{ kind: 'gap' }]);
  };
  const entered = enter ? enter(p) : p;
  return { fill, ...(seed ? { seed } : {}), ...(enter ? { entered } : {}) };
}

/** What gapFill reads off the pre-image and the summary, from the call's state: whether ->page_free()
 * runs above the hunk, the seed, and (when the shown code runs through) what the unknown code adds and
 * the cut type guards the shown code decides. */
export interface GapPlan {
  readonly enter: boolean;
  readonly seed?: Record<string, Val>;
  /** undefined with `mine` undefined: the shown code does not run through (only the seed is known). */
  readonly own?: ReturnType<typeof deltaOf>;
  readonly mine?: string;
}

/** The runs gapFill makes from the call's state: the pre-image's shown code and the table's effect. */
function gapRuns(pre: Body, entry: ApiEntry, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame, enter: ((x: Path) => Path) | undefined) {
  const from: Path = { ...p, primary: true, steps: null };
  const tableOf = (x: EraEffect) => applyEffect(entry, withCallKey(x, e), e.text, args, env, from, frame, e.loc.line)[0]?.[0].state;
  const run = (start: Path, seed: Record<string, Val> | undefined, decideAs?: PgmapType) => {
    const q = execFunction(pre, decideAs ? { ...env, decideAs } : env, start, frame.depth + 1, frame.stack, args, undefined, seed).find((x) => x.primary);
    return q && !q.failed && !q.status.startsWith('goto:') ? q : undefined;
  };
  return { from, start: enter ? enter(from) : from, tableOf, run };
}

/** The plan is made once per pre-image, call and state (every scenario's put of a page reaches the same
 * patched free path): served from the memo with the steps it counted and the bodies it looked up. */
function gapPlan(pre: Body, entry: ApiEntry, eff: EraEffect, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame, callee: Frame): GapPlan | undefined {
  const memo = env.memo;
  if (!memo) return makeGapPlan(pre, entry, eff, e, args, env, p, frame, callee);
  const key = callKey(pre, e, args, env, p, frame);
  const known = memo.gaps.find(env.api, key, env);
  // Served only where the budget would have let the plan be made whole.
  if (known && env.budget.steps + known.value.steps <= env.budget.maxSteps) {
    env.budget.steps += known.value.steps;
    return known.value.plan;
  }
  const lookups = newLookups();
  const steps = env.budget.steps;
  // env and the tracked env share the budget.
  const plan = makeGapPlan(pre, entry, eff, e, args, { ...env, ...tracked(env, lookups) }, p, frame, callee);
  if (!env.budget.truncated) memo.gaps.keep(env.api, key, lookups, { plan, steps: env.budget.steps - steps });
  return plan;
}

function makeGapPlan(pre: Body, entry: ApiEntry, eff: EraEffect, e: Extract<Expr, { k: 'call' }>, args: readonly Val[], env: SimEnv, p: Path, frame: Frame, callee: Frame): GapPlan | undefined {
  const probe = gapRuns(pre, entry, e, args, env, p, frame, undefined);
  // A free path hands the page to ->page_free() before anything else it does: a body shown from below
  // its start that does not call it ran it above the hunk.
  const enter = !!eff.pageFreeCallback && !!pre.fn.partial && !pageFreed(probe.run(probe.from, undefined)?.steps ?? null);
  const { start, tableOf, run } = enter ? gapRuns(pre, entry, e, args, env, p, frame, enterPageFree(env, callee)) : probe;
  const table = tableOf(eff);
  if (!table) return undefined;
  const seed = readsAbove(pre.fn) ? aboveFrom(table, (v) => shownWith(pre, env, start, frame, args, { [ABOVE]: { k: 'bool', v } })) : undefined;
  const shown = run(start, seed);
  if (!shown) return { enter, ...(seed ? { seed } : {}) };
  return { enter, ...(seed ? { seed } : {}), own: deltaOf(table, shown.state), mine: decisions(shown.steps, start.steps, pre.fn.name) };
}

/** The outcome of the condition above the hunk that the summary's end state (`table`) implies: the
 * one under which the shown code does what the summary says, when only one does; else, when the
 * shown code is only a part of it (neither does all of it), the one left when the other refuses the
 * page for its type (a type guard the input shows sends it to an error exit): a way the page's own
 * type is always refused on cannot lead to what the summary says the function does with it (the
 * shown else-arm of a type test above the hunk). An error exit on a value the input does not show
 * (`if (ret) return ret;`) is a path of the function like any other: it decides nothing. */
function aboveFrom(table: SimState, shownOf: (v: boolean) => Shown): Record<string, Val> | undefined {
  const ends = [true, false].map((v) => ({ v, ...shownOf(v) }));
  const agree = ends.filter(({ left }) => left !== undefined && deltaOf(table, left.state) === undefined);
  const pick = agree.length > 0 ? agree : ends.filter(({ refused }) => !refused);
  return pick.length === 1 ? { [ABOVE]: { k: 'bool', v: pick[0]!.v } } : undefined;
}

/** The outcome of the condition above the hunk for a body run on its own (every path of a changed
 * function, from `start`), as gapFill reads it from the function's table summary. */
export function aboveSeed(body: Body, env: SimEnv, start: Path): Record<string, Val> | undefined {
  const pre = body.pre ?? body;
  if (!gapped(pre.fn) || !readsAbove(pre.fn)) return undefined;
  const entry = env.api.entry(pre.fn.name);
  const eff = effectIn(entry, env);
  if (!entry || !eff || !hasContent(eff)) return undefined;
  const frame: Frame = { name: pre.fn.name, depth: 0, stack: [] };
  const call = implicitCall(pre, `${pre.fn.name}()`);
  const from: Path = { ...start, primary: true, steps: null };
  const table = applyEffect(entry, withCallKey(eff, call), call.text, [], env, from, frame, undefined)[0]?.[0].state;
  if (!table) return undefined;
  return aboveFrom(table, (v) => shownWith(pre, env, from, frame, [], { [ABOVE]: { k: 'bool', v } }));
}

/** The primary path of a shown body run with a seed: `left` when it leaves without failing (not by an
 * error return, nor by a goto to a label the input does not show); `refused` when it fails after a type
 * guard of the body decided for the page's type. */
interface Shown {
  readonly left?: Path;
  readonly refused: boolean;
}

function shownWith(pre: Body, env: SimEnv, start: Path, frame: Frame, args: readonly Val[], seed: Record<string, Val>): Shown {
  const left = new Set<SimState>();
  // execFunction's exit hook sees only the paths that leave so; each gets a state of its own to be told by.
  const mark = (x: Path): Path => {
    const state = { ...x.state };
    left.add(state);
    return { ...x, state };
  };
  const q = execFunction(pre, env, start, frame.depth + 1, frame.stack, args, mark, seed).find((x) => x.primary);
  if (!q) return { refused: false };
  if (left.has(q.state)) return { left: q, refused: false };
  let decided = false;
  for (let s = q.steps; s && s !== start.steps; s = s.prev) if (s.step.function === pre.fn.name && s.step.events?.some((x) => x.kind === 'type-decided')) decided = true;
  return { refused: decided };
}

/** What a type test answers for the simulated type (or the type a cut arm is decided as). */
function typeTruth(eff: EraEffect, env: SimEnv): Val | undefined {
  return eff.trueFor ? { k: 'bool', v: eff.trueFor.includes(env.decideAs ?? env.type), typeDep: true } : undefined;
}

/** Whether ->page_free() ran on the steps. */
function pageFreed(steps: Path['steps']): boolean {
  for (let s = steps; s; s = s.prev) if (s.step.events?.some((x) => x.kind === 'page-free')) return true;
  return false;
}

/** What the table's end state adds to the shown code's (undefined: nothing). */
function deltaOf(table: SimState, k: SimState): { ref: number; map: number; pgmap: number; mapping?: { mapping: SimState['mapping']; holdsRef: boolean }; inUse?: boolean; teardown?: 'all' | 'kill' | 'wait'; waited?: boolean } | undefined {
  const ref = table.refcount !== null && k.refcount !== null ? table.refcount - k.refcount : 0;
  const map = table.mapcount - k.mapcount;
  const pgmap = table.pgmapRefs - k.pgmapRefs;
  const mapping = table.mapping !== k.mapping || table.mappingHoldsRef !== k.mappingHoldsRef;
  const inUse = table.inUse !== k.inUse;
  // A teardown the summary makes (kill, then wait): the unknown code makes all of it when the shown
  // code tears nothing down, only the kill when the shown code waits, only the wait when it kills.
  const teardown = table.tornDown ? (k.drained ? 'kill' : k.tornDown ? 'wait' : 'all') : undefined;
  if (ref === 0 && map === 0 && pgmap === 0 && !mapping && !inUse && !teardown) return undefined;
  return {
    ref, map, pgmap, ...(mapping ? { mapping: { mapping: table.mapping, holdsRef: table.mappingHoldsRef } } : {}), ...(inUse ? { inUse: table.inUse } : {}),
    ...(teardown ? { teardown, waited: table.teardownWaited } : {}),
  };
}

/** The outcomes of the type guards whose arms the input does not show (`cut`) that a path took in
 * `fn` since `since` (its steps when the body was entered). */
function decisions(steps: Path['steps'], since: Path['steps'], fn: string): string {
  const out: boolean[] = [];
  for (let s = steps; s && s !== since; s = s.prev) {
    const d = s.step.function === fn ? s.step.events?.find((x) => x.kind === 'type-decided') : undefined;
    if (d?.kind === 'type-decided' && d.cut) out.push(d.taken);
  }
  return out.reverse().join(',');
}

/** The body tests a condition above the hunk (the fragment wrapper's `if (__above)`). */
function readsAbove(fn: FunctionIR): boolean {
  let v = readsAboveOf.get(fn);
  if (v === undefined) readsAboveOf.set(fn, (v = JSON.stringify(fn.body).includes(`"${ABOVE}"`)));
  return v;
}
const readsAboveOf = new WeakMap<FunctionIR, boolean>();

/** Runs a patched body the kernel calls itself (the free path, ->page_free(), the devmap hook), as if
 * written `text`: what the input does not show of it is continued from the table (gapFill). */
function callPatched(body: Body, text: string, env: SimEnv, p: Path, frame: Frame): Path[] {
  const call = implicitCall(body, text);
  const gap = gapFill(body, call, [], env, p, frame);
  return callBody(body, env, gap?.entered ?? p, frame.depth + 1, frame.stack, [], gap?.fill, gap?.seed);
}

/** The input shows the function in part: not from its start, not to its end, or with gaps between hunks. */
function gapped(fn: FunctionIR): boolean {
  return fn.partial === true || fn.cut === true || callees(fn).includes(GAP_CALL);
}

/** The entry's failure mode in this era, if it has one. */
function failureOf(entry: ApiEntry, env: SimEnv): Failure | undefined {
  return entry.fails?.find((f) => !f.eras || f.eras.includes(env.era));
}

function successValue(f: Failure): Val {
  if (f.returns === 'void') return UNKNOWN;
  if (f.returns === 'false') return { k: 'bool', v: true };
  if (f.returns === 'null') return { k: 'nz' };
  return f.success === 'count' ? { k: 'nz' } : { k: 'num', v: 0 };
}

function failureValue(f: Failure): Val {
  if (f.returns === 'void') return UNKNOWN;
  if (f.returns === 'false') return { k: 'bool', v: false };
  if (f.returns === 'null') return { k: 'num', v: 0 };
  return { k: 'err', names: f.returns };
}

/** Whether the page's type runs the code a partial body of the free path shows, when all of it is
 * inside a construct whose head is above the hunk (an arm the hunk starts in): as runsArmAbove, on the
 * code as the function was before the patch (both sides decide alike). A type that does not takes the
 * function as the table has it. A type switch the hunk shows labels of decides per arm instead. */
export function runsShownCode(body: Body, env: Pick<SimEnv, 'api' | 'era' | 'type' | 'decideAs'>): boolean {
  const pre = body.pre ?? body;
  if (!pre.fn.insideAbove || showsTypeLabels(pre.fn.body)) return true;
  // Only the free path's summary is one arm per type; others sum up the whole body (a get and its put
  // inside a GUP walk leave no pgmap change in the summary, though every type's pages meet them).
  if (!env.api.entry(pre.fn.name)?.roles.includes('free-path')) return true;
  return runsArmAbove(pre.fn.name, pre.fn.body, env, env.decideAs ?? env.type);
}

/** What an arm of a function's body does, by kind (pgmap gets and puts, refcount stores, idle waits and
 * wakes, the free callback), for `type`: from the table calls and callback calls it shows. */
function kindsOf(eff: EraEffect, into: Set<string>): void {
  if (eff.pgmap === 'get' || eff.pgmap === 'put') into.add(`pgmap-${eff.pgmap}`);
  if (eff.refcount?.op === 'set') into.add('refcount-set');
  if (eff.pageFreeCallback) into.add('callback');
  if (eff.idle) into.add('idle');
}

/** Whether `type` can run the statements of an arm the hunk starts in (its head is above the hunk) of
 * table function `fn`: not when they do a kind of thing the table's summary of `fn` says that type's
 * pages never meet there (the PRIVATE/COHERENT arm's pgmap put, for an FS DAX page). Without a
 * summary, every type can. */
export function runsArmAbove(fn: string, code: Stmt | readonly Stmt[], env: Pick<SimEnv, 'api' | 'era'>, type: PgmapType): boolean {
  const entry = env.api.entry(fn);
  const summary = entry && env.api.effect(entry, env.era, type);
  if (!summary) return true;
  const allowed = new Set<string>();
  kindsOf(summary, allowed);
  const shown = new Set<string>();
  for (const name of calleesOf(code)) {
    const callee = env.api.entry(name);
    const eff = callee && env.api.effect(callee, env.era, type);
    if (PAGE_FREE_CALLBACK.test(name)) shown.add('callback');
    else if (eff) kindsOf(eff, shown);
  }
  for (const k of shown) if (!allowed.has(k)) return false;
  return true;
}

/** The path on which the call fails: nothing taken, the failure value returned. `fork`: it leaves the
 * primary path here (a pgmap already killed makes failure the only outcome). */
function failPath(entry: ApiEntry, f: Failure, e: Extract<Expr, { k: 'call' }>, env: SimEnv, p: Path, frame: Frame, fork: boolean): [Path, Val] {
  const returns = f.returns === 'void' ? 'nothing' : typeof f.returns === 'string' ? f.returns : f.returns.join(' / ');
  const pgmapGet = env.api.effect(entry, env.era, env.type)?.pgmap === 'get';
  const events: TraceEvent[] = [{ kind: 'call-fails', callee: entry.name, returns, pgmapGet }];
  const why = fork ? `${entry.name}() fails` : `${entry.name}() fails: the pgmap is killed`;
  const q = record(env, frame, p, e.text, p.state, e.loc.line, `${why}, returning ${returns}: nothing is taken`, events);
  return [fork ? { ...q, primary: false, forkLine: q.forkLine ?? docLine(frame, e.loc.line) } : q, failureValue(f)];
}

/** pgmap->ops->page_free(): the driver takes the page back (P2PDMA's callback also drops the mmap's pgmap ref). */
function pageFreeCallback(env: SimEnv, frame: Frame, p: Path, text: string, line: number | undefined): Out {
  const own = env.api.withRole('page-free-callback', env.era).filter((name) => {
    const entry = env.api.entry(name);
    return !!(entry && env.api.effect(entry, env.era, env.type));
  });
  // The type's callbacks are all ones this side of the patch does not define: its pgmap has no
  // ->page_free (one driver's callback renamed or removed leaves the others').
  if (own.length > 0 && own.every((name) => env.absent?.has(name))) return [[record(env, frame, p, text, p.state, line, `no ->page_free for ${env.type} pages on this side of the patch`), UNKNOWN]];
  const next = { ...p.state, pageFreeCalls: p.state.pageFreeCalls + 1 };
  let paths = [record(env, frame, p, text, next, line, 'pgmap->ops->page_free(): the page goes back to its driver', [{ kind: 'page-free' }])];
  for (const name of own) {
    // The patch's own callback runs as written (a put it adds or removes counts); else the table's.
    const patched = env.bodies.get(name);
    if (patched && frame.depth < env.budget.maxDepth && !frame.stack.includes(name)) {
      paths = paths.flatMap((q) => callPatched(patched, `${name}(page)`, env, q, frame));
      continue;
    }
    const entry = env.api.entry(name);
    const eff = entry && env.api.effect(entry, env.era, env.type);
    if (entry && eff?.pgmap === 'put') {
      paths = paths.map((q) => record(env, { ...frame, body: undefined }, q, `${name}(page) [table ${env.era}]`, { ...q.state, pgmapRefs: q.state.pgmapRefs - 1 }, undefined, eff.note, [{ kind: 'call', callee: name, roles: entry.roles, via: 'callback', text: `${name}(page)` }]));
    }
  }
  return paths.map((q) => [q, UNKNOWN]);
}

/** wake_up_var(key) / wait_var_event(key, cond): the key and idle count as written in the call. */
function withCallKey(eff: EraEffect, e: Extract<Expr, { k: 'call' }>): EraEffect {
  if (!eff.idle || !IDLE_VAR_CALL.test(e.callee) || e.args.length === 0) return eff;
  const key = REFCOUNT_KEY.test(e.args[0]!.text) ? 'refcount' : 'page';
  const m = e.args[1] ? /==\s*([01])\b/.exec(e.args[1].text) : null;
  const count = m ? (Number(m[1]) as 0 | 1) : IDLE_TEST.test(e.args[1]?.text ?? '') ? 0 : eff.idle.count;
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
  if (eff.trueFor) val = typeTruth(eff, env)!;
  if (eff.trueForEntry) val = { k: 'bool', v: eff.trueForEntry.includes(s.mapping) && (!eff.trueFor || eff.trueFor.includes(env.decideAs ?? env.type)) };
  if (eff.folioQuery === 'large') val = { k: 'bool', v: !!s.compound };
  if (eff.folioQuery === 'nr-pages') val = { k: 'num', v: nrPages(s) };
  if (eff.folioQuery === 'order') val = { k: 'num', v: s.compound ? (s.order ?? 0) : 0 };
  if (eff.folioQuery === 'entry-order') val = { k: 'num', v: s.order ?? 0 };
  if (eff.folioQuery === 'head' && s.staleHead) val = { k: 'unknown', staleHead: true };
  if (eff.clearsStaleHead && s.staleHead) next = { ...next, staleHead: false };
  // A builder that marks the entry it is passed (keepsEntry) knows the result only when it knows that entry.
  if (eff.builds) val = !eff.keepsEntry || args[0]?.k === 'entry' ? { k: 'entry', kind: eff.builds } : UNKNOWN;
  else if (eff.keepsEntry && args[0]?.k === 'entry') val = args[0];
  const stored = eff.installsArg !== undefined ? args[eff.installsArg - 1] : undefined;
  if (stored?.k === 'entry') next = { ...next, mapping: stored.kind, mappingHoldsRef: REFCOUNTED_ENTRY_KINDS.includes(stored.kind), inUse: true };
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
          return [[record(env, frame, p, text, s, line, STALE_HEAD_STORE, [callEvent(entry, text, env), { kind: 'stale-head-store' }]), UNKNOWN]];
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
          const warn = `${oneLine(text)} -> ${NAMED.grab}(): ${NAMED.grabWarn}`;
          const q = record(env, frame, p, warn, { ...s, warns: [...s.warns, warn] }, line, `${WARN_FIRES}: the grab fails (-ENOMEM), nothing is taken or pinned`, [{ kind: 'warn-fires', condition: NAMED.grabWarnCondition }]);
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
          tail = (q) => putPage(env, frame, q, `${text}: the caller's ${NAMED.put}()`, line, false, 1);
        }
        break;
      case 'put':
        if (entry.roles.includes('gup') && next.pinned > 0) next = { ...next, pinned: next.pinned - 1 };
        tail = (q) => putPage(env, frame, q, text, line, eff.devmapHook === true || (entry.roles.includes('unmap') && devmapHookOfPut(env)), amount);
        break;
    }
  }
  if (eff.pgmapHeld) next = { ...next, pgmapHeld: true };
  // Removing an entry that holds no reference (special, devmap) drops no mapcount either.
  const unheld = !!eff.pageTable && 'remove' in eff.pageTable && !s.mappingHoldsRef;
  if (eff.mapcount && !(eff.mapcount === 'dec' && unheld)) next = { ...next, mapcount: eff.mapcount === 'inc' ? next.mapcount + 1 : eff.mapcount === 'dec' ? next.mapcount - 1 : 0 };
  const pgCount = eff.pgmapCount === undefined ? 1
    : eff.pgmapCount === 'nr-pages' ? nrPages(s)
    : eff.pgmapCount === 'order-pages' ? 1 << (next.order ?? 0)
    // A count the input does not show (a local set above the hunk): the folio's base pages, what every
    // per-page use of the *_many forms on a pgmap counts (E5 zone_device_page_init() and the free path).
    : eff.pgmapCount === 'arg' ? (argNum(args[1]) ?? nrPages(s)) : eff.pgmapCount;
  if (eff.pgmap === 'get') next = { ...next, pgmapRefs: next.pgmapRefs + pgCount };
  else if (eff.pgmap === 'put') next = { ...next, pgmapRefs: next.pgmapRefs - pgCount };
  // E0: the per-page pgmap ref of memremap_pages() belongs to the page (its final put drops it);
  // from E1 memunmap_pages() drops those refs itself: they are the pgmap's (the init phase marks them).
  else if (eff.pgmap === 'static-per-page') next = { ...next, pgmapRefs: next.pgmapRefs + 1, ...(env.era === 'E0' ? { ownsStaticRef: true } : {}) };
  if (eff.idle && entry.roles.includes('fsdax-idle-wait')) next = { ...next, waits: [...next.waits, { key: eff.idle.key, count: eff.idle.count }] };
  else if (eff.idle && entry.roles.includes('fsdax-wake') && rc?.op !== 'dec') next = { ...next, wakes: [...next.wakes, { key: eff.idle.key, count: next.refcount }], wakeAt: next.wakeAt ?? next.refcount ?? undefined };
  const pt = eff.pageTable;
  // Removing the user mappings of a page that has none does nothing.
  if (pt && 'remove' in pt && s.mapping === 'none') return [[record(env, frame, p, text, s, line, `${note} (the page is not mapped)`, [callEvent(entry, text, env)]), val]];
  if (pt && 'insert' in pt) {
    next = { ...next, mapping: pt.insert, mappingHoldsRef: pt.holdsRef, inUse: true };
  } else if (pt && 'remove' in pt) {
    const held = s.mappingHoldsRef;
    // Other device-private entries of the page (a fork's child's, E5 PMDs) stay: the kind goes only
    // with the last mapcount. (Present entries keep the one-mapping reading: placed bodies of insert
    // helpers would otherwise count a P2PDMA or DAX mapping twice.)
    const othersRemain = s.mapping === 'swap-entry' && ((eff.mapcount === 'dec' && next.mapcount > 0) || (pt.callerPuts === true && s.mapcount > 1));
    if (!othersRemain) next = { ...next, mapping: 'none', mappingHoldsRef: false };
    if ((!rc || rc.op === 'read') && held && !pt.callerPuts) tail = (q) => putPage(env, frame, q, text, line, devmapHookOfPut(env), 1);
  }
  if (eff.pgmap === 'kill-wait') {
    const drop = eff.pgmapCount === undefined ? 0 : pgCount;
    next = teardown({ ...next, pgmapRefs: next.pgmapRefs - drop, staticRefs: (next.staticRefs ?? 0) - drop }, rc?.op === 'put');
  }
  // The same teardown when a patched memunmap_pages() body runs its parts: the kill, then the wait,
  // which waits for the page only if it still holds a user's reference then, and its memmap is still there.
  else if (eff.pgmap === 'kill') next = { ...next, tornDown: true, teardownWaited: next.teardownWaited ?? false };
  // pgmap->done completes only once the ref is killed and drained: a wait on it implies the kill (one the
  // input does not show), and so does the removal of the memmap.
  else if (eff.pgmap === 'drain-wait') next = { ...next, ...drain(next) };
  else if (eff.pgmap === 'memmap-remove') {
    next = { ...next, tornDown: true, teardownWaited: next.teardownWaited ?? false };
    if (!next.teardownWaited && userPgmapRefs(next) > 0) next = { ...next, memmapGoneInUse: true };
  }
  // A helper that changes nothing (page_folio(), folio_test_large()) leaves no step: it only gives a value.
  if (entry.helper && !tail && !stateChanged(s, next)) return [[p, val]];
  const events: TraceEvent[] = [callEvent(entry, text, env)];
  if (rc?.op === 'set' && entry.roles.includes('raw-count')) events.push({ kind: 'refcount-set' });
  if (eff.idle && next.waits.length > s.waits.length) events.push({ kind: 'idle-wait', key: eff.idle.key });
  if (eff.idle && next.wakes.length > s.wakes.length) events.push({ kind: 'idle-wake', key: eff.idle.key });
  const q = record(env, frame, p, text, next, line, note, events);
  const outs: Out = tail ? tail(q).map(([r]) => [r, val]) : [[q, val]];
  if (!eff.pageFreeCallback || (rc?.op === 'dec' && eff.freeAt !== undefined)) return outs;
  return outs.flatMap(([r]) => pageFreeCallback(env, frame, r, `pgmap->ops->page_free(page) [table ${env.era}]`, line).map(([t]): [Path, Val] => [t, val]));
}

/** The call event of a table step; `text` as the step shows it, without the ` [table Ex]` the
 * implicit calls (free path, hooks) carry. */
function callEvent(entry: ApiEntry, text: string, env: SimEnv): TraceEvent {
  const suffix = ` [table ${env.era}]`;
  return { kind: 'call', callee: entry.name, roles: entry.roles, via: 'table', text: oneLine(text.endsWith(suffix) ? text.slice(0, -suffix.length) : text) };
}

/** memunmap_pages(): kill the pgmap ref, drop the static per-page refs (done by the caller), wait for the rest. */
function teardown(s: SimState, putsPages: boolean): SimState {
  // E0 drops the per-page refs by put_page() on every pfn (the put itself follows): a page still
  // referenced after that put keeps its pgmap ref, and teardown waits for it.
  const waited = putsPages ? s.refcount !== null && s.refcount > 1 : userPgmapRefs(s) > 0;
  return { ...s, tornDown: true, teardownWaited: waited };
}

/** wait_for_completion(&pgmap->done): it waits for the page while the page holds a user's reference and
 * still has its memmap. */
function drain(s: SimState): Pick<SimState, 'tornDown' | 'teardownWaited' | 'drained'> {
  return { tornDown: true, drained: true, teardownWaited: !!s.teardownWaited || (userPgmapRefs(s) > 0 && !s.memmapGoneInUse) };
}

function devmapHookOfPut(env: SimEnv): boolean {
  const put = env.api.entry(NAMED.put);
  return !!(put && env.api.effect(put, env.era, env.type)?.devmapHook);
}

/** put_page / folio_put semantics: the devmap hook first when asked, else -n and the free path at 0. */
function putPage(env: SimEnv, frame: Frame, p: Path, text: string, line: number | undefined, viaHook: boolean, amount = 1): Out {
  if (viaHook) {
    const hooks = env.api.withRole('devmap-hook', env.era);
    const patched = hooks.map((h) => env.bodies.get(h)).find((b) => b !== undefined);
    if (patched && frame.depth < env.budget.maxDepth && !frame.stack.includes(patched.fn.name)) {
      return callPatched(patched, text, env, p, frame).map((q) => [q, UNKNOWN]);
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
  if (eff.idle) q = record(env, frame, q, `${entry.name}: ${NAMED.idleWake}() [table ${env.era}]`, { ...q.state, wakes: [...q.state.wakes, { key: eff.idle.key, count: q.state.refcount }], wakeAt: eff.idle.count }, line, `idle at ${eff.idle.count}: waiters are woken`, [{ kind: 'idle-wake', key: eff.idle.key }]);
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
  const start = under ? record(env, frame, freed, `free path under a live ${p.state.mapping} mapping`, freed.state, undefined, FREED_UNDER_MAPPING, [{ kind: 'freed-under-mapping' }]) : freed;
  const patched = names.map((n) => env.bodies.get(n)).find((b) => b !== undefined);
  if (patched && runsShownCode(patched, env) && frame.depth < env.budget.maxDepth && !frame.stack.includes(patched.fn.name)) {
    const entered = record(env, frame, start, `${patched.fn.name}(page)`, start.state, undefined, 'free path: the patched body runs');
    return callPatched(patched, `${patched.fn.name}(page)`, env, entered, frame).map((q) => [q, UNKNOWN]);
  }
  for (const n of names) {
    const entry = env.api.entry(n);
    const eff = entry && env.api.effect(entry, env.era, env.type);
    if (entry && eff && hasContent(eff)) return applyEffect(entry, eff, `${n}(page) [table ${env.era}]`, [], env, start, frame, undefined);
  }
  return [[record(env, frame, start, 'free path', start.state, undefined, `no free path known for ${env.type} in ${env.era}`), UNKNOWN]];
}
