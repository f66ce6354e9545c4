// The patch overlay: every hunk's bodies of a patch (and the patches before it in its series) merged
// per function into one before-world and one after-world. A function that several hunks of one file
// show in part (without --kernel-tree) is reconstructed from all of them, each gap between hunks one
// line: the code there is unknown (a GAP_CALL the simulator marks), its blocks follow the indentation.
import type { Hunk, HunkLine, Patch } from '../patch/types';
import { eachLine, eachLineStarting } from '../patch';
import type { ParsedC } from '../syntax/types';
import type { Body, Bodies } from '../sim/interp';
import { callees } from '../sim/paths';
import { apiEntry } from '../api';
import { ABOVE, awaitsStatement, blockLevels, firstCodeLevel, GAP_CALL } from '../syntax/fragment';

/** Functions whose definitions a patch shows, by side: in its deleted or context lines (`before`), in
 * its added or context lines (`after`); and those it adds or deletes outright. */
export interface PatchDefinitions {
  readonly before: ReadonlySet<string>;
  readonly after: ReadonlySet<string>;
  /** Added and never shown on the before side / deleted and never shown on the after side. */
  readonly newOnly: ReadonlySet<string>;
  readonly goneOnly: ReadonlySet<string>;
  /** Static functions among those (when the patch deletes, resp. adds, no definition line: no rename) that
   * nothing else the patch shows on their side names (not a call, not an ops table): dead code there,
   * such as a helper a series adds one patch before the patch that calls it. */
  readonly unused: { readonly before: ReadonlySet<string>; readonly after: ReadonlySet<string> };
  /** Short id of the added and deleted names no side keeps, for cache keys. */
  readonly id: string;
}

