// The review pipeline. For each patch in series order: read every hunk (parse both sides, recognise
// the calls, decide which pgmap types reach it), merge the hunks into the patch's two worlds (the
// overlay), then judge each hunk: run every scenario of its types once per world, derive effects
// (aspect differences) and findings (rules), and place each once (attribution). Patch k's worlds start
// from the tree patches 1..k-1 left. A Reviewer caches both steps per hunk, so re-reviewing after a
// one-line edit only redoes the hunks the edit touches (and those whose world it changes).
import type { Era, PgmapType, Problem, Result } from '../types';
import type { Effect, FileReport, Finding, HunkCall, HunkReport, PatchReport, Trace } from '../report/types';
import type { FileDiff, Hunk, HunkLine, Patch, Series } from '../patch/types';
import type { CSyntax, ParsedC } from '../syntax/types';
import { blank, blankCutComments } from '../syntax/fragment';
import { blankCommentsAndLiterals } from '../syntax/lexer';
import type { FunctionIR } from '../syntax/ir';
import type { Role } from '../api/types';
import { API_NAMES, apiEntry, reachesOnlyWhereNamed, typesForPath } from '../api';
import { applyFileDiff, eachLine, eachLineKind, hunkSide, keepLines } from '../patch';
import { LineSet } from './line-set';
import type { Body, Names } from '../sim/interp';
import { createRunMemo } from '../sim/memo';
import { runScenario, scenarioCallees, scenariosFor, type ScenarioRun } from '../sim/scenarios';
import { callees, movesPgmapRefs, runFunctionPaths, type FunctionPath } from '../sim/paths';
import { runsShownCode } from '../sim/kernel';
import { effectsOf } from './aspects';
import { runRules, undecidedOf } from '../rules';
import type { SideView } from '../rules/types';
import { TABLE_VIEW } from './api-view';
import { blankLines, changesExitOfApiFunction, changesTableGuard, damaged, readsHunk, genericDefinitions, listCalls, showsApiFunction, textFaults, typesNamed, typesOf, unsimulatedCalls, type Sides } from './relevance';
import { bodiesOf, buildOverlay, definedOn, definitionsOf, hashOf, perHunk, reachedKey, wholeFunctionsOf, type Applied, type HunkPieces, type Overlay, type PatchDefinitions, type SidePiece, type World, type WorldEntry } from './overlay';
import { attributedLine, attributeFinding, placeOnce } from './attribution';
import { intendedTypes } from './intent';

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

/** A hunk as read: its report without effects and findings, its parsed sides, and what judging it needs. */
interface HunkRead {
  readonly report: HunkReport;
  readonly problems: readonly Problem[];
  readonly pieces: { readonly before?: SidePiece; readonly after?: SidePiece };
  /** Set when the hunk is simulated: the types to run, and the types that reach each of its functions. */
  readonly judge?: { readonly types: readonly PgmapType[]; readonly gated: boolean; readonly reachedByName: ReadonlyMap<string, ReadonlySet<PgmapType>> };
  readonly key: string;
}

interface HunkResult {
  readonly report: HunkReport;
  readonly traces: readonly Trace[];
  readonly problems: readonly Problem[];
}

const MAX_CACHE = 4000;
const PLACE_ORDER: readonly Role[] = ['memmap-init', 'alloc', 'map', 'unmap', 'teardown', 'put', 'gup', 'fsdax-idle-wait'];
const IMPLICIT: readonly Role[] = ['free-path', 'devmap-hook', 'page-free-callback'];
const IMPLICIT_NAMES: readonly string[] = [...API_NAMES].filter((n) => apiEntry(n)!.roles.some((r) => IMPLICIT.includes(r)));
/** What every hunk's runs can call besides its own bodies' callees (reachedKey); made once, when first judged. */
let seeds: readonly string[] | undefined;
const SEEDS = (): readonly string[] => (seeds ??= [...scenarioCallees(), ...IMPLICIT_NAMES]);

/** A review's patches (series order) and the problems met. */
export interface ReviewResult {
  readonly patches: PatchReport[];
  readonly problems: Problem[];
}

/** After one more patch of a stepwise review: how many of how many are done, and the report so far. */
export interface ReviewStep {
  readonly done: number;
  readonly total: number;
  partial(): ReviewResult;
}

export interface Reviewer {
  review(series: readonly Series[], opts: ReviewOptions): ReviewResult;
  /** review() one patch at a time: a step after each patch, in series order; returns what review() does. */
  reviewSteps(series: readonly Series[], opts: ReviewOptions): Generator<ReviewStep, ReviewResult>;
  simulate(series: readonly Series[], hunkNumber: number, opts: ReviewOptions): SimulateResult | { error: string };
  /** Hunks analysed (not served from the cache) since the reviewer was made. */
  readonly analysed: number;
}

/** `prefilter` false: every hunk's relevance is decided by callsApi alone, without the cheap look
 * before it; `memo` false: every run, call and plan is made afresh (both: the same reports, slower, as
 * the tests that prove it show). */
