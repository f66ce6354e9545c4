// The server's reviews: one per open document, re-run after edits (debounced), the superseded
// ones stopped between patches, a long series' first patches shown while the rest is reviewed, a
// document over the size limit reviewed patch by patch (bounded memory). Plain data in and out: the
// LSP side is server.ts.
import type { Analyzer, HunkReport, FileReport, PatchReport, Problem, ReviewOptions, ReviewReport, Severity, SimulateResult } from '../core';
import { shownSeverity } from '../shared/summary';

export interface HunkEntry {
  /** 1-based number in document order: what `simulate` takes. */
  readonly number: number;
  readonly patch: PatchReport;
  readonly file: FileReport;
  readonly hunk: HunkReport;
}

/** A piece of a large document reviewed on its own. */
interface Part {
  readonly startLine: number;
  readonly text: string;
  /** Number (document order) of its first hunk, minus one. */
  readonly hunkBase: number;
}

export interface Review {
  readonly version: number;
  readonly era: string;
  readonly eraSource: string;
  readonly patches: readonly PatchReport[];
  readonly problems: readonly Problem[];
  /** Hunks in document order. */
  readonly hunks: readonly HunkEntry[];
  /** Set when the document was reviewed patch by patch. */
  readonly parts?: readonly Part[];
  /** A large document's findings not kept (past the first ones an editor is shown), per shown severity. */
  readonly omitted?: Readonly<Record<Severity, number>>;
  readonly millis: number;
}

export interface Cancel {
  cancelled: boolean;
}

/** A copy of `v` with every document line (`line`, `startLine` fields) moved down by `by`. */
function shifted<T>(v: T, by: number): T {
  if (by === 0) return v;
  const walk = (x: unknown, key?: string): unknown => {
    if (typeof x === 'number') return key === 'line' || key === 'startLine' ? x + by : x;
    if (Array.isArray(x)) return x.map((y) => walk(y));
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y, k)]));
    return x;
  };
  return walk(v) as T;
}

function hunksOf(patches: readonly PatchReport[]): HunkEntry[] {
  const all = patches.flatMap((patch) => patch.files.flatMap((file) => file.hunks.map((hunk) => ({ patch, file, hunk }))));
  all.sort((a, b) => a.hunk.range.start.line - b.hunk.range.start.line);
  return all.map((h, i) => ({ ...h, number: i + 1 }));
}

/** A review of the whole document (not split into pieces). */
function whole(version: number, r: ReviewReport, millis: number): Review {
  return { version, era: r.era, eraSource: r.eraSource, patches: r.patches, problems: r.problems, hunks: hunksOf(r.patches), millis };
}

/** Splits a document at its mail separators (`From ` lines), else at its `diff --git` lines. */
export function splitPatches(text: string): { startLine: number; text: string }[] {
  const at = (re: RegExp) => [...text.matchAll(re)].map((m) => m.index!);
  let starts = at(/^From \S+ .*$/gm);
  if (starts.length < 2) starts = at(/^diff --git /gm);
  if (!starts.length || starts[0] !== 0) starts.unshift(0);
  const parts: { startLine: number; text: string }[] = [];
  let line = 0;
  for (let i = 0; i < starts.length; i++) {
    const piece = text.slice(starts[i], starts[i + 1] ?? text.length);
    parts.push({ startLine: line, text: piece });
    for (let j = piece.indexOf('\n'); j >= 0; j = piece.indexOf('\n', j + 1)) line++;
  }
  return parts;
}

/** The patches without what a large document cannot afford to keep: the traces of findings and effects, the calls' guards. */
function lean(patches: readonly PatchReport[]): PatchReport[] {
  return patches.map((p) => ({
    ...p,
    files: p.files.map((f) => ({
      ...f,
      hunks: f.hunks.map((h) => ({
        ...h,
        calls: h.calls.map((c) => ({ ...c, guards: [] })),
        effects: h.effects.map((e) => ({ ...e, trace: undefined })),
        findings: h.findings.map((x) => ({ ...x, trace: [] })),
      })),
    })),
  }));
}

/** Findings a large document's review keeps (the server publishes at most 1000 diagnostics). */
const MAX_KEPT = 2000;

/** The patches with their hunks but without findings, effects and calls. */
function bare(patches: readonly PatchReport[]): PatchReport[] {
  return patches.map((p) => ({ ...p, files: p.files.map((f) => ({ ...f, hunks: f.hunks.map((h) => ({ ...h, calls: [], effects: [], findings: [] })) })) }));
}

/** Hunks a large document's analyzer reviews before it is replaced by a fresh one (its caches hold every trace). */
const RECYCLE_AFTER_HUNKS = 5000;

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/** A whole document's review of a long series (this many patches or more) shows its first patches'
 * findings (onPartial) once it has run this long, then again at this interval; every review lets other
 * events in (edits, requests) at least this often. */
const PARTIAL_MIN_PATCHES = 20;
const FIRST_PARTIAL_MS = 100;
const PARTIAL_EVERY_MS = 1000;
const YIELD_EVERY_MS = 50;

/** Thrown through the analyzer to stop a superseded review between two patches. */
class Superseded extends Error {}