/** A definition's first line in kernel style: at column 0, a name and `(`, not a declaration ending in `;`. */
export const DEFINITION_LINE = /^(?:[A-Za-z_][\w\s*]*?[\s*])?([A-Za-z_]\w*)\s*\([^;]*$/;
const NOT_DEFINED = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof']);

/** The start of a line definedOn may find a definition on: a name's first character in column 0, a "(" later. */
export const MAY_DEFINE = /[A-Za-z_][^\n(]*\(/;

/** The function a line starts the definition of (DEFINITION_LINE, not a keyword), checked cheaply first. */
export function definedOn(text: string): string | undefined {
  const c = text.charCodeAt(0);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) || !text.includes('(')) return undefined;
  const m = DEFINITION_LINE.exec(text);
  return m && !NOT_DEFINED.has(m[1]!) ? m[1] : undefined;
}

export function definitionsOf(patch: Patch): PatchDefinitions {
  const before = new Set<string>(), after = new Set<string>(), added = new Set<string>(), deleted = new Set<string>();
  const statics = new Set<string>();
  for (const file of patch.files) {
    for (const hunk of file.hunks) {
      // The header names a function the hunk is inside: it exists on both sides.
      if (hunk.function) {
        before.add(hunk.function);
        after.add(hunk.function);
      }
      for (const { name, kind, isStatic } of definitionLines(hunk)) {
        if (kind !== 'add') before.add(name);
        if (kind !== 'del') after.add(name);
        if (kind === 'add') added.add(name);
        if (kind === 'del') deleted.add(name);
        if (kind !== 'context' && isStatic) statics.add(name);
      }
    }
  }
  const newOnly = new Set([...added].filter((n) => !before.has(n)));
  const goneOnly = new Set([...deleted].filter((n) => !after.has(n)));
  // Only where no definition line is deleted (added): a definition added in place of one deleted may be
  // a rename, whose callers the input shows under the old name (a hunk header) or not at all.
  const unused = {
    before: unreferenced(patch, 'del', added.size > 0 ? [] : [...goneOnly].filter((n) => statics.has(n))),
    after: unreferenced(patch, 'add', deleted.size > 0 ? [] : [...newOnly].filter((n) => statics.has(n))),
  };
  const names = (xs: ReadonlySet<string>) => [...xs].sort().join(',');
  return { before, after, newOnly, goneOnly, unused, id: hashOf(`${names(newOnly)}|${names(goneOnly)}|${names(unused.before)}|${names(unused.after)}`) };
}

const STATIC_DEFINITION = /^static\b/;

/** A hunk line that starts a definition: the function, the line's kind, whether the definition is static. */
interface DefinitionLine { readonly name: string; readonly kind: HunkLine['kind']; readonly isStatic: boolean }
const NO_DEFINITIONS: readonly DefinitionLine[] = [];
/** `read` of a hunk, kept per hunk object (an editor's re-review meets the same hunk objects again:
 * the patch reader's memo). */
export function perHunk<T>(read: (hunk: Hunk) => T): (hunk: Hunk) => T {
  const kept = new WeakMap<Hunk, T>();
  return (hunk) => {
    let r = kept.get(hunk);
    if (r === undefined) kept.set(hunk, (r = read(hunk)));
    return r;
  };
}

/** The lines of a hunk that start a definition. */
const definitionLines = perHunk((hunk): readonly DefinitionLine[] => {
  const found: DefinitionLine[] = [];
  eachLineStarting(hunk, MAY_DEFINE, (kind, text) => {
    const name = definedOn(text);
    if (name !== undefined) found.push({ name, kind, isStatic: STATIC_DEFINITION.test(text) });
  });
  return found.length > 0 ? found : NO_DEFINITIONS;
});

/** Of `names`, those no line of the patch's `kind` side (its `kind` and context lines) names except
 * the first line of their own definition. */
function unreferenced(patch: Patch, kind: 'add' | 'del', names: readonly string[]): Set<string> {
  const out = new Set(names);
  if (out.size === 0) return out;
  const word = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
  for (const file of patch.files) {
    for (const hunk of file.hunks) {
      eachLine(hunk, (k, text) => {
        if (k !== 'context' && k !== kind) return;
        const own = definedOn(text);
        for (const m of text.matchAll(word)) if (m[1] !== own) out.delete(m[1]!);
      });
    }
  }
  return out;
}

export type Applied = { before: string; after: string; beforeDocLines: (number | undefined)[]; afterDocLines: (number | undefined)[]; source: 'git-blob' | 'kernel-tree' };

/** Whole functions of the patched file (from --kernel-tree) that overlap the hunk; undefined when none
 * does (the hunk did not apply), so the caller falls back to the fragment. */
export function wholeFunctionsOf(parse: (text: string) => ParsedC, applied: Applied, side: 'before' | 'after', hls: readonly HunkLine[]) {
  const lines = side === 'before' ? applied.beforeDocLines : applied.afterDocLines;
  const parsed = parse(side === 'before' ? applied.before : applied.after);
  const docs = new Set(hls.map((l) => l.line));
  const functions = parsed.functions.filter((f) => lines.slice(f.startLine, f.endLine + 1).some((d) => d !== undefined && docs.has(d)));
  if (functions.length === 0) return undefined;
  const byDoc = new Map(hls.map((l) => [l.line, l]));
  return { parsed, functions, text: side === 'before' ? applied.before : applied.after, docLines: lines, docLine: (n: number) => lines[n], charOf: (n: number) => byDoc.get(lines[n] ?? -1)?.character ?? 0 };
}

/** FNV-1a, 32 bits, hex: a short id for cache keys (the full texts are in the keys too where it matters). */
export function hashOf(s: string): string {
  return (fnv1a(s) >>> 0).toString(16);
}

/** The hash's loop alone: V8 compiles a long string's loop while it runs (on-stack replacement) and
 * enters that code again on later calls; code after the loop that had not run yet then bailed out on
 * every call (about 600 times in the review of the mm/ diff, a few tenths of a millisecond each). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** A body in a world, with an id that changes when the text it was parsed from does (cache keys). */
export interface WorldEntry {
  readonly body: Body;
  readonly id: string;
}
export type World = ReadonlyMap<string, WorldEntry>;

/** One side of one hunk as parsed: the text given to the parser, each text line's document line, and
 * the functions found. */
export interface SidePiece {
  readonly text: string;
  readonly docLines: readonly (number | undefined)[];
  readonly bodies: readonly Body[];
  /** Whole functions read from --kernel-tree (nothing to reconstruct). */
  readonly fromTree: boolean;
  /** The enclosing function the fragment was parsed inside ('' at top level). */
  readonly enclosing: string;
  /** Changes with the hunk's lines, their kinds and positions (cache keys). */
  readonly id: string;
}

export interface HunkPieces {
  readonly path: string;
  readonly hunk: Hunk;
  /** Document lines the hunk adds or deletes. */
  readonly changed: ReadonlySet<number>;
  readonly before?: SidePiece;
  readonly after?: SidePiece;
}

export interface Overlay {
  readonly before: World;
  readonly after: World;
  /** Each hunk's own functions per side, where a reconstructed body replaces the hunk's part of it. */
  readonly own: ReadonlyMap<Hunk, { readonly before: readonly Body[]; readonly after: readonly Body[]; readonly id: string }>;
}

/** Parses a reconstructed fragment (enclosing function, '' at top level). */
export type ParseFragment = (text: string, enclosing: string) => ParsedC;

const SIDES = ['before', 'after'] as const;

/** The function still open at the end of a side: its last body, else the enclosing one. */
function openAtEnd(p: SidePiece): string {
  let last: Body | undefined;
  for (const b of p.bodies) if (!last || b.fn.startLine >= last.fn.startLine) last = b;
  return last?.fn.name ?? p.enclosing;
}

/** Runs of consecutive hunks of one file that continue one function: each next hunk starts inside the
 * function the one before ends in, which its header names (git names it from the pre-image: on the
 * after side, where the hunk before renamed it, it is the one that hunk's after side ends in). Each
 * hunk with the function it continues ('' for the first). */
function chains(pieces: readonly HunkPieces[], side: 'before' | 'after'): { p: HunkPieces; name: string }[][] {
  const out: { p: HunkPieces; name: string }[][] = [];
  let cur: { p: HunkPieces; name: string }[] = [];
  const continues = (prev: HunkPieces, p: HunkPieces, sd: 'before' | 'after') => {
    const s = p[sd], ps = prev[sd];
    return !!s && !s.fromTree && !!ps && prev.path === p.path && s.enclosing !== '' && openAtEnd(ps) === s.enclosing;
  };
  // The function open at the end of a chained hunk: its last body, unless that is the part of the
  // function it continues (parsed under the header's name).
  const openName = (x: { p: HunkPieces; name: string }) => {
    const o = openAtEnd(x.p[side]!);
    return x.name !== '' && o === x.p[side]!.enclosing ? x.name : o;
  };
  for (const p of pieces) {
    const prev = cur[cur.length - 1];
    const s = p[side];
    const linked = prev && s && !s.fromTree && prev.p.path === p.path && s.enclosing !== '';
    if (linked && openName(prev) === s.enclosing) cur.push({ p, name: s.enclosing });
    else if (linked && side === 'after' && continues(prev.p, p, 'before')) cur.push({ p, name: openName(prev) });
    else {
      if (cur.length > 1) out.push(cur);
      cur = s && !s.fromTree ? [{ p, name: '' }] : [];
    }
  }
  if (cur.length > 1) out.push(cur);
  return out;
}

/** Whether a body spans a line its hunk changes. */
function touched(b: Body, changed: ReadonlySet<number>): boolean {
  for (let l = b.fn.startLine; l <= b.fn.endLine; l++) {
    const d = b.docLine(l);
    if (d !== undefined && changed.has(d)) return true;
  }
  return false;
}

/** One body per function name: a header that defines a function in both branches of an #ifdef
 * (the real one, and a stub such as `return false;` for configurations without the feature) keeps the
 * longer definition, since a device page exists only where the feature is configured. */
function oneEach(bodies: readonly Body[]): Body[] {
  const best = new Map<string, Body>();
  const size = (b: Body) => b.fn.endLine - b.fn.startLine;
  for (const b of bodies) {
    const had = best.get(b.fn.name);
    if (!had || size(b) > size(had)) best.set(b.fn.name, b);
  }
  return bodies.filter((b) => best.get(b.fn.name) === b);
}

/** The line standing for the code between two hunks of one function: a GAP_CALL, the blocks the
 * first leaves open closed before it and those the second starts inside opened after it (by their
 * indentation; an `if` on a value the input does not show). */
function gapLine(before: string, after: string): string {
  // A brace-less `if (...)` or `else` whose statement the next hunk starts (indented under it): the
  // lines between can only be comments (kernel style puts no second statement under it).
  const awaits = awaitsOf(before);
  if (awaits !== undefined && (firstLevelOf(after) ?? -1) > awaits) return '';
  const open = levelsOf(before).exit;
  const next = levelsOf(after).entry;
  const common = Math.min(open, next);
  return `${'\t'.repeat(common + 1)}${'} '.repeat(open - common)}${GAP_CALL}();${` if (${ABOVE}) {`.repeat(next - common)}`;
}

/** `read` of a piece's text, kept per text (a re-review rebuilds the overlay of every patch after an
 * edited one from the same texts): each of them scans the whole text. */
function perText<T>(read: (text: string) => T): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    if (kept.has(text)) return kept.get(text)!;
    if (kept.size >= 4000) kept.clear();
    const r = read(text);
    kept.set(text, r);
    return r;
  };
}
const levelsOf = perText(blockLevels);
const awaitsOf = perText(awaitsStatement);
const firstLevelOf = perText(firstCodeLevel);

