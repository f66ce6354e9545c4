// Relevance: which hunks can matter to ZONE_DEVICE pages at all, which pgmap types reach them, and
// what is listed from the text of hunks that are not parsed (generic code, nothing simulated).
import type { PgmapType, Problem } from '../types';
import { PGMAP_TYPES, PGMAP_TYPE_CONSTANTS } from '../types';
import type { HunkCall } from '../report/types';
import type { Hunk, HunkLine } from '../patch/types';
import { eachLine, eachLineKind, eachLineStarting, hunkText, type HunkSide } from '../patch';
import { blankCommentAbove } from '../syntax/fragment';
import { blankCommentsAndLiterals, lexicalFaults } from '../syntax/lexer';
import { API_NAMES, apiEntry } from '../api';
import { ASSERTION_CALL, TYPE_WORDS } from '../api/concepts';
import { definedOn, DEFINITION_LINE, MAY_DEFINE } from './overlay';
import type { Body } from '../sim/interp';

/** A hunk's two sides (computed once per look at the hunk). */
export interface Sides {
  readonly before: HunkSide;
  readonly after: HunkSide;
}
/** A name followed by `(`: a call (or a definition) when the name is in the API table. */
const CALL = /\b([A-Za-z_]\w*)\s*\(/g;
/** The same, or a name that ends its line (its `(` may open the next one). */
const CALL_OR_END = /\b([A-Za-z_]\w*)\s*(\(|$)/g;

/** Any name of the API table as a whole word: what callsApi matches always is one. */
const API_WORD = new RegExp(`\\b(?:${[...API_NAMES].sort((a, b) => b.length - a.length).map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})\\b`);

/** The cheap pre-filter before callsApi: whether any line of the hunk names a function of the API table
 * at all (one regular expression over the hunk's text, no capture, no set look-ups: a name does not
 * span lines). A hunk it passes over calls and defines none (conservative: callsApi's matches are a
 * subset of its). */
export function mentionsApi(hunk: Hunk): boolean {
  return API_WORD.test(hunkText(hunk));
}

/** Whether the review reads a hunk at all (callsApi, changesTableGuard, changesExitOfApiFunction, or damaged: see readHunk);
 * `prefilter` false skips mentionsApi and asks callsApi alone (the equivalence test). */
export function readsHunk(hunk: Hunk, prefilter = true): boolean {
  return damaged(hunk) || changesTableGuard(hunk) || ((!prefilter || mentionsApi(hunk)) && callsApi(hunk)) || (!!hunk.function && changesExitOfApiFunction(hunk));
}

/** The hunk is inside a function of the API table and its changed lines name ZONE_DEVICE concepts (a
 * type guard it changes, whose arms it may not show): read and judged even when it calls nothing. */
export function changesTableGuard(hunk: Hunk): boolean {
  if (!API_NAMES.has(hunk.function)) return false;
  const changed: string[] = [];
  eachLine(hunk, (kind, text) => {
    if (kind !== 'context') changed.push(text);
  });
  return typesNamed(changed.join('\n')).length > 0;
}

/** A hunk that adds or deletes a `return` or `goto` in a table function that must put, on every return,
 * the pgmap reference its caller handed it: it changes what the function gives back even where it calls
 * nothing (a `goto out` turned into a `return` that skips the put at out:). */
export function changesExitOfApiFunction(hunk: Hunk): boolean {
  return !!apiEntry(hunk.function)?.pgmapConsumes && eachLine(hunk, (kind, text) => kind !== 'context' && EXIT_STATEMENT.test(text));
}
const EXIT_STATEMENT = /\b(return|goto)\b/;

/** Whether any line of the hunk (either side) calls or defines a function of the API table. Read line by
 * line: most hunks of a large diff call none, and are passed over without building their texts. */
export function callsApi(hunk: Hunk): boolean {
  // A table name that ends its line calls when the next line opens with `(`.
  let endsWithName = false;
  return eachLine(hunk, (_kind, text) => {
    if (endsWithName && /^\s*\(/.test(text)) return true;
    endsWithName = false;
    for (const m of text.matchAll(CALL_OR_END)) {
      if (!API_NAMES.has(m[1]!)) continue;
      if (m[2] === '(') return true;
      endsWithName = true;
    }
    return false;
  });
}

/** Cut short, or with repaired lines: such a hunk is always parsed, so the C problems it causes are reported. */
export function damaged(hunk: Hunk): boolean {
  let before = 0, after = 0;
  const repaired = eachLineKind(hunk, (kind, _line, repaired) => {
    if (kind !== 'add') before++;
    if (kind !== 'del') after++;
    return repaired;
  });
  return repaired || before !== hunk.oldCount || after !== hunk.newCount;
}

/** The hunk is inside, or defines, a function of the API table (its helpers, page_folio() and the
 * like, do not count: they are defined in headers all over the tree). */
export function showsApiFunction(hunk: Hunk): boolean {
  if (API_NAMES.has(hunk.function)) return true;
  return eachLineStarting(hunk, MAY_DEFINE, (_kind, text) => {
    const name = definedOn(text);
    return name !== undefined && API_NAMES.has(name);
  });
}

/** Calls of API-table functions in a hunk's code (comments and literals skipped, also a comment the
 * hunk starts or ends inside; macro bodies kept: their calls are call sites once expanded), each in
 * the function whose definition line precedes it in the hunk, else the header's. No guards: not parsed. */
export function listCalls(hunk: Hunk, sides: Sides, only: (l: HunkLine) => boolean = () => true): HunkCall[] {
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
export function textFaults(hunk: Hunk, sides: Sides): Problem[] {
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
 * neither in the API table nor among the patch's `helpers` (called where it changes a table function).
 * Their text lines per side, and their document lines. */
export function genericDefinitions(hunk: Hunk, sides: Sides, named: (text: string) => readonly PgmapType[], helpers: ReadonlySet<string> = new Set()): { before: ReadonlySet<number>; after: ReadonlySet<number>; docLines: ReadonlySet<number> } {
  const defs = { before: definitionsIn(sides.before.text), after: definitionsIn(sides.after.text) };
  const split = { before: sides.before.text.split('\n'), after: sides.after.text.split('\n') };
  const text = (side: 'before' | 'after', d: { start: number; end: number }) => split[side].slice(d.start, d.end + 1).join('\n');
  const reached = new Set<string>();
  for (const side of ['before', 'after'] as const) for (const d of defs[side]) if (apiEntry(d.name) || helpers.has(d.name) || named(text(side, d)).length > 0) reached.add(d.name);
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
export function blankLines(text: string, lines: ReadonlySet<number> | undefined): string {
  if (!lines || lines.size === 0) return text;
  return text.split('\n').map((l, i) => (lines.has(i) ? '' : l)).join('\n');
}

/** Types whose ZONE_DEVICE concepts the code names outside comments and assertions. */
export function typesNamed(text: string): readonly PgmapType[] {
  if (!TYPE_WORDS.some(([re]) => re.test(text))) return [];
  // Comments (also the rest of one opened above a hunk, ` * ...` lines) and assertions are no code path.
  const code = text.replace(/^(?:(?!\/\*)[\s\S])*?\*\//, '').replace(/\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/.*|^\s*\*(?:\s.*)?$/gm, '').replace(ASSERTION_CALL, '');
  const set = new Set(TYPE_WORDS.flatMap(([re, types]) => (re.test(code) ? types : [])));
  return PGMAP_TYPES.filter((t) => set.has(t));
}

/** Types to simulate: those whose pages can reach the hunk's functions, plus the types its code names
 * by constant (a driver file testing another type). */
export function typesOf(sides: Sides, reached: ReadonlySet<PgmapType>): PgmapType[] {
  const set = new Set<PgmapType>(reached);
  const text = sides.before.text + '\n' + sides.after.text;
  for (const [c, t] of Object.entries(PGMAP_TYPE_CONSTANTS)) if (text.includes(c)) set.add(t);
  return PGMAP_TYPES.filter((t) => set.has(t));
}

/** Nothing read is dropped: a table call on an added or deleted line that no simulated body holds is a
 * problem (the C around it does not read as a statement of a function body). */
export function unsimulatedCalls(hunk: Hunk, sides: Sides, bodies: { readonly before: readonly Body[]; readonly after: readonly Body[] }, generic: ReadonlySet<number> | undefined): Problem[] {
  const held = { before: simulatedCalls(bodies.before), after: simulatedCalls(bodies.after) };
  // A cheap look at the changed lines first; the lexer confirms (comments and strings hold no calls).
  const maybe = hunk.lines.some((l) => l.kind !== 'context' && [...l.text.matchAll(CALL)].some((m) => API_NAMES.has(m[1]!) && !held[l.kind === 'del' ? 'before' : 'after'].has(`${l.line}|${m[1]}`)));
  if (!maybe) return [];
  return listCalls(hunk, sides, (l) => l.kind !== 'context' && !generic?.has(l.line))
    .filter((c) => c.side !== 'both' && !held[c.side].has(`${c.line}|${c.callee}`))
    .map((c) => ({ severity: 'warning', line: c.line, message: `${c.callee}() on this ${c.side === 'before' ? 'deleted' : 'added'} line is not simulated: the C around it does not read as a statement of a function body` }));
}

/** `docLine|callee` of every call the bodies' statements hold (those the simulation can run). */
function simulatedCalls(bodies: readonly Body[]): Set<string> {
  const out = new Set<string>();
  for (const b of bodies) {
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') {
        const o = v as { k?: string; callee?: string; loc?: { line: number } };
        if (o.k === 'call' && typeof o.callee === 'string' && o.loc) out.add(`${b.docLine(o.loc.line)}|${o.callee.replace(/\s+/g, '')}`);
        Object.values(o).forEach(visit);
      }
    };
    visit(b.fn.body);
  }
  return out;
}
