// Reads unified diffs (diff -u, git diff, format-patch bodies) out of a run of lines, and
// recovers from what mail does to them: lost leading spaces, counts that lie, truncation.
// Every recognised line keeps its document line and column.
import type { Problem } from '../types';
import type { FileDiff, Hunk, HunkLine, LineKind } from './types';

/** One line to read: its text (after any mail decoding), document line and starting column. */
export interface SrcLine {
  readonly text: string;
  readonly line: number;
  readonly col: number;
}

/** The lines to read, by index. A plain diff is a million lines: they are read where they lie
 * (`docLines`) rather than copied into one object each. */
export interface Src {
  readonly length: number;
  text(i: number): string;
  line(i: number): number;
  col(i: number): number;
}

/** Document lines `from` to `to` (exclusive) as they are: line i is document line from + i, at column 0. */
export function docLines(lines: readonly string[], from = 0, to = lines.length): Src {
  return { length: to - from, text: (i) => lines[from + i]!, line: (i) => from + i, col: () => 0 };
}

/** Lines placed one by one (a decoded mail body, an unquoted reply). */
export function placedLines(lines: readonly SrcLine[]): Src {
  return { length: lines.length, text: (i) => lines[i]!.text, line: (i) => lines[i]!.line, col: (i) => lines[i]!.col };
}

export interface DiffScan {
  readonly files: FileDiff[];
  /** Document lines of diffs quoted in replies ("> +foo"). */
  readonly quoted: number[];
}

interface Ctx {
  readonly src: Src;
  readonly end: number;
  /** Quoted text is read to find its diff lines only: no problems, no files kept. */
  readonly quotedMode: boolean;
  readonly problems: Problem[];
  /** Document lines that were read as part of a diff (kept in quoted mode only). */
  readonly used: number[];
  /** Where the hunks' packed line numbers go (see Packed): a few buffers for all the hunks read, not one each. */
  readonly arena: Arena;
}

interface Arena {
  buf: Int32Array;
  at: number;
  /** Numbers the lines not yet read may still need (four a line). */
  left: number;
}

/** Numbers per buffer of an arena, at most (1 MB), unless a hunk needs more. */
const ARENA_CHUNK = 1 << 18;

/** The arena for reading lines `start` to `end`. */
const arenaFor = (start: number, end: number): Arena => ({ buf: new Int32Array(0), at: 0, left: 4 * Math.max(0, end - start) });