/** Merges a patch's hunks into its two worlds, on top of `base` (the tree as the patches before it in
 * the series left it). Only functions the patch changes (on either side) enter them: a function a hunk
 * only shows in context, often in part, stays with its table summary for the other hunks. A function
 * shown by several hunks of one file is parsed once from all their texts, one line (gapLine) standing
 * for each gap, and that body stands for it in every one of them. */
export function buildOverlay(pieces: readonly HunkPieces[], base: World, parse: ParseFragment): Overlay {
  const worlds = { before: new Map(base), after: new Map(base) };
  const own = new Map<Hunk, { before: Body[]; after: Body[]; id: string }>();
  for (const p of pieces) own.set(p.hunk, { before: oneEach(p.before?.bodies ?? []), after: oneEach(p.after?.bodies ?? []), id: '' });
  const ids = new Map<Body, string>();
  const renamedFrom = new Map<Body, string>();
  for (const side of SIDES) {
    for (const chain of chains(pieces, side)) {
      const texts: string[] = [];
      const docLines: (number | undefined)[] = [];
      for (const { p } of chain) {
        if (texts.length > 0) {
          texts.push(gapLine(texts[texts.length - 1]!, p[side]!.text));
          docLines.push(undefined);
        }
        texts.push(p[side]!.text);
        docLines.push(...p[side]!.docLines);
      }
      const text = texts.join('\n');
      const parsed = parse(text, chain[0]!.p[side]!.enclosing);
      const links = new Set(chain.slice(1).map((x) => x.name));
      const id = hashOf(chain.map((x) => x.p[side]!.id).join(','));
      for (const fn of parsed.functions) {
        if (!links.has(fn.name)) continue;
        const body: Body = { fn, docLine: (n) => docLines[n] };
        ids.set(body, id);
        const from = chain.find((x) => x.name === fn.name && x.p[side]!.enclosing !== fn.name);
        if (from) renamedFrom.set(body, from.p[side]!.enclosing);
        for (const { p, name } of chain) {
          const mine = own.get(p.hunk)!;
          // The part a hunk shows of it (parsed under the header's name, which a rename left behind).
          mine[side] = mine[side].map((b) => (b.fn.name === fn.name || (name === fn.name && b.fn.partial && b.fn.name === p[side]!.enclosing) ? body : b));
          mine.id += `${side}:${id};`;
        }
      }
    }
  }
  // An after-side body of a function the before side shows too (under its old name where an earlier
  // hunk renamed it) is continued from that one's table summary where the input shows neither.
  const withPre = new Map<Body, Body>();
  for (const p of pieces) {
    const mine = own.get(p.hunk)!;
    mine.after = mine.after.map((b) => {
      const known = withPre.get(b);
      if (known) return known;
      const pre = mine.before.find((x) => x.fn.name === (renamedFrom.get(b) ?? b.fn.name));
      if (!pre) return b;
      const body: Body = { ...b, pre };
      withPre.set(b, body);
      if (ids.has(b)) ids.set(body, ids.get(b)!);
      return body;
    });
  }
  const changedNames = new Set<string>();
  for (const p of pieces) for (const side of SIDES) for (const b of own.get(p.hunk)![side]) if (touched(b, p.changed)) changedNames.add(b.fn.name);
  for (const side of SIDES) {
    for (const p of pieces) {
      const s = p[side];
      if (!s) continue;
      for (const b of own.get(p.hunk)![side]) if (changedNames.has(b.fn.name)) worlds[side].set(b.fn.name, { body: b, id: ids.get(b) ?? s.id });
    }
  }
  return { ...worlds, own };
}

