// Reads a document (diff, format-patch, mbox, web-archived mail) into a Series of patches
// with exact document positions. Bad input gives a partial Series and problems, never a throw.
import type { InputDocument, Position, Problem, Range, Result } from '../types';
import { docLines, placedLines, scanDiffs, type Src } from './diff';
import { bodyEncoding, cleanMessageId, decodeHeader, isFromLine, messageBody, parseSubject, readHeaders, startsWithHeaders, webMessageStarts, webMeta } from './mail';
import { decodeInput, hasNul } from './text';
import type { BaseHints, FileDiff, Hunk, InputFormat, Patch, Series } from './types';

export { applyFileDiff, type AppliedFile } from './apply';
export { eachLine, eachLineKind, eachLineStarting, hunkSide, hunkText, keepLines, type HunkSide } from './diff';

interface Message {
  readonly rawSubject: string;
  readonly from?: string;
  readonly date?: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly body: Src;
  /** The body is the document's own lines (not decoded from an encoding or MIME parts). */
  readonly plain?: boolean;
  readonly startLine: number;
  readonly endLine: number;
}

/** What reading a mailbox's messages made, kept between reads of the same document (an editor's
 * re-review after an edit): a message whose lines and position are unchanged gives the same Patch
 * objects again, so the per-hunk caches downstream keep serving it. Opaque; one per document. */
export interface ParseMemo {
  messages: Map<string, MessageRead>;
  /** The last read's hunks by file path and header line: a changed message's unchanged hunks are these objects again. */
  hunks: Map<string, Hunk>;
  /** The last read of a mailbox given as a string (an editor's text), for the edit of one line (`lineEdit`). */
  last?: LastRead;
}

export function createParseMemo(): ParseMemo {
  return { messages: new Map(), hunks: new Map() };
}

/** One message as read: its problems in the order the two passes report them, its patch (if kept). */
interface MessageRead {
  readonly headerProblems: readonly Problem[];
  readonly scanProblems: readonly Problem[];
  readonly quoted: readonly number[];
  readonly patch?: Patch;
  readonly plain?: boolean;
}

/** A mailbox as last read: its text, lines (and where each starts in the text), messages and their memo
 * keys ('' for a message a line edit changed: not in the memo). */
interface LastRead {
  readonly text: string;
  readonly lines: readonly string[];
  readonly offsets: readonly number[];
  readonly first: number;
  readonly format: InputFormat;
  readonly starts: readonly number[];
  readonly keys: readonly string[];
  readonly reads: readonly MessageRead[];
}

export async function parseDocument(doc: InputDocument, memo?: ParseMemo): Promise<Result<Series>> {
  try {
    return await parse(doc, memo);
  } catch (e) {
    // A bug of ours must not take the caller down: report it as a problem of this document.
    const problems: Problem[] = [{ severity: 'error', message: `internal error while reading the document: ${e instanceof Error ? e.message : String(e)}` }];
    return { value: { source: doc.name, format: 'unified-diff', patches: [], quotedDiffLines: [], problems }, problems };
  }
}

async function parse(doc: InputDocument, memo: ParseMemo | undefined): Promise<Result<Series>> {
  const problems: Problem[] = [];
  if (memo?.last && typeof doc.content === 'string') {
    const edited = lineEdit(memo.last, doc.content, memo);
    if (edited) return series(doc, memo.last.format, ...assemble(edited, problems), problems);
  }
  if (memo) memo.last = undefined;
  const decoded = decodeInput(doc.content);
  problems.push(...decoded.problems);
  const done = (format: InputFormat, patches: Patch[], quoted: number[]): Result<Series> => series(doc, format, patches, quoted, problems);
  if (decoded.binary) return done('unified-diff', [], []);
  const lines = decoded.lines;
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) {
    problems.push({ severity: 'warning', message: 'empty document: no diff found' });
    return done('unified-diff', [], []);
  }

  let format: InputFormat;
  const messages: Message[] = [];
  if (isFromLine(lines, first)) {
    const starts: number[] = [];
    for (let i = first; i < lines.length; i++) if (lines[i].startsWith('From ') && isFromLine(lines, i)) starts.push(i);
    format = starts.length === 1 && /^From [0-9a-f]{40} /.test(lines[first]) ? 'format-patch' : 'mbox';
    if (memo) {
      const [keys, reads] = await memoMessages(lines, starts, memo);
      if (typeof doc.content === 'string' && !doc.content.includes('\r')) memo.last = { text: doc.content, lines, offsets: lineOffsets(lines), first, format, starts, keys, reads };
      return done(format, ...assemble(reads, problems));
    }
    for (let k = 0; k < starts.length; k++) messages.push(await mailMessage(lines, starts[k] + 1, starts[k], k + 1 < starts.length ? starts[k + 1] : lines.length, problems));
  } else if (startsWithHeaders(lines, first) && !isLorePage(lines, first)) {
    format = 'mbox';
    messages.push(await mailMessage(lines, first, first, lines.length, problems));
  } else if (!startsLikeDiff(lines[first]) && looksLikeMail(lines, first)) {
    format = 'web-archive';
    for (const m of webMessages(lines, problems)) messages.push(m);
  } else {
    format = 'unified-diff';
    messages.push({ rawSubject: '', body: docLines(lines), startLine: 0, endLine: lines.length - 1 });
  }

  const patches: Patch[] = [];
  const quoted: number[] = [];
  for (const m of messages) {
    const patch = messagePatch(m, format, problems, quoted);
    if (patch) patches.push(patch);
  }
  return done(format, patches, quoted);
}

