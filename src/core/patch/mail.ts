// Mail around the diffs: mbox splitting, headers, "[PATCH v3 2/7]" subjects, encoded bodies
// (decoded with postal-mime), and the loose headers of mail as archived on the web.
import PostalMime, { decodeWords } from 'postal-mime';
import type { Problem } from '../types';
import type { SrcLine } from './diff';

export interface SubjectInfo {
  readonly subject: string;
  readonly index?: number;
  readonly total?: number;
  readonly version?: number;
  readonly rfc: boolean;
  readonly reply: boolean;
  /** True when the subject carries a [PATCH ...] tag. */
  readonly tagged: boolean;
}

/** Parses "Re: [list] [RFC PATCH v3 2/7] mm: foo" into its parts. */
export function parseSubject(raw: string): SubjectInfo {
  let s = raw.trim();
  let reply = false;
  for (;;) {
    const re = /^(re|aw|sv|fwd?)\s*:\s*/i.exec(s);
    if (re) {
      if (!/^fwd?/i.test(re[1])) reply = true;
      s = s.slice(re[0].length);
      continue;
    }
    const tag = /^\[([^\]]*)\]\s*/.exec(s);
    if (!tag) break;
    s = s.slice(tag[0].length);
    const words = tag[1].trim().split(/\s+/);
    if (!words.some((w) => /^(PATCH|RFC)(v\d+)?$/i.test(w))) continue; // a list tag like [Nouveau]
    let index: number | undefined;
    let total: number | undefined;
    let version: number | undefined;
    let rfc = false;
    for (const w of words) {
      const v = /^(?:PATCH)?v(\d+)$/i.exec(w);
      const n = /^(\d+)\/(\d+)$/.exec(w);
      if (v) version = Number(v[1]);
      else if (n) {
        index = Number(n[1]);
        total = Number(n[2]);
      } else if (/^RFC/i.test(w)) rfc = true;
    }
    return { subject: s.trim(), index, total, version, rfc, reply, tagged: true };
  }
  return { subject: s.trim(), rfc: false, reply, tagged: false };
}

const HEADER_RE = /^([A-Za-z0-9-]+):[ \t]?(.*)$/;

/** RFC 5322 headers of lines [start, end) up to the first blank line, unfolded; keys lowercased. */
export function readHeaders(lines: readonly string[], start: number, end: number): { headers: Map<string, string>; bodyStart: number } {
  const headers = new Map<string, string>();
  // The header that continuation lines extend; undefined for a repeated header, which is not kept.
  let key: string | undefined;
  let i = start;
  for (; i < end; i++) {
    const t = lines[i];
    if (t === '') {
      i++;
      break;
    }
    if (t[0] === ' ' || t[0] === '\t') {
      if (key !== undefined) headers.set(key, `${headers.get(key)} ${t.trim()}`);
      continue;
    }
    const m = HEADER_RE.exec(t);
    if (!m) break;
    key = m[1].toLowerCase();
    if (headers.has(key)) key = undefined;
    else headers.set(key, m[2]);
  }
  return { headers, bodyStart: i };
}

/** A mbox "From " separator: "From <sha or address> <date>" followed by a header line. */
export function isFromLine(lines: readonly string[], i: number): boolean {
  const t = lines[i];
  return t.startsWith('From ') && /\d:\d\d/.test(t) && (i === 0 || lines[i - 1] === '') && i + 1 < lines.length && HEADER_RE.test(lines[i + 1]);
}

/** A document that starts with a proper header block: at least two headers, then a blank line. */
export function startsWithHeaders(lines: readonly string[], start: number): boolean {
  let n = 0;
  for (let i = start; i < lines.length; i++) {
    const t = lines[i];
    if (t === '') return n >= 2;
    if ((t[0] === ' ' || t[0] === '\t') && n > 0) continue;
    if (!/^[A-Za-z0-9-]+: /.test(t)) return false;
    n++;
  }
  return false;
}

export function decodeHeader(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return decodeWords(v).trim();
  } catch {
    return v.trim();
  }
}