/** A side's bodies as one run sees them: the hunk's own first, then its world. */
export function bodiesOf(own: readonly Body[], world: World): Bodies {
  const mine = new Map(own.map((b) => [b.fn.name, b]));
  return { get: (name) => mine.get(name) ?? world.get(name)?.body };
}

/** The functions the table functions among `seeds` reach (whether or not the world has bodies of the seeds). */
const reachedOf = new WeakMap<readonly string[], readonly string[]>();
function reachedBy(seeds: readonly string[]): readonly string[] {
  let out = reachedOf.get(seeds);
  if (!out) reachedOf.set(seeds, (out = [...new Set(seeds.flatMap((n) => (apiEntry(n)?.reaches ?? []).map((r) => r.name)))]));
  return out;
}

const seedsOf = new WeakMap<World, { seeds: readonly string[]; present: readonly string[] }>();
function seedsIn(seeds: readonly string[], world: World): readonly string[] {
  const known = seedsOf.get(world);
  if (known?.seeds === seeds) return known.present;
  const present = seeds.filter((n) => world.has(n));
  seedsOf.set(world, { seeds, present });
  return present;
}

/** The world entries a hunk's runs can meet (the functions its bodies and `seeds` call, and those the
 * table functions among them reach, transitively, through the world), as a cache key: `name@id` of each; their names are added to `names`. */
