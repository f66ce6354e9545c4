// A tiny C lexer for the textual layers (pre-pass, scan pre-filter): it classifies every UTF-16
// unit of a file as code, comment, string/char literal or preprocessor directive.

export const CODE = 0;
export const COMMENT = 1;
export const STRING = 2;
export const PREPROC = 3;

/** One kind per UTF-16 unit of `text` (CODE, COMMENT, STRING or PREPROC). */
export function classify(text: string): Uint8Array {
  const n = text.length;
  const kind = new Uint8Array(n);
  let i = 0;
  let lineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
      continue;
    }
    if (lineStart && (c === 32 || c === 9)) {
      i++;
      continue;
    }
    if (lineStart && c === 35 /* # */) {
      i = directive(text, kind, i);
      continue;
    }
    lineStart = false;
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const end = lineCommentEnd(text, i);
      kind.fill(COMMENT, i, end);
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = blockCommentEnd(text, i);
      kind.fill(COMMENT, i, end);
      i = end;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      const end = quotedEnd(text, i, c);
      kind.fill(STRING, i, end);
      i = end;
    } else i++;
  }
  return kind;
}

/** `text` with comments and string and character literals made spaces (newlines kept). */
export function blankCommentsAndLiterals(text: string): string {
  const kind = classify(text);
  let out = '';
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && kind[i] !== COMMENT && kind[i] !== STRING) continue;
    if (i < text.length && text.charCodeAt(i) === 10) continue;
    if (i > from) out += text.slice(from, i);
    if (i < text.length) out += ' ';
    from = i + 1;
  }
  return out;
}

function lineCommentEnd(text: string, i: number): number {
  // A backslash at the end of a // comment continues it, as in C.
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    if (text.charCodeAt(nl - 1) !== 92 /* \ */) return nl;
    i = nl + 1;
  }
}

function blockCommentEnd(text: string, i: number): number {
  const e = text.indexOf('*/', i + 2);
  return e < 0 ? text.length : e + 2;
}

function quotedEnd(text: string, i: number, quote: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === quote) return j + 1;
    else if (c === 10) return j; // unterminated: stop at the line end
    else j++;
  }
  return text.length;
}

/** Marks a directive (with backslash continuations and comments inside it) as PREPROC; returns its end (the newline). */
function directive(text: string, kind: Uint8Array, i: number): number {
  const start = i;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (text.charCodeAt(i - 1) === 92 || (text.charCodeAt(i - 1) === 13 && text.charCodeAt(i - 2) === 92)) {
        i++;
        continue;
      }
      break;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) i = blockCommentEnd(text, i);
    else if (c === 47 && text.charCodeAt(i + 1) === 47) i = lineCommentEnd(text, i);
    else if (c === 34 || c === 39) i = quotedEnd(text, i, c);
    else i++;
  }
  kind.fill(PREPROC, start, i);
  return i;
}

/** The directive word of a PREPROC run starting at `i` ("if", "ifdef", "else", "endif", ...). */
export function directiveName(text: string, i: number): string {
  const m = /^#\s*([a-z_]+)/.exec(text.slice(i, i + 40));
  return m ? m[1] : '';
}

/** A preprocessor directive: its extent (with continuations) and its word ("if", "endif", ...). */
export interface Directive {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

/** The directives of a classified text, in order. */
export function collectDirectives(text: string, kind: Uint8Array): Directive[] {
  const ds: Directive[] = [];
  for (let i = 0; i < text.length; i++) {
    if (kind[i] !== PREPROC) continue;
    const start = i;
    while (i < text.length && kind[i] === PREPROC) i++;
    ds.push({ start, end: i, name: directiveName(text, start) });
  }
  return ds;
}

/** For the `#if` at `ds[d]`: the index of the `#else`, `#elif` or `#endif` that ends its first branch,
 * or -1 when the text does not show it. */
export function firstBranchEnd(ds: readonly Directive[], d: number): number {
  let nest = 0;
  for (let j = d + 1; j < ds.length; j++) {
    const name = ds[j]!.name;
    if (name.startsWith('if')) nest++;
    else if (name === 'endif' && nest > 0) nest--;
    else if (nest === 0 && (name === 'endif' || name === 'else' || name === 'elif')) return j;
  }
  return -1;
}

/** Index of the `)` matching the `(` at `open`, counting only CODE units; -1 when unbalanced. */
export function matchParen(text: string, kind: Uint8Array, open: number): number {
  let d = 0;
  for (let i = open; i < text.length; i++) {
    if (kind[i] !== CODE) continue;
    const c = text.charCodeAt(i);
    if (c === 40) d++;
    else if (c === 41 && --d === 0) return i;
  }
  return -1;
}

/** Next index >= i holding a CODE unit that is not white space; text.length when none. */
export function nextCode(text: string, kind: Uint8Array, i: number): number {
  while (i < text.length && (kind[i] !== CODE || isSpace(text.charCodeAt(i)))) i++;
  return i;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** [A-Za-z_] */
export function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** [A-Za-z0-9_] */
export function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57);
}

/** An open #if group: the brace depth at its #if, and at the end of its first branch. */
export interface CondFrame {
  atIf: number;
  afterFirst?: number;
}

/**
 * Brace depth after a preprocessor directive: every branch of an #if group starts at the depth the
 * #if had, and after #endif the first branch's depth wins (its braces are the ones kept).
 */
export function directiveDepth(conds: CondFrame[], name: string, depth: number): number {
  if (name.startsWith('if')) conds.push({ atIf: depth });
  else if ((name === 'else' || name === 'elif') && conds.length) {
    const top = conds[conds.length - 1];
    top.afterFirst ??= depth;
    return top.atIf;
  } else if (name === 'endif' && conds.length) {
    const top = conds.pop()!;
    if (top.afterFirst !== undefined) return top.afterFirst;
  }
  return depth;
}

