// The review pipeline: for each patch in series order, each hunk: parse both sides, recognise the
// calls, simulate every scenario per pgmap type before and after, derive effects and findings.
// Patch k sees the tree as patches 1..k-1 left it (an overlay of function bodies). A Reviewer keeps
// a cache per hunk, so re-reviewing after a one-line edit only redoes the hunks the edit touches.
import type { Era, PgmapType, Problem, Result } from '../types';
import { PGMAP_TYPES, PGMAP_TYPE_CONSTANTS } from '../types';
import type { Effect, FileReport, Finding, HunkCall, HunkReport, PatchReport, Trace, TraceStep } from '../report/types';
import type { FileDiff, Hunk, HunkLine, Patch, Series } from '../patch/types';
import type { CSyntax, ParsedC } from '../syntax/types';
import { blank, blankCommentAbove, blankCutComments } from '../syntax/fragment';
import { blankCommentsAndLiterals, lexicalFaults } from '../syntax/lexer';
import type { FunctionIR } from '../syntax/ir';
import type { Role } from '../api/types';
import { API_NAMES, apiEntry, reachesOnlyWhereNamed, typesForPath } from '../api';
import { applyFileDiff, hunkSide, type HunkSide } from '../patch';
import type { Body } from '../sim/interp';
import { createRunMemo, runScenario, scenarioCallees, scenariosFor, type ScenarioRun } from '../sim/scenarios';
import { effectsOf } from './aspects';
import { runRules } from '../rules';
import type { SideView } from '../rules/types';
import { TABLE_VIEW } from './api-view';

/** A file's pre-image as the kernel tree gives it: the blob the patch's index line names, or the working tree's file. */
export interface PreImage {
  readonly text: string;
  readonly source: 'git-blob' | 'kernel-tree';
}

