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


/** `simulate`'s answer: the hunk's report, where it is, and every scenario trace (before and after, per type). */
export interface SimulateResult {
  readonly hunk: HunkReport;
  /** File path and 1-based hunk number in document order. */
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
const PLACE_ORDER: readonly Role[] = ['memmap-init', 'alloc', 'map', 'unmap', 'teardown', 'put', 'gup', 'fsdax-idle-wait'];
const IMPLICIT: readonly Role[] = ['free-path', 'devmap-hook', 'page-free-callback'];

export interface Reviewer {
  review(series: readonly Series[], opts: ReviewOptions): { patches: PatchReport[]; problems: Problem[] };
  simulate(series: readonly Series[], hunkNumber: number, opts: ReviewOptions): SimulateResult | { error: string };
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
    // Everything the report is made of: the hunk as parsed (texts, document positions), options, context.
    const key = [file.path, hunk.header, JSON.stringify(hunk.range), JSON.stringify(hunk.lines), hunk.function, opts.era, opts.includePresent,
      ctxNames.map((n) => `${n}@${overlay.get(n)!.id}`).join(';'), applied ? hashOf(applied.value.before) : ''].join('\u0001');
    let r = hunkCache.get(key);
    if (!r) {
      if (hunkCache.size > MAX_CACHE) hunkCache.clear();
      analysed++;
      try {
        r = analyseHunk(file, hunk, new Map(ctxNames.map((n) => [n, overlay.get(n)!.body])), opts, applied?.value);
        if (applied && hunk === file.hunks[0]) r = { ...r, problems: [...applied.problems, ...r.problems] };
      } catch (e) {
        // A bug of ours must not cost the whole review: this hunk is reported unanalysed.
        r = {
          report: { header: hunk.header, function: hunk.function, range: hunk.range, source: 'fragment', calls: [], effects: [], findings: [] },
          traces: [], afterBodies: [],
          problems: [{ severity: 'error', message: `internal error while simulating ${hunk.header}: ${String(e)}`, line: hunk.headerLine }],
        };
      }
      hunkCache.set(key, r);
    }
    return r;
  }

