// The review pipeline: for each patch in series order, each hunk: parse both sides, recognise the
// calls, simulate every scenario per pgmap type before and after, derive effects and findings.
// Patch k sees the tree as patches 1..k-1 left it (an overlay of function bodies). A Reviewer keeps
// a cache per hunk, so re-reviewing after a one-line edit only redoes the hunks the edit touches.
import type { Era, PgmapType, Problem } from '../types';
import { PGMAP_TYPES, PGMAP_TYPE_CONSTANTS } from '../types';
import type { Effect, FileReport, Finding, HunkCall, HunkReport, PatchReport, Trace, TraceStep } from './types';
import type { FileDiff, Hunk, HunkLine, Patch, Series } from '../patch/types';
import type { CSyntax, ParsedC } from '../syntax/types';
import type { FunctionIR } from '../syntax/ir';
import type { Role } from '../api/types';
import { API_NAMES, apiEntry, typesForPath } from '../api';
import { applyFileDiff } from '../patch';
import type { Body } from '../sim/interp';
import { runScenario, scenarioCallees, scenariosFor, type ScenarioRun } from '../sim/scenarios';
import { effectsOf } from './aspects';
import { runRules } from '../rules';
import type { SideView } from '../rules/types';
import { TABLE_VIEW } from './api-view';

export interface ReviewOptions {
  readonly era: Era;
  readonly kernelTree?: { readFile(path: string): string | undefined };
  readonly includePresent: boolean;
}

export interface SimulateResultShape {
  readonly hunk: HunkReport;
  readonly path: string;
  readonly hunkNumber: number;
  readonly traces: readonly Trace[];
}

interface HunkResult {
  readonly report: HunkReport;
  readonly traces: readonly Trace[];
  readonly problems: readonly Problem[];
  /** Bodies of the after side, for the overlay of later patches. */
  readonly afterBodies: readonly Body[];
}

interface OverlayEntry {
  readonly body: Body;
  readonly id: string;
}

const MAX_CACHE = 4000;
const PLACE_ORDER: readonly Role[] = ['memmap-init', 'alloc', 'map', 'unmap', 'teardown', 'gup', 'fsdax-idle-wait', 'put'];
const IMPLICIT: readonly Role[] = ['free-path', 'devmap-hook', 'page-free-callback'];

export interface Reviewer {
  review(series: readonly Series[], opts: ReviewOptions): { patches: PatchReport[]; problems: Problem[] };
  simulate(series: readonly Series[], hunkNumber: number, opts: ReviewOptions): SimulateResultShape | { error: string };
  /** Hunks analysed (not served from the cache) since the reviewer was made. */
  readonly analysed: number;
}

