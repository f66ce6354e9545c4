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
