// Fragment repair: a hunk may start or end inside a function. We parse it inside a synthetic
// opening line (`void f(void) {{`) and closing braces, and map positions back to the fragment.
import { classify, CODE, COMMENT, PREPROC } from './lexer';

export interface Candidate {
  /** The text to parse (before the pre-pass). */
  readonly source: string;
  /** Lines added before the fragment (0 or 1). */
  readonly prefixLines: number;
  /** Start index of the synthetic wrapper definition, when there is one. */
  readonly wrapperStart?: number;
}

interface Balance {
  /** Lowest and final brace depth. */
  readonly minBrace: number;
  readonly finalBrace: number;
  /** Parentheses closed but never opened, and still open at the end. */
  readonly unopenedParens: number;
  readonly unclosedParens: number;
  /** After the last unopened `)`, a statement follows (the fragment starts inside an `if (...)` head). */
  readonly headerTail: boolean;
  /** The fragment's code starts with a binary operator, or ends with an operator or comma (it continues or is continued). */
  readonly startsWithOperator: boolean;
  readonly endsWithOperator: boolean;
  /** Last code character, '' when none. */
  readonly last: string;
}

const OPERATOR = /^(&&|\|\||[-+*/%&|^<>=?:.]|!=)/;

/** `s` with every character but newlines made a space: positions stay where they were. */
export const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** The fragment with the comment it starts inside (it closes a comment before opening one: a comment
 * opened above the hunk) made blank, lengths and newlines kept. */
export function blankLeadingComment(fragment: string): string {
  const close = fragment.indexOf('*/');
  const open = fragment.indexOf('/*');
  return close >= 0 && (open < 0 || close < open) ? blank(fragment.slice(0, close + 2)) + fragment.slice(close + 2) : fragment;
}

/** For reading a hunk as text (not parsing it): blankLeadingComment, or, when the hunk shows no close
 * of a comment it starts inside, its leading ` * ...` lines. Only leading ones: further down, such a
 * line is a product continued from the line above. */
export function blankCommentAbove(fragment: string): string {
  const out = blankLeadingComment(fragment);
  if (out !== fragment) return out;
  const lines = fragment.split('\n');
  let n = 0;
  while (n < lines.length && /^\s*(\*(\s.*)?)?$/.test(lines[n]!)) n++;
  return n === 0 ? fragment : [...lines.slice(0, n).map(blank), ...lines.slice(n)].join('\n');
}

/**
 * The fragment with the comments its cut leaves open made blank, lengths and newlines kept: the one
 * it starts inside (blankLeadingComment) and the one it ends inside (closed below the hunk).
 * Everything that parses a hunk's code starts from this.
 */
export function blankCutComments(fragment: string): string {
  const out = blankLeadingComment(fragment);
  const kind = classify(out);
  let i = out.length;
  while (i > 0 && kind[i - 1] === COMMENT) i--;
  if (i < out.length && out.startsWith('/*', i) && !/\*\/\s*$/.test(out.slice(i + 2))) return out.slice(0, i) + blank(out.slice(i));
  // Left open on a directive's line, the comment is part of the directive to the lexer.
  const open = out.lastIndexOf('/*');
  if (open >= 0 && kind[open] === PREPROC && kind[out.length - 1] === PREPROC && out.indexOf('*/', open + 2) < 0 && !out.slice(out.lastIndexOf('\n', open) + 1, open).includes('//')) {
    return out.slice(0, open) + blank(out.slice(open));
  }
  return out;
}

/** Brace and parenthesis balance of `text` (cut comments already blank) outside comments, strings and directives. */
export function balance(text: string): Balance {
  const kind = classify(text);
  let brace = 0;
  let minBrace = 0;
  let paren = 0;
  let minParen = 0;
  let minParenAt = -1;
  let first = -1;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    if (kind[i] !== CODE) continue;
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (first < 0) first = i;
    last = i;
    if (c === 123) brace++;
    else if (c === 125) minBrace = Math.min(minBrace, --brace);
    else if (c === 40) paren++;
    else if (c === 41 && --paren < minParen) {
      minParen = paren;
      minParenAt = i;
    }
  }
  let after = minParenAt + 1;
  while (after > 0 && after < text.length && (kind[after] !== CODE || /\s/.test(text[after]))) after++;
  const next = minParenAt >= 0 ? (text[after] ?? '') : '';
  return {
    minBrace,
    finalBrace: brace,
    unopenedParens: -minParen,
    unclosedParens: paren - minParen,
    headerTail: /[\w{]/.test(next),
    startsWithOperator: first >= 0 && OPERATOR.test(text.slice(first, first + 2)) && !text.startsWith('*', first),
    endsWithOperator: last >= 0 && /[-+*/%&|^<>=?.,!~]/.test(text[last]),
    last: last >= 0 ? text[last] : '',
  };
}

/**
 * The ways to read a fragment: wrapped in a synthetic function (always, when it closes braces it
 * never opened) and, when it is balanced at its start, as it is (top-level statements allowed).
 * The wrapper also completes a statement the fragment starts or ends in the middle of.
 */
export function fragmentCandidates(fragment: string, enclosingFunction: string | undefined): Candidate[] {
  const text = blankCutComments(fragment);
  const b = balance(text);
  const opens = Math.max(1, -b.minBrace);
  const name = enclosingFunction && /^\w+$/.test(enclosingFunction) ? enclosingFunction : '__fragment';
  const closeBraces = (n: number) => (n > 0 ? '\n' + '}'.repeat(n) : '');
  let head = '';
  if (b.unopenedParens > 0) head = (b.headerTail ? 'if (' : '(') + '('.repeat(b.unopenedParens - 1);
  if (b.startsWithOperator) head += '0';
  let tail = (b.endsWithOperator ? ' 0' : '') + ')'.repeat(b.unclosedParens);
  if (tail || (b.last !== '' && !';{}'.includes(b.last))) tail += ';';
  const end = (tail ? '\n' + tail : '') + closeBraces(opens + b.finalBrace);
  const candidates: Candidate[] = [{ source: `void ${name}(void) ${'{'.repeat(opens)} ${head}\n${text}${end}`, prefixLines: 1, wrapperStart: 0 }];
  if (b.minBrace >= 0) candidates.unshift({ source: text + closeBraces(b.finalBrace), prefixLines: 0 });
  if (b.unopenedParens > 0 && b.headerTail && b.minBrace >= 0) {
    // The fragment starts in the parameter list of a definition.
    const params = `void ${name}(${'('.repeat(b.unopenedParens - 1)}`;
    candidates.push({ source: `${params}\n${text}${closeBraces(b.finalBrace)}`, prefixLines: 1 });
  }
  return candidates;
}