export function reachedKey(own: readonly Body[], seeds: readonly string[], world: World, names?: Set<string>): string {
  if (world.size === 0) return '';
  const mine = new Set(own.map((b) => b.fn.name));
  // What the seeds reach is the same for every hunk of the world: walked once, unless the walk meets
  // one of the hunk's own functions (its world entry does not count for the hunk: walked afresh).
  const common = seedWalk(seeds, world);
  if ([...mine].some((n) => common.seen.has(n))) {
    // A name the world lacks adds nothing: the seeds are looked up once per world.
    const all = walk([...seedsIn(seeds, world), ...reachedBy(seeds), ...own.flatMap((b) => callees(b.fn))], world, mine, new Set(), names);
    return all.sort().join(';');
  }
  for (const n of common.names) names?.add(n);
  return `${common.key}|${walk(own.flatMap((b) => callees(b.fn)), world, mine, new Set(common.seen), names).sort().join(';')}`;
}

/** `name@id` of the world entries reached from `todo` (names in `seen` are not walked again; those in
 * `skip` are not the world's), their names added to `names`. */
function walk(todo: string[], world: World, skip: ReadonlySet<string>, seen: Set<string>, names?: Set<string>): string[] {
  const out: string[] = [];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    // A table function runs the bodies of the functions it reaches (try_grab_folio() under
    // get_user_pages()), whether or not a body calls them by name.
    for (const r of apiEntry(n)?.reaches ?? []) todo.push(r.name);
    const e = skip.has(n) ? undefined : world.get(n);
    if (!e) continue;
    out.push(`${n}@${e.id}`);
    names?.add(n);
    todo.push(...callees(e.body.fn));
  }
  return out;
}

const seedWalks = new WeakMap<World, { seeds: readonly string[]; seen: ReadonlySet<string>; names: readonly string[]; key: string }>();
function seedWalk(seeds: readonly string[], world: World): { seen: ReadonlySet<string>; names: readonly string[]; key: string } {
  const known = seedWalks.get(world);
  if (known?.seeds === seeds) return known;
  const seen = new Set<string>();
  const found = new Set<string>();
  const out = walk([...seedsIn(seeds, world), ...reachedBy(seeds)], world, new Set(), seen, found);
  const r = { seeds, seen, names: [...found], key: out.sort().join(';') };
  seedWalks.set(world, r);
  return r;
}
