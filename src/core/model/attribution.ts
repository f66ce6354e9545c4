// Attribution: where an effect or finding is reported. Its line is the first step, among those where
// the two worlds' traces differ, that runs a line the patch changes (the primary location); a patch's
// hunks see the same two worlds, so each effect and finding is then kept once, on the hunk that owns
// its line, with the types every hunk found it for.
import { PGMAP_TYPES, type PgmapType } from '../types';
import type { Effect, Finding, HunkReport, TraceStep } from '../report/types';
import type { Hunk } from '../patch/types';
import type { EffectSteps } from './aspects';

const stepKey = (s: TraceStep) => `${s.function}|${s.statement}|${s.phase}`;
const changesPage = (s: TraceStep) => JSON.stringify(s.before) !== JSON.stringify(s.after);

/** The document line an effect is attributed to (its primary location): the first line the patch
 * changes among the steps one world runs and the other does not, read in the phases the effect's
 * value comes from (after world first), then in the whole scenarios; else the first changed line
 * either side runs there; else the first line the after side runs; else `fallback`. */
export function attributedLine(steps: EffectSteps, changed: ReadonlySet<number>, fallback: number): number {
  const onChange = (s: TraceStep) => s.line !== undefined && changed.has(s.line);
  // A step that changes the page is preferred to a decision noted on the way (a type guard).
  const only = (a: readonly TraceStep[], b: readonly TraceStep[]) => {
    const other = new Set(b.map(stepKey));
    const mine = a.filter((s) => onChange(s) && !other.has(stepKey(s)));
    return (mine.find(changesPage) ?? mine[0])?.line;
  };
  return (
    only(steps.after, steps.before) ??
    only(steps.before, steps.after) ??
    only(steps.wholeAfter, steps.wholeBefore) ??
    only(steps.wholeBefore, steps.wholeAfter) ??
    steps.after.find(onChange)?.line ??
    steps.before.find(onChange)?.line ??
    steps.after.find((s) => s.line !== undefined)?.line ??
    fallback
  );
}

/** A finding's primary location is a line the patch changes: its own line when it is one, else the
 * first changed line its trace runs, else the changed line nearest to where its trace and related
 * lines are (a put removed from an error branch is not on the path that leaks); the rule's line then
 * comes first among the related ones. Unchanged when the patch changes none of these places. */
export function attributeFinding(f: Finding, changed: ReadonlySet<number>): Finding {
  if (changed.has(f.line) || changed.size === 0) return f;
  const anchors = [f.line, ...f.trace.flatMap((s) => (s.line === undefined ? [] : [s.line])), ...(f.related ?? []).map((r) => r.line)];
  let line = f.trace.find((s) => s.line !== undefined && changed.has(s.line))?.line;
  if (line === undefined && anchors.length > 1) {
    let best = Infinity;
    for (const c of changed) {
      for (const a of anchors) {
        const d = Math.abs(c - a);
        if (d < best || (d === best && c < line!)) [best, line] = [d, c];
      }
    }
  }
  return line === undefined ? f : { ...f, line, related: [{ line: f.line, message: 'where it happens' }, ...(f.related ?? [])] };
}

function union(a: readonly PgmapType[], b: readonly PgmapType[]): PgmapType[] {
  return PGMAP_TYPES.filter((t) => a.includes(t) || b.includes(t));
}

/** Each effect and finding of a patch once: on the hunk whose changed lines hold its line (else the
 * first hunk that has it), with the union of the types the hunks found it for. The reports in the
 * order of `hunks`. */
export function placeOnce(hunks: readonly { hunk: Hunk; report: HunkReport }[]): HunkReport[] {
  // The (last) hunk that changes a line, looked up for each effect and finding only: a large diff's
  // patch changes hundreds of thousands of lines and has few of them.
  const owns = new Map<number, Hunk | undefined>();
  const ownerOf = (line: number) => {
    if (owns.has(line)) return owns.get(line);
    let found: Hunk | undefined;
    for (let i = hunks.length - 1; i >= 0 && !found; i--) {
      const h = hunks[i]!.hunk;
      if (line >= h.range.start.line && line <= h.range.end.line && h.lines.some((l) => l.line === line && l.kind !== 'context')) found = h;
    }
    owns.set(line, found);
    return found;
  };
  type Item = { hunk: Hunk; onChange: boolean; types: PgmapType[] };
  const owner = new Map<string, Item>();
  const claim = (key: string, hunk: Hunk, line: number, types: readonly PgmapType[]) => {
    const prev = owner.get(key);
    const lineOwner = ownerOf(line);
    if (!prev) owner.set(key, { hunk: lineOwner ?? hunk, onChange: lineOwner !== undefined, types: [...types] });
    else {
      prev.types = union(prev.types, types);
      if (!prev.onChange && lineOwner) Object.assign(prev, { hunk: lineOwner, onChange: true });
    }
  };
  const effectKey = (e: Effect) => `effect|${e.aspect}|${e.before}|${e.after}|${e.explanation}`;
  const findingKey = (f: Finding) => `finding|${f.ruleId}|${f.status}|${f.message.split(f.types.join('/')).join('*')}`;
  for (const { hunk, report } of hunks) {
    for (const e of report.effects) claim(effectKey(e), hunk, e.line, e.types);
    for (const f of report.findings) claim(findingKey(f), hunk, f.line, f.types);
  }
  const mine = <T extends { types: readonly PgmapType[] }>(hunk: Hunk, xs: readonly T[], key: (x: T) => string, retype: (x: T, types: PgmapType[]) => T): T[] => {
    const out: T[] = [];
    const done = new Set<string>();
    for (const x of xs) {
      const k = key(x);
      const o = owner.get(k)!;
      if (o.hunk !== hunk || done.has(k)) continue;
      done.add(k);
      out.push(o.types.length === x.types.length ? x : retype(x, o.types));
    }
    return out;
  };
  return hunks.map(({ hunk, report }) => {
    if (report.effects.length === 0 && report.findings.length === 0) return report;
    const effects = mine(hunk, report.effects, effectKey, (e, types) => ({ ...e, types }));
    // A finding's message names its types (rules' grouping): with types added by other hunks, it names them all.
    const findings = mine(hunk, report.findings, findingKey, (f, types) => ({ ...f, types, message: f.message.split(f.types.join('/')).join(types.join('/')) }));
    const same = effects.length === report.effects.length && findings.length === report.findings.length && effects.every((e, i) => e === report.effects[i]) && findings.every((x, i) => x === report.findings[i]);
    return same ? report : { ...report, effects, findings };
  });
}