  function analyseHunk(file: FileDiff, hunk: Hunk, overlay: ReadonlyMap<string, Body>, opts: ReviewOptions, applied: Applied | undefined): HunkResult {
    const problems: Problem[] = [];
    const sides = (['before', 'after'] as const).map((side) => {
      const hls = hunk.lines.filter((l) => l.kind === 'context' || l.kind === (side === 'before' ? 'del' : 'add'));
      const fromTree = applied && wholeFunctionsOf((t) => parse(t, '', true), applied, side, hls);
      const fragment = () => {
        const lines = side === 'before' ? hunk.beforeLines : hunk.afterLines;
        const text = repairFragment(side === 'before' ? hunk.before : hunk.after);
        // No enclosing function in the header: the hunk starts at top level, so its complete
        // definitions parse as a file (a trailing cut-off one is left to the hunk that shows it).
        const topLevel = hunk.function === '' ? parse(text, '', true) : undefined;
        return {
          parsed: topLevel && topLevel.functions.length > 0 ? topLevel : parse(text, hunk.function, false),
          docLine: (n: number) => lines[n],
          charOf: (n: number) => (hls[n] as HunkLine | undefined)?.character ?? 0,
        };
      };
      const { parsed, docLine, charOf } = fromTree || fragment();
      const functions = fromTree ? fromTree.functions : parsed.functions;
      // Whole-file parse problems outside the hunk are about the tree, not the patch.
      for (const p of parsed.problems) {
        const line = p.line !== undefined ? docLine(p.line) : undefined;
        if (line !== undefined || !fromTree) problems.push({ ...p, line: line ?? hunk.headerLine });
      }
      const bodies: Body[] = functions.map((fn) => ({ fn, docLine }));
      const hunkDocs = new Set(hls.map((l) => l.line));
      const calls = parsed.calls
        .map((c) => ({ c, line: docLine(c.loc.line) }))
        .filter((x): x is { c: typeof x.c; line: number } => x.line !== undefined && hunkDocs.has(x.line))
        .map(({ c, line }) => ({ callee: c.callee, line, character: c.loc.character + charOf(c.loc.line), function: c.function, guards: c.guards }));
      return { side, bodies, calls, fromTree: !!fromTree };
    });
    const [before, after] = sides as [typeof sides[0], typeof sides[0]];
    const calls = mergeCalls(before.calls, after.calls);
    const changed = hunk.lines.filter((l) => l.kind !== 'context').map((l) => l.line);
    const fallbackLine = changed[0] ?? hunk.headerLine;
    const base = { header: hunk.header, function: hunk.function, range: hunk.range, source: before.fromTree && after.fromTree ? ('kernel-tree' as const) : ('fragment' as const), calls };
    if (calls.length === 0) return { report: { ...base, effects: [], findings: [] }, traces: [], problems, afterBodies: after.bodies };

    const types = typesOf(file.path, hunk);
    const changedSet = new Set(changed);
    // A function whose whole definition the patch adds does not exist before it (and one it deletes, after).
    const defined = (side: typeof before, b: Body) => hunk.lines.some((l) => l.kind === (side.side === 'before' ? 'del' : 'add') && l.line === b.docLine(b.fn.startLine));
    const absent = {
      before: new Set(after.bodies.filter((b) => defined(after, b) && !before.bodies.some((x) => x.fn.name === b.fn.name)).map((b) => b.fn.name)),
      after: new Set(before.bodies.filter((b) => defined(before, b) && !after.bodies.some((x) => x.fn.name === b.fn.name)).map((b) => b.fn.name)),
    };
    const runs = { before: [] as ScenarioRun[], after: [] as ScenarioRun[] };
    for (const side of [before, after]) {
      const bodies = new Map(overlay);
      for (const b of side.bodies) bodies.set(b.fn.name, b);
      for (const type of types) {
        const placed = placements(side.bodies, (side === before ? after : before).bodies, opts.era, type, changedSet);
        for (const scenario of scenariosFor(type)) {
          runs[side.side].push(runScenario(scenario, { era: opts.era, type, side: side.side, api: TABLE_VIEW, bodies, absent: absent[side.side], placed }));
        }
      }
    }
    const lineOf = (a: readonly TraceStep[], b: readonly TraceStep[]): number =>
      a.find((s) => s.line !== undefined && changedSet.has(s.line))?.line ??
      b.find((s) => s.line !== undefined && changedSet.has(s.line))?.line ??
      a.find((s) => s.line !== undefined)?.line ?? fallbackLine;
    const effects: Effect[] = effectsOf(types.map((type) => ({ type, before: runs.before.filter((r) => r.type === type), after: runs.after.filter((r) => r.type === type) })), lineOf);
    const view = (side: 'before' | 'after', bodies: readonly Body[]): SideView => ({ side, runs: runs[side], functions: bodies });
    // A finding whose cause lies in an earlier patch's body (the overlay) is shown on this hunk,
    // with the earlier line as related information.
    const inHunk = (line: number) => line >= hunk.range.start.line && line <= hunk.range.end.line;
    const findings: Finding[] = runRules(view('before', before.bodies), view('after', after.bodies), { era: opts.era, types, changedLines: changedSet }, opts.includePresent, fallbackLine)
      .map((f) => (inHunk(f.line) ? f : { ...f, line: fallbackLine, related: [{ line: f.line, message: 'where it happens: a body changed earlier in the series' }, ...(f.related ?? [])] }));
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
      let found: SimulateResult | undefined;
      walk(series, opts, (_patch, file, hunk, r) => {
        if (hunk === target.hunk) found = { hunk: r.report, path: file.path, hunkNumber, traces: r.traces };
      });
      return found ?? { error: `hunk ${hunkNumber} is in a binary file` };
    },
  };
}

type Applied = { before: string; after: string; beforeDocLines: (number | undefined)[]; afterDocLines: (number | undefined)[] };

/** Whole functions of the patched file (from --kernel-tree) that overlap the hunk; undefined when none
 * does (the hunk did not apply), so the caller falls back to the fragment. */
function wholeFunctionsOf(parse: (text: string) => ParsedC, applied: Applied, side: 'before' | 'after', hls: readonly HunkLine[]) {
  const lines = side === 'before' ? applied.beforeDocLines : applied.afterDocLines;
  const parsed = parse(side === 'before' ? applied.before : applied.after);
  const docs = new Set(hls.map((l) => l.line));
  const functions = parsed.functions.filter((f) => lines.slice(f.startLine, f.endLine + 1).some((d) => d !== undefined && docs.has(d)));
  if (functions.length === 0) return undefined;
  const byDoc = new Map(hls.map((l) => [l.line, l]));
  return { parsed, functions, docLine: (n: number) => lines[n], charOf: (n: number) => byDoc.get(lines[n] ?? -1)?.character ?? 0 };
}

