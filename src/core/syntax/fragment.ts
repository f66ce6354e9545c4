// Fragment repair: a hunk may start or end inside a function. We parse it inside a synthetic
// opening line (`void f(void) {{`) and closing braces, and map positions back to the fragment.
import { blankCommentsAndLiterals, classify, CODE, COMMENT, PREPROC } from './lexer';

export interface Candidate {
  /** The text to parse (before the pre-pass). */
  readonly source: string;
  /** Lines added before the fragment (0 or 1). */
  readonly prefixLines: number;
  /** Start index of the synthetic wrapper definition, when there is one. */
  readonly wrapperStart?: number;
  /** Where the fragment's own text ends in `source` (the repair's closing braces follow). */
  readonly textEnd?: number;
  /** The wrapper opens a construct above the fragment (an `if`, `else`, loop or `switch` arm whose head
   * the hunk does not show): all of the fragment runs inside it. */
  readonly insideAbove?: boolean;
}

interface Balance {
  /** Lowest and final brace depth. */
  readonly minBrace: number;
  /** The `}` that reaches the lowest depth is in column 0 (kernel style: a function's end). */
  readonly minAtColumn0: boolean;
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
export function balance(text: string, kind: Uint8Array = classify(text)): Balance {
  let brace = 0;
  let minBrace = 0;
  let minAtColumn0 = false;
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
    else if (c === 125 && --brace < minBrace) {
      minBrace = brace;
      minAtColumn0 = i === 0 || text[i - 1] === '\n';
    }
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
    minAtColumn0,
    finalBrace: brace,
    unopenedParens: -minParen,
    unclosedParens: paren - minParen,
    headerTail: /[\w{]/.test(next),
    startsWithOperator: first >= 0 && OPERATOR.test(text.slice(first, first + 2)) && !text.startsWith('*', first),
    endsWithOperator: last >= 0 && /[-+*/%&|^<>=?.,!~]/.test(text[last]),
    last: last >= 0 ? text[last] : '',
  };
}

/** What a brace the fragment closes without opening (or an arm it starts inside) belongs to, from the
 * innermost (0) out: the `if` of an `else` that follows its `}`, the switch whose `case` labels the
 * fragment shows without the `switch`, the loop or switch a `break` / `continue` leaves; 'else': an
 * `if` whose `else` arm the fragment shows and whose own arm it does not (the else arm is the usual path). */
export type Opener = 'if' | 'else' | 'switch' | 'loop';

/** The enclosing constructs the fragment needs but does not show, by wrapper brace (0 = innermost).
 * `elseFirst`: its first code is an `else` (the `if` and its statement are above the hunk);
 * `danglingElse`: an `else` follows its first statement, whose `if` is above the hunk. */
export function openersOf(text: string, kind?: Uint8Array): { marks: Map<number, Opener>; elseFirst: boolean; danglingElse?: boolean } {
  const marks = new Map<number, Opener>();
  // Most fragments name no construct that needs one: a cheap look first.
  if (!/\b(else|case|default|break|continue)\b/.test(text) && !/^\s*}/m.test(text)) return { marks, elseFirst: false };
  kind ??= classify(text);
  let depth = 0;
  let elseFirst: boolean | undefined;
  let danglingElse = false;
  // An `if` seen at the fragment's own level (its `else` is not dangling), the last code character.
  let ifSeen = false;
  let last = 0;
  // Braces the fragment opens itself, and what they belong to (a switch or loop it shows).
  const shown: ('switch' | 'loop' | 'other')[] = [];
  let pending: 'switch' | 'loop' | 'other' = 'other';
  const word = /[A-Za-z_]\w*/y;
  const isWord = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
  const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
  for (let i = 0; i < text.length; i++) {
    if (kind[i] !== CODE) continue;
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    const before = last;
    last = c;
    if (c === 123 || c === 125) elseFirst ??= false;
    if (c === 123) {
      shown.push(pending);
      pending = 'other';
      depth++;
    } else if (c === 125) {
      if (shown.length > 0) shown.pop();
      depth--;
      if (depth < 0) {
        // A brace opened above the hunk: an `else` after it makes it an if's.
        let j = i + 1;
        while (j < text.length && (kind[j] !== CODE || isSpace(text.charCodeAt(j)))) j++;
        // When the hunk shows nothing of the `if` arm (its first code is this `}`), the `else` arm it shows
        // is the usual path.
        if (text.startsWith('else', j) && !isWord(text.charCodeAt(j + 4))) marks.set(-depth - 1, before === 0 ? 'else' : 'if');
        // A block that ends by leaving (`goto out; }`) is a branch's: otherwise nothing after it would run.
        // (A `}` in column 0 ends the function.)
        else if (i > 0 && text[i - 1] !== '\n' && !marks.has(-depth - 1) && EXIT_LINE.test(text.slice(text.lastIndexOf('\n', text.lastIndexOf('\n', i) - 1) + 1, i))) marks.set(-depth - 1, 'if');
      }
    } else if (isWord(c) && !(c >= 48 && c <= 57) && !isWord(text.charCodeAt(i - 1))) {
      word.lastIndex = i;
      const w = word.exec(text)![0];
      elseFirst ??= w === 'else';
      if (depth === 0 && w === 'if') ifSeen = true;
      if (depth === 0 && w === 'else' && !ifSeen && before === 59 /* ; */ && marks.size === 0) danglingElse = true;
      last = text.charCodeAt(i + w.length - 1);
      if (w === 'switch') pending = 'switch';
      else if (w === 'for' || w === 'while' || w === 'do') pending = 'loop';
      else if (depth <= 0 && shown.length === 0 && (w === 'case' || w === 'default') && /^\s*[^;{}]*?:(?!:)/.test(text.slice(i + w.length, i + w.length + 200))) {
        // A `break` seen first in the arm leaves this switch, not a loop.
        if (marks.get(-depth) !== 'if' && marks.get(-depth) !== 'else') marks.set(-depth, 'switch');
      } else if ((w === 'break' || w === 'continue') && depth <= 0 && !shown.some((x) => x !== 'other') && !marks.has(-depth)) marks.set(-depth, 'loop');
      i += w.length - 1;
    } else elseFirst ??= false;
  }
  return { marks, elseFirst: elseFirst === true, ...(danglingElse ? { danglingElse } : {}) };
}