/** A mailbox's messages read through the memo (see ParseMemo): each message's memo key and read. */
async function memoMessages(lines: readonly string[], starts: readonly number[], memo: ParseMemo): Promise<[string[], MessageRead[]]> {
  const reads: MessageRead[] = [];
  const keys: string[] = [];
  const kept = new Map<string, MessageRead>();
  for (let k = 0; k < starts.length; k++) {
    const end = k + 1 < starts.length ? starts[k + 1]! : lines.length;
    const key = messageKey(lines, starts[k]!, end);
    let read = memo.messages.get(key);
    if (!read) {
      const headerProblems: Problem[] = [];
      const m = await mailMessage(lines, starts[k]! + 1, starts[k]!, end, headerProblems);
      const scanProblems: Problem[] = [];
      const quoted: number[] = [];
      const patch = messagePatch(m, 'mbox', scanProblems, quoted);
      read = { headerProblems, scanProblems, quoted, ...(patch && { patch: sameHunks(patch, memo.hunks) }), ...(m.plain && { plain: true }) };
    }
    kept.set(key, read);
    keys.push(key);
    reads.push(read);
  }
  memo.messages = kept;
  memo.hunks = new Map();
  for (const r of reads) for (const f of r.patch?.files ?? []) for (const h of f.hunks) memo.hunks.set(hunkId(f, h), h);
  return [keys, reads];
}

const messageKey = (lines: readonly string[], start: number, end: number): string => `${start}\u0000${lines.slice(start, end).join('\n')}`;
const hunkId = (f: FileDiff, h: Hunk): string => `${f.path}\u0000${h.headerLine}`;

/** The messages' problems, patches and quoted lines, in the order reading them afresh gives. */
function assemble(reads: readonly MessageRead[], problems: Problem[]): [Patch[], number[]] {
  for (const r of reads) problems.push(...r.headerProblems);
  const patches: Patch[] = [];
  const quoted: number[] = [];
  for (const r of reads) {
    problems.push(...r.scanProblems);
    for (const l of r.quoted) quoted.push(l);
    if (r.patch) patches.push(r.patch);
  }
  return [patches, quoted];
}

/** Where each line starts in the text (lines split at "\n" only: a text with "\r" is not kept). */
function lineOffsets(lines: readonly string[]): number[] {
  const offsets = new Array<number>(lines.length);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    offsets[i] = at;
    at += lines[i]!.length + 1;
  }
  return offsets;
}

/**
 * The reads of `text` when it is the last read's text with the inside of one hunk line edited (an
 * editor's keystroke): the edited hunk is made again with that line's new text, every other message and
 * hunk is the same object, and the memo moves on. Undefined whenever reading the text afresh could
 * give anything else: the edit spans lines or makes new ones, or touches what decides where messages,
 * hunks and lines start and what kind each line is (mbox separators, headers, encoded bodies, a line's
 * diff prefix, `--`/`++` lines, hunks with repairs), or names a base; the whole read then runs as usual.
 */