export interface ReviewOptions {
  readonly era: Era;
  /** Pre-images: `preImage(path, blob)` for a file whose patch names its blob (git), else `readFile(path)`. */
  readonly kernelTree?: { readFile(path: string): string | undefined; preImage?(path: string, blob: string): PreImage | undefined };
  readonly includePresent: boolean;
  /** Patches reviewed in another era than `era` (a series that moves to a later era). */
  readonly patchEras?: ReadonlyMap<Patch, Era>;
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

/** A hunk's two sides (computed once per look at the hunk). */
interface Sides {
  readonly before: HunkSide;
  readonly after: HunkSide;
}

interface OverlayEntry {
  readonly body: Body;
  readonly id: string;
}

const MAX_CACHE = 4000;
/** A name followed by `(`: a call (or a definition) when the name is in the API table. */
const CALL = /\b([A-Za-z_]\w*)\s*\(/g;
/** The same, or a name that ends its line (its `(` may open the next one). */
const CALL_OR_END = /\b([A-Za-z_]\w*)\s*(\(|$)/g;

/** Whether any line of the hunk (either side) calls or defines a function of the API table. Read line by
 * line: most hunks of a large diff call none, and are passed over without building their texts. */
function callsApi(hunk: Hunk): boolean {
  const lines = hunk.lines;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text;
    for (const m of t.matchAll(CALL_OR_END)) {
      if (API_NAMES.has(m[1]!) && (m[2] === '(' || /^\s*\(/.test(lines[i + 1]?.text ?? ''))) return true;
    }
  }
  return false;
}

/** Cut short, or with repaired lines: such a hunk is always parsed, so the C problems it causes are reported. */
function damaged(hunk: Hunk): boolean {
  let before = 0, after = 0;
  for (const l of hunk.lines) {
    if (l.repaired) return true;
    if (l.kind !== 'add') before++;
    if (l.kind !== 'del') after++;
  }
  return before !== hunk.oldCount || after !== hunk.newCount;
}
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
  // Scenario runs shared across hunks and sides (most of a large diff's runs meet no patched body).
  const runMemo = createRunMemo();
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

  function hunkResult(file: FileDiff, hunk: Hunk, applied: Result<Applied> | undefined, overlay: ReadonlyMap<string, OverlayEntry>, opts: ReviewOptions, defs: PatchDefinitions): HunkResult {
    const appliedProblems = applied && hunk === file.hunks[0] ? applied.problems : [];
    // A hunk that calls nothing in the API table lists no calls and simulates nothing: it is not parsed
    // (most of a large diff; its body can then not stand in for its function in later patches).
    const broken = damaged(hunk);
    if (!broken && !callsApi(hunk)) {
      return { report: { header: hunk.header, function: hunk.function, range: hunk.range, source: applied ? applied.value.source : 'fragment', calls: [], effects: [], findings: [] }, traces: [], problems: appliedProblems, afterBodies: [] };
    }
    const sides = { before: hunkSide(hunk, 'before'), after: hunkSide(hunk, 'after') };
    const ctxNames = relevantOverlay(sides, overlay);
    // Everything the report is made of: the hunk as parsed (texts, document positions), options, context.
    const key = [file.path, hunk.header, JSON.stringify(hunk.range), hunkKey(hunk, sides), hunk.function, opts.era, opts.includePresent,
      ctxNames.map((n) => `${n}@${overlay.get(n)!.id}`).join(';'), applied ? `${applied.value.source}:${hashOf(applied.value.before)}` : '', defs.id].join('\u0001');
    let r = hunkCache.get(key);
    if (!r) {
      if (hunkCache.size > MAX_CACHE) hunkCache.clear();
      analysed++;
      try {
        r = analyseHunk(file, hunk, sides, broken, new Map(ctxNames.map((n) => [n, overlay.get(n)!.body])), opts, applied?.value, defs);
        if (appliedProblems.length > 0) r = { ...r, problems: [...appliedProblems, ...r.problems] };
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

  function analyseHunk(file: FileDiff, hunk: Hunk, sides: Sides, broken: boolean, overlay: ReadonlyMap<string, Body>, opts: ReviewOptions, applied: Applied | undefined, defs: PatchDefinitions): HunkResult {
    const fileTypes = typesForPath(file.path);
    // In core mm code (every type) and filesystems, pages reach only the functions that name their concepts.
    const gated = reachesOnlyWhereNamed(file.path);
    const named = (text: string) => typesNamed(text).filter((t) => fileTypes.includes(t));
    // Generic code there (no concept of the file's types named, in the hunk or its function's name, and
    // no function of the API table shown) is reached by no ZONE_DEVICE page: its calls are listed from
    // the text, without parsing, and nothing is simulated.
    if (!broken && gated && !applied && named(`${hunk.function}\n${sides.before.text}\n${sides.after.text}`).length === 0 && !showsApiFunction(hunk)) {
      return { report: { header: hunk.header, function: hunk.function, range: hunk.range, source: 'fragment', calls: listCalls(hunk, sides), effects: [], findings: [] }, traces: [], problems: textFaults(hunk, sides), afterBodies: [] };
    }
    const problems: Problem[] = [];
    // In such files, complete generic definitions inside the hunk (a moved or new file shows hundreds)
    // are blanked before parsing; their calls are listed from the text.
    const generic = gated && !applied && !broken ? genericDefinitions(hunk, sides, named) : undefined;
    const parsedSides = (['before', 'after'] as const).map((side) => {
      const hls = hunk.lines.filter((l) => l.kind === 'context' || l.kind === (side === 'before' ? 'del' : 'add'));
      const fromTree = applied && wholeFunctionsOf((t) => parse(t, '', true), applied, side, hls);
      const fragment = () => {
        const lines = sides[side].lines;
        const text = blankLines(repairFragment(sides[side].text), generic?.[side]);
        // No enclosing function in the header: the hunk starts at top level, so its complete
        // definitions parse as a file (a trailing cut-off one is left to the hunk that shows it).
        const topLevel = hunk.function === '' ? parse(text, '', true) : undefined;
        return {
          parsed: topLevel && topLevel.functions.length > 0 ? topLevel : parse(text, hunk.function, false),
          text,
          docLine: (n: number) => lines[n],
          charOf: (n: number) => (hls[n] as HunkLine | undefined)?.character ?? 0,
        };
      };
      const { parsed, text, docLine, charOf } = fromTree || fragment();
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
      const lines = text.split('\n');
      // The types whose pages can reach each function: a driver's types in its files; in core files and
      // filesystems the file's types for a function with a role in the API table, else those of the
      // ZONE_DEVICE concepts it names (none: generic code, not simulated).
      const reaches = new Map(bodies.map((b) => [b, !gated || apiEntry(b.fn.name) !== undefined ? fileTypes : named(b.fn.name + '\n' + lines.slice(b.fn.startLine, b.fn.endLine + 1).join('\n'))]));
      return { side, bodies, reaches, calls, fromTree: !!fromTree };
    });
    const [before, after] = parsedSides as [typeof parsedSides[0], typeof parsedSides[0]];
    const listed = generic ? listCalls(hunk, sides, (l) => generic.docLines.has(l.line)) : [];
    const calls = [...mergeCalls(before.calls, after.calls), ...listed].sort((a, b) => a.line - b.line || a.character - b.character);
    const changed = hunk.lines.filter((l) => l.kind !== 'context').map((l) => l.line);
    const fallbackLine = changed[0] ?? hunk.headerLine;
    const base = { header: hunk.header, function: hunk.function, range: hunk.range, source: before.fromTree && after.fromTree && applied ? applied.source : ('fragment' as const), calls };
    const reached = new Set<PgmapType>(before.bodies.length + after.bodies.length === 0 ? (gated ? named(`${hunk.function}\n${sides.before.text}\n${sides.after.text}`) : fileTypes) : [...before.reaches.values(), ...after.reaches.values()].flat());
    const types = typesOf(sides, reached);
    const reachedByName = new Map<string, Set<PgmapType>>();
    for (const x of [before, after]) for (const [b, ts] of x.reaches) for (const t of ts) reachedByName.set(b.fn.name, (reachedByName.get(b.fn.name) ?? new Set()).add(t));
    if (calls.length === 0 || types.length === 0) return { report: { ...base, effects: [], findings: [] }, traces: [], problems, afterBodies: after.bodies };

    const changedSet = new Set(changed);
    // A function whose whole definition the patch adds does not exist before it (and one it deletes, after).
    const defined = (side: typeof before, b: Body) => hunk.lines.some((l) => l.kind === (side.side === 'before' ? 'del' : 'add') && l.line === b.docLine(b.fn.startLine));
    // Over the whole patch: a function defined by another hunk (moved code) exists on that side, and
    // one the patch adds (deletes) in another hunk is absent before (after) here too.
    const local = {
      before: new Set(after.bodies.filter((b) => defined(after, b) && !before.bodies.some((x) => x.fn.name === b.fn.name)).map((b) => b.fn.name)),
      after: new Set(before.bodies.filter((b) => defined(before, b) && !after.bodies.some((x) => x.fn.name === b.fn.name)).map((b) => b.fn.name)),
    };
    const absent = {
      before: { has: (n: string) => defs.newOnly.has(n) || (local.before.has(n) && !defs.before.has(n)) },
      after: { has: (n: string) => defs.goneOnly.has(n) || (local.after.has(n) && !defs.after.has(n)) },
    };
    const runs = { before: [] as ScenarioRun[], after: [] as ScenarioRun[] };
    for (const side of [before, after]) {
      const bodies = new Map(overlay);
      for (const b of side.bodies) bodies.set(b.fn.name, b);
      for (const type of types) {
        // A function is reached on both sides when either side's version is (a patch removing the
        // last ZONE_DEVICE word from a function changes what those pages do there).
        const reachable = (x: typeof before) => x.bodies.filter((b) => !gated || reachedByName.get(b.fn.name)?.has(type));
        const placed = placements(reachable(side), reachable(side === before ? after : before), opts.era, type, changedSet);
        // One input for all scenarios of this type and side: they share the run of their common start.
        const input = { era: opts.era, type, side: side.side, api: TABLE_VIEW, bodies, absent: absent[side.side], placed, memo: runMemo };
        for (const scenario of scenariosFor(type, opts.era)) runs[side.side].push(runScenario(scenario, input));
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
      // Files as earlier patches of the series left them, by the blob id their index line gives.
      const left: { blob: string; text: string; source: PreImage['source'] }[] = [];
      for (const patch of s.patches) {
        const updates: [string, OverlayEntry][] = [];
        const defs = definitionsOf(patch);
        const era = opts.patchEras?.get(patch);
        const popts = era ? { ...opts, era } : opts;
        for (const file of patch.files) {
          if (file.binary) continue;
          const pre = opts.kernelTree ? preImageOf(opts.kernelTree, file, left, problems) : undefined;
          const appliedFile = pre !== undefined ? applyFileDiff(pre.text, file) : undefined;
          const applied = appliedFile && pre ? { ...appliedFile, value: { ...appliedFile.value, source: pre.source } } : undefined;
          if (applied && file.newBlob && !/^0+$/.test(file.newBlob)) left.push({ blob: file.newBlob, text: applied.value.after, source: applied.value.source });
          for (const hunk of file.hunks) {
            const r = hunkResult(file, hunk, applied, overlay, popts, defs);
            for (const p of r.problems) problems.push({ ...p, source: p.source ?? s.source });
            if (r.afterBodies.length > 0) {
              const after = hunkSide(hunk, 'after');
              const id = `${hashOf(file.path + '\u0000' + after.text)}@${after.lines[0] ?? hunk.headerLine}`;
              for (const b of r.afterBodies) updates.push([b.fn.name, { body: b, id }]);
            }
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
      const reports = new Map<Patch, { hunks: { hunk: Hunk; report: HunkReport }[]; files: Map<FileDiff, HunkReport[]> }>();
      const problems = walk(series, opts, (patch, _file, hunk, r) => {
        let pr = reports.get(patch);
        if (!pr) reports.set(patch, (pr = { hunks: [], files: new Map() }));
        pr.hunks.push({ hunk, report: r.report });
      });
      for (const [patch, pr] of reports) {
        const placed = placeOnce(pr.hunks);
        for (const file of patch.files) pr.files.set(file, file.hunks.flatMap((h) => placed.get(h) ?? []));
      }
      const patches: PatchReport[] = [];
      for (const s of series) {
        for (const patch of s.patches) {
          const pr = reports.get(patch);
          const files: FileReport[] = patch.files.filter((f) => !f.binary).map((f) => ({ path: f.path, hunks: pr?.files.get(f) ?? [] }));
          patches.push({
            subject: patch.subject, ...(patch.index !== undefined ? { index: patch.index } : {}), ...(patch.total !== undefined ? { total: patch.total } : {}),
            ...(patch.version !== undefined ? { version: patch.version } : {}), ...(opts.patchEras?.has(patch) ? { era: opts.patchEras.get(patch)! } : {}),
            source: s.source, startLine: patch.startLine, files,
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

type Applied = { before: string; after: string; beforeDocLines: (number | undefined)[]; afterDocLines: (number | undefined)[]; source: PreImage['source'] };

const ZERO = /^0+$/;
/** Two abbreviations of one object id: one is a prefix of the other. */
const sameObject = (a: string, b: string) => (a.length <= b.length ? b.startsWith(a) : a.startsWith(b));

/** A file's pre-image: the blob its index line names (as an earlier patch of the series left it, else
 * from the tree's git), else the tree's working file (then located with offset and fuzz). */
function preImageOf(tree: NonNullable<ReviewOptions['kernelTree']>, file: FileDiff, left: readonly { blob: string; text: string; source: PreImage['source'] }[], problems: Problem[]): PreImage | undefined {
  const rel = file.oldPath.replace(/^a\//, '');
  if (file.oldBlob && !ZERO.test(file.oldBlob)) {
    for (let i = left.length - 1; i >= 0; i--) if (sameObject(left[i]!.blob, file.oldBlob)) return { text: left[i]!.text, source: left[i]!.source };
    if (tree.preImage) {
      const blob = tree.preImage(rel, file.oldBlob);
      if (blob) return blob;
      problems.push({ severity: 'info', message: `blob ${file.oldBlob} of ${rel} (the patch's index line) is not in the kernel tree's git: its working file is used`, line: file.headerLine });
    }
  }
  const text = tree.readFile(rel);
  return text === undefined ? undefined : { text, source: 'kernel-tree' };
}

/** Whole functions of the patched file (from --kernel-tree) that overlap the hunk; undefined when none
 * does (the hunk did not apply), so the caller falls back to the fragment. */
function wholeFunctionsOf(parse: (text: string) => ParsedC, applied: Applied, side: 'before' | 'after', hls: readonly HunkLine[]) {
  const lines = side === 'before' ? applied.beforeDocLines : applied.afterDocLines;
  const parsed = parse(side === 'before' ? applied.before : applied.after);
  const docs = new Set(hls.map((l) => l.line));
  const functions = parsed.functions.filter((f) => lines.slice(f.startLine, f.endLine + 1).some((d) => d !== undefined && docs.has(d)));
  if (functions.length === 0) return undefined;
  const byDoc = new Map(hls.map((l) => [l.line, l]));
  return { parsed, functions, text: side === 'before' ? applied.before : applied.after, docLine: (n: number) => lines[n], charOf: (n: number) => byDoc.get(lines[n] ?? -1)?.character ?? 0 };
}

/** Hunks of one patch see the same two trees (functions the patch adds or deletes anywhere are absent
 * on that side), so a change of the tree can show in several of them: each effect and finding is kept
 * once, on the hunk whose changed lines it points at (else the first hunk showing it). */
function placeOnce(hunks: readonly { hunk: Hunk; report: HunkReport }[]): Map<Hunk, HunkReport> {
  const changed = new Map(hunks.map(({ hunk }) => [hunk, new Set(hunk.lines.filter((l) => l.kind !== 'context').map((l) => l.line))]));
  const owner = new Map<string, { hunk: Hunk; onChange: boolean }>();
  const keyOf = (x: { types: readonly string[] }, k: string) => `${k}|${x.types.join(',')}`;
  const claim = (key: string, hunk: Hunk, line: number) => {
    const prev = owner.get(key);
    const onChange = changed.get(hunk)!.has(line);
    if (!prev || (!prev.onChange && onChange)) owner.set(key, { hunk, onChange });
  };
  const effectKey = (e: Effect) => keyOf(e, `effect|${e.aspect}|${e.before}|${e.after}|${e.explanation}`);
  const findingKey = (f: Finding) => keyOf(f, `finding|${f.ruleId}|${f.status}|${f.message}`);
  for (const { hunk, report } of hunks) {
    for (const e of report.effects) claim(effectKey(e), hunk, e.line);
    for (const f of report.findings) claim(findingKey(f), hunk, f.line);
  }
  return new Map(hunks.map(({ hunk, report }) => {
    const effects = report.effects.filter((e) => owner.get(effectKey(e))!.hunk === hunk);
    const findings = report.findings.filter((f) => owner.get(findingKey(f))!.hunk === hunk);
    return [hunk, effects.length === report.effects.length && findings.length === report.findings.length ? report : { ...report, effects, findings }];
  }));
}

/** The hunk is inside, or defines, a function of the API table (its helpers, page_folio() and the
 * like, do not count: they are defined in headers all over the tree). */
function showsApiFunction(hunk: Hunk): boolean {
  if (API_NAMES.has(hunk.function)) return true;
  return hunk.lines.some((l) => {
    const name = definedOn(l.text);
    return name !== undefined && API_NAMES.has(name);
  });
}

/** Calls of API-table functions in a hunk's code (comments and literals skipped, also a comment the
 * hunk starts or ends inside; macro bodies kept: their calls are call sites once expanded), each in
 * the function whose definition line precedes it in the hunk, else the header's. No guards: not parsed. */
function listCalls(hunk: Hunk, sides: Sides, only: (l: HunkLine) => boolean = () => true): HunkCall[] {
  const out: HunkCall[] = [];
  for (const side of ['before', 'after'] as const) {
    const lines = hunk.lines.filter((l) => l.kind !== (side === 'before' ? 'add' : 'del'));
    // A comment left open at the end is a comment to the lexer already; one opened above is not.
    const code = blankCommentsAndLiterals(blankCommentAbove(sides[side].text)).split('\n');
    let fn = hunk.function;
    lines.forEach((l, i) => {
      const text = code[i]!;
      const defined = definedOn(text);
      if (defined !== undefined) fn = defined;
      if (!only(l) || (side === 'after' && l.kind === 'context')) return;
      for (const m of text.matchAll(CALL)) {
        const callee = m[1]!;
        if (callee === defined || !API_NAMES.has(callee) || declares(text.slice(0, m.index))) continue;
        out.push({ callee, side: l.kind === 'context' ? 'both' : side, line: l.line, character: l.character + m.index!, function: fn, guards: [] });
      }
    });
  }
  return out.sort((a, b) => a.line - b.line || a.character - b.character);
}

/** What the lexer finds wrong in a hunk that is read as text, not parsed: problems at document lines,
 * each once (a context line is on both sides). */
function textFaults(hunk: Hunk, sides: Sides): Problem[] {
  const out = new Map<string, Problem>();
  for (const side of ['before', 'after'] as const) {
    const { lines } = sides[side];
    const text = blankCommentAbove(sides[side].text);
    // A definition in kernel style opens its body with `{` in column 0 right after its head (a macro
    // invocation in column 0 does not).
    const split = text.split('\n');
    const bodies: { name: string; line: number; open: number }[] = [];
    for (let i = 0; i < split.length; i++) {
      const name = definedOn(split[i]!);
      if (name === undefined) continue;
      for (let j = i; j < Math.min(split.length, i + 9); j++) {
        if (split[j]!.startsWith('{')) {
          bodies.push({ name, line: i, open: j });
          i = j;
          break;
        }
        if (/;\s*$|^#|=/.test(split[j]!) || (j > i && definedOn(split[j]!) !== undefined)) break;
      }
    }
    for (const f of lexicalFaults(text, bodies)) {
      const line = lines[f.line] ?? hunk.headerLine;
      out.set(`${line}|${f.message}`, { severity: 'warning', message: f.message, line });
    }
  }
  return [...out.values()];
}

const STATEMENT_WORDS = new Set(['return', 'else', 'do', 'case', 'goto', 'sizeof', 'typeof']);

/** The text before a name and its `(` makes it a declaration (`extern int f(`, `struct page *f(`):
 * only words and stars, and not a statement keyword first. */
function declares(before: string): boolean {
  // Each word ends in white space or stars: one way to match, no backtracking blow-up.
  const m = /^\s*((?:[A-Za-z_]\w*(?:\s+|\s*\*+\s*))+)$/.exec(before);
  return !!m && !STATEMENT_WORDS.has(/^[A-Za-z_]\w*/.exec(m[1]!)![0]);
}

/** Complete top-level definitions in a hunk's side text: line ranges (0-based in that text) from the
 * definition line (with a return-type line above it) to the `}` in column 0. */
function definitionsIn(text: string): { name: string; start: number; end: number }[] {
  const lines = text.split('\n');
  const out: { name: string; start: number; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const name = definedOn(lines[i]!);
    if (name === undefined) continue;
    let end = i + 1;
    while (end < lines.length && !/^}/.test(lines[end]!) && !DEFINITION_LINE.test(lines[end]!)) end++;
    if (end >= lines.length || !/^}/.test(lines[end]!)) continue;
    const above = lines[i - 1];
    const start = i > 0 && above !== undefined && /^[A-Za-z_][^;{}()#]*$/.test(above) ? i - 1 : i;
    out.push({ name, start, end });
    i = end;
  }
  return out;
}

/** Generic definitions of a hunk: complete ones that, on both sides, name no ZONE_DEVICE concept and are
 * not in the API table. Their text lines per side, and their document lines. */
function genericDefinitions(hunk: Hunk, sides: Sides, named: (text: string) => readonly PgmapType[]): { before: ReadonlySet<number>; after: ReadonlySet<number>; docLines: ReadonlySet<number> } {
  const defs = { before: definitionsIn(sides.before.text), after: definitionsIn(sides.after.text) };
  const split = { before: sides.before.text.split('\n'), after: sides.after.text.split('\n') };
  const text = (side: 'before' | 'after', d: { start: number; end: number }) => split[side].slice(d.start, d.end + 1).join('\n');
  const reached = new Set<string>();
  for (const side of ['before', 'after'] as const) for (const d of defs[side]) if (apiEntry(d.name) || named(text(side, d)).length > 0) reached.add(d.name);
  const lines = { before: new Set<number>(), after: new Set<number>() };
  const docLines = new Set<number>();
  for (const side of ['before', 'after'] as const) {
    const docOf = sides[side].lines;
    for (const d of defs[side]) {
      if (reached.has(d.name)) continue;
      for (let l = d.start; l <= d.end; l++) {
        lines[side].add(l);
        docLines.add(docOf[l]!);
      }
    }
  }
  // A context line is listed once, and only when neither side parses it.
  const at = (docs: readonly number[]) => new Map(docs.map((d, i) => [d, i]));
  const beforeAt = at(sides.before.lines), afterAt = at(sides.after.lines);
  for (const l of hunk.lines) if (l.kind === 'context' && docLines.has(l.line) && !(lines.before.has(beforeAt.get(l.line)!) && lines.after.has(afterAt.get(l.line)!))) docLines.delete(l.line);
  return { ...lines, docLines };
}

/** `text` with the given lines emptied (line count and the other lines' positions kept). */
function blankLines(text: string, lines: ReadonlySet<number> | undefined): string {
  if (!lines || lines.size === 0) return text;
  return text.split('\n').map((l, i) => (lines.has(i) ? '' : l)).join('\n');
}

/** One-shot review (no cache kept between calls). */
export function reviewSeries(series: readonly Series[], syntax: CSyntax, opts: ReviewOptions): { patches: PatchReport[]; problems: Problem[] } {
  return createReviewer(syntax).review(series, opts);
}

export function simulateHunk(series: readonly Series[], syntax: CSyntax, hunkNumber: number, opts: ReviewOptions): SimulateResult | { error: string } {
  return createReviewer(syntax).simulate(series, hunkNumber, opts);
}

/** Functions whose definitions a patch shows, by side: in its deleted or context lines (`before`), in
 * its added or context lines (`after`); and those it adds or deletes outright. */
interface PatchDefinitions {
  readonly before: ReadonlySet<string>;
  readonly after: ReadonlySet<string>;
  /** Added and never shown on the before side / deleted and never shown on the after side. */
  readonly newOnly: ReadonlySet<string>;
  readonly goneOnly: ReadonlySet<string>;
  /** Short id of the added and deleted names no side keeps, for cache keys. */
  readonly id: string;
}

/** A definition's first line in kernel style: at column 0, a name and `(`, not a declaration ending in `;`. */
const DEFINITION_LINE = /^(?:[A-Za-z_][\w\s*]*?[\s*])?([A-Za-z_]\w*)\s*\([^;]*$/;
const NOT_DEFINED = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof']);

/** The function a line starts the definition of (DEFINITION_LINE, not a keyword), checked cheaply first. */
function definedOn(text: string): string | undefined {
  const c = text.charCodeAt(0);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) || !text.includes('(')) return undefined;
  const m = DEFINITION_LINE.exec(text);
  return m && !NOT_DEFINED.has(m[1]!) ? m[1] : undefined;
}

function definitionsOf(patch: Patch): PatchDefinitions {
  const before = new Set<string>(), after = new Set<string>(), added = new Set<string>(), deleted = new Set<string>();
  for (const file of patch.files) {
    for (const hunk of file.hunks) {
      // The header names a function the hunk is inside: it exists on both sides.
      if (hunk.function) {
        before.add(hunk.function);
        after.add(hunk.function);
      }
      for (const l of hunk.lines) {
        const name = definedOn(l.text);
        if (name === undefined) continue;
        if (l.kind !== 'add') before.add(name);
        if (l.kind !== 'del') after.add(name);
        if (l.kind === 'add') added.add(name);
        if (l.kind === 'del') deleted.add(name);
      }
    }
  }
  const newOnly = new Set([...added].filter((n) => !before.has(n)));
  const goneOnly = new Set([...deleted].filter((n) => !after.has(n)));
  return { before, after, newOnly, goneOnly, id: hashOf([...newOnly].sort().join(',') + '|' + [...goneOnly].sort().join(',')) };
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

/** ZONE_DEVICE concepts and the pgmap types whose pages they concern. */
const TYPE_WORDS: readonly (readonly [RegExp, readonly PgmapType[]])[] = [
  [/zone_device|pgmap|dev_pagemap/, PGMAP_TYPES],
  [/device_private|MEMORY_DEVICE_PRIVATE/, ['PRIVATE']],
  [/device_coherent|MEMORY_DEVICE_COHERENT/, ['COHERENT']],
  [/\bhmm_|migrate_vma|migrate_device/, ['PRIVATE', 'COHERENT']],
  [/fsdax|MEMORY_DEVICE_FS_DAX/, ['FS_DAX']],
  [/devmap|(?<![A-Za-z])dax(?![A-Za-z])/i, ['FS_DAX', 'GENERIC']],
  [/MEMORY_DEVICE_GENERIC/, ['GENERIC']],
  [/p2pdma|MEMORY_DEVICE_PCI_P2PDMA/, ['P2PDMA']],
];

/** An assertion's condition (`WARN_ON_ONCE(page && is_zone_device_page(page))`), up to two levels of
 * parentheses: it says ZONE_DEVICE pages must not get here, so it does not make code reachable for them. */
const ASSERTION = /\b(?:VM_)?(?:WARN|BUG)\w*\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g;

/** Types whose ZONE_DEVICE concepts the code names outside comments and assertions. */
function typesNamed(text: string): readonly PgmapType[] {
  if (!TYPE_WORDS.some(([re]) => re.test(text))) return [];
  // Comments (also the rest of one opened above a hunk, ` * ...` lines) and assertions are no code path.
  const code = text.replace(/^(?:(?!\/\*)[\s\S])*?\*\//, '').replace(/\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/.*|^\s*\*(?:\s.*)?$/gm, '').replace(ASSERTION, '');
  const set = new Set(TYPE_WORDS.flatMap(([re, types]) => (re.test(code) ? types : [])));
  return PGMAP_TYPES.filter((t) => set.has(t));
}

/** Types to simulate: those whose pages can reach the hunk's functions, plus the types its code names
 * by constant (a driver file testing another type). */
function typesOf(sides: Sides, reached: ReadonlySet<PgmapType>): PgmapType[] {
  const set = new Set<PgmapType>(reached);
  const text = sides.before.text + '\n' + sides.after.text;
  for (const [c, t] of Object.entries(PGMAP_TYPE_CONSTANTS)) if (text.includes(c)) set.add(t);
  return PGMAP_TYPES.filter((t) => set.has(t));
}

/** Overlay bodies this hunk can reach: named in its text, called by the scenarios, or run implicitly. */
function relevantOverlay(sides: Sides, overlay: ReadonlyMap<string, OverlayEntry>): string[] {
  if (overlay.size === 0) return [];
  const text = sides.before.text + '\n' + sides.after.text;
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
 * zero page, which is not a ZONE_DEVICE page) or one of the function's parameters. Asked for each type
 * and side of a hunk: kept per function. */
const pageCallsOf = new WeakMap<FunctionIR, readonly string[]>();

function pageCalls(fn: FunctionIR): readonly string[] {
  const known = pageCallsOf.get(fn);
  if (known) return known;
  const out: string[] = [];
  const params = fn.params.filter((p) => p.length > 1).map((p) => new RegExp(`\\b${p}\\b`));
  const pageArg = (a: string) => !/zero/i.test(a) && (/page|folio|pfn/.test(a) || params.some((p) => p.test(a)));
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as { k?: string; callee?: string; args?: { text: string }[] };
      if (o.k === 'call' && typeof o.callee === 'string' && (o.args ?? []).some((a) => pageArg(a.text))) out.push(o.callee.replace(/\s+/g, ''));
      Object.values(o).forEach(visit);
    }
  };
  visit(fn.body);
  pageCallsOf.set(fn, out);
  return out;
}

/** Repairs what a hunk's cut leaves behind, keeping lengths and newlines so positions stay valid:
 * the comments it leaves open (blankCutComments), and a leading `return;` / `goto x;` / `break;` /
 * `continue;` more indented than what follows (the tail of a condition above the hunk, which would
 * otherwise end every path at once). */
export function repairFragment(text: string): string {
  const out = blankCutComments(text);
  const lines = out.split('\n');
  const code = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== '');
  const indent = (l: string) => /^\s*/.exec(l)![0].replace(/ {8}/g, '\t').length;
  if (code.length >= 2 && /^\s*(return\b[^;]*|goto \w+|break|continue);\s*$/.test(code[0]!.l) && indent(code[0]!.l) > indent(code[1]!.l) && !/^\s*}/.test(code[1]!.l)) {
    lines[code[0]!.i] = blank(code[0]!.l);
    return lines.join('\n');
  }
  return out;
}

/** The hunk's lines as the report depends on them (kinds, texts, document positions), compactly:
 * hunks are keyed by it on every review, including the hundreds of generic hunks of a large diff. */
function hunkKey(hunk: Hunk, sides: Sides): string {
  let layout = '';
  let prev = hunk.headerLine;
  for (const l of hunk.lines) {
    layout += `${l.kind[0]}${l.line - prev === 1 ? '' : l.line - prev}${l.character === 1 ? '' : ':' + l.character}${l.repaired ? 'r' : ''}${l.noNewline ? 'n' : ''},`;
    prev = l.line;
  }
  return `${layout}${sides.before.text.length}:${hashOf(sides.before.text)}|${sides.after.text.length}:${hashOf(sides.after.text)}`;
}

/** FNV-1a, 32 bits, hex: a short id for cache keys (the full texts are in the keys too where it matters). */
function hashOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