export function createReviewer(syntax: CSyntax): Reviewer {
  const hunkCache = new Map<string, HunkResult>();
  const parseCache = new Map<string, ParsedC>();
  let analysed = 0;

  function parse(text: string, fn: string, whole: boolean): ParsedC {
    const key = `${whole ? 'file' : fn}\u0000${text}`;
    let r = parseCache.get(key);
    if (!r) {
      if (parseCache.size > MAX_CACHE) parseCache.clear();
      try {
        r = syntax.parse(text, whole ? { names: API_NAMES } : { fragment: true, enclosingFunction: fn, names: API_NAMES });
      } catch (e) {
        r = { functions: [], calls: [], errorNodes: 1, problems: [{ severity: 'error', message: `C parser failed: ${String(e)}` }] };
      }
      parseCache.set(key, r);
    }
    return r;
  }

  function hunkResult(file: FileDiff, hunk: Hunk, overlay: ReadonlyMap<string, OverlayEntry>, opts: ReviewOptions): HunkResult {
    const pre = opts.kernelTree?.readFile(file.oldPath.replace(/^a\//, ''));
    const applied = pre !== undefined ? applyFileDiff(pre, file) : undefined;
    const ctxNames = relevantOverlay(hunk, overlay);
    const key = [file.path, hunk.before, hunk.after, hunk.beforeLines.join(','), hunk.afterLines.join(','), hunk.headerLine, hunk.function, opts.era, opts.includePresent,
      ctxNames.map((n) => `${n}@${overlay.get(n)!.id}`).join(';'), applied ? hashOf(applied.value.before) : ''].join('\u0001');
    let r = hunkCache.get(key);
    if (!r) {
      if (hunkCache.size > MAX_CACHE) hunkCache.clear();
      analysed++;
      r = analyseHunk(file, hunk, new Map(ctxNames.map((n) => [n, overlay.get(n)!.body])), opts, applied?.value);
      hunkCache.set(key, r);
    }
    return r;
  }

  function analyseHunk(file: FileDiff, hunk: Hunk, overlay: ReadonlyMap<string, Body>, opts: ReviewOptions, applied: { before: string; after: string; beforeDocLines: (number | undefined)[]; afterDocLines: (number | undefined)[] } | undefined): HunkResult {
    const problems: Problem[] = [];
    const sides = (['before', 'after'] as const).map((side) => {
      const hls = hunk.lines.filter((l) => l.kind === 'context' || l.kind === (side === 'before' ? 'del' : 'add'));
      let parsed: ParsedC;
      let docLine: (n: number) => number | undefined;
      let charOf: (n: number) => number;
      let functions: readonly FunctionIR[];
      if (applied) {
        const lines = side === 'before' ? applied.beforeDocLines : applied.afterDocLines;
        parsed = parse(side === 'before' ? applied.before : applied.after, '', true);
        docLine = (n) => lines[n];
        const byDoc = new Map(hls.map((l) => [l.line, l]));
        charOf = (n) => byDoc.get(lines[n] ?? -1)?.character ?? 0;
        const docs = new Set(hls.map((l) => l.line));
        functions = parsed.functions.filter((f) => lines.slice(f.startLine, f.endLine + 1).some((d) => d !== undefined && docs.has(d)));
      } else {
        parsed = parse(blankCutComments(side === 'before' ? hunk.before : hunk.after), hunk.function, false);
        const lines = side === 'before' ? hunk.beforeLines : hunk.afterLines;
        docLine = (n) => lines[n];
        charOf = (n) => (hls[n] as HunkLine | undefined)?.character ?? 0;
        functions = parsed.functions;
      }
      for (const p of parsed.problems) problems.push({ ...p, line: p.line !== undefined ? (docLine(p.line) ?? hunk.headerLine) : hunk.headerLine });
      const bodies: Body[] = functions.map((fn) => ({ fn, docLine }));
      const hunkDocs = new Set(hls.map((l) => l.line));
      const calls = parsed.calls
        .map((c) => ({ c, line: docLine(c.loc.line) }))
        .filter((x): x is { c: typeof x.c; line: number } => x.line !== undefined && hunkDocs.has(x.line))
        .map(({ c, line }) => ({ callee: c.callee, line, character: c.loc.character + charOf(c.loc.line), function: c.function, guards: c.guards }));
      return { side, bodies, calls };
    });
    const [before, after] = sides as [typeof sides[0], typeof sides[0]];
    const calls = mergeCalls(before.calls, after.calls);
    const changed = hunk.lines.filter((l) => l.kind !== 'context').map((l) => l.line);
    const fallbackLine = changed[0] ?? hunk.headerLine;
    const base = { header: hunk.header, function: hunk.function, range: hunk.range, source: applied ? ('kernel-tree' as const) : ('fragment' as const), calls };
    if (calls.length === 0) return { report: { ...base, effects: [], findings: [] }, traces: [], problems, afterBodies: after.bodies };

    const types = typesOf(file.path, hunk);
    const names = new Set([...before.bodies, ...after.bodies].map((b) => b.fn.name));
    const runs = { before: [] as ScenarioRun[], after: [] as ScenarioRun[] };
    for (const side of [before, after]) {
      const bodies = new Map(overlay);
      for (const b of side.bodies) bodies.set(b.fn.name, b);
      for (const type of types) {
        const placed = placements(names, [...before.bodies, ...after.bodies], opts.era, type);
        for (const scenario of scenariosFor(type)) {
          runs[side.side].push(runScenario(scenario, { era: opts.era, type, side: side.side, api: TABLE_VIEW, bodies, placed }));
        }
      }
    }
    const changedSet = new Set(changed);
    const lineOf = (a: readonly TraceStep[], b: readonly TraceStep[]): number =>
      a.find((s) => s.line !== undefined && changedSet.has(s.line))?.line ??
      b.find((s) => s.line !== undefined && changedSet.has(s.line))?.line ??
      a.find((s) => s.line !== undefined)?.line ?? fallbackLine;
    const effects: Effect[] = effectsOf(types.map((type) => ({ type, before: runs.before.filter((r) => r.type === type), after: runs.after.filter((r) => r.type === type) })), lineOf);
    const view = (side: 'before' | 'after', bodies: readonly Body[]): SideView => ({ side, runs: runs[side], functions: bodies });
    const findings: Finding[] = runRules(view('before', before.bodies), view('after', after.bodies), { era: opts.era, types, changedLines: changedSet }, opts.includePresent, fallbackLine);
    const truncated = [...runs.before, ...runs.after].find((r) => r.trace.truncated);
    if (truncated) problems.push({ severity: 'warning', message: `simulation of ${hunk.function || 'hunk'} stopped early: ${truncated.trace.truncated}`, line: hunk.headerLine });
    return {
      report: { ...base, effects, findings },
      traces: [...runs.before, ...runs.after].map((r) => r.trace),
      problems,
      afterBodies: after.bodies,
    };
  }

  function walk(series: readonly Series[], opts: ReviewOptions, visit: (patch: Patch, file: FileDiff, hunk: Hunk, r: HunkResult) => void): Problem[] {
    const problems: Problem[] = [];
    for (const s of series) {
      const overlay = new Map<string, OverlayEntry>();
      for (const patch of s.patches) {
        const updates: [string, OverlayEntry][] = [];
        for (const file of patch.files) {
          if (file.binary) continue;
          for (const hunk of file.hunks) {
            const r = hunkResult(file, hunk, overlay, opts);
            problems.push(...r.problems.map((p) => ({ ...p, source: p.source ?? s.source })));
            const id = `${hashOf(file.path + '\u0000' + hunk.after)}@${hunk.afterLines[0] ?? hunk.headerLine}`;
            for (const b of r.afterBodies) updates.push([b.fn.name, { body: b, id }]);
            visit(patch, file, hunk, r);
          }
        }
        for (const [n, e] of updates) overlay.set(n, e);
      }
    }
    return problems;
  }

  return {
    get analysed() {
      return analysed;
    },
    review(series, opts) {
      const reports = new Map<Patch, { patch: Patch; source: string; files: Map<FileDiff, HunkReport[]> }>();
      const sourceOf = new Map<Patch, string>();
      for (const s of series) for (const p of s.patches) sourceOf.set(p, s.source);
      const problems = walk(series, opts, (patch, file, _hunk, r) => {
        let pr = reports.get(patch);
        if (!pr) reports.set(patch, (pr = { patch, source: sourceOf.get(patch) ?? '', files: new Map() }));
        let hs = pr.files.get(file);
        if (!hs) pr.files.set(file, (hs = []));
        hs.push(r.report);
      });
      const patches: PatchReport[] = [];
      for (const s of series) {
        for (const patch of s.patches) {
          const pr = reports.get(patch);
          const files: FileReport[] = patch.files.filter((f) => !f.binary).map((f) => ({ path: f.path, hunks: pr?.files.get(f) ?? [] }));
          patches.push({
            subject: patch.subject, ...(patch.index !== undefined ? { index: patch.index } : {}), ...(patch.total !== undefined ? { total: patch.total } : {}),
            ...(patch.version !== undefined ? { version: patch.version } : {}), source: s.source, startLine: patch.startLine, files,
          });
        }
      }
      return { patches, problems };
    },
    simulate(series, hunkNumber, opts) {
      const order: { patch: Patch; file: FileDiff; hunk: Hunk }[] = [];
      for (const s of series) for (const patch of [...s.patches].sort((a, b) => a.startLine - b.startLine)) for (const file of patch.files) for (const hunk of file.hunks) order.push({ patch, file, hunk });
      const target = order[hunkNumber - 1];
      if (!Number.isInteger(hunkNumber) || !target) return { error: `no hunk ${hunkNumber}: the input has ${order.length} hunk(s)` };
      let found: SimulateResultShape | undefined;
      walk(series, opts, (_patch, file, hunk, r) => {
        if (hunk === target.hunk) found = { hunk: r.report, path: file.path, hunkNumber, traces: r.traces };
      });
      return found ?? { error: `hunk ${hunkNumber} is in a binary file` };
    },
  };
}

/** One-shot review (no cache kept between calls). */
export function reviewSeries(series: readonly Series[], syntax: CSyntax, opts: ReviewOptions): { patches: PatchReport[]; problems: Problem[] } {
  return createReviewer(syntax).review(series, opts);
}

export function simulateHunk(series: readonly Series[], syntax: CSyntax, hunkNumber: number, opts: ReviewOptions): SimulateResultShape | { error: string } {
  return createReviewer(syntax).simulate(series, hunkNumber, opts);
}

function mergeCalls(before: readonly Omit<HunkCall, 'side'>[], after: readonly Omit<HunkCall, 'side'>[]): HunkCall[] {
  const out: HunkCall[] = [];
  const key = (c: Omit<HunkCall, 'side'>) => `${c.line}:${c.character}:${c.callee}`;
  const afterKeys = new Set(after.map(key));
  const beforeKeys = new Set(before.map(key));
  for (const c of before) out.push({ ...c, side: afterKeys.has(key(c)) ? 'both' : 'before' });
  for (const c of after) if (!beforeKeys.has(key(c))) out.push({ ...c, side: 'after' });
  return out.sort((a, b) => a.line - b.line || a.character - b.character);
}

/** Types to simulate: those the file deals with, plus the types its code names. */
function typesOf(path: string, hunk: Hunk): PgmapType[] {
  const set = new Set<PgmapType>(typesForPath(path));
  const text = hunk.before + '\n' + hunk.after;
  for (const [c, t] of Object.entries(PGMAP_TYPE_CONSTANTS)) if (text.includes(c)) set.add(t);
  return PGMAP_TYPES.filter((t) => set.has(t));
}

/** Overlay bodies this hunk can reach: named in its text, called by the scenarios, or run implicitly. */
function relevantOverlay(hunk: Hunk, overlay: ReadonlyMap<string, OverlayEntry>): string[] {
  if (overlay.size === 0) return [];
  const text = hunk.before + '\n' + hunk.after;
  const out: string[] = [];
  for (const name of overlay.keys()) {
    const e = apiEntry(name);
    if (text.includes(name) || scenarioCallees().has(name) || (e && e.roles.some((r) => IMPLICIT.includes(r)))) out.push(name);
  }
  return out.sort();
}

/** Patched functions no scenario calls and no put reaches: placed into a phase by their role. */
function placements(names: ReadonlySet<string>, bodies: readonly Body[], era: Era, type: PgmapType): { name: string; role: Role }[] {
  const out: { name: string; role: Role }[] = [];
  const called = scenarioCallees(era, type);
  const anyScenario = scenarioCallees();
  for (const name of names) {
    if (called.has(name)) continue;
    const entry = apiEntry(name);
    // Table functions the scenarios call for other types or eras stay out of this type's life.
    if (entry && (anyScenario.has(name) || entry.roles.some((r) => IMPLICIT.includes(r)))) continue;
    const roles = new Set<Role>(entry?.roles ?? []);
    if (!entry) for (const b of bodies.filter((x) => x.fn.name === name)) for (const c of calleesOf(b.fn)) for (const r of apiEntry(c)?.roles ?? []) roles.add(r);
    const role = PLACE_ORDER.find((r) => roles.has(r));
    if (role) out.push({ name, role });
  }
  return out;
}

function calleesOf(fn: FunctionIR): string[] {
  const out: string[] = [];
  JSON.stringify(fn.body, (k, v) => {
    if (k === 'callee' && typeof v === 'string') out.push(v.replace(/\s+/g, ''));
    return v;
  });
  return out;
}

/** A hunk can start inside a comment (its opening is above the hunk) or end inside one: blank those
 * parts, keeping lengths and newlines so positions stay valid. */
export function blankCutComments(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = text;
  const close = out.indexOf('*/');
  const open = out.indexOf('/*');
  if (close >= 0 && (open < 0 || close < open)) out = blank(out.slice(0, close + 2)) + out.slice(close + 2);
  const lastOpen = out.lastIndexOf('/*');
  if (lastOpen >= 0 && out.indexOf('*/', lastOpen + 2) < 0) out = out.slice(0, lastOpen) + blank(out.slice(lastOpen));
  return out;
}

/** FNV-1a, 32 bits, hex: a short id for cache keys (the full texts are in the keys too where it matters). */
function hashOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