/** Room for `n` numbers in the arena: the current buffer's next `n`, or a new buffer's first. */
function take(arena: Arena, n: number): Int32Array {
  if (arena.at + n > arena.buf.length) {
    arena.buf = new Int32Array(Math.max(n, Math.min(arena.left, ARENA_CHUNK)));
    arena.at = 0;
  }
  const out = arena.buf.subarray(arena.at, arena.at + n);
  arena.at += n;
  arena.left -= n;
  return out;
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

export function scanDiffs(src: Src, start: number, end: number, problems: Problem[]): DiffScan {
  const ctx: Ctx = { src, end, quotedMode: false, problems, used: [], arena: arenaFor(start, end) };
  const quoted: number[] = [];
  const files: FileDiff[] = [];
  let i = start;
  while (i < end) {
    if (isQuoted(src.text(i))) {
      let j = i;
      while (j < end && isQuoted(src.text(j))) j++;
      const block: SrcLine[] = [];
      for (let k = i; k < j; k++) block.push(unquote({ text: src.text(k), line: src.line(k), col: src.col(k) }));
      for (const l of quotedDiffLines(block)) quoted.push(l);
      i = j;
      continue;
    }
    const r = readFile(ctx, i);
    if (r) {
      files.push(r.file);
      i = r.next;
    } else i++;
  }
  return { files, quoted };
}

/** Lines of a quoted block that belong to a diff, found by reading the unquoted text as a diff. */
function quotedDiffLines(block: SrcLine[]): number[] {
  const ctx: Ctx = { src: placedLines(block), end: block.length, quotedMode: true, problems: [], used: [], arena: arenaFor(0, block.length) };
  let i = 0;
  while (i < block.length) {
    const r = readFile(ctx, i);
    i = r ? r.next : i + 1;
  }
  return ctx.used;
}

function isQuoted(t: string): boolean {
  return t.charCodeAt(0) === 62; // '>'
}

/** Strips every level of "> " quoting ("> > +x", ">> -y"), keeping one diff prefix intact. */
function unquote(l: SrcLine): SrcLine {
  const t = l.text;
  let i = 0;
  for (;;) {
    let j = i;
    while (t[j] === ' ' || t[j] === '\t') j++;
    if (t[j] !== '>') break;
    i = j + 1;
  }
  if (t[i] === ' ') i++;
  return { text: t.slice(i), line: l.line, col: l.col + i };
}

function fileHeaderAt(ctx: Ctx, i: number): 'git' | 'plain' | 'binary' | undefined {
  const t = ctx.src.text(i);
  if (t.startsWith('diff --git ')) return 'git';
  if (t.startsWith('--- ') && i + 1 < ctx.end && ctx.src.text(i + 1).startsWith('+++ ')) return 'plain';
  if (binaryFilesLine(t)) return 'binary';
  return undefined;
}

function binaryFilesLine(t: string): { old: string; new: string } | undefined {
  if (!t.startsWith('Binary files ') || !t.endsWith(' differ')) return undefined;
  const body = t.slice(13, -7);
  const k = body.indexOf(' and ');
  return k < 0 ? undefined : { old: body.slice(0, k), new: body.slice(k + 5) };
}

function readFile(ctx: Ctx, i: number): { file: FileDiff; next: number } | undefined {
  const { src, end } = ctx;
  const kind = fileHeaderAt(ctx, i);
  if (!kind) {
    const h = HUNK_RE.exec(src.text(i));
    if (!h) return undefined;
    // A hunk with no file header, as reviewers sometimes paste: read it, name no file.
    if (!ctx.quotedMode) ctx.problems.push({ severity: 'warning', message: 'hunk without a file header: its file is unknown', line: src.line(i) });
    const { hunks, next } = readHunks(ctx, i);
    return { file: { oldPath: '', newPath: '', path: '', headerLine: src.line(i), binary: false, hunks }, next };
  }
  let oldPath = '';
  let newPath = '';
  let blobs: { oldBlob: string; newBlob: string } | undefined;
  let j = i;
  use(ctx, src.line(i));
  if (kind === 'binary') {
    const b = binaryFilesLine(src.text(i))!;
    return { file: makeFile(b.old, b.new, src.line(i), true, []), next: i + 1 };
  }
  if (kind === 'git') {
    [oldPath, newPath] = gitHeaderPaths(src.text(i).slice(11));
    for (j = i + 1; j < end; j++) {
      const t = src.text(j);
      if (t.startsWith('rename from ') || t.startsWith('copy from ')) oldPath = t.slice(t.indexOf(' from ') + 6);
      else if (t.startsWith('rename to ') || t.startsWith('copy to ')) newPath = t.slice(t.indexOf(' to ') + 4);
      else if (t.startsWith('new file mode ')) oldPath = '/dev/null';
      else if (t.startsWith('deleted file mode ')) newPath = '/dev/null';
      else if (t.startsWith('index ')) blobs = indexLine(t) ?? blobs;
      else if (!/^(old mode|new mode|similarity index|dissimilarity index|index) /.test(t)) break;
      use(ctx, src.line(j));
    }
    const b = j < end ? binaryFilesLine(src.text(j)) : undefined;
    if (b) {
      use(ctx, src.line(j));
      return { file: makeFile(oldPath, newPath, src.line(i), true, []), next: j + 1 };
    }
    if (j < end && src.text(j) === 'GIT binary patch') {
      // The payload: "literal N" / "delta N" blocks of base85 lines (no spaces), blank-separated.
      for (j++; j < end && /^((literal|delta) \d+|[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]*|)$/.test(src.text(j)); j++);
      return { file: makeFile(oldPath, newPath, src.line(i), true, []), next: j };
    }
  }
  let hasContentHeader = false;
  if (j < end - 1 && src.text(j).startsWith('--- ') && src.text(j + 1).startsWith('+++ ')) {
    oldPath = headerPath(src.text(j).slice(4));
    newPath = headerPath(src.text(j + 1).slice(4));
    use(ctx, src.line(j), src.line(j + 1));
    j += 2;
    hasContentHeader = true;
  }
  const read = readHunks(ctx, j);
  const hunks = read.hunks;
  j = read.next;
  // A hunk header cut short ends the file's hunks: say so. And "--- a/x" / "+++ b/x" promise
  // content: with no hunk after them the diff was cut (a rename or a mode change has no such lines).
  const file = makeFile(oldPath, newPath, src.line(i), false, hunks, blobs);
  const next = j < end ? src.text(j) : undefined;
  const name = file.path;
  if (ctx.quotedMode) {
    // quoted diffs are recognised, not reviewed
  } else if (next !== undefined && (next.startsWith('@@') || next === '@')) {
    ctx.problems.push({ severity: 'warning', message: `malformed hunk header in the diff of ${name}: ${JSON.stringify(next.slice(0, 80))}`, line: src.line(j) });
  } else if (hasContentHeader && hunks.length === 0) {
    ctx.problems.push({ severity: 'warning', message: `truncated: the diff of ${name} has file headers but no hunk`, line: src.line(j - 1) });
  }
  return { file, next: j };
}

/** Records document lines read as part of a diff, where they are wanted (quoted mode). */
function use(ctx: Ctx, ...lines: number[]): void {
  if (ctx.quotedMode) for (const l of lines) ctx.used.push(l);
}

/** The hunks from line i on, as long as hunk headers follow (blank lines between them skipped). */
function readHunks(ctx: Ctx, i: number): { hunks: Hunk[]; next: number } {
  const hunks: Hunk[] = [];
  let j = i;
  while (j < ctx.end) {
    const h = HUNK_RE.exec(ctx.src.text(j));
    if (!h) break;
    const r = readHunk(ctx, j, h);
    hunks.push(r.hunk);
    j = skipBlanksBeforeHunk(ctx, r.next);
  }
  return { hunks, next: j };
}

/** Blank lines between two hunks (mail damage) are skipped; elsewhere they end the diff. */
function skipBlanksBeforeHunk(ctx: Ctx, i: number): number {
  let j = i;
  while (j < ctx.end && ctx.src.text(j) === '') j++;
  return j < ctx.end && ctx.src.text(j).startsWith('@@ -') ? j : i;
}

function makeFile(oldRaw: string, newRaw: string, headerLine: number, binary: boolean, hunks: Hunk[], blobs?: { oldBlob: string; newBlob: string }): FileDiff {
  const [oldPath, newPath] = stripPrefixes(oldRaw, newRaw).map(detach) as [string, string];
  return { oldPath, newPath, path: newPath === '/dev/null' ? oldPath : newPath, headerLine, binary, hunks, ...(blobs && { oldBlob: detach(blobs.oldBlob), newBlob: detach(blobs.newBlob) }) };
}

/** git's "index <old>..<new>[ <mode>]": the abbreviated blob ids (all zeros for an absent side). */
function indexLine(t: string): { oldBlob: string; newBlob: string } | undefined {
  const m = /^index ([0-9a-f]{4,64})\.\.([0-9a-f]{4,64})(?: [0-7]{6})?$/.exec(t);
  return m ? { oldBlob: m[1]!, newBlob: m[2]! } : undefined;
}

/** "a/x b/x" -> ["a/x", "b/x"], splitting at the middle when both names are equal. */
function gitHeaderPaths(rest: string): [string, string] {
  const mid = (rest.length - 1) / 2;
  if (Number.isInteger(mid) && rest[mid] === ' ' && rest.slice(2, mid) === rest.slice(mid + 3)) return [rest.slice(0, mid), rest.slice(mid + 1)];
  const k = rest.indexOf(' b/');
  return k < 0 ? [rest, rest] : [rest.slice(0, k), rest.slice(k + 1)];
}

/** The path of a "--- " / "+++ " line: before a tab or a diff -u timestamp, C-quotes removed. */
function headerPath(v: string): string {
  let p = v;
  const tab = p.indexOf('\t');
  if (tab >= 0) p = p.slice(0, tab);
  else {
    const stamp = / \d{4}-\d\d-\d\d[ T]\d/.exec(p);
    if (stamp) p = p.slice(0, stamp.index);
  }
  p = p.trimEnd();
  if (p.length >= 2 && p.startsWith('"') && p.endsWith('"')) p = p.slice(1, -1).replace(/\\(.)/g, '$1');
  return p;
}

/** Drops the a/ b/ prefixes (or differing first directories, as in linux-6.1/ linux-6.12/): patch -p1. */
function stripPrefixes(oldPath: string, newPath: string): [string, string] {
  const ab = (p: string) => (p.startsWith('a/') || p.startsWith('b/') ? p.slice(2) : p);
  if (oldPath === '/dev/null' || newPath === '/dev/null' || oldPath === '' || newPath === '') return [ab(oldPath), ab(newPath)];
  const o = oldPath.indexOf('/');
  const n = newPath.indexOf('/');
  if (o > 0 && n > 0 && oldPath.slice(0, o) !== newPath.slice(0, n)) return [oldPath.slice(o + 1), newPath.slice(n + 1)];
  return [oldPath, newPath];
}

/**
 * The identifier before the first "(" of a hunk header's section, or "". A definition has a return
 * type before its name, on the same line or (kernel style for long signatures) on the line above, when
 * the section starts with the name and its parameters are declarations (`foo(struct page *page)`,
 * `foo(void)`); a section like `EXPORT_SYMBOL(foo);` or `module_init(bar);` is a top-level macro call
 * after the previous function, so the hunk is in no function.
 */
export function sectionFunction(section: string): string {
  const paren = section.indexOf('(');
  if (paren < 0) return '';
  let e = paren;
  while (e > 0 && (section[e - 1] === ' ' || section[e - 1] === '\t')) e--;
  let s = e;
  while (s > 0 && /[A-Za-z0-9_]/.test(section[s - 1])) s--;
  if (!(s < e) || /[0-9]/.test(section[s])) return '';
  // The return type on the line above: the name and its parameters (or only `(`, xfs style:
  // `xfs_break_dax_layouts(`) start the line; one that ends in `;` is a macro call.
  const definedAbove = s === 0 && (DECLARED_PARAMS.test(section.slice(paren)) || section.slice(paren).trim() === '(') && !section.trimEnd().endsWith(';');
  if (!/[A-Za-z0-9_*]/.test(section.slice(0, s)) && !definedAbove) return '';
  return section.slice(s, e);
}

/** The parameter list of a definition whose return type is on the line above: `void`, or a first
 * parameter that declares a name (`struct page *page`, `unsigned long pfn`). */
const DECLARED_PARAMS = /^\(\s*(void\s*\)|(const\s+)?((struct|union|enum|unsigned|signed)\s+)?[A-Za-z_]\w*[\s*]+[A-Za-z_]\w*\s*([,)[]|$))/;

const MAIL_END = ['Reply instructions', 'More information about', 'next prev parent reply', '______________________________', 'WARNING: multiple messages have this Message-ID'];
const GREETING = /^(Thanks|Thank you|Regards|Cheers|Best regards|Signed-off-by:|Reviewed-by:|Acked-by:|Tested-by:|On .* wrote:$)/;
const C_START = /^(if|else|for|while|do|switch|case|return|goto|static|struct|union|enum|void|int|long|unsigned|const|bool|char|u8|u16|u32|u64|size_t|#)\b/;

/** A line of mail prose rather than code that lost its diff prefix. */
function looksLikeProse(t: string): boolean {
  const s = t.trim();
  if (GREETING.test(s)) return true;
  if (!/^[A-Za-z]/.test(s) || C_START.test(s)) return false;
  if (/[;{}]|->|==|&&|\|\||\/\*|\*\//.test(s)) return false;
  if (/[,()\\=]$/.test(s)) return false;
  return s.split(/\s+/).length >= 4;
}

function isMailEnd(ctx: Ctx, i: number): boolean {
  const t = ctx.src.text(i);
  if (t === '-- ' || t === '--') {
    const next = i + 1 < ctx.end ? ctx.src.text(i + 1) : '';
    return next === '' || /^[A-Za-z0-9]/.test(next);
  }
  for (const m of MAIL_END) if (t.startsWith(m)) return true;
  return false;
}

/** Whether line i ends the hunk being read rather than belonging to it. */
function endsHunk(ctx: Ctx, i: number, satisfied: boolean): boolean {
  const { src, end } = ctx;
  const t = src.text(i);
  if (t.startsWith('@@ -') || t.startsWith('diff -') || t.startsWith('Index: ')) return true; // diff --git, diff -u, diff -r
  if (t.startsWith('--- ') && i + 1 < end && src.text(i + 1).startsWith('+++ ')) {
    // Inside a hunk, "--- x" / "+++ y" may be a deleted "-- x" and an added "++ y": only a
    // following hunk header makes them a file header.
    if (satisfied || (i + 2 < end && src.text(i + 2).startsWith('@@ -'))) return true;
  }
  if (isQuoted(t) || isMailEnd(ctx, i)) return true;
  if (t === '') {
    if (i + 1 >= end) return true;
    const next = src.text(i + 1);
    return next === '' || isQuoted(next) || looksLikeProse(next) || isMailEnd(ctx, i + 1);
  }
  return false;
}

/** One side of a hunk: the pre-image (context and deleted lines) or the post-image (context and
 * added lines), '\n'-joined, with the document line of each of its lines. Computed, not stored: a
 * large diff holds a million hunk lines, and most hunks never need their sides after a first look. */
export interface HunkSide {
  readonly text: string;
  readonly lines: readonly number[];
}

export function hunkSide(hunk: Hunk, side: 'before' | 'after'): HunkSide {
  const skip: LineKind = side === 'before' ? 'add' : 'del';
  const texts: string[] = [];
  const lines: number[] = [];
  for (const l of hunk.lines) {
    if (l.kind === skip) continue;
    texts.push(l.text);
    lines.push(l.line);
  }
  return { text: texts.join('\n'), lines };
}

function readHunk(ctx: Ctx, i: number, h: RegExpExecArray): { hunk: Hunk; next: number } {
  const { src, end } = ctx;
  const head: SrcLine = { text: src.text(i), line: src.line(i), col: src.col(i) };
  const oldStart = Number(h[1]);
  const oldCount = h[2] === undefined ? 1 : Number(h[2]);
  const newStart = Number(h[3]);
  const newCount = h[4] === undefined ? 1 : Number(h[4]);
  const section = h[5].startsWith(' ') ? h[5].slice(1) : h[5];
  let needOld = oldCount;
  let needNew = newCount;
  let lost = 0;
  // The lines as they are kept (see Packed): no object per line while reading.
  const texts: string[] = [];
  const nums: number[] = [];
  use(ctx, head.line);
  let j = i + 1;
  for (; j < end; j++) {
    const t = src.text(j);
    const line = src.line(j);
    const satisfied = needOld <= 0 && needNew <= 0;
    if (t.startsWith('\\') && texts.length > 0) {
      nums[nums.length - 1] |= NO_NEWLINE;
      use(ctx, line);
      continue;
    }
    if (endsHunk(ctx, j, satisfied)) break;
    const c = t.charCodeAt(0);
    let kind: number;
    let pre = 1;
    let flags = 0;
    if (c === 43) kind = ADD; // '+'
    else if (c === 45) kind = DEL; // '-'
    else if (c === 32) kind = CONTEXT; // ' '
    else {
      // An unprefixed line inside a hunk is context that lost its leading space (patch -l).
      if (satisfied) break;
      kind = CONTEXT;
      pre = 0;
      flags = REPAIRED;
      lost++;
    }
    if (kind !== ADD) needOld--;
    if (kind !== DEL) needNew--;
    texts.push(t.slice(pre));
    nums.push(0, line, src.col(j) + pre, kind | flags);
    use(ctx, line);
  }
  const foundOld = oldCount - needOld;
  const foundNew = newCount - needNew;
  const shortHeader = head.text.slice(0, head.text.indexOf('@@', 2) + 2);
  const repairs: string[] = [];
  if (lost > 0) repairs.push(`${lost} context line${lost === 1 ? '' : 's'} had lost their leading space`);
  const truncated = (needOld > 0 || needNew > 0) && j >= end;
  if (truncated) repairs.push(`truncated: expected ${Math.max(needOld, needNew)} more line${Math.max(needOld, needNew) === 1 ? '' : 's'}`);
  else if (needOld !== 0 || needNew !== 0) repairs.push(`counts say ${oldCount}/${newCount}, found ${foundOld}/${foundNew}`);
  if (!ctx.quotedMode) {
    if (truncated) ctx.problems.push({ severity: 'warning', message: `truncated: hunk ${shortHeader} expected ${Math.max(needOld, needNew)} more lines`, line: head.line });
    const other = repairs.filter((r) => !r.startsWith('truncated'));
    if (other.length > 0) ctx.problems.push({ severity: 'warning', message: `hunk ${shortHeader}: ${other.join('; ')}`, line: head.line });
  }
  const lastAt = texts.length > 0 ? j - 1 : i;
  const packed = pack(texts, nums, ctx.arena);
  // The header's strings are cut from its own copy, not from the document's text (which they would keep).
  const header = detach(head.text);
  const shownSection = header.slice(header.length - section.length);
  const made = {
    header,
    headerLine: head.line,
    oldStart,
    oldCount,
    newStart,
    newCount,
    function: sectionFunction(shownSection),
    section: shownSection,
  };
  // The packed lines (hidden: a copy of the hunk made by spreading it has its lines as plain data), then
  // one getter for every hunk, added to the object as made: its properties stay in the shape all hunks
  // share (a getter in the literal, or one per hunk, turns each into a dictionary of 800 bytes).
  const withLines = Object.defineProperties(made, { [PACKED]: { value: packed }, lines: LINES }) as typeof made & Pick<Hunk, 'lines'>;
  const hunk: Hunk = Object.assign(withLines, {
    range: { start: { line: head.line, character: head.col }, end: { line: src.line(lastAt), character: src.col(lastAt) + src.text(lastAt).length } },
    repairs,
  });
  return { hunk, next: j };
}

/** A hunk's lines as kept: their texts joined by "\n" (one string), and four numbers per line (where
 * its text starts, its document line and column, its kind and flags). A 38 MB diff holds a million hunk
 * lines: as objects, each with its own string, they took 100 of the read document's 160 MB. */
interface Packed {
  readonly body: string;
  readonly meta: Int32Array;
  /** The line objects, once made for a hunk the review parses (`keepLines`). */
  kept?: readonly HunkLine[];
}
const PACKED = Symbol('packed');
/** A hunk as read: its lines packed (a hunk made by hand or by spreading one has none). */
type ReadHunk = Hunk & { readonly [PACKED]?: Packed };

/** A copy of a string that does not keep the text it was cut from: in V8 a cut of 13 characters or more
 * points into its parent, so a file path or hunk header kept from a 38 MB document kept all of it (its
 * lines' texts are copied into each hunk's `Packed` body). Concatenating and cutting again makes one
 * flat copy. */
function detach(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

const KINDS: readonly LineKind[] = ['context', 'add', 'del'];
const CONTEXT = 0;
const ADD = 1;
const DEL = 2;
const REPAIRED = 4;
const NO_NEWLINE = 8;

/** The packed lines of `texts`, with `nums` four numbers per line as Packed has them, the first (where
 * the text starts) still to fill in; the numbers go to the arena's next free place. */
function pack(texts: readonly string[], nums: readonly number[], arena: Arena): Packed {
  const meta = take(arena, nums.length);
  meta.set(nums);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    meta[i * 4] = at;
    at += texts[i]!.length + 1;
  }
  return { body: texts.join('\n'), meta };
}

function unpack({ body, meta }: Packed): HunkLine[] {
  const n = meta.length >> 2;
  const lines = new Array<HunkLine>(n);
  for (let i = 0; i < n; i++) {
    const text = textAt(body, meta, i, n);
    const flags = meta[i * 4 + 3]!;
    const kind = KINDS[flags & 3]!;
    const line = meta[i * 4 + 1]!;
    const character = meta[i * 4 + 2]!;
    // The shapes readHunk makes: a repaired line, then one followed by "\ No newline".
    const l: HunkLine = flags & REPAIRED ? { kind, text, line, character, repaired: true } : { kind, text, line, character };
    lines[i] = flags & NO_NEWLINE ? { ...l, noNewline: true } : l;
  }
  return lines;
}

/** The text of line i of n. */
function textAt(body: string, meta: Int32Array, i: number, n: number): string {
  return body.slice(meta[i * 4]!, i + 1 < n ? meta[i * 4 + 4]! - 1 : body.length);
}

/** What the passes over a hunk's lines read: its packed lines, unless its line objects are the ones to
 * read (a hunk made by hand or by spreading one, or one whose line objects are kept). */
function packedOf(hunk: Hunk): Packed | undefined {
  const packed = (hunk as ReadHunk)[PACKED];
  return packed && !packed.kept ? packed : undefined;
}

type LineVisit = (kind: LineKind, text: string, line: number, repaired: boolean) => boolean | void;

/** Visits line i of n of packed lines; true when the visit says to stop. */
function visitAt({ body, meta }: Packed, i: number, n: number, visit: LineVisit): boolean {
  const flags = meta[i * 4 + 3]!;
  return visit(KINDS[flags & 3]!, textAt(body, meta, i, n), meta[i * 4 + 1]!, (flags & REPAIRED) !== 0) === true;
}

const LINES: PropertyDescriptor = {
  get(this: ReadHunk) {
    const packed = this[PACKED]!;
    return packed.kept ?? unpack(packed);
  },
  enumerable: true,
  configurable: true,
};

/** Keeps the hunk's line objects for as long as the hunk lives (else each read of `lines` makes them):
 * for the hunks a review parses, whose lines it reads many times over. Passes over every hunk of a
 * diff read the others with `eachLine`. */
export function keepLines(hunk: Hunk): void {
  const packed = (hunk as ReadHunk)[PACKED];
  if (packed) packed.kept ??= unpack(packed);
}

/** Visits in order the lines whose text `re` matches at its start, without looking at the others (a pass
 * over every hunk of a large diff for the few lines that can matter: one search of the kept text for a
 * line feed and `re`; so `re` must not match across a line feed); stops at, and returns true for, the
 * first visit that returns true. */
export function eachLineStarting(hunk: Hunk, re: RegExp, visit: LineVisit): boolean {
  const { first, next } = searchesOf(re);
  const packed = packedOf(hunk);
  if (!packed) {
    for (const l of hunk.lines) {
      first.lastIndex = 0;
      if (first.test(l.text) && visit(l.kind, l.text, l.line, !!l.repaired) === true) return true;
    }
    return false;
  }
  const { body, meta } = packed;
  const n = meta.length >> 2;
  first.lastIndex = 0;
  if (n > 0 && first.test(body) && visitAt(packed, 0, n, visit)) return true;
  next.lastIndex = 0;
  for (let m = next.exec(body); m; m = next.exec(body)) {
    // The line that starts after the line feed found: the first whose text starts beyond it.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (meta[mid * 4]! > m.index) hi = mid;
      else lo = mid + 1;
    }
    if (visitAt(packed, lo, n, visit)) return true;
    if (lo + 1 >= n) break;
    next.lastIndex = meta[lo * 4 + 4]! - 1;
  }
  return false;
}

/** For eachLineStarting: `re` at a text's start (sticky), and after a line feed (global). */
const searches = new WeakMap<RegExp, { first: RegExp; next: RegExp }>();
function searchesOf(re: RegExp): { first: RegExp; next: RegExp } {
  let s = searches.get(re);
  if (!s) searches.set(re, (s = { first: new RegExp(re.source, `${re.flags.replace(/[gym]/g, '')}ym`), next: new RegExp(`\\n(?:${re.source})`, `${re.flags.replace(/[gym]/g, '')}gm`) }));
  return s;
}

/** Visits the hunk's lines' kinds, document lines and repair flags in order, without their texts (no
 * string per line); stops at, and returns true for, the first visit that returns true. */
export function eachLineKind(hunk: Hunk, visit: (kind: LineKind, line: number, repaired: boolean) => boolean | void): boolean {
  const packed = packedOf(hunk);
  if (!packed) {
    for (const l of hunk.lines) if (visit(l.kind, l.line, !!l.repaired) === true) return true;
    return false;
  }
  const { meta } = packed;
  for (let i = 0; i < meta.length; i += 4) {
    const flags = meta[i + 3]!;
    if (visit(KINDS[flags & 3]!, meta[i + 1]!, (flags & REPAIRED) !== 0) === true) return true;
  }
  return false;
}

/** The texts of the hunk's lines joined by "\n", as kept (a hunk made by hand or by spreading one: made). */
export function hunkText(hunk: Hunk): string {
  return (hunk as ReadHunk)[PACKED]?.body ?? hunk.lines.map((l) => l.text).join('\n');
}

/** Visits the hunk's lines in order without making an object per line (the passes over every hunk of a
 * large diff); stops at, and returns true for, the first visit that returns true. */
export function eachLine(hunk: Hunk, visit: LineVisit): boolean {
  const packed = packedOf(hunk);
  if (!packed) {
    for (const l of hunk.lines) if (visit(l.kind, l.text, l.line, !!l.repaired) === true) return true;
    return false;
  }
  const n = packed.meta.length >> 2;
  for (let i = 0; i < n; i++) if (visitAt(packed, i, n, visit)) return true;
  return false;
}