function lineEdit(last: LastRead, text: string, memo: ParseMemo): readonly MessageRead[] | undefined {
  const old = last.text;
  if (text === old) return last.reads;
  const p = commonPrefix(old, text);
  const s = commonSuffix(old, text, Math.min(old.length, text.length) - p);
  const was = old.slice(p, old.length - s);
  const now = text.slice(p, text.length - s);
  if (/[\r\n]/.test(was) || /[\r\n]/.test(now) || hasNul(text)) return undefined;
  // The line holding the edit: the last one starting at or before it.
  let lo = 0;
  let hi = last.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (last.offsets[mid]! <= p) lo = mid;
    else hi = mid - 1;
  }
  const a = lo;
  const before = last.lines[a]!;
  const after = text.slice(last.offsets[a], last.offsets[a]! + before.length + text.length - old.length);
  const kind = before[0];
  if (a <= last.first || (kind !== '+' && kind !== '-' && kind !== ' ') || after[0] !== kind || /^(--|\+\+)/.test(before) || /^(--|\+\+)/.test(after)) return undefined;
  if (NAMED_BASE.test(before) || NAMED_BASE.test(after)) return undefined;
  const lines = [...last.lines];
  lines[a] = after;
  for (let i = a - 1; i <= a + 1; i++) {
    if (i >= 0 && i < lines.length && isFromLine(last.lines, i) !== isFromLine(lines, i)) return undefined;
  }
  // The message, file and hunk holding the line; the hunk line it is.
  let k = last.starts.length - 1;
  while (k > 0 && last.starts[k]! > a) k--;
  const read = last.reads[k]!;
  if (!read.plain || !read.patch) return undefined;
  let at: { file: number; hunk: number; line: number } | undefined;
  read.patch.files.some((f, fi) => f.hunks.some((h, hi) => {
    // Hunk lines are in document order, after the header and up to the range's end; a "\ No newline"
    // line between two is not one of them.
    const i = h.headerLine < a && a <= h.range.end.line ? h.lines.findIndex((l) => l.line === a) : -1;
    if (i < 0) return false;
    at = { file: fi, hunk: hi, line: i };
    return true;
  }));
  if (!at) return undefined;
  const file = read.patch.files[at.file]!;
  const hunk = file.hunks[at.hunk]!;
  const line = hunk.lines[at.line]!;
  if (hunk.repairs.length > 0) return undefined;
  const hunkLines = [...hunk.lines];
  hunkLines[at.line] = { ...line, text: after.slice(1) };
  const edited: Hunk = {
    ...hunk,
    lines: hunkLines,
    ...(hunk.range.end.line === a && { range: { start: hunk.range.start, end: { line: a, character: after.length } } }),
  };
  const files = [...read.patch.files];
  files[at.file] = { ...file, hunks: file.hunks.map((h, i) => (i === at!.hunk ? edited : h)) };
  const reads = [...last.reads];
  reads[k] = { ...read, patch: { ...read.patch, files } };
  // The edited message's key is not made (that would join its lines at every keystroke): the next
  // whole read, after an edit that moves lines, reads that message again anyway.
  const keys = [...last.keys];
  memo.messages.delete(keys[k]!);
  keys[k] = '';
  memo.hunks.set(hunkId(file, hunk), edited);
  const offsets = last.offsets.slice();
  for (let i = a + 1; i < offsets.length; i++) offsets[i]! += text.length - old.length;
  memo.last = { ...last, text, lines, offsets, keys, reads };
  return reads;
}