/**
 * Reviews `text`; undefined when cancelled. Over `largeSize` UTF-16 units, piece by piece, each piece
 * in the era of the first (inferred once), and one problem says so.
 */
export async function review(analyzer: Analyzer, name: string, text: string, version: number, options: ReviewOptions,
  largeSize: number, cancel: Cancel, freshAnalyzer: () => Promise<Analyzer>, onPartial?: (r: Review) => void): Promise<Review | undefined> {
  const t0 = performance.now();
  if (text.length <= largeSize) {
    let shown = t0 + FIRST_PARTIAL_MS - PARTIAL_EVERY_MS;
    let yielded = t0;
    const onProgress = async (p: { done: number; total: number; report(): ReviewReport }): Promise<void> => {
      const now = performance.now();
      if (onPartial && p.total >= PARTIAL_MIN_PATCHES && p.done < p.total && now - shown >= PARTIAL_EVERY_MS) {
        shown = now;
        onPartial(whole(version, p.report(), now - t0));
      }
      if (now - yielded >= YIELD_EVERY_MS) {
        await yieldToEvents();
        yielded = performance.now();
      }
      if (cancel.cancelled) throw new Superseded();
    };
    let r: ReviewReport;
    try {
      r = await analyzer.review([{ name, content: text }], { ...options, onProgress });
    } catch (e) {
      if (e instanceof Superseded) return undefined;
      throw e;
    }
    if (cancel.cancelled) return undefined;
    return whole(version, r, performance.now() - t0);
  }
  const pieces = splitPatches(text);
  const patches: PatchReport[] = [];
  const problems: Problem[] = [];
  // Problems without a place repeat per piece ("no diff found" for each cover letter): counted once each.
  const unplaced = new Map<string, { problem: Problem; count: number }>();
  const parts: Part[] = [];
  let era: { era: string; eraSource: string } | undefined;
  let hunkBase = 0;
  let kept = 0;
  const omitted: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let own: { analyzer: Analyzer; hunks: number } | undefined;
  try {
  for (const piece of pieces) {
    await yieldToEvents();
    if (cancel.cancelled) return undefined;
    if (!own || own.hunks > RECYCLE_AFTER_HUNKS) {
      own?.analyzer.dispose();
      own = { analyzer: await freshAnalyzer(), hunks: 0 };
    }
    const r = await own.analyzer.review([{ name, content: piece.text, piece: true }], { ...options, era: era?.era ?? options.era });
    era ??= { era: r.era, eraSource: r.eraSource };
    parts.push({ ...piece, hunkBase });
    const hunks = r.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
    hunkBase += hunks;
    own.hunks += hunks;
    // Past the findings an editor is shown (MAX_KEPT), a patch keeps its hunks but only counts its findings.
    let report = lean(r.patches);
    const found = report.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.reduce((k, h) => k + h.findings.length, 0), 0), 0);
    if (kept + found > MAX_KEPT) {
      for (const p of report) for (const f of p.files) for (const h of f.hunks) for (const x of h.findings) omitted[shownSeverity(x)]++;
      report = bare(report);
    } else kept += found;
    patches.push(...shifted(report, piece.startLine));
    for (const p of r.problems) {
      if (p.line !== undefined) problems.push(shifted(p, piece.startLine));
      else {
        const u = unplaced.get(p.message);
        if (u) u.count++;
        else unplaced.set(p.message, { problem: p, count: 1 });
      }
    }
  }
  } finally {
    own?.analyzer.dispose();
  }
  for (const { problem, count } of unplaced.values()) problems.push(count > 1 ? { ...problem, message: `${problem.message} (${count} pieces)` } : problem);
  problems.unshift({
    severity: 'info', line: 0,
    message: `Large document (${(text.length / 1e6).toFixed(1)} M characters, over the ${(largeSize / 1e6).toFixed(1)} M limit): ` +
      `reviewed message by message (${pieces.length} pieces), each in the era of the first (${era?.era}); ` +
      `a patch does not see the functions earlier patches changed, findings keep no trace steps ("pageref simulate" shows them) ` +
      `and past the first ${MAX_KEPT} are only counted, ` +
      'there are no code lenses, and the outline shows its first patches.',
  });
  return { version, era: era?.era ?? '', eraSource: era?.eraSource ?? '', patches, problems, hunks: hunksOf(patches), parts, omitted, millis: performance.now() - t0 };
}

/** simulate of hunk `number` of a review's text (the piece that holds it, for a large document). */
export async function simulate(analyzer: Analyzer, name: string, text: string, r: Review, number: number, options: ReviewOptions):
  Promise<SimulateResult | { error: string }> {
  if (!r.parts) return analyzer.simulate({ name, content: text }, number, { ...options, era: r.era });
  const part = [...r.parts].reverse().find((p) => p.hunkBase < number);
  if (!part) return { error: `no hunk ${number}` };
  const result = await analyzer.simulate({ name, content: part.text }, number - part.hunkBase, { ...options, era: r.era });
  return 'error' in result ? result : { ...shifted(result, part.startLine), hunkNumber: number };
}