/** One-shot review (no cache kept between calls). */
export function reviewSeries(series: readonly Series[], syntax: CSyntax, opts: ReviewOptions): { patches: PatchReport[]; problems: Problem[] } {
  return createReviewer(syntax).review(series, opts);
}

export function simulateHunk(series: readonly Series[], syntax: CSyntax, hunkNumber: number, opts: ReviewOptions): SimulateResult | { error: string } {
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

/** Patched functions that no scenario calls and no put reaches, placed into a phase by their role
 * (read over both sides, so a function keeps its place when the patch changes its calls). One per
 * role, with the most changed lines; a function both sides have is preferred, so both worlds run the
 * same one; otherwise (renamed or new functions) each side runs its own. */
function placements(side: readonly Body[], other: readonly Body[], era: Era, type: PgmapType, changed: ReadonlySet<number>): { name: string; role: Role }[] {
  const all = [...side, ...other];
  const called = scenarioCallees(era, type);
  const anyScenario = scenarioCallees();
  const best = new Map<Role, { name: string; shared: boolean; weight: number }>();
  for (const name of new Set(side.map((b) => b.fn.name))) {
    if (called.has(name)) continue;
    const entry = apiEntry(name);
    // Table functions the scenarios call for other types or eras stay out of this type's life.
    if (entry && (anyScenario.has(name) || entry.roles.some((r) => IMPLICIT.includes(r)))) continue;
    const mine = all.filter((x) => x.fn.name === name);
    const roles = new Set<Role>(entry?.roles ?? []);
    if (!entry) for (const b of mine) for (const c of pageCalls(b.fn)) for (const r of apiEntry(c)?.roles ?? []) roles.add(r);
    // A function that takes references is not a release function even if an error path puts.
    const role = PLACE_ORDER.find((r) => roles.has(r) && !(r === 'put' && roles.has('get')));
    if (!role) continue;
    let weight = 0;
    for (const b of mine) for (let l = b.fn.startLine; l <= b.fn.endLine; l++) if (changed.has(b.docLine(l) ?? -1)) weight++;
    const shared = other.some((b) => b.fn.name === name);
    const prev = best.get(role);
    if (!prev || (shared && !prev.shared) || (shared === prev.shared && weight > prev.weight)) best.set(role, { name, shared, weight });
  }
  return [...best].map(([role, { name }]) => ({ name, role }));
}

/** Callees handed the page being simulated: an argument names a page, folio or pfn (never the shared
 * zero page, which is not a ZONE_DEVICE page) or one of the function's parameters. */
function pageCalls(fn: FunctionIR): string[] {
  const out: string[] = [];
  const params = fn.params.filter((p) => p.length > 1);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as { k?: string; callee?: string; args?: { text: string }[] };
      if (o.k === 'call' && typeof o.callee === 'string') {
        const pageArg = (a: string) => !/zero/i.test(a) && (/page|folio|pfn/.test(a) || params.some((p) => new RegExp(`\\b${p}\\b`).test(a)));
        if ((o.args ?? []).some((a) => pageArg(a.text))) out.push(o.callee.replace(/\s+/g, ''));
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(fn.body);
  return out;
}

/** Repairs what a hunk's cut leaves behind, keeping lengths and newlines so positions stay valid:
 * a comment opened above the hunk or left open at its end, and a leading `return;` / `goto x;` /
 * `break;` / `continue;` more indented than what follows (the tail of a condition above the hunk,
 * which would otherwise end every path at once). */
export function repairFragment(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = text;
  const close = out.indexOf('*/');
  const open = out.indexOf('/*');
  if (close >= 0 && (open < 0 || close < open)) out = blank(out.slice(0, close + 2)) + out.slice(close + 2);
  const lastOpen = out.lastIndexOf('/*');
  if (lastOpen >= 0 && out.indexOf('*/', lastOpen + 2) < 0) out = out.slice(0, lastOpen) + blank(out.slice(lastOpen));
  const lines = out.split('\n');
  const code = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== '');
  const indent = (l: string) => /^\s*/.exec(l)![0].replace(/ {8}/g, '\t').length;
  if (code.length >= 2 && /^\s*(return\b[^;]*|goto \w+|break|continue);\s*$/.test(code[0]!.l) && indent(code[0]!.l) > indent(code[1]!.l) && !/^\s*}/.test(code[1]!.l)) {
    lines[code[0]!.i] = blank(code[0]!.l);
    out = lines.join('\n');
  }
  return out;
}

/** FNV-1a, 32 bits, hex: a short id for cache keys (the full texts are in the keys too where it matters). */
function hashOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