/** Length of the longest common prefix of two strings (compared a block at a time). */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (const step of [4096, 256, 16]) while (i + step <= n && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the longest common suffix of two strings, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  for (const step of [4096, 256, 16]) while (i + step <= max && a.slice(a.length - i - step, a.length - i) === b.slice(b.length - i - step, b.length - i)) i += step;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** The patch with each hunk equal to one of `known` (same file path and header line) replaced by that object. */
function sameHunks(patch: Patch, known: ReadonlyMap<string, Hunk>): Patch {
  const same = (f: FileDiff, h: Hunk): Hunk => {
    const k = known.get(hunkId(f, h));
    return k && equalHunks(h, k) ? k : h;
  };
  return { ...patch, files: patch.files.map((f) => ({ ...f, hunks: f.hunks.map((h) => same(f, h)) })) };
}

function equalHunks(a: Hunk, b: Hunk): boolean {
  if (a.lines.length !== b.lines.length || a.header !== b.header || a.function !== b.function || a.section !== b.section) return false;
  if (a.oldStart !== b.oldStart || a.oldCount !== b.oldCount || a.newStart !== b.newStart || a.newCount !== b.newCount || !sameRange(a.range, b.range)) return false;
  if (a.repairs.length !== b.repairs.length || a.repairs.some((r, i) => r !== b.repairs[i])) return false;
  for (let i = 0; i < a.lines.length; i++) {
    const x = a.lines[i]!;
    const y = b.lines[i]!;
    if (x.text !== y.text || x.kind !== y.kind || x.line !== y.line || x.character !== y.character || x.repaired !== y.repaired || x.noNewline !== y.noNewline) return false;
  }
  return true;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The patch a message holds (undefined: a message that is not one), its problems and quoted diff lines added to the lists. */
function messagePatch(m: Message, format: InputFormat, problems: Problem[], quoted: number[]): Patch | undefined {
  const scan = scanDiffs(m.body, 0, m.body.length, problems);
  for (const l of scan.quoted) quoted.push(l); // may be millions: no spread
  const info = parseSubject(m.rawSubject);
  const isCover = info.index === 0;
  // A diffless [PATCH] message is kept (and reported) in a mailbox; on a web page it is
  // almost always a reply whose archive dropped the "Re:".
  if (scan.files.length === 0 && !isCover && !(info.tagged && !info.reply && format !== 'web-archive')) return undefined;
  if (scan.files.length === 0 && !isCover) {
    problems.push({ severity: 'warning', message: `patch ${label(info.index, info.total)}"${info.subject}" has no diff`, line: m.startLine });
  }
  const base = baseHints(m.body);
  return {
    subject: info.subject,
    rawSubject: m.rawSubject,
    ...(info.index !== undefined && { index: info.index, total: info.total }),
    ...(info.version !== undefined && { version: info.version }),
    rfc: info.rfc,
    isCover,
    ...(m.from !== undefined && { from: m.from }),
    ...(m.date !== undefined && { date: m.date }),
    ...(m.messageId !== undefined && { messageId: m.messageId }),
    ...(m.inReplyTo !== undefined && { inReplyTo: m.inReplyTo }),
    ...(base && { base }),
    fromReply: info.reply || (format === 'web-archive' && hasQuote(m.body)),
    files: scan.files,
    startLine: m.startLine,
    endLine: m.endLine,
  };
}

/** A tree or version named as the base in the prose above the diff. */
const NAMED_BASE = /\b(?:based on(?: top of)?|on top of|applies (?:cleanly )?(?:on|to)|against|rebased (?:on|onto|to))\s+(?:the |latest |current |today's |akpm's |Andrew's )*(v\d+\.\d+(?:-rc\d+)?|(?:linux-)?next-\d{8}|linux-next|mm-(?:unstable|new|stable|everything)|mm\.git|(?:tip|drm-tip|drm-misc-next|drm-xe-next)\b)/i;

/** base-commit / prerequisite-patch-id trailers (anywhere in the message) and a base named in the
 * prose before the diff. Undefined when the message says nothing about its base. */
function baseHints(body: Src): BaseHints | undefined {
  let commit: string | undefined;
  let prerequisites = 0;
  let named: string | undefined;
  let prose = true;
  for (let i = 0; i < body.length; i++) {
    const t = body.text(i);
    if (t.startsWith('diff --git ') || t === '---') prose = false;
    const c = t.charCodeAt(0);
    if (c === 98 /* b */ && t.startsWith('base-commit: ')) commit = /^base-commit: ([0-9a-f]{7,64})\s*$/.exec(t)?.[1] ?? commit;
    else if (c === 112 /* p */ && /^prerequisite-patch-id: [0-9a-f]{7,64}\s*$/.test(t)) prerequisites++;
    else if (prose && named === undefined && !t.startsWith('>')) named = NAMED_BASE.exec(t)?.[1];
  }
  if (commit === undefined && prerequisites === 0 && named === undefined) return undefined;
  return { ...(commit !== undefined && { commit }), prerequisites, ...(named !== undefined && { named }) };
}

function hasQuote(body: Src): boolean {
  for (let i = 0; i < body.length; i++) if (body.text(i).startsWith('>')) return true;
  return false;
}

function label(index: number | undefined, total: number | undefined): string {
  return index === undefined ? '' : `${index}/${total} `;
}

function startsLikeDiff(t: string): boolean {
  return /^(diff |--- |Index: |@@ -|Binary files |commit [0-9a-f]{7,})/.test(t);
}

/** public-inbox (lore) pages mark their headers: "Date: ... [thread overview]", "Message-ID: <...> (raw)". */
function isLorePage(lines: readonly string[], first: number): boolean {
  for (let i = first; i < Math.min(lines.length, first + 40); i++) if (lines[i].endsWith('[thread overview]') || lines[i].endsWith('> (raw)')) return true;
  return false;
}

/** Mail as saved from a web archive: a subject line first, or loose "From:"/"Date:" lines near the top. */
function looksLikeMail(lines: readonly string[], first: number): boolean {
  const t = lines[first];
  if (/^(re|fwd?)\s*:/i.test(t) || (t.startsWith('[') && t.includes('PATCH')) || /^[A-Za-z0-9-]+: /.test(t)) return true;
  for (let i = first; i < Math.min(lines.length, first + 10); i++) if (/^(From|Date): /.test(lines[i])) return true;
  return false;
}

async function mailMessage(lines: readonly string[], headerStart: number, start: number, end: number, problems: Problem[]): Promise<Message> {
  const { headers, bodyStart } = readHeaders(lines, headerStart, end);
  const body = await messageBody(lines, headerStart, bodyStart, end, headers, problems);
  return {
    ...(!bodyEncoding(headers) && { plain: true }),
    rawSubject: decodeHeader(headers.get('subject')) ?? '',
    from: decodeHeader(headers.get('from')),
    date: headers.get('date')?.trim(),
    messageId: cleanMessageId(headers.get('message-id')),
    inReplyTo: cleanMessageId(headers.get('in-reply-to')),
    body: placedLines(body),
    startLine: start,
    endLine: Math.max(start, end - 1),
  };
}

/** The messages of an archived page; a repeated Message-ID (lore's "multiple messages") is read once. */
function webMessages(lines: readonly string[], problems: Problem[]): Message[] {
  const starts = webMessageStarts(lines);
  const out: Message[] = [];
  const ids = new Map<string, number>();
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k];
    const end = k + 1 < starts.length ? starts[k + 1] : lines.length;
    const meta = webMeta(lines, start, end);
    const seen = meta.messageId === undefined ? undefined : ids.get(meta.messageId);
    if (seen !== undefined) {
      problems.push({ severity: 'info', message: `message at line ${start + 1} repeats the one at line ${seen + 1} (same Message-ID): not read again`, line: start });
      continue;
    }
    if (meta.messageId !== undefined) ids.set(meta.messageId, start);
    out.push({ ...meta, body: docLines(lines, start, end), startLine: start, endLine: Math.max(start, end - 1) });
  }
  return out;
}

function series(doc: InputDocument, format: InputFormat, found: Patch[], quoted: number[], problems: Problem[]): Result<Series> {
  const source = doc.name;
  const cover = found.find((p) => p.isCover);
  const order = new Map(found.map((p, i) => [p, i]));
  const key = (p: Patch) => [p.index ?? Number.MAX_SAFE_INTEGER, p.fromReply ? 1 : 0, order.get(p)!];
  const patches = found
    .filter((p) => !p.isCover)
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
    });
  if (!doc.piece) checkSeries(patches, problems);
  if (patches.every((p) => p.files.length === 0) && !problems.some((p) => p.message.startsWith('empty document') || p.message.startsWith('binary input'))) {
    // A mail without a diff (a cover letter, a discussion) is nothing to review, not an error.
    const mail = format !== 'unified-diff';
    problems.push({
      severity: mail ? 'info' : 'warning',
      message: !mail ? 'no diff found'
        : cover && found.length === 1 ? 'no diff found: a cover letter, nothing to review'
        : 'no diff found: the mail holds discussion only' + (quoted.length > 0 ? ' (diffs quoted in replies are not reviewed)' : ''),
    });
  }
  const quotedDiffLines = [...new Set(quoted)].sort((a, b) => a - b);
  const value: Series = { source, format, ...(cover && { cover }), patches, quotedDiffLines, problems };
  return { value, problems };
}