/** The last statement before a `}`: one that leaves. */
const EXIT_LINE = /(^|[;{}]|\n)\s*(return\b[^;]*|goto\s+\w+|break|continue)\s*;\s*$/;

/** The call a reconstructed function has where the input shows none of its code (between two hunks):
 * the simulator marks it in the trace, and continues from the function's table summary. */
export const GAP_CALL = '__gap';

/** Blocks a fragment is inside beyond its function's body, read from kernel-style indentation (a tab
 * or 8 columns a level, the body at one): `entry` at its first statements, `exit` at its end (entry
 * plus the braces it leaves open, minus those it closes). Lines inside braces the fragment opens, after
 * braces it closes without opening, labels, `case`s, directives and comments are not read. 0 when no
 * statement line says. */
export function blockLevels(text: string, kind: Uint8Array = classify(text)): { entry: number; exit: number } {
  let depth = 0;
  let entry: number | undefined;
  let lineStart = 0;
  // The most braces it closes without opening, and the indentation of the line that closes the last.
  let lowest = 0;
  let closer = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text.charCodeAt(i) !== 10) continue;
    const line = text.slice(lineStart, i);
    const startDepth = depth;
    let first = -1;
    for (let j = lineStart; j < i; j++) {
      if (kind[j] !== CODE) continue;
      const c = text.charCodeAt(j);
      if (first < 0 && c !== 32 && c !== 9 && c !== 13) first = j;
      if (c === 123) depth++;
      else if (c === 125 && --depth < lowest) {
        lowest = depth;
        closer = levelOf(text, lineStart, first);
      }
    }
    if (first >= 0 && startDepth === 0 && text[first] !== '}' && !LABEL_LINE.test(line)) {
      const level = levelOf(text, lineStart, first);
      if (entry === undefined || level < entry) entry = level;
    }
    lineStart = i + 1;
  }
  // Code at column 0 (a definition, top-level code) is outside the body: a brace it opens is the body's.
  // A fragment that closes braces it did not open was in those blocks and in the ones the indentation
  // of the last close leaves: deeper lines before it are statements of a brace-less `if`, `else` or
  // loop (a block with braces would close first).
  const blocks = Math.min((entry ?? 1) - 1, lowest < 0 ? closer - 1 - lowest : Infinity);
  return { entry: Math.max(0, blocks), exit: Math.max(0, blocks + depth) };
}

