// Hazard 8: a pgmap->type guard is removed, widened or narrowed, changing what other types do (a guard
// rewritten as its negation sorts the types as before and is none of these).
// Reported for each type whose steps inside the hunk's functions differ between before and after,
// when the hunk changes a condition that tests the pgmap type, and the patch does not mean to change
// that type (ctx.intended).
import type { PgmapType } from '../../types';
import type { TraceStep } from '../../report/types';
import type { DiffInstance, Rule, RuleContext, SideView } from '../types';
import type { FunctionPath } from '../../sim/paths';
import type { Stmt } from '../../syntax/ir';
import { meta, stepTouches } from '../util';

/** Whether a step decided a condition on the pgmap type, and which way. */
function decided(s: TraceStep): boolean | undefined {
  const e = s.events?.find((x) => x.kind === 'type-decided');
  return e?.kind === 'type-decided' ? e.taken : undefined;
}

/** The steps of a run from the first to the last step in one of the hunk's own functions (either side's:
 * a function the patch moves keeps its guards), with the callees they run in between. A guard changed
 * elsewhere in the patch is judged at its own hunk. */
function ownSpan(steps: readonly TraceStep[], own: ReadonlySet<string>): readonly TraceStep[] {
  const first = steps.findIndex((s) => own.has(s.function));
  if (first < 0) return [];
  let last = steps.length - 1;
  while (!own.has(steps[last]!.function)) last--;
  return steps.slice(first, last + 1);
}

/** A type-guard decision (`if`/`switch` on the pgmap type) with a line the patch adds or deletes (any
 * line of a condition written over several). */
function guardStep(s: TraceStep, changed: ReadonlySet<number>): boolean {
  return decided(s) !== undefined && stepTouches(s, changed);
}

function changedGuards(side: SideView, changed: ReadonlySet<number>, own: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const run of side.runs) for (const s of ownSpan(run.trace.steps, own)) if (guardStep(s, changed)) out.add(s.statement);
  return out;
}

/** Per type, the outcomes of the changed type guards on one side: equal on both sides when the patch
 * only respells or moves a guard (is_zone_device_page(page) -> folio_is_zone_device(folio)). */
function outcomes(side: SideView, type: PgmapType, changed: ReadonlySet<number>, own: ReadonlySet<string>): string {
  const run = side.runs.find((r) => r.type === type && r.scenario === 'page-life');
  return ownSpan(run?.trace.steps ?? [], own).filter((s) => guardStep(s, changed)).map((s) => String(decided(s))).join('\n');
}

/** What a type does inside the hunk's functions, per phase: the net state change and whether the page
 * went through refcount 0 on the way (statement spelling such as page vs folio, and a reference taken
 * and dropped again, do not matter). */
function behaviour(side: SideView, type: PgmapType): { sig: string; steps: TraceStep[] } {
  const names = new Set(side.functions.map((b) => b.fn.name));
  const steps = side.runs.filter((r) => r.type === type && r.scenario === 'page-life')
    .flatMap((r) => r.trace.steps)
    .filter((s) => names.has(s.function) && decided(s) === undefined && JSON.stringify(s.before) !== JSON.stringify(s.after));
  const sig = [...new Set(steps.map((s) => s.phase))].map((phase) => {
    const mine = steps.filter((s) => s.phase === phase);
    const net = JSON.stringify(mine[0]!.before) === JSON.stringify(mine[mine.length - 1]!.after) ? 'no net change' : `${JSON.stringify(mine[0]!.before)}>${JSON.stringify(mine[mine.length - 1]!.after)}`;
    return `${phase}:${net}${mine.some((s) => s.after.refcount === 0) ? ' via 0' : ''}`;
  }).filter((x) => !x.endsWith(':no net change')).join('\n');
  return { sig, steps };
}

export const rule: Rule = {
  meta: meta('pgmap-type-guard-changed', 'A pgmap->type guard is removed, widened or narrowed, changing other types', 'warning', 'medium'),
  diff(before, after, ctx) {
    const own = new Set([...before.functions, ...after.functions].map((b) => b.fn.name));
    const removed = [...changedGuards(before, ctx.changedLines, own)];
    const added = [...changedGuards(after, ctx.changedLines, own)];
    if (removed.length === 0 && added.length === 0) return refusalChanges(before, after, ctx, own);
    const out: DiffInstance[] = [];
    const pairs = ctx.types.map((t) => [outcomes(before, t, ctx.changedLines, own), outcomes(after, t, ctx.changedLines, own)] as const);
    if (pairs.every(([b, a]) => b === a)) return refusalChanges(before, after, ctx, own);
    // Rewritten to its negation (`!= A && != B` -> `== A || == B`): the guard sorts the types into the
    // same two groups, it is neither widened, narrowed nor removed; what its arms do now is the effects'.
    // (A type that meets the guard on neither side says nothing.)
    if (pairs.every(([b, a]) => (b === '' && a === '') || (b !== '' && a === negated(b)))) return [];
    for (const type of ctx.types) {
      // A type the patch means to change: its new behaviour is an effect, not a hazard.
      if (ctx.intended?.has(type)) continue;
      const b = behaviour(before, type);
      const a = behaviour(after, type);
      if (b.sig === a.sig) continue;
      const changed = a.steps.find((s) => stepTouches(s, ctx.changedLines)) ?? a.steps[0] ?? b.steps[0];
      const guardText = removed.length ? `changing ${removed.join('; ')}` : `adding ${added.join('; ')}`;
      out.push({ key: 'guard', type, status: 'introduced', line: changed?.line, trace: a.steps,
        message: `${guardText} changes what ${type} pages do here: before: ${summary(b.steps)}; after: ${summary(a.steps)}`,
        related: b.steps.filter((s) => s.line !== undefined).slice(0, 3).map((s) => ({ line: s.line!, message: `before: ${s.statement}` })) });
    }
    return [...out, ...refusalChanges(before, after, ctx, own).filter((x) => !out.some((o) => o.type === x.type))];
  },
};