/** A fault the lexer can see without parsing, at a 0-based line of the text. */
export interface LexicalFault {
  readonly line: number;
  readonly message: string;
}

/**
 * Faults a hunk's cut cannot explain, kept conservative (a fragment of legal C must give none):
 * - a string or character literal left open where an expression is (not prose in a comment or in an
 *   `#if 0` block the hunk cuts), and an `#include <` or `#include "` left open;
 * - for each function body (`bodies`: the 0-based line of its definition and of its `{` in column 0),
 *   counted to the end of the text with `#if` branches as the pre-pass reads them: braces closed
 *   beyond the body's start, a body whose last visible line is a `}` in column 0 but that is still
 *   open there, a comment that swallows that `}`, and `#endif`s or `#if`s left over inside a body
 *   that closes.
 */
export function lexicalFaults(text: string, bodies: readonly { readonly name: string; readonly line: number; readonly open: number }[]): LexicalFault[] {
  const kind = classify(text);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (i: number) => {
    let lo = 0, hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const out: LexicalFault[] = [];
  const ds = collectDirectives(text, kind);
  const inIfZero = ifZeroRanges(text, ds);
  const directiveAt = new Map(ds.map((d) => [d.start, d.name]));
  // A literal is one run of STRING units, opened and closed by its quote. One left open counts where
  // an expression is: after an operator or bracket, or after a macro name in capitals (KERN_INFO "...").
  for (let i = 0; i < text.length; i++) {
    if (kind[i] !== STRING) continue;
    let e = i;
    while (e < text.length && kind[e] === STRING) e++;
    const closed = e - i >= 2 && text[e - 1] === text[i];
    if (!closed && !inIfZero(i) && expressionBefore(text, kind, i, text[i] === '"')) {
      out.push({ line: lineAt(i), message: `C lexis: ${text[i] === "'" ? 'character' : 'string'} literal not closed on its line` });
    }
    i = e - 1;
  }
  for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*([<"])(.*)$/gm)) {
    if (kind[m.index] === PREPROC && !inIfZero(m.index) && !m[2]!.includes(m[1] === '<' ? '>' : '"')) out.push({ line: lineAt(m.index), message: 'C lexis: #include without a closed <file> or "file"' });
  }
  const starts = [...bodies].sort((a, b) => a.line - b.line);
  starts.forEach((b, k) => {
    const from = lineStarts[b.open] ?? text.length;
    if (kind[from] !== CODE) return; // a body inside a macro definition or a comment
    const to = k + 1 < starts.length ? (lineStarts[starts[k + 1]!.line] ?? text.length) : text.length;
    const conds: CondFrame[] = [];
    let depth = 0;
    let ifs = 0;
    let closedAt = -1;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      const name = directiveAt.get(i);
      if (name !== undefined) {
        depth = directiveDepth(conds, name, depth);
        if (closedAt < 0 && name.startsWith('if')) ifs++;
        else if (closedAt < 0 && name === 'endif') ifs--;
        continue;
      }
      if (kind[i] !== CODE) continue;
      if (c === 123) depth++;
      else if (c === 125) {
        depth--;
        if (depth === 0 && closedAt < 0) closedAt = i;
        if (depth < 0) {
          out.push({ line: b.line, message: `C lexis: braces do not balance in ${b.name}() (closed beyond its body)` });
          return;
        }
      }
    }
    // The body's last visible line: a `}` in column 0 there is where it is meant to end.
    let end = to;
    while (end > from && isSpace(text.charCodeAt(end - 1))) end--;
    const lastStart = text.lastIndexOf('\n', end - 1) + 1;
    if (closedAt < 0 && depth > 0 && lastStart > from && text[lastStart] === '}') {
      if (kind[lastStart] === COMMENT) out.push({ line: b.line, message: `C lexis: a comment opened in ${b.name}() swallows its closing brace` });
      else out.push({ line: b.line, message: `C lexis: braces do not balance in ${b.name}() (${depth} left open at its last line)` });
    }
    if (closedAt >= 0 && ifs !== 0) out.push({ line: b.line, message: `C lexis: ${ifs > 0 ? `${ifs} #if group(s) left open` : `${-ifs} #endif without #if`} in ${b.name}()` });
  });
  return out;
}

/** Whether the code before a literal at `i` (on its line) expects an expression there. */
function expressionBefore(text: string, kind: Uint8Array, i: number, string: boolean): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < 0 || text[j] === '\n') return true;
  if (kind[j] !== CODE && kind[j] !== STRING) return false;
  if (!isWordChar(text.charCodeAt(j))) return !"'\"".includes(text[j]!);
  if (!string) return /\b(return|case)$/.test(text.slice(Math.max(0, j - 6), j + 1));
  let w = j;
  while (w > 0 && isWordChar(text.charCodeAt(w - 1))) w--;
  return /^[A-Z][A-Z0-9_]*$/.test(text.slice(w, j + 1)) || /^(return|case)$/.test(text.slice(w, j + 1));
}

/** The offsets inside `#if 0` groups (to their `#else`, `#elif` or `#endif`, or to the end of the
 * text when it does not show one): prose, not code. */
function ifZeroRanges(text: string, ds: readonly Directive[]): (i: number) => boolean {
  const ranges: [number, number][] = [];
  ds.forEach((d, k) => {
    if (d.name !== 'if' || !/^#\s*if\s+0\s*(\/[/*][\s\S]*)?$/.test(text.slice(d.start, d.end))) return;
    const end = firstBranchEnd(ds, k);
    ranges.push([d.start, end < 0 ? text.length : ds[end]!.start]);
  });
  return (i) => ranges.some(([a, b]) => i >= a && i < b);
}
