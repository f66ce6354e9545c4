// Turns the input document's bytes into text and lines, the way an editor shows them: one
// decoding decision for the whole document, and line breaks at "\r\n", "\n" or a lone "\r".
import type { Problem } from '../types';

export interface DecodedText {
  readonly text: string;
  readonly problems: Problem[];
  /** Set when the input is not text at all; `text` is then "". */
  readonly binary: boolean;
}

const BINARY: Problem = { severity: 'error', message: 'binary input: this is not a patch, a mail or a text file' };

/** How many of the first bytes are looked at for NUL bytes (git's own binary heuristic). */
const SNIFF = 8000;

export function decodeInput(content: Uint8Array | string): DecodedText {
  if (typeof content === 'string') {
    return hasNul(content) ? { text: '', problems: [BINARY], binary: true } : { text: content, problems: [], binary: false };
  }
  const n = Math.min(content.length, SNIFF);
  for (let i = 0; i < n; i++) if (content[i] === 0) return { text: '', problems: [BINARY], binary: true };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content), problems: [], binary: false };
  } catch {
    // Not valid UTF-8: decide between UTF-8 with replacement (mostly UTF-8, a few stray bytes)
    // and Latin-1 (an 8-bit mail), by counting what each reading makes of the bytes.
  }
  const lossy = new TextDecoder('utf-8').decode(content);
  let invalid = 0;
  let validNonAscii = 0;
  for (let i = 0; i < lossy.length; i++) {
    const c = lossy.charCodeAt(i);
    if (c === 0xfffd) invalid++;
    else if (c >= 0x80) validNonAscii++;
  }
  if (invalid > lossy.length / 10) return { text: '', problems: [BINARY], binary: true };
  if (validNonAscii > invalid) {
    return {
      text: lossy,
      problems: [{ severity: 'warning', message: `input is not valid UTF-8 (${invalid} bad byte sequence${invalid === 1 ? '' : 's'}): decoded as UTF-8 with replacement characters` }],
      binary: false,
    };
  }
  return {
    text: new TextDecoder('latin1').decode(content),
    problems: [{ severity: 'warning', message: 'input is not valid UTF-8: decoded as Latin-1 (windows-1252)' }],
    binary: false,
  };
}

function hasNul(s: string): boolean {
  const n = Math.min(s.length, SNIFF);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) === 0) return true;
  return false;
}

/** Lines without their terminators. "a\n" gives ["a", ""], as an editor numbers them. */
export function splitLines(text: string): string[] {
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