export function createReviewer(syntax: Pick<CSyntax, 'parse'>, { prefilter = true, memo = true }: { prefilter?: boolean; memo?: boolean } = {}): Reviewer {
  const readCache = new Map<string, HunkRead>();
  const judgeCache = new Map<string, HunkResult>();
  const parseCache = new Map<string, ParsedC>();
  // Scenario runs shared across hunks and sides (most of a large diff's runs meet no patched body).
  const runMemo = memo ? createRunMemo() : undefined;
  let analysed = 0;

  function parse(text: string, fn: string, whole: boolean, params = ''): ParsedC {
    const key = `${whole ? 'file' : `${fn}(${params})`}\u0000${text}`;
    let r = parseCache.get(key);
    if (!r) {
      if (parseCache.size > MAX_CACHE) parseCache.clear();
      try {
        r = syntax.parse(text, whole ? { names: API_NAMES } : { fragment: true, enclosingFunction: fn, ...(params && { enclosingParams: params }), names: API_NAMES });
      } catch (e) {
        r = { functions: [], calls: [], errorNodes: 1, problems: [{ severity: 'error', message: `C parser failed: ${String(e)}` }] };
      }
      parseCache.set(key, r);
    }
    return r;
  }

  /** A fragment's parse: with no enclosing function in the header the hunk starts at top level, so its
   * complete definitions parse as a file (a trailing cut-off one is left to the hunk that shows it). */
  function parseFragment(text: string, enclosing: string, params = ''): ParsedC {
    // A fragment that starts with a definition is cut at its end at most (git -W stops at a label
    // in column 0): the function it shows is the one it defines.
    const head = definitionAtStart(text);
    const topLevel = enclosing === '' || head !== undefined ? parse(text, '', true) : undefined;
    if (topLevel && topLevel.functions.length > 0) return topLevel;
    // A definition's body opened and cut: closed where it is cut (an empty statement after a trailing
    // label), it parses as a file; else it is that function's fragment. (A head alone, its body not
    // shown, is no body: the text belongs to the header's function.)
    const depth = head !== undefined ? braceDepth(text) : 0;
    if (depth > 0) {
      const closed = parse(`${text}\n;${'}'.repeat(depth)}`, '', true);
      // The last definition is the one the cut left open.
      return closed.functions.length > 0 ? { ...closed, functions: closed.functions.map((f, i, all) => (i === all.length - 1 ? { ...f, cut: true } : f)) } : parse(text, head!, false);
    }
    return parse(text, enclosing, false, params);
  }

  /** The parameter list the hunk header shows for its function (`f(struct page *page, int refs)`), when
   * it shows all of it: the fragment's parameters are then bound like a whole body's. */
  function headerParams(hunk: Hunk): string {
    if (!hunk.function) return '';
    const at = hunk.header.indexOf(`${hunk.function}(`);
    if (at < 0) return '';
    const open = at + hunk.function.length;
    let depth = 0;
    for (let i = open; i < hunk.header.length; i++) {
      if (hunk.header[i] === '(') depth++;
      else if (hunk.header[i] === ')' && --depth === 0) return hunk.header.slice(open + 1, i).trim();
    }
    return '';
  }

  /** Whether the review reads the hunk and, if so, the key of its text and its words; kept per hunk
   * object (an editor's re-review reads the unchanged messages' hunks again: the patch reader's memo).
   * Its sides (two copies of its text) are not kept: the read that needs them, once, makes them again. */
  const looks = new WeakMap<Hunk, Look | null>();
  function lookAt(hunk: Hunk): { look: Look; sides?: Sides } | null {
    const known = looks.get(hunk);
    if (known !== undefined) return known && { look: known };
    if (!readsHunk(hunk, prefilter)) {
      looks.set(hunk, null);
      return null;
    }
    keepLines(hunk);
    const sides = sidesOf(hunk);
    const words = new Set(`${sides.before.text}\n${sides.after.text}`.match(WORD) ?? []);
    const look = { broken: damaged(hunk), words, key: [hunk.header, JSON.stringify(hunk.range), hunkKey(hunk, sides), hunk.function].join('\u0001') };
    looks.set(hunk, look);
    return { look, sides };
  }

  function quiet(hunk: Hunk, source: HunkReport['source'], calls: readonly HunkCall[] = NOTHING): HunkReport {
    return { header: hunk.header, function: hunk.function, range: hunk.range, source, calls, effects: NOTHING, findings: NOTHING };
  }

  function readHunk(file: FileDiff, hunk: Hunk, applied: Result<Applied> | undefined, opts: ReviewOptions, helpers: ReadonlySet<string> = NO_NAMES): { read: HunkRead; fresh: boolean } {
    const appliedProblems = applied && hunk === file.hunks[0] ? applied.problems : NOTHING;
    // A hunk that calls nothing in the API table lists no calls and simulates nothing: it is not parsed
    // (most of a large diff; its body then does not enter the worlds).
    const seen = lookAt(hunk);
    if (!seen) return { read: { report: quiet(hunk, applied ? applied.value.source : 'fragment'), problems: appliedProblems, pieces: NO_PIECES, key: '' }, fresh: false };
    const { look } = seen;
    const { broken, words } = look;
    // Everything the read is made of: the hunk as parsed (texts, document positions), options, the tree.
    // The patch's helpers this hunk may define (their names as the key has them).
    const mine = [...helpers].filter((n) => words.has(n));
    const key = [file.path, look.key, opts.era, applied ? `${applied.value.source}:${hashOf(applied.value.before)}` : '', mine.join(',')].join('\u0001');
    const known = readCache.get(key);
    if (known) return { read: known, fresh: false };
    if (readCache.size > MAX_CACHE) readCache.clear();
    let made: Omit<HunkRead, 'key'>;
    try {
      made = analyseHunk(file, hunk, seen.sides ?? sidesOf(hunk), broken, applied?.value, hashOf(key), new Set(mine));
    } catch (e) {
      // A bug of ours must not cost the whole review: this hunk is reported unanalysed.
      made = { report: quiet(hunk, 'fragment'), pieces: NO_PIECES, problems: [{ severity: 'error', message: `internal error while reading ${hunk.header}: ${String(e)}`, line: hunk.headerLine }] };
    }
    const read: HunkRead = { ...made, key, problems: [...appliedProblems, ...made.problems] };
    readCache.set(key, read);
    return { read, fresh: true };
  }

  function analyseHunk(file: FileDiff, hunk: Hunk, sides: Sides, broken: boolean, applied: Applied | undefined, id: string, helpers: ReadonlySet<string>): Omit<HunkRead, 'key'> {
    const fileTypes = typesForPath(file.path);
    // In core mm code (every type) and filesystems, pages reach only the functions that name their concepts.
    const gated = reachesOnlyWhereNamed(file.path);
    const named = (text: string) => typesNamed(text).filter((t) => fileTypes.includes(t));
    // Generic code there (no concept of the file's types named, in the hunk or its function's name, and
    // no function of the API table shown) is reached by no ZONE_DEVICE page: its calls are listed from
    // the text, without parsing, and nothing is simulated.
    if (!broken && gated && !applied && named(`${hunk.function}\n${sides.before.text}\n${sides.after.text}`).length === 0 && !showsApiFunction(hunk)) {
      return { report: quiet(hunk, 'fragment', listCalls(hunk, sides)), problems: textFaults(hunk, sides), pieces: NO_PIECES };
    }
    const problems: Problem[] = [];
    // In such files, complete generic definitions inside the hunk (a moved or new file shows hundreds)
    // are blanked before parsing; their calls are listed from the text.
    const generic = gated && !applied && !broken ? genericDefinitions(hunk, sides, named, helpers) : undefined;
    const parsedSides = (['before', 'after'] as const).map((side) => {
      const hls = hunk.lines.filter((l) => l.kind === 'context' || l.kind === (side === 'before' ? 'del' : 'add'));
      const fromTree = applied && wholeFunctionsOf((t) => parse(t, '', true), applied, side, hls);
      const fragment = () => {
        const lines = sides[side].lines;
        const text = blankLines(repairFragment(sides[side].text), generic?.[side]);
        return {
          parsed: parseFragment(text, hunk.function, headerParams(hunk)),
          text,
          docLines: lines as readonly (number | undefined)[],
          docLine: (n: number) => lines[n],
          charOf: (n: number) => (hls[n] as HunkLine | undefined)?.character ?? 0,
        };
      };
      const { parsed, text, docLines, docLine, charOf } = fromTree || fragment();
      const functions = fromTree ? fromTree.functions : parsed.functions;
      // Whole-file parse problems outside the hunk are about the tree, not the patch; a fragment's parse
      // trouble is reported only for a damaged hunk (else: the calls it keeps out of the simulation, below).
      for (const p of parsed.problems) {
        const line = p.line !== undefined ? docLine(p.line) : undefined;
        if (line !== undefined ? fromTree || broken : !fromTree && broken) problems.push({ ...p, line: line ?? hunk.headerLine });
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
      const reaches = new Map(bodies.map((b) => [b.fn.name, !gated || apiEntry(b.fn.name) !== undefined ? fileTypes : named(b.fn.name + '\n' + lines.slice(b.fn.startLine, b.fn.endLine + 1).join('\n'))]));
      const piece: SidePiece = { text, docLines, bodies, fromTree: !!fromTree, enclosing: hunk.function, id: `${id}:${side}` };
      return { bodies, reaches, calls, piece };
    });
    const [before, after] = parsedSides as [typeof parsedSides[0], typeof parsedSides[0]];
    // A side that shows no statement of the function whose statements the other side shows (the hunk
    // only deletes them, or only adds them) still shows that function: nothing of it, in part.
    for (const [mine, theirs] of [[before, after], [after, before]] as const) {
      const shown = theirs.bodies.find((b) => b.fn.partial && b.fn.name === hunk.function);
      if (!shown || mine.bodies.length > 0) continue;
      mine.bodies.push({ fn: { ...shown.fn, body: { k: 'block', body: [], loc: shown.fn.body.loc }, errorNodes: 0 }, docLine: () => undefined });
      mine.reaches.set(shown.fn.name, theirs.reaches.get(shown.fn.name) ?? []);
    }
    problems.push(...unsimulatedCalls(hunk, sides, { before: before.bodies, after: after.bodies }, generic?.docLines));
    const listed = generic ? listCalls(hunk, sides, (l) => generic.docLines.has(l.line)) : [];
    const calls = [...mergeCalls(before.calls, after.calls), ...listed].sort((a, b) => a.line - b.line || a.character - b.character);
    const report = quiet(hunk, before.piece.fromTree && after.piece.fromTree && applied ? applied.source : 'fragment', calls);
    const reached = new Set<PgmapType>(before.bodies.length + after.bodies.length === 0 ? (gated ? named(`${hunk.function}\n${sides.before.text}\n${sides.after.text}`) : fileTypes) : [...before.reaches.values(), ...after.reaches.values()].flat());
    const types = typesOf(sides, reached);
    const reachedByName = new Map<string, Set<PgmapType>>();
    for (const x of [before, after]) for (const [name, ts] of x.reaches) for (const t of ts) reachedByName.set(name, (reachedByName.get(name) ?? new Set()).add(t));
    const pieces = { before: before.piece, after: after.piece };
    // A hunk that calls no table function is judged when it changes a guard in the body of the one it is
    // inside (the arms the guard picks may be beyond it).
    const hunkLines = changedLines([hunk]);
    const inTable = changesTableGuard(hunk) && [...before.bodies, ...after.bodies].some((b) => b.fn.name === hunk.function && changesBody(b, hunkLines));
    if ((calls.length === 0 && !inTable && !changesExitOfApiFunction(hunk)) || types.length === 0) return { report, problems, pieces };
    return { report, problems, pieces, judge: { types, gated, reachedByName } };
  }

  /** Runs a read hunk's scenarios in the patch's two worlds: effects, findings, traces. */
  /** `deps` gets the names of the world entries the result depends on. */
  function judgeHunk(hunk: Hunk, file: FileDiff, read: HunkRead, overlay: Overlay, opts: ReviewOptions, defs: PatchDefinitions, changed: ReadonlySet<number>, intended: ReadonlySet<PgmapType>, deps: Set<string>): { result: HunkResult; fresh: boolean } {
    const { judge } = read;
    if (!judge) return { result: { report: read.report, traces: NOTHING, problems: read.problems }, fresh: false };
    const own = overlay.own.get(hunk)!;
    const siblings = siblingsOf(hunk, file.hunks, overlay);
    for (const n of siblings) deps.add(n);
    const key = [read.key, own.id, reachedKey(own.before, SEEDS(), overlay.before, deps), reachedKey(own.after, SEEDS(), overlay.after, deps), defs.id, opts.includePresent, [...intended].join(','),
      siblings.map((n) => `${n}@${overlay.before.get(n)?.id ?? ''}/${overlay.after.get(n)?.id ?? ''}`).join(';')].join('\u0001');
    let r = judgeCache.get(key);
    if (r) return { result: r, fresh: false };
    if (judgeCache.size > MAX_CACHE) judgeCache.clear();
    try {
      r = judgeRead(hunk, read, judge, own, overlay, opts, defs, changed, intended, siblings);
    } catch (e) {
      r = { report: read.report, traces: [], problems: [...read.problems, { severity: 'error', message: `internal error while simulating ${hunk.header}: ${String(e)}`, line: hunk.headerLine }] };
    }
    judgeCache.set(key, r);
    return { result: r, fresh: true };
  }

  function judgeRead(hunk: Hunk, read: HunkRead, judge: NonNullable<HunkRead['judge']>, own: { before: readonly Body[]; after: readonly Body[] }, overlay: Overlay, opts: ReviewOptions, defs: PatchDefinitions, changed: ReadonlySet<number>, intended: ReadonlySet<PgmapType>, siblings: readonly string[]): HunkResult {
    const { types, gated, reachedByName } = judge;
    const problems = [...read.problems];
    const hunkChanged = hunk.lines.filter((l) => l.kind !== 'context').map((l) => l.line);
    const fallbackLine = hunkChanged[0] ?? hunk.headerLine;
    // A function whose whole definition the patch adds does not exist before it (and one it deletes, after).
    const defined = (side: 'before' | 'after', b: Body) => hunk.lines.some((l) => l.kind === (side === 'before' ? 'del' : 'add') && l.line === b.docLine(b.fn.startLine));
    // Over the whole patch: a function defined by another hunk (moved code) exists on that side, and
    // one the patch adds (deletes) in another hunk is absent before (after) here too.
    const local = {
      before: new Set(own.after.filter((b) => defined('after', b) && !own.before.some((x) => x.fn.name === b.fn.name)).map((b) => b.fn.name)),
      after: new Set(own.before.filter((b) => defined('before', b) && !own.after.some((x) => x.fn.name === b.fn.name)).map((b) => b.fn.name)),
    };
    const absent = {
      before: { has: (n: string) => defs.newOnly.has(n) || (local.before.has(n) && !defs.before.has(n)) },
      after: { has: (n: string) => defs.goneOnly.has(n) || (local.after.has(n) && !defs.after.has(n)) },
    };
    const bodies = { before: bodiesOf(own.before, overlay.before), after: bodiesOf(own.after, overlay.after) };
    // The hunk's functions, either side's name, as each world has them (a function the patch moves to
    // another hunk runs from there).
    const names = [...new Set([...own.before, ...own.after].map((b) => b.fn.name))];
    // A function the overlay put in place of the part the hunk shows (renamed by an earlier hunk) is
    // reached as that part is: the header's function.
    const reaches = (n: string, type: PgmapType) => (reachedByName.get(n) ?? reachedByName.get(hunk.function))?.has(type);
    const inWorld = (side: 'before' | 'after', type: PgmapType) => names.filter((n) => !gated || reaches(n, type)).map((n) => bodies[side].get(n)).filter((b): b is Body => b !== undefined && !absent[side].has(b.fn.name));
    // Every path of each changed function that can move a pgmap reference (on either side), for the
    // rules, beside the scenario runs.
    const anyBody = { get: (n: string) => bodies.before.get(n) ?? bodies.after.get(n) };
    const mine = [...own.before, ...own.after];
    // (And the table function whose type guard the hunk changes: how each type leaves it, for the guard rule.)
    const guarded = changesTableGuard(hunk);
    const touched = new Set(mine.filter((b) => changesBody(b, changed) && ((guarded && b.fn.name === hunk.function) || movesPgmapRefs(b, opts.era, TABLE_VIEW, anyBody))).map((b) => b.fn.name));
    // Functions a side adds (the other lacks them) that a function of its world calls: extracted helpers;
    // and static ones nothing names: dead code on that side (a helper added before its caller). Neither
    // is placed. The worlds' part of the first is the patch's (worldAdds); the hunk's own bodies are added here.
    // (Asked by name only: the world's part, thousands of names in a large diff, is not copied per hunk.)
    const helpersOf = (side: 'before' | 'after', other: 'before' | 'after'): Names => {
      const world = worldAdds(overlay);
      const theirs = new Set(own[other].map((b) => b.fn.name));
      const added = new Set<string>();
      for (const b of own[side]) for (const n of callees(b.fn)) if (n !== b.fn.name && !theirs.has(n) && !world[other].names.has(n)) added.add(n);
      const unused = defs.unused[side];
      return { has: (n) => added.has(n) || (world[side].calls.has(n) && !theirs.has(n)) || unused.has(n) };
    };
    const helpers = { before: helpersOf('before', 'after'), after: helpersOf('after', 'before') };
    const paths = { before: [] as FunctionPath[], after: [] as FunctionPath[] };
    const runs = { before: [] as ScenarioRun[], after: [] as ScenarioRun[] };
    for (const side of ['before', 'after'] as const) {
      const other = side === 'before' ? 'after' : 'before';
      for (const b of own[side].filter((x) => touched.has(x.fn.name))) {
        // (A type that cannot be in the arm the body's shown code is cut from has no path through it.)
        for (const type of types) if (runsShownCode(b, { era: opts.era, type, api: TABLE_VIEW })) paths[side].push(...runFunctionPaths(b, { era: opts.era, type, api: TABLE_VIEW, bodies: bodies[side], absent: absent[side], memo: runMemo }).paths);
      }
      // The patch is one change: every scenario starts from the memmap set-up the patch leaves, so a
      // set-up function another hunk changes (pagemap_range(), the producer of the per-page references
      // a memunmap_pages() hunk drops) runs here too, unless one of the hunk's own does. (Functions the
      // scenarios call by name already come from the whole patch; other roles stay the hunk's.)
      const sib = (w: 'before' | 'after') => siblings.map((n) => bodies[w].get(n)).filter((b): b is Body => b !== undefined && !absent[w].has(b.fn.name));
      const sibs = { mine: sib(side), other: sib(other) };
      for (const type of types) {
        const mine = placements(inWorld(side, type), inWorld(other, type), opts.era, type, changed, helpers[side], bodies[side]);
        const setUp = placements(sibs.mine, sibs.other, opts.era, type, changed, helpers[side], bodies[side]).filter((p) => p.role === 'memmap-init' && !mine.some((m) => m.role === p.role));
        const placed = [...mine, ...setUp];
        // One input for all scenarios of this type and side: they share the run of their common start.
        const input = { era: opts.era, type, side, api: TABLE_VIEW, bodies: bodies[side], absent: absent[side], placed, memo: runMemo };
        for (const scenario of scenariosFor(type, opts.era)) runs[side].push(runScenario(scenario, input));
      }
    }
    const effects: Effect[] = effectsOf(types.map((type) => ({ type, before: runs.before.filter((r) => r.type === type), after: runs.after.filter((r) => r.type === type) })), (steps) => attributedLine(steps, changed, fallbackLine));
    const view = (side: 'before' | 'after'): SideView => ({ side, runs: runs[side], functions: own[side], paths: paths[side] });
    const views = { before: view('before'), after: view('after') };
    const ctx = { era: opts.era, types, changedLines: changed, intended };
    // A finding whose cause lies in an earlier patch's body (the overlay) is shown on this hunk,
    // with the earlier line as related information.
    const findings: Finding[] = runRules(views.before, views.after, ctx, opts.includePresent, fallbackLine)
      .map((f) => attributeFinding(f, changed))
      .map((f) => (changed.has(f.line) || (f.line >= hunk.range.start.line && f.line <= hunk.range.end.line) ? f : { ...f, line: fallbackLine, related: [{ line: f.line, message: 'where it happens: a body changed earlier in the series' }, ...(f.related ?? [])] }));
    problems.push(...undecidedOf(views.before, views.after, ctx, fallbackLine));
    const truncated = [...runs.before, ...runs.after].find((r) => r.trace.truncated);
    if (truncated) problems.push({ severity: 'warning', message: `simulation of ${hunk.function || 'hunk'} stopped early: ${truncated.trace.truncated}`, line: hunk.headerLine });
    // One order whatever the caches served: by line, then rule, status and message.
    findings.sort((x, y) => x.line - y.line || x.ruleId.localeCompare(y.ruleId) || x.status.localeCompare(y.status) || x.message.localeCompare(y.message));
    return { report: { ...read.report, effects, findings }, traces: [...runs.before, ...runs.after].map((r) => r.trace), problems };
  }

  /** A patch's last review, by the patch object: served again while the patch, the world it starts
   * from (the same object: the patches before it were served too) and the options are the same (an
   * editor's re-review; not with a kernel tree, whose pre-images an earlier patch may have left). */
  const patchReviews = new WeakMap<Patch, ServedPatch>();

  function walk(series: readonly Series[], opts: ReviewOptions, visit: (patch: Patch, file: FileDiff, hunk: Hunk, r: HunkResult) => void): Problem[] {
    const problems: Problem[] = [];
    const steps = walkPatches(series, opts, visit, problems);
    while (!steps.next().done);
    return problems;
  }

  /** Walks the series in order, visiting each hunk's result and adding to `problems`; a step after each patch. */
  function* walkPatches(series: readonly Series[], opts: ReviewOptions, visit: (patch: Patch, file: FileDiff, hunk: Hunk, r: HunkResult) => void, problems: Problem[]): Generator<{ series: Series; patch: Patch }> {
    for (const s of series) {
      let base: World = EMPTY_WORLD;
      // Files as earlier patches of the series left them, by the blob id their index line gives.
      const left: { blob: string; text: string; source: PreImage['source'] }[] = [];
      for (const patch of s.patches) {
        const era = opts.patchEras?.get(patch);
        const popts = era ? { ...opts, era } : opts;
        const options = `${s.source}\u0001${popts.era}\u0001${popts.includePresent}`;
        const served = opts.kernelTree ? undefined : patchReviews.get(patch);
        const after = served && served.options === options ? (served.base === base ? served.after : afterOn(served, base)) : undefined;
        if (served && after) {
          if (served.base !== base) patchReviews.set(patch, { ...served, base, after });
          for (const p of served.problems) problems.push(p);
          for (const v of served.visits) visit(patch, v.file, v.hunk, v.result);
          base = after;
          yield { series: s, patch };
          continue;
        }
        const own = { visits: [] as { file: FileDiff; hunk: Hunk; result: HunkResult }[], problems: [] as Problem[] };
        const facts = factsOf(patch);
        const { defs, helpers } = facts;
        const reads: { file: FileDiff; hunk: Hunk; read: HunkRead; fresh: boolean }[] = [];
        for (const file of patch.files) {
          if (file.binary) continue;
          const pre = opts.kernelTree ? preImageOf(opts.kernelTree, file, left, problems) : undefined;
          const appliedFile = pre !== undefined ? applyFileDiff(pre.text, file) : undefined;
          const applied = appliedFile && pre ? { ...appliedFile, value: { ...appliedFile.value, source: pre.source } } : undefined;
          if (applied && file.newBlob && !ZERO.test(file.newBlob)) left.push({ blob: file.newBlob, text: applied.value.after, source: applied.value.source });
          for (const hunk of file.hunks) reads.push({ file, hunk, ...readHunk(file, hunk, applied, popts, helpers) });
        }
        // Only hunks that were parsed have bodies, the only users of their changed lines in the overlay.
        const pieces: HunkPieces[] = reads.map(({ file, hunk, read }) => ({ path: file.path, hunk, changed: read.pieces.before || read.pieces.after ? changedLines([hunk]) : NO_LINES, ...read.pieces }));
        const overlay = buildOverlay(pieces, base, parseFragment);
        // The base entries the patch's review depends on: those its hunks show (the overlay merges
        // them) and those its judged hunks' runs can meet.
        const deps = new Set<string>();
        for (const { hunk } of reads) {
          deps.add(hunk.function);
          const o = overlay.own.get(hunk);
          if (o) for (const b of [...o.before, ...o.after]) deps.add(b.fn.name);
        }
        for (const { file, hunk, read, fresh } of reads) {
          const { changed, intended } = read.judge ? (facts.judging ??= { changed: changedLines(reads.map((r) => r.hunk)), intended: intendedTypes(patch) }) : NOT_JUDGED;
          const judged = judgeHunk(hunk, file, read, overlay, popts, defs, changed, intended, deps);
          if (fresh || judged.fresh) analysed++;
          for (const p of judged.result.problems) own.problems.push({ ...p, source: p.source ?? s.source });
          own.visits.push({ file, hunk, result: judged.result });
        }
        for (const p of own.problems) problems.push(p);
        for (const v of own.visits) visit(patch, v.file, v.hunk, v.result);
        if (!opts.kernelTree) patchReviews.set(patch, { base, options, after: overlay.after, deps, ...own });
        base = overlay.after;
        yield { series: s, patch };
      }
    }
  }

  function* reviewSteps(series: readonly Series[], opts: ReviewOptions): Generator<ReviewStep, ReviewResult> {
    const problems: Problem[] = [];
    const patches: PatchReport[] = [];
    const total = series.reduce((n, s) => n + s.patches.length, 0);
    let hunks: { hunk: Hunk; report: HunkReport }[] = [];
    const result = (): ReviewResult => ({ patches: [...patches], problems: [...problems] });
    for (const { series: s, patch } of walkPatches(series, opts, (_patch, _file, hunk, r) => hunks.push({ hunk, report: r.report }), problems)) {
      // The hunks were visited in the patch's order (its files that are not binary, each file's hunks).
      const placed = placeOnce(hunks);
      let at = 0;
      const reportsOf = (file: FileDiff): HunkReport[] => {
        const out: HunkReport[] = [];
        for (const h of file.hunks) if (hunks[at]?.hunk === h) out.push(placed[at++]!);
        return out;
      };
      const files: FileReport[] = patch.files.filter((f) => !f.binary).map((f) => ({ path: f.path, hunks: reportsOf(f) }));
      hunks = [];
      patches.push({
        subject: patch.subject, ...(patch.index !== undefined ? { index: patch.index } : {}), ...(patch.total !== undefined ? { total: patch.total } : {}),
        ...(patch.version !== undefined ? { version: patch.version } : {}), ...(opts.patchEras?.has(patch) ? { era: opts.patchEras.get(patch)! } : {}),
        source: s.source, startLine: patch.startLine, files,
      });
      yield { done: patches.length, total, partial: result };
    }
    return { patches, problems };
  }

  return {
    get analysed() {
      return analysed;
    },
    review(series, opts) {
      const steps = reviewSteps(series, opts);
      for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
      }
    },
    reviewSteps,
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

/** A patch's last review, kept to serve it again. */
interface ServedPatch {
  readonly base: World;
  readonly options: string;
  readonly after: World;
  /** Names of the base entries the review depends on. */
  readonly deps: ReadonlySet<string>;
  readonly visits: readonly { file: FileDiff; hunk: Hunk; result: HunkResult }[];
  readonly problems: readonly Problem[];
}

/** The world a served patch leaves on `base`, when `base` has the same functions as the one it was
 * reviewed on and differs from it only in entries the review does not depend on (an edit of an earlier
 * patch's function the patch never meets) and that call what they called (which functions the world's
 * bodies call decides the patch's helpers, worldAdds): its after-world with those entries as `base` has them. */
function afterOn(served: ServedPatch, base: World): World | undefined {
  if (base.size !== served.base.size) return undefined;
  let after: Map<string, WorldEntry> | undefined;
  for (const [name, entry] of base) {
    const was = served.base.get(name);
    if (was === undefined) return undefined;
    if (was.id === entry.id) continue;
    if (served.deps.has(name) || !sameCallees(was.body, entry.body)) return undefined;
    (after ??= new Map(served.after)).set(name, entry);
  }
  return after ?? served.after;
}

function sameCallees(a: Body, b: Body): boolean {
  const x = new Set(callees(a.fn));
  const y = callees(b.fn);
  return x.size === new Set(y).size && y.every((n) => x.has(n));
}

/** Per side of a patch's overlay: the names of its world's bodies, and what those bodies call (not
 * themselves) that the other side's world has no body of. Asked for each judged hunk: kept per overlay. */
const worldAddsOf = new WeakMap<Overlay, Record<'before' | 'after', { readonly names: ReadonlySet<string>; readonly calls: ReadonlySet<string> }>>();
function worldAdds(overlay: Overlay): Record<'before' | 'after', { readonly names: ReadonlySet<string>; readonly calls: ReadonlySet<string> }> {
  let r = worldAddsOf.get(overlay);
  if (!r) {
    const bodies = { before: [...overlay.before.values()].map((e) => e.body), after: [...overlay.after.values()].map((e) => e.body) };
    const names = { before: new Set(bodies.before.map((b) => b.fn.name)), after: new Set(bodies.after.map((b) => b.fn.name)) };
    // A set: every judged hunk asks it by name.
    const calls = (side: 'before' | 'after', other: 'before' | 'after') => new Set(bodies[side].flatMap((b) => callees(b.fn).filter((n) => n !== b.fn.name && !names[other].has(n))));
    r = { before: { names: names.before, calls: calls('before', 'after') }, after: { names: names.after, calls: calls('after', 'before') } };
    worldAddsOf.set(overlay, r);
  }
  return r;
}

/** What the review reads off a whole patch, kept per patch object (an editor's re-review reads the
 * unchanged messages' patches again: the patch reader's memo). `judging` is made when a first hunk of
 * the patch is simulated (a large diff's patch has hundreds of thousands of lines, and often no hunk to simulate). */
interface PatchFacts {
  readonly defs: PatchDefinitions;
  readonly helpers: ReadonlySet<string>;
  judging?: { readonly changed: ReadonlySet<number>; readonly intended: ReadonlySet<PgmapType> };
}
const patchFacts = new WeakMap<Patch, PatchFacts>();
function factsOf(patch: Patch): PatchFacts {
  let f = patchFacts.get(patch);
  if (!f) patchFacts.set(patch, (f = { defs: definitionsOf(patch), helpers: helpersOfApiFunctions(patch) }));
  return f;
}

const ZERO = /^0+$/;
/** The world before a series' first patch (one object: a patch review is served again by its base's identity). */
const EMPTY_WORLD: World = new Map();
const NO_LINES: ReadonlySet<number> = new Set();
/** The empty lists of the reports of the hunks the review does not read (most of a large diff's). */
const NOTHING: readonly never[] = Object.freeze([]);
/** The pieces of a hunk that is not parsed. */
const NO_PIECES: HunkRead['pieces'] = Object.freeze({});
/** A hunk the review reads: damaged or not, its two sides, its cache key, the identifiers it shows. */
interface Look { readonly broken: boolean; readonly key: string; readonly words: ReadonlySet<string> }
function sidesOf(hunk: Hunk): Sides {
  return { before: hunkSide(hunk, 'before'), after: hunkSide(hunk, 'after') };
}
const NO_NAMES: ReadonlySet<string> = new Set();
const WORD = /[A-Za-z_]\w*/g;
const CALLED = /\b([A-Za-z_]\w*)\s*\(/g;

/** Functions the patch calls on the lines it changes in a function of the API table (a helper it
 * extracts from insert_page()): where the patch defines one, it is no generic code, whatever it names. */
function helpersOfApiFunctions(patch: Patch): ReadonlySet<string> {
  const out = new Set<string>();
  for (const file of patch.files) for (const hunk of file.hunks) if (API_NAMES.has(hunk.function)) for (const n of helpersIn(hunk)) out.add(n);
  return out.size ? out : NO_NAMES;
}
/** Those of one hunk. */
const helpersIn = perHunk((hunk): readonly string[] => {
  const found = new Set<string>();
  eachLine(hunk, (kind, text) => {
    if (kind !== 'context') for (const m of text.matchAll(CALLED)) if (!API_NAMES.has(m[1]!)) found.add(m[1]!);
  });
  return [...found];
});
/** What judgeHunk is given for a hunk it does not simulate (it returns before looking). */
const NOT_JUDGED = { changed: NO_LINES, intended: new Set<PgmapType>() };

/** Document lines the hunks add or delete. */
function changedLines(hunks: readonly Hunk[]): ReadonlySet<number> {
  let n = 0;
  for (const h of hunks) n += changedOf(h).length;
  const lines = new Float64Array(n);
  let at = 0;
  for (const h of hunks) for (const l of changedOf(h)) lines[at++] = l;
  return new LineSet(lines);
}

/** A hunk's added and deleted document lines. */
const changedOf = perHunk((hunk): readonly number[] => {
  const out: number[] = [];
  eachLineKind(hunk, (kind, line) => {
    if (kind !== 'context') out.push(line);
  });
  return out;
});
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

/** Whether reviewing the series reads (and so parses) any hunk: without one, no grammar is needed. */
export function readsAnyHunk(series: readonly Series[]): boolean {
  return series.some((s) => s.patches.some((p) => p.files.some((f) => !f.binary && f.hunks.some((h) => readsHunk(h)))));
}

/** One-shot review (no cache kept between calls). */
export function reviewSeries(series: readonly Series[], syntax: Pick<CSyntax, 'parse'>, opts: ReviewOptions): { patches: PatchReport[]; problems: Problem[] } {
  return createReviewer(syntax).review(series, opts);
}

export function simulateHunk(series: readonly Series[], syntax: Pick<CSyntax, 'parse'>, hunkNumber: number, opts: ReviewOptions): SimulateResult | { error: string } {
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
/** Patched functions that no scenario calls and no put reaches (nor, for functions the patch adds, a
 * function of their world, nor dead static ones: `helpers`), placed into a phase by their role
 * (read over both sides, so a function keeps its place when the patch changes its calls). One per
 * role, with the most changed lines; a function both sides have is preferred, so both worlds run the
 * same one; otherwise (renamed or new functions) each side runs its own. */
function placements(side: readonly Body[], other: readonly Body[], era: Era, type: PgmapType, changed: ReadonlySet<number>, helpers: Names, world: { get(name: string): Body | undefined }): { name: string; role: Role }[] {
  const all = [...side, ...other];
  const called = scenarioCallees(era, type);
  const direct = scenarioCallees(era, type, false);
  // Reached by another type's life is no reason to stay out of this one's (migrate_vma_insert_page()).
  const anyScenario = scenarioCallees(undefined, undefined, false);
  const best = new Map<Role, { name: string; shared: boolean; weight: number }>();
  for (const name of new Set(side.map((b) => b.fn.name))) {
    // A helper the patch adds runs where the function that calls it does.
    if (called.has(name) || helpers.has(name)) continue;
    const entry = apiEntry(name);
    // Table functions the scenarios call for other types or eras stay out of this type's life.
    if (entry && (anyScenario.has(name) || entry.roles.some((r) => IMPLICIT.includes(r)))) continue;
    const mine = all.filter((x) => x.fn.name === name);
    const roles = new Set<Role>(entry?.roles ?? []);
    // A caller the patch leaves as it is of what this life reaches inside one of its calls
    // (insert_page_in_batch_locked() -> insert_page_into_pte_locked(), which P2PDMA's mmap reaches) is
    // another way to it, not a phase of its own.
    const untouched = mine.every((b) => !changesBody(b, changed));
    // A function outside the table takes the roles of the table functions it calls, directly or through
    // one of the world's functions (__folio_batch_release() -> folios_put() -> folios_put_refs()).
    const through = (c: string): readonly string[] => (apiEntry(c) ? [c] : world.get(c) ? pageCalls(world.get(c)!.fn).filter((d) => apiEntry(d)) : []);
    if (!entry) for (const b of mine) for (const c of pageCalls(b.fn).flatMap(through)) if (!untouched || !called.has(c) || direct.has(c)) for (const r of apiEntry(c)?.roles ?? []) roles.add(r);
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

/** Memmap set-up functions of the table that other hunks of the same file change (not this hunk's):
 * the producer and consumer of a pgmap's references sit together (pagemap_range() and memunmap_pages());
 * a whole tree's diff does not make every hunk's life start from every set-up it moves. */
function siblingsOf(hunk: Hunk, sameFile: readonly Hunk[], overlay: Overlay): string[] {
  const candidates = setUpsIn(sameFile, overlay);
  if (candidates.length === 0) return [];
  const mine = new Set([...overlay.own.get(hunk)!.before, ...overlay.own.get(hunk)!.after].map((b) => b.fn.name));
  return [...new Set(candidates.filter((c) => c.hunk !== hunk && !mine.has(c.name)).map((c) => c.name))].sort();
}

/** The set-up functions (memmap-init) a file's hunks show that the patch changes: found once per file
 * and overlay (every judged hunk of the file asks). */
const setUps = new WeakMap<Overlay, Map<readonly Hunk[], readonly { hunk: Hunk; name: string }[]>>();
function setUpsIn(sameFile: readonly Hunk[], overlay: Overlay): readonly { hunk: Hunk; name: string }[] {
  let byFile = setUps.get(overlay);
  if (!byFile) setUps.set(overlay, (byFile = new Map()));
  let found = byFile.get(sameFile);
  if (!found) {
    const out: { hunk: Hunk; name: string }[] = [];
    for (const h of sameFile) {
      const o = overlay.own.get(h);
      if (!o) continue;
      for (const b of [...o.before, ...o.after]) {
        const n = b.fn.name;
        if (apiEntry(n)?.roles.includes('memmap-init') && overlay.before.get(n)?.id !== overlay.after.get(n)?.id) out.push({ hunk: h, name: n });
      }
    }
    byFile.set(sameFile, (found = out));
  }
  return found;
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
/** The function whose definition the text's first code line (comments skipped) starts: the hunk
 * starts at top level, whatever its header names (git's -W shows a function from its first line, under
 * the header of the line above it: `static DEVICE_ATTR_RO(published);`). */
function definitionAtStart(text: string): string | undefined {
  const lines = text.split('\n');
  let comment = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (comment) {
      comment = !l.includes('*/');
      continue;
    }
    if (l.trim() === '' || /^\s*\/\//.test(l)) continue;
    if (/^\s*\/\*/.test(l)) {
      comment = !l.includes('*/');
      continue;
    }
    // A return type on its own line, the name and parameters on the next.
    return definedOn(l) ?? (/^[A-Za-z_][^;{}()#=]*$/.test(l) ? definedOn(lines[i + 1] ?? '') : undefined);
  }
  return undefined;
}

/** Braces opened and not closed in the text's code (comments and literals skipped). */
function braceDepth(text: string): number {
  let depth = 0;
  for (const c of blankCommentsAndLiterals(text)) {
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
  }
  return depth;
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


/** Whether any line of the body is a changed line of the patch. */
function changesBody(b: Body, changed: ReadonlySet<number>): boolean {
  for (let l = b.fn.startLine; l <= b.fn.endLine; l++) if (changed.has(b.docLine(l) ?? -1)) return true;
  return false;
}
