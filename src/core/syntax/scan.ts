// The scan pre-filter: only top-level items (function definitions, initialisers) whose code
// mentions a name of interest are parsed. The others are replaced by the newlines and spaces
// that keep every kept character at its line and column.
import { classify, CODE, directiveName, directiveDepth, type CondFrame, PREPROC } from './lexer';

const patterns = new WeakMap<ReadonlySet<string>, RegExp>();

function namePattern(names: ReadonlySet<string>): RegExp {
  let re = patterns.get(names);
  if (!re) {
    const alternatives = [...names].filter((n) => /^\w+$/.test(n)).sort((a, b) => b.length - a.length);
    re = new RegExp(`\\b(?:${alternatives.join('|') || '(?!)'})\\s*\\(`, 'g');
    patterns.set(names, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Top-level items of a C file as [start, end) index pairs (the text between them holds nothing parseable). */
export function topLevelItems(text: string, kind: Uint8Array): number[] {
  const items: number[] = [];
  const conds: CondFrame[] = [];
  let depth = 0;
  let start = -1;
  let lastSig = 0;
  let functionBody = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    if (k === PREPROC) {
      depth = directiveDepth(conds, directiveName(text, i), depth);
      if (depth === 0 && start >= 0) {
        items.push(start, i); // a directive between items ends the current one
        start = -1;
      }
      while (i + 1 < n && kind[i + 1] === PREPROC) i++;
      continue;
    }
    if (k !== CODE) continue;
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (start < 0) start = i;
    if (c === 123) {
      if (depth++ === 0) functionBody = lastSig === 41; // `) {` opens a function body, `= {` or `struct x {` do not
    } else if (c === 125) {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && functionBody) {
        items.push(start, i + 1);
        start = -1;
      }
    } else if (c === 59 && depth === 0) {
      items.push(start, i + 1);
      start = -1;
    }
    lastSig = c;
  }
  if (start >= 0) items.push(start, n);
  return items;
}

/**
 * The text to parse for a scan of `names`, or undefined when no code of `text` calls one of them:
 * the items holding a call of a name, each at its original line and column.
 */
export function candidateText(text: string, names: ReadonlySet<string>): string | undefined {
  const re = namePattern(names);
  if (!re.test(text)) return undefined;
  const kind = classify(text);
  re.lastIndex = 0;
  const hits: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) if (kind[m.index] === CODE) hits.push(m.index);
  if (!hits.length) return undefined;
  const items = topLevelItems(text, kind);
  const parts: string[] = [];
  let done = 0; // end of the text already emitted
  let h = 0;
  for (let k = 0; k < items.length && h < hits.length; k += 2) {
    const [a, b] = [items[k], items[k + 1]];
    if (hits[h] >= b) continue;
    while (h < hits.length && hits[h] < b) h++;
    if (hits[h - 1] < a) continue; // the hit lay between items
    parts.push(gap(text, done, a), text.slice(a, b));
    done = b;
  }
  return parts.length ? parts.join('') : undefined;
}

/** Newlines and spaces that bring the next character to the line and column it has at `to`. */
function gap(text: string, from: number, to: number): string {
  let lines = 0;
  let lastNl = -1;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) {
    lines++;
    lastNl = i;
  }
  return lines ? '\n'.repeat(lines) + ' '.repeat(to - lastNl - 1) : ' '.repeat(to - from);
}