/** Missing, repeated and mixed-version patches of a series (replies are not part of it). */
function checkSeries(patches: readonly Patch[], problems: Problem[]): void {
  const own = patches.filter((p) => !p.fromReply && p.index !== undefined && p.total !== undefined);
  if (own.length === 0) return;
  const total = own.reduce((n, p) => Math.max(n, p.total!), 0);
  const seen = new Map<number, Patch>();
  for (const p of own) {
    const prev = seen.get(p.index!);
    if (prev) problems.push({ severity: 'warning', message: `series: patch ${p.index}/${p.total} appears twice (lines ${prev.startLine + 1} and ${p.startLine + 1})`, line: p.startLine });
    else seen.set(p.index!, p);
  }
  // Never a list of numbers: a stable-review series has hundreds of patches, mailed one by one.
  const missing = [...Array(total).keys()].filter((k) => !seen.has(k + 1)).length;
  if (own.length === 1) {
    const k = own[0].index!;
    if (k > 1) problems.push({ severity: 'info', message: `series: patch ${k}/${total} read without the ${k - 1} patch(es) before it`, line: own[0].startLine });
  } else if (missing > 0) {
    const first = [...Array(total).keys()].find((k) => !seen.has(k + 1))! + 1;
    problems.push({ severity: 'warning', message: missing === 1 ? `series: patch ${first}/${total} is missing` : `series: ${missing} of ${total} patches are missing (the first is ${first}/${total})` });
  }
  const versions = [...new Set(own.map((p) => p.version ?? 1))];
  if (versions.length > 1) problems.push({ severity: 'warning', message: `series: mixes versions ${versions.map((v) => `v${v}`).join(', ')}` });
}