export function cleanMessageId(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.replace(/\s*\(raw\)\s*$/, '').trim();
  const m = /<([^>]*)>/.exec(t);
  return (m ? m[1] : t) || undefined;
}

/** How a body is encoded: 'multipart', 'quoted-printable' or 'base64'; undefined for a body read as
 * the document's own lines. */
export function bodyEncoding(headers: ReadonlyMap<string, string>): 'multipart' | 'quoted-printable' | 'base64' | undefined {
  if ((headers.get('content-type') ?? '').trim().toLowerCase().startsWith('multipart/')) return 'multipart';
  const cte = (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  return cte === 'quoted-printable' || cte === 'base64' ? cte : undefined;
}

/**
 * The body lines of one message. Plain 7bit/8bit bodies are the document's own lines (mboxrd
 * ">From " unescaped, one column further). Encoded or multipart bodies are decoded with
 * postal-mime; their lines cannot be placed exactly, so each is mapped to the body's first line.
 */
export async function messageBody(
  lines: readonly string[],
  headerStart: number,
  bodyStart: number,
  end: number,
  headers: Map<string, string>,
  problems: Problem[],
): Promise<SrcLine[]> {
  const raw: SrcLine[] = [];
  for (let i = bodyStart; i < end; i++) {
    const t = lines[i];
    raw.push(/^>+From /.test(t) ? { text: t.slice(1), line: i, col: 1 } : { text: t, line: i, col: 0 });
  }
  const what = bodyEncoding(headers);
  if (!what) return raw;
  const at = Math.min(bodyStart, Math.max(end - 1, headerStart));
  try {
    const text = [...lines.slice(headerStart, bodyStart), ...raw.map((l) => l.text)].join('\n');
    const email = await PostalMime.parse(text, { attachmentEncoding: 'utf8' });
    const parts = [email.text ?? ''];
    for (const a of email.attachments) {
      if (typeof a.content === 'string' && (a.mimeType.startsWith('text/') || /\.(patch|diff)$/i.test(a.filename ?? ''))) parts.push(a.content);
    }
    const decoded = parts.flatMap((part) => part.split(/\r\n|\n|\r/));
    const exact = what === 'quoted-printable' && parts.length === 1 ? qpLineStarts(raw, decoded) : undefined;
    if (exact) {
      problems.push({ severity: 'info', message: `message body is quoted-printable: decoded; lines are exact, columns after an escape (=3D) are approximate`, line: at });
      return exact.map((line, k) => ({ text: decoded[k], line, col: 0 }));
    }
    problems.push({ severity: 'info', message: `message body is ${what}: decoded, and its lines are placed at the body's first line (line ${at + 1})`, line: at });
    return decoded.map((t) => ({ text: t, line: at, col: 0 }));
  } catch (e) {
    problems.push({ severity: 'warning', message: `could not decode the ${what} message body (${e instanceof Error ? e.message : String(e)}): read as it is`, line: at });
    return raw;
  }
}

/**
 * Document line where each decoded line of a quoted-printable body starts: a raw line ending
 * in "=" (a soft break) continues on the next one. Undefined unless every decoded line starts
 * like its raw line (an "=XX" escape aside), so a misalignment never yields wrong lines.
 */
function qpLineStarts(raw: readonly SrcLine[], decoded: readonly string[]): number[] | undefined {
  const starts: SrcLine[] = [];
  let open = false;
  for (const l of raw) {
    if (!open) starts.push(l);
    open = l.text.endsWith('=');
  }
  while (decoded.length > starts.length && decoded[decoded.length - 1] === '') decoded = decoded.slice(0, -1);
  if (decoded.length > starts.length) return undefined;
  for (let k = 0; k < decoded.length; k++) {
    const r = starts[k].text;
    if (r[0] !== '=' && r[0] !== decoded[k][0]) return undefined;
  }
  return decoded.map((_, k) => starts[k].line);
}

/** Metadata of a web-archived message: loose "From:"/"Date:" lines, or a subject line first. */
export interface WebMeta {
  readonly rawSubject: string;
  readonly from?: string;
  readonly date?: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
}

/** Header names that start a raw mail; "Re:" is not one of them. */
const MAIL_HEADER_RE = /^(From|Date|To|Cc|Subject|Received|Return-Path|Delivered-To|Message-ID|In-Reply-To|References|MIME-Version|Content-[\w-]+|X-[\w-]+|ARC-[\w-]+|DKIM-Signature|Authentication-Results):/i;

const WEB_KEYS = ['From', 'Date', 'Subject', 'Message-ID', 'In-Reply-To'] as const;

/** Metadata of the archived message on lines [start, end). */
export function webMeta(lines: readonly string[], start: number, end: number): WebMeta {
  const found = new Map<string, string>();
  if (end - start === 1 && lines[start].length > 500 && MAIL_HEADER_RE.test(lines[start])) {
    // A mail whose line breaks were lost: headers run together on one line.
    for (const k of WEB_KEYS) {
      const v = inlineHeader(lines[start], k);
      if (v !== undefined) found.set(k, v);
    }
  } else {
    for (let i = start; i < Math.min(end, start + 80); i++) {
      const t = lines[i];
      if (isQuotedOrDiff(t)) break;
      const m = WEB_HEADER_RE.exec(t);
      if (m) {
        const k = WEB_KEYS.find((w) => w.toLowerCase() === m[1].toLowerCase())!;
        if (!found.has(k)) found.set(k, m[2]);
      }
    }
  }
  let first = start;
  while (first < end && lines[first].trim() === '') first++;
  let rawSubject = found.get('Subject');
  if (rawSubject === undefined) rawSubject = first < end && !MAIL_HEADER_RE.test(lines[first]) ? lines[first].trim() : '';
  let from = found.get('From');
  let date = found.get('Date');
  // Pipermail: subject, author name, "user at host", date on the first four lines.
  if (from === undefined && first + 3 < end && /^\S+ at \S+$/.test(lines[first + 2].trim())) {
    from = `${lines[first + 1].trim()} <${lines[first + 2].trim()}>`;
    date = lines[first + 3].trim();
  }
  return {
    rawSubject: decodeHeader(rawSubject) ?? '',
    from: decodeHeader(from),
    date: date?.replace(/\s*\[thread overview\]\s*$/, '').trim(),
    messageId: cleanMessageId(found.get('Message-ID')),
    inReplyTo: cleanMessageId(found.get('In-Reply-To')),
  };
}

const WEB_HEADER_RE = /^(From|Date|Subject|Message-ID|In-Reply-To): ?(.*)$/i;

/**
 * Where the messages of an archived page start: line 0, then every "From:" line directly
 * followed by another header (a public-inbox header block), once the message before it has
 * had its own "From:". A "From:" inside a message's opening lines is that message's header.
 */
export function webMessageStarts(lines: readonly string[]): number[] {
  const starts = [0];
  let haveFrom = false;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('From: ')) continue;
    if (haveFrom && i + 1 < lines.length && /^(To|Cc|Subject|Date): /.test(lines[i + 1])) starts.push(i);
    haveFrom = true;
  }
  return starts;
}

function isQuotedOrDiff(t: string): boolean {
  return t.startsWith('>') || t.startsWith('diff --git ') || t.startsWith('@@ -');
}

const INLINE_KEYS = ['From', 'To', 'Cc', 'Date', 'Subject', 'Message-ID', 'References', 'In-Reply-To', 'Content-Type', 'Content-Disposition', 'MIME-Version', 'X-'];

/** Value of "Key: value" inside a one-line header dump: up to the next known header name. */
function inlineHeader(s: string, key: string): string | undefined {
  const tag = ` ${key}: `;
  const at = s.startsWith(tag.slice(1)) ? 0 : s.indexOf(tag);
  if (at < 0) return undefined;
  const from = at + (at === 0 ? tag.length - 1 : tag.length);
  let stop = s.length;
  for (const k of INLINE_KEYS) {
    const j = s.indexOf(k === 'X-' ? ' X-' : ` ${k}: `, from);
    if (j >= 0 && j < stop) stop = j;
  }
  return s.slice(from, stop).trim();
}
