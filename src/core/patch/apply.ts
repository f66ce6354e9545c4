// Applies one file's hunks to the file from a kernel tree, as GNU patch does: at the stated
// line, else at an offset, else with fuzz 1..2 (outer context dropped), tolerating whitespace
// damage like `patch -l`. Every line of the results knows the document line it came from.
import type { Problem, Result } from '../types';
import type { FileDiff, Hunk, HunkLine } from './types';

export interface AppliedFile {
  readonly before: string;
  readonly after: string;
  /** Document line of the hunk line each line of `before` / `after` came from; undefined outside hunks. */
  readonly beforeDocLines: (number | undefined)[];
  readonly afterDocLines: (number | undefined)[];
}

const MAX_FUZZ = 2;

export function applyFileDiff(preimage: string, file: FileDiff): Result<AppliedFile> {
  const problems: Problem[] = [];
  const lines = preimage === '' ? [] : preimage.split('\n');
  let endsWithNewline = preimage === '' || preimage.endsWith('\n');
  if (preimage.endsWith('\n')) lines.pop();
  const exact = lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const loose = exact.map(squash);
  const beforeDocLines: (number | undefined)[] = new Array(lines.length).fill(undefined);
  const after: string[] = [];
  const afterDocLines: (number | undefined)[] = [];
  let cursor = 0;
  let offset = 0;
  for (const hunk of file.hunks) {
    const name = `hunk ${hunk.header.slice(0, hunk.header.indexOf('@@', 2) + 2)} of ${file.path}`;
    const m = locate(hunk, exact, loose, cursor, offset);
    if (!m) {
      problems.push({ severity: 'warning', message: `${name} does not apply to the tree's file: left out`, line: hunk.headerLine });
      continue;
    }
    const expected = hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1;
    offset = m.pos - m.lo - expected;
    if (offset !== 0 || m.fuzz > 0 || m.loose) {
      const how = [offset !== 0 && `offset ${offset} line${Math.abs(offset) === 1 ? '' : 's'}`, m.fuzz > 0 && `fuzz ${m.fuzz}`, m.loose && 'ignoring whitespace'].filter(Boolean).join(', ');
      problems.push({ severity: 'info', message: `${name} applied at line ${m.pos - m.lo + 1} (${how})`, line: hunk.headerLine });
    }
    for (; cursor < m.pos; cursor++) {
      after.push(lines[cursor]);
      afterDocLines.push(undefined);
    }
    const oldLen = hunk.lines.filter((l) => l.kind !== 'add').length;
    let k = 0;
    let lastNew: HunkLine | undefined;
    for (const l of hunk.lines) {
      if (l.kind === 'add') {
        after.push(l.text);
        afterDocLines.push(l.line);
        lastNew = l;
        continue;
      }
      const inside = k >= m.lo && k < oldLen - m.hi;
      k++;
      if (!inside) continue; // fuzzed-away context: the file's own line stays as it is
      beforeDocLines[cursor] = l.line;
      if (l.kind === 'context') {
        after.push(lines[cursor]); // the tree's text, not the (possibly damaged) mail text
        afterDocLines.push(l.line);
        lastNew = l;
      }
      cursor++;
    }
    if (cursor === lines.length && lastNew && m.hi === 0) endsWithNewline = !lastNew.noNewline;
  }
  for (; cursor < lines.length; cursor++) {
    after.push(lines[cursor]);
    afterDocLines.push(undefined);
  }
  const afterText = after.join('\n') + (endsWithNewline && after.length > 0 ? '\n' : '');
  return { value: { before: preimage, after: afterText, beforeDocLines, afterDocLines }, problems };
}

/** Whitespace runs count as one blank, and leading or trailing blanks not at all (patch -l). */
function squash(s: string): string {
  return s.trim().replace(/[ \t\f\v\r]+/g, ' ');
}

interface Match {
  readonly pos: number;
  readonly lo: number;
  readonly hi: number;
  readonly fuzz: number;
  readonly loose: boolean;
}

function locate(hunk: Hunk, exact: readonly string[], loose: readonly string[], cursor: number, offset: number): Match | undefined {
  const old = hunk.lines.filter((l) => l.kind !== 'add');
  const oldText = old.map((l) => l.text);
  const oldLoose = oldText.map(squash);
  const leading = countContext(hunk.lines);
  const trailing = countContext([...hunk.lines].reverse());
  const expected = (hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1) + offset;
  let seen = '';
  for (let fuzz = 0; fuzz <= MAX_FUZZ; fuzz++) {
    const lo = Math.min(fuzz, leading);
    const hi = Math.min(fuzz, trailing, old.length - lo);
    if (`${lo},${hi}` === seen) continue;
    seen = `${lo},${hi}`;
    const len = old.length - lo - hi;
    const last = exact.length - len;
    if (last < cursor) continue;
    for (const useLoose of [false, true]) {
      const want = useLoose ? oldLoose : oldText;
      const have = useLoose ? loose : exact;
      const start = Math.min(Math.max(expected + lo, cursor), last);
      // Search outward from the expected line, as patch does, over the rest of the file.
      for (let d = 0; start - d >= cursor || start + d <= last; d++) {
        for (const p of d === 0 ? [start] : [start + d, start - d]) {
          if (p < cursor || p > last) continue;
          let ok = true;
          for (let k = 0; k < len && ok; k++) ok = have[p + k] === want[lo + k];
          if (ok) return { pos: p, lo, hi, fuzz: lo > hi ? lo : hi, loose: useLoose };
        }
      }
    }
  }
  return undefined;
}

function countContext(lines: readonly HunkLine[]): number {
  let n = 0;
  while (n < lines.length && lines[n].kind === 'context') n++;
  return n;
}