/** Lines at or past this one in a review with series context are lines of another document. */
export const CONTEXT_LINE = 2 ** 40;

function shiftPatch(p: Patch, by: number): Patch {
  const at = (pos: Position): Position => ({ line: pos.line + by, character: pos.character });
  return {
    ...p,
    startLine: p.startLine + by,
    endLine: p.endLine + by,
    files: p.files.map((f) => ({
      ...f,
      headerLine: f.headerLine + by,
      hunks: f.hunks.map((h) => ({ ...h, headerLine: h.headerLine + by, range: { start: at(h.range.start), end: at(h.range.end) }, lines: h.lines.map((l) => ({ ...l, line: l.line + by })) })),
    })),
  };
}

/** `own` with the patches before its own ones, taken from `context` (other documents of the same
 * series: same total and version, and the same thread when both say which). Patches k of n read
 * one by one (a git hook, b4) are then reviewed against patches 1..k-1, as in the whole series. */
export function withSeriesContext(own: Series, context: readonly Series[]): { series: Series; added: number; missing: number } {
  const mine = own.patches.filter((p) => !p.fromReply && p.index !== undefined && p.total !== undefined);
  if (mine.length === 0) return { series: own, added: 0, missing: 0 };
  const first = Math.min(...mine.map((p) => p.index!));
  const { total, version = 1 } = mine[0];
  const thread = new Set(mine.flatMap((p) => [p.inReplyTo, p.messageId]).filter((x): x is string => x !== undefined));
  const sameThread = (p: Patch) => thread.size === 0 || (p.inReplyTo === undefined && p.messageId === undefined) || thread.has(p.inReplyTo ?? '') || thread.has(p.messageId ?? '') || mine.some((m) => m.inReplyTo === p.inReplyTo);
  const byIndex = new Map<number, Patch>();
  for (const s of context) {
    for (const p of s.patches) {
      if (p.fromReply || p.index === undefined || p.index >= first || p.total !== total || (p.version ?? 1) !== version || byIndex.has(p.index) || !sameThread(p)) continue;
      byIndex.set(p.index, p);
    }
  }
  // Their lines are moved past CONTEXT_LINE: they are lines of other documents, never of this one.
  const before = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => shiftPatch(e[1], CONTEXT_LINE));
  const missing = first - 1 - before.length;
  if (before.length === 0) return { series: own, added: 0, missing };
  const problems = own.problems.filter((p) => !p.message.startsWith(`series: patch ${first}/${total} read without`));
  if (missing > 0) problems.push({ severity: 'info', message: `series: patch ${first}/${total} read without ${missing} of the patches before it` });
  return { series: { ...own, patches: [...before, ...own.patches], problems }, added: before.length, missing };
}
