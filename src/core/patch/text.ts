// Turns the input document's bytes into lines, the way an editor shows them: one decoding
// decision for the whole document, and line breaks at "\r\n", "\n" or a lone "\r".
import type { Problem } from '../types';

export interface DecodedText {
  /** The document's lines, without their terminators (as `splitLines` cuts them). */
  readonly lines: string[];
  readonly problems: Problem[];
  /** Set when the input is not text at all; `lines` is then [""]. */
  readonly binary: boolean;
}

const BINARY: Problem = { severity: 'error', message: 'binary input: this is not a patch, a mail or a text file' };

/** How many of the first bytes are looked at for NUL bytes (git's own binary heuristic). */
const SNIFF = 8000;

/** Bytes decoded at a time, cut after a line feed. Each piece becomes its own string, so one
 * character outside Latin-1 makes only its piece two bytes per character, not the whole document. */
const PIECE = 1 << 16;

export function decodeInput(content: Uint8Array | string): DecodedText {
  if (typeof content === 'string') {
    return hasNul(content) ? { lines: [''], problems: [BINARY], binary: true } : { lines: splitLines(content), problems: [], binary: false };
  }
  const n = Math.min(content.length, SNIFF);
  for (let i = 0; i < n; i++) if (content[i] === 0) return { lines: [''], problems: [BINARY], binary: true };
  const utf8 = utf8Lines(content);
  if (utf8) return { lines: utf8, problems: [], binary: false };
  // Not valid UTF-8: decide between UTF-8 with replacement (mostly UTF-8, a few stray bytes)
  // and Latin-1 (an 8-bit mail), by counting what each reading makes of the bytes.
  const lossy = new TextDecoder('utf-8').decode(content);
  let invalid = 0;
  let validNonAscii = 0;
  for (let i = 0; i < lossy.length; i++) {
    const c = lossy.charCodeAt(i);
    if (c === 0xfffd) invalid++;
    else if (c >= 0x80) validNonAscii++;
  }
  if (invalid > lossy.length / 10) return { lines: [''], problems: [BINARY], binary: true };
  if (validNonAscii > invalid) {
    return {
      lines: splitLines(lossy),
      problems: [{ severity: 'warning', message: `input is not valid UTF-8 (${invalid} bad byte sequence${invalid === 1 ? '' : 's'}): decoded as UTF-8 with replacement characters` }],
      binary: false,
    };
  }
  return {
    lines: splitLines(new TextDecoder('latin1').decode(content)),
    problems: [{ severity: 'warning', message: 'input is not valid UTF-8: decoded as Latin-1 (windows-1252)' }],
    binary: false,
  };
}

/** The lines of valid UTF-8 bytes, decoded piece by piece (a line feed never sits inside a UTF-8
 * sequence); undefined when the bytes are not valid UTF-8. */
function utf8Lines(bytes: Uint8Array): string[] | undefined {
  const first = new TextDecoder('utf-8', { fatal: true });
  const rest = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM is dropped at the start only
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    const nl = start + PIECE >= bytes.length ? -1 : bytes.indexOf(10, start + PIECE - 1);
    const end = nl < 0 ? bytes.length : nl + 1;
    let piece: string;
    try {
      piece = (start === 0 ? first : rest).decode(bytes.subarray(start, end));
    } catch {
      return undefined;
    }
    const ls = splitLines(piece);
    // A piece that ends in a line feed ends with an empty "line": the next piece's first one.
    if (end < bytes.length) ls.pop();
    for (const l of ls) lines.push(l);
    start = end;
  }
  return lines.length > 0 ? lines : [''];
}

export function hasNul(s: string): boolean {
  const n = Math.min(s.length, SNIFF);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) === 0) return true;
  return false;
}

/** Lines without their terminators. "a\n" gives ["a", ""], as an editor numbers them. */
export function splitLines(text: string): string[] {
  if (!text.includes('\r')) return text.split('\n');
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lines.push(text.slice(start, i));
      start = i + 1;
    } else if (c === 13) {
      lines.push(text.slice(start, i));
      if (text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push(text.slice(start));
  return lines;
}