const MARK = ' (a changed line)';

/** How a type's paths leave the hunk's function `fn` by failure (a refusal: an errno, NULL, a goto
 * beyond the input) in the arm one of its changed type guards sent the type down: `return X` / `goto L`,
 * marked when the statement is one the patch adds or deletes (checks only reordered leave the set alike). */
function refusals(side: SideView, type: PgmapType, fn: string, changed: ReadonlySet<number>): Map<string, FunctionPath> {
  const out = new Map<string, FunctionPath>();
  for (const p of side.paths ?? []) {
    if (p.function !== fn || p.type !== type || !p.exit.failure || p.exit.line === undefined) continue;
    const inArm = p.steps.some((s) => {
      const e = s.function === fn && guardStep(s, changed) ? s.events?.find((x) => x.kind === 'type-decided') : undefined;
      return e?.kind === 'type-decided' && s.line !== undefined && !!armLines(side, fn, s.line, e.taken)?.has(p.exit.line!);
    });
    if (!inArm) continue;
    const mark = changed.has(p.exit.line) ? MARK : '';
    out.set(`${p.exit.kind} ${p.exit.text ?? ''}`.trim() + mark, p);
  }
  return out;
}

/** The document lines of the statements directly in the arm (`taken`: then, else: else) of the `if` of
 * `fn` whose condition starts at document line `line`: an exit there is the guard's own doing (one
 * nested in a further branch, or after a call that failed, is that branch's). */
function armLines(side: SideView, fn: string, line: number, taken: boolean): Set<number> | undefined {
  for (const b of side.functions) {
    if (b.fn.name !== fn) continue;
    let arm: Stmt | undefined;
    let found = false;
    const find = (x: unknown): void => {
      if (found || !x || typeof x !== 'object') return;
      if (Array.isArray(x)) return x.forEach(find);
      const st = x as Stmt;
      if (st.k === 'if' && b.docLine(st.cond.loc.line) === line) {
        found = true;
        arm = taken ? st.then : st.else;
        return;
      }
      Object.values(x).forEach(find);
    };
    find(b.fn.body);
    if (!arm) continue;
    const direct = arm.k === 'block' ? arm.body : [arm];
    return new Set(direct.filter((st) => st.k === 'return' || st.k === 'goto').map((st) => b.docLine(st.loc.line)).filter((d): d is number => d !== undefined));
  }
  return undefined;
}

/** Whether a path of the type passes a changed type guard of `fn` on the side. */
function meetsGuard(side: SideView, type: PgmapType, fn: string, changed: ReadonlySet<number>): boolean {
  return (side.paths ?? []).some((p) => p.function === fn && p.type === type && p.steps.some((s) => s.function === fn && guardStep(s, changed)));
}

/** A changed type guard that now lets a type past a refusal, or refuses it where it went on, when no
 * scenario meets the guard: every path of the hunk's functions compared by how it leaves them. A page
 * that gets past no longer leaves where it did: it goes on to code the input may not show (what that
 * code does with it is the function's, and for the type the table may have no summary there). */
function refusalChanges(before: SideView, after: SideView, ctx: RuleContext, own: ReadonlySet<string>): DiffInstance[] {
  const out: DiffInstance[] = [];
  for (const type of ctx.types) {
    if (ctx.intended?.has(type)) continue;
    // A function the patch adds or deletes whole is not let past anything: it is there on one side only.
    for (const fn of [...own].filter((n) => before.functions.some((b) => b.fn.name === n) && after.functions.some((b) => b.fn.name === n))) {
      if (!meetsGuard(before, type, fn, ctx.changedLines) && !meetsGuard(after, type, fn, ctx.changedLines)) continue;
      const b = refusals(before, type, fn, ctx.changedLines);
      const a = refusals(after, type, fn, ctx.changedLines);
      const gone = [...b].filter(([k]) => !a.has(k));
      const made = [...a].filter(([k]) => !b.has(k));
      if (gone.length === 0 && made.length === 0) continue;
      const [exit, p] = gone[0] ?? made[0]!;
      const guard = [...(before.paths ?? []), ...(after.paths ?? [])].filter((q) => q.function === fn && q.type === type)
        .flatMap((q) => q.steps).find((s) => s.function === fn && guardStep(s, ctx.changedLines))!;
      const line = p.exit.line ?? guard.line;
      out.push({
        key: 'refusal', type, status: 'introduced', line, trace: p.steps,
        message: gone.length > 0
          ? `changing ${guard.statement} lets ${type} pages past the refusal in ${fn}() (${exit.replace(MARK, '')}): they go on with the rest of it`
          : `changing ${guard.statement} makes ${fn}() refuse ${type} pages (${exit.replace(MARK, '')}) where they went on`,
        ...(guard.line !== undefined && guard.line !== line ? { related: [{ line: guard.line, message: `the changed guard` }] } : {}),
      });
    }
  }
  return out;
}

/** The outcomes of one side's guards, each negated. */
function negated(outcome: string): string {
  return outcome.split('\n').map((x) => (x === 'true' ? 'false' : x === 'false' ? 'true' : x)).join('\n');
}

function summary(steps: readonly TraceStep[]): string {
  const shown = (s: TraceStep) => {
    const call = s.events?.find((e) => e.kind === 'call');
    return call?.kind === 'call' ? call.text : s.statement;
  };
  return steps.length ? steps.map(shown).join(', ') : 'nothing';
}