/** The text's first code line is a one-line statement more indented than the next code line (a
 * statement, or the function's closing brace) and than the block the text is in (blockLevels): the
 * statement of a brace-less `if`, `else` or loop above it. */
function leadsBraceless(text: string, kind: Uint8Array, entryLevel: () => number): boolean {
  const lines: { level: number; code: string }[] = [];
  let start = 0;
  for (let i = 0; i <= text.length && lines.length < 2; i++) {
    if (i < text.length && text.charCodeAt(i) !== 10) continue;
    let first = -1;
    let code = '';
    for (let j = start; j < i; j++) {
      if (kind[j] !== CODE) continue;
      if (first < 0 && !/\s/.test(text[j]!)) first = j;
      if (first >= 0) code += text[j];
    }
    if (first >= 0) lines.push({ level: levelOf(text, start, first), code: code.trim() });
    start = i + 1;
  }
  const [a, b] = lines;
  if (!a || !b || !/;$/.test(a.code) || /^[{}#]|^(case|default)\b|^\w+:/.test(a.code) || /^else\b/.test(b.code)) return false;
  // (A `}` that closes a block inside the function already stands for the branch: its wrapper is an if.)
  if (b.code.startsWith('}') && b.level > 0) return false;
  return b.level < a.level && entryLevel() + 1 < a.level;
}

/** The indentation level of a brace-less `if (...)`, `for (...)`, `while (...)` or `else` the text ends
 * with, still waiting for its statement (comments skipped); undefined when it ends otherwise. */
export function awaitsStatement(text: string): number | undefined {
  const code = blankCommentsAndLiterals(text);
  let end = code.length - 1;
  while (end >= 0 && /\s/.test(code[end]!)) end--;
  let start: number;
  if (code[end] === ')') {
    let depth = 0;
    let i = end;
    for (; i >= 0; i--) {
      if (code[i] === ')') depth++;
      else if (code[i] === '(' && --depth === 0) break;
    }
    const head = /\b(if|for|while)\s*$/.exec(code.slice(0, Math.max(0, i)));
    if (i < 0 || !head) return undefined;
    start = head.index;
  } else {
    const m = /(?:^|[;{}\s])else$/.exec(code.slice(0, end + 1));
    if (!m) return undefined;
    start = end - 3;
  }
  const lineStart = code.lastIndexOf('\n', start) + 1;
  let first = lineStart;
  while (first < start && /[ \t]/.test(code[first]!)) first++;
  return levelOf(code, lineStart, first);
}

/** The indentation level of the text's first code line (comments skipped); undefined when it has none. */
export function firstCodeLevel(text: string): number | undefined {
  const code = blankCommentsAndLiterals(text);
  for (let at = 0; at < code.length; at = code.indexOf('\n', at) + 1 || code.length) {
    let first = at;
    while (first < code.length && /[ \t]/.test(code[first]!)) first++;
    if (first < code.length && code[first] !== '\n') return levelOf(code, at, first);
  }
  return undefined;
}

/** Indentation level of a line (a tab or 8 columns a level) whose first code character is at `first`. */
function levelOf(text: string, lineStart: number, first: number): number {
  let col = 0;
  for (let j = lineStart; j < first; j++) col = text[j] === '\t' ? (col & ~7) + 8 : col + 1;
  return Math.floor(col / 8);
}

/** Whether the text's code starts with a `{` in column 0: a function body's opening brace. */
export function opensBody(text: string): boolean {
  const kind = classify(text);
  for (let i = 0; i < text.length; i++) {
    if (kind[i] !== CODE || /\s/.test(text[i]!)) continue;
    return text[i] === '{' && (i === 0 || text[i - 1] === '\n');
  }
  return false;
}

/** A line that starts with a label, `case` or `default` (outdented in kernel style). */
const LABEL_LINE = /^\s*(case\b|default\s*:|[A-Za-z_]\w*\s*:(?!:))/;

/** The value of a condition above the hunk, in the wrapper of a fragment: the hunk does not show it. */
export const ABOVE = '__above';

/** The wrapper's brace for a construct above the hunk (`__above`: a value the hunk does not show). */
function openerText(o: Opener | undefined): string {
  switch (o) {
    case undefined: return '{';
    case 'if': return `if (${ABOVE}) {`;
    case 'else': return `if (!${ABOVE}) {`;
    case 'switch': return `switch (${ABOVE}) { case ${ABOVE}:`;
    case 'loop': return 'for (;;) {';
  }
}

/**
 * The ways to read a fragment: wrapped in a synthetic function (always, when it closes braces it
 * never opened) and, when it is balanced at its start, as it is (top-level statements allowed).
 * The wrapper also completes a statement the fragment starts or ends in the middle of.
 */
/** A hunk header's parameter list when it is plain declarations (`struct page *page, int refs`), spaces
 * collapsed; undefined for `void`, a function-pointer parameter or a cut-off header. */
export function plainParams(list: string | undefined): string | undefined {
  return list && list.trim() !== 'void' && /^[\w\s*,[\]]+$/.test(list) ? list.replace(/\s+/g, ' ').trim() : undefined;
}

export function fragmentCandidates(fragment: string, enclosingFunction: string | undefined, enclosingParams = ''): Candidate[] {
  const text = blankCutComments(fragment);
  const kind = classify(text);
  const b = balance(text, kind);
  const { marks, elseFirst, danglingElse } = openersOf(text, kind);
  // The function's own brace is the outermost; every marked brace is inside it.
  // A `}` indented is a block's, not the function's: the function's brace is one further out.
  const closed = Math.max(1, -b.minBrace + (b.minBrace < 0 && !b.minAtColumn0 ? 1 : 0), ...[...marks.keys()].map((k) => k + 2));
  // Blocks its indentation puts it in that it does not close (inside a function it is cut from) are
  // opened above it by a head it does not show: a branch the paths may take or not.
  let entry: number | undefined;
  const entryLevel = () => (entry ??= blockLevels(text, kind).entry);
  const above = enclosingFunction ? Math.max(0, entryLevel() + 1 - closed) : 0;
  const opens = closed + above;
  const name = enclosingFunction && /^\w+$/.test(enclosingFunction) ? enclosingFunction : '__fragment';
  const closeBraces = (n: number) => (n > 0 ? '\n' + '}'.repeat(n) : '');
  let head = '';
  if (b.unopenedParens > 0) head = (b.headerTail ? 'if (' : '(') + '('.repeat(b.unopenedParens - 1);
  if (b.startsWithOperator) head += '0';
  if (elseFirst) head += `if (${ABOVE}) ;`;
  // Its first statement is the `if`'s (a statement that starts the hunk, not one it continues).
  else if (danglingElse && b.unopenedParens === 0 && !b.startsWithOperator) head += `if (${ABOVE}) `;
  // A first statement indented under a brace-less `if`/`else` above the hunk (the code after it is less
  // indented): that branch's statement, run or not.
  else if (above === 0 && b.unopenedParens === 0 && !b.startsWithOperator && leadsBraceless(text, kind, entryLevel)) head += `if (${ABOVE}) `;
  let tail = (b.endsWithOperator ? ' 0' : '') + ')'.repeat(b.unclosedParens);
  if (tail || (b.last !== '' && !';{}'.includes(b.last))) tail += ';';
  const end = (tail ? '\n' + tail : '') + closeBraces(opens + b.finalBrace);
  const braces = Array.from({ length: opens }, (_, k) => (k === 0 ? '{' : k <= above ? openerText('if') : openerText(marks.get(opens - 1 - k)))).join(' ');
  // The header's parameter list, when it has one of plain declarations (its names bind the arguments).
  const paramList = (name !== '__fragment' && plainParams(enclosingParams)) || 'void';
  const prefix = `void ${name}(${paramList}) ${braces} ${head}\n`;
  const candidates: Candidate[] = [{ source: `${prefix}${text}${end}`, prefixLines: 1, wrapperStart: 0, textEnd: prefix.length + text.length, ...(opens > 1 ? { insideAbove: true } : {}) }];
  // As it is, unless it needs a construct above it (its `case` labels or `break` would read as top level).
  if (b.minBrace >= 0 && marks.size === 0 && !elseFirst && !danglingElse && above === 0) candidates.unshift({ source: text + closeBraces(b.finalBrace), prefixLines: 0, textEnd: text.length });
  if (b.unopenedParens > 0 && b.headerTail && b.minBrace >= 0) {
    // The fragment starts in the parameter list of a definition.
    const params = `void ${name}(${'('.repeat(b.unopenedParens - 1)}`;
    candidates.push({ source: `${params}\n${text}${closeBraces(b.finalBrace)}`, prefixLines: 1 });
  }
  return candidates;
}
