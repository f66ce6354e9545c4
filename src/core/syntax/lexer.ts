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

/** A fault the lexer can see without parsing, at a 0-based line of the text. */
export interface LexicalFault {
  readonly line: number;
  readonly message: string;
}

/**
 * Faults a hunk's cut cannot explain: anywhere, a string or character literal left open at its
 * line's end, or an #include without its closing `>` or `"`; inside each complete definition
 * (`ranges`, 0-based first and last lines), braces that do not balance, a comment that runs past
 * its closing line, and `#if` groups left open.
 */
export function lexicalFaults(text: string, ranges: readonly { readonly name: string; readonly start: number; readonly end: number }[]): LexicalFault[] {
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
  // A literal is one run of STRING units (it never crosses a line), opened and closed by its quote.
  for (let i = 0; i < text.length; i++) {
    if (kind[i] !== STRING) continue;
    let e = i;
    while (e < text.length && kind[e] === STRING) e++;
    if (e - i < 2 || text[e - 1] !== text[i]) out.push({ line: lineAt(i), message: `C lexis: ${text[i] === "'" ? 'character' : 'string'} literal not closed on its line` });
    i = e - 1;
  }
  for (const m of text.matchAll(/^[ \t]*#[ \t]*include\b(.*)$/gm)) {
    if (kind[m.index] === PREPROC && !/^\s*(<[^>\n]*>|"[^"\n]*")/.test(m[1]!)) out.push({ line: lineAt(m.index), message: 'C lexis: #include without a closed <file> or "file"' });
  }
  for (const r of ranges) {
    const from = lineStarts[r.start] ?? text.length;
    const to = r.end + 1 < lineStarts.length ? lineStarts[r.end + 1]! - 1 : text.length;
    let depth = 0;
    let low = 0;
    let open = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (kind[i] === PREPROC && (i === 0 || kind[i - 1] !== PREPROC || text.charCodeAt(i - 1) === 10) && c === 35) {
        const name = directiveName(text, i);
        if (name.startsWith('if')) open++;
        else if (name === 'endif') open--;
      }
      if (kind[i] !== CODE) continue;
      if (c === 123) depth++;
      else if (c === 125) low = Math.min(low, --depth);
    }
    if (kind[to - 1] === COMMENT) out.push({ line: r.start, message: `C lexis: a comment opened in ${r.name}() runs past its closing brace` });
    else if (depth !== 0 || low < 0) out.push({ line: r.start, message: `C lexis: braces do not balance in ${r.name}() (${depth > 0 ? `${depth} left open` : `${-Math.min(depth, low)} closed too many`})` });
    if (open !== 0) out.push({ line: r.start, message: `C lexis: ${open > 0 ? `${open} #if group(s) left open` : `${-open} #endif without #if`} in ${r.name}()` });
  }
  return out;
}
