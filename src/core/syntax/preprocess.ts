// The length-preserving pre-pass: it neutralises kernel idioms that derail tree-sitter-c without
// moving anything (same length, same newlines), so every tree position is a position of the input.
import { classify, CODE, collectDirectives, COMMENT, directiveName, directiveDepth, firstBranchEnd, type CondFrame, type Directive, isSpace, isWordChar, isWordStart, matchParen, nextCode, PREPROC } from './lexer';

/** Annotation macros without arguments: blanked. */
const ATTRIBUTES = new Set(
  (
    '__init __exit __ref __refdata __refconst __initdata __initconst __exitdata __meminit __meminitdata ' +
    '__meminitconst __init_memblock __initdata_memblock __init_or_module __always_inline noinline __noinline ' +
    '__must_check __maybe_unused __always_unused __used __rcu __user __iomem __percpu __kernel __force ' +
    '__bitwise __cold __hot __weak __read_mostly __ro_after_init __cacheline_aligned __cacheline_aligned_in_smp ' +
    '____cacheline_aligned ____cacheline_aligned_in_smp __packed __pure __malloc __noreturn notrace __visible ' +
    'asmlinkage __sched __latent_entropy __nocfi __flatten __noclone __randomize_layout __private __safe ' +
    'noinstr __kprobes __irq_entry __nostackprotector __no_kcsan __no_sanitize_address __designated_init ' +
    '__nonstring __lockdep_no_validate__ __attribute_const__ noinline_for_stack __bpf_kfunc'
  ).split(' '),
);

/** Annotation families (`__no_kmsan_checks`, `__initdata_or_meminfo`, `____cacheline_internodealigned_in_smp`) when not called. */
const ATTRIBUTE_FAMILIES = /^(__(no_|initdata|initconst|exitdata|meminit|cacheline)\w*|____cacheline\w*)$/;

/** Annotation macros with an argument list: the name and its parentheses are blanked. */
const ATTRIBUTE_CALLS = new Set(
  (
    '__must_hold __acquires __releases __cond_acquires __cond_releases __free __cleanup __aligned __attribute__ ' +
    '__attribute __section __printf __scanf __alloc_size __assume_aligned __counted_by __guarded_by ' +
    '__pt_guarded_by __no_sanitize_or_inline'
  ).split(' '),
);

/** `__alignof__(expr)` is not C tree-sitter-c knows; `sizeof` has the same shape. */
const ALIGNOF = new Set(['__alignof__', '__alignof', '_Alignof', 'alignof']);

/** Words that are C syntax, never macros. */
const KEYWORDS = new Set(
  ('if while for switch return sizeof do else case default goto typeof __typeof__ __typeof _Static_assert ' +
    'static_assert defined asm __asm__ volatile __volatile__ _Generic struct union enum'
  ).split(' '),
);

/** Characters that, after `macro(...)`, show the macro is an expression rather than a loop head. */
const AFTER_EXPRESSION = new Set(';,)]}=?:|&<>.^!*/%+-'.split(''));

type Blank = (a: number, b: number) => void;

export function preprocess(text: string): string {
  const kind = classify(text);
  const out = text.split('');
  const blank: Blank = (a, b) => {
    for (let i = a; i < b; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const hide: Blank = (a, b) => {
    blank(a, b);
    kind.fill(COMMENT, a, b);
  };
  const directives = collectDirectives(text, kind);
  neutraliseIfZero(text, directives, out, hide);
  flattenConditionals(text, kind, directives.filter((d) => kind[d.start] === PREPROC), hide);
  variadicMacroParameters(text, directives, out);

  let depth = 0;
  const conds: CondFrame[] = [];
  let lastSig = ''; // last significant code character ('w' after a word)
  let lastWord = '';
  let lastWordStart = -1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const k = kind[i];
    if (k === PREPROC) {
      depth = directiveDepth(conds, directiveName(text, i), depth);
      while (i < n && kind[i] === PREPROC) i++;
      continue;
    }
    const c = text.charCodeAt(i);
    if (k !== CODE || isSpace(c)) {
      i++;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125) depth = Math.max(0, depth - 1);
    if (!isWordStart(c)) {
      if (isWordChar(c)) while (i < n && (isWordChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++; // a number
      else i++;
      lastSig = isWordChar(c) ? '0' : text[i - 1];
      continue;
    }
    let e = i;
    while (e < n && isWordChar(text.charCodeAt(e))) e++;
    const word = text.slice(i, e);
    const next = nextCode(text, kind, e);
    const open = text.charCodeAt(next) === 40 ? next : -1;
    const close = open >= 0 ? matchParen(text, kind, open) : -1;
    const atStatement = lastSig === ';' || lastSig === '{' || lastSig === '}' || lastSig === '';
    const isStatic = lastWord === 'static' && lastSig === 'w';
    let resume = e;
    if ((ATTRIBUTES.has(word) || (open < 0 && ATTRIBUTE_FAMILIES.test(word))) && !(open >= 0 && ATTRIBUTE_CALLS.has(word))) blank(i, e);
    else if (ALIGNOF.has(word)) replaceWord(out, i, word, 'sizeof');
    else if (close > 0 && (ATTRIBUTE_CALLS.has(word) || word.startsWith('EXPORT_SYMBOL'))) {
      let end = close + 1;
      const semi = nextCode(text, kind, end);
      if (word.startsWith('EXPORT_SYMBOL') && text[semi] === ';') end = semi + 1;
      blank(i, end);
      resume = end;
    } else if (close > 0 && depth === 0 && /^(COMPAT_)?SYSCALL_DEFINE\d$/.test(word)) {
      syscallDefinition(text, kind, out, i, open, close);
      resume = open + 1;
    } else if (close > 0 && word === 'DECLARE_BITMAP' && (atStatement || isStatic)) {
      declareBitmap(text, kind, out, i, open, close);
    } else if (close > 0 && /^(DEFINE|DECLARE)_/.test(word) && (atStatement || isStatic)) {
      resume = definitionMacro(text, kind, out, blank, word, isStatic ? lastWordStart : i, i, open, close);
    } else if (close > 0 && depth === 0 && atStatement && !KEYWORDS.has(word)) {
      // A top-level macro invocation without `;` (INTERVAL_TREE_DEFINE(...), RB_DECLARE_CALLBACKS(...)).
      const after = nextCode(text, kind, close + 1);
      if (after >= n || isWordStart(text.charCodeAt(after))) {
        blank(i, close + 1);
        resume = close + 1;
      }
    } else if (close > 0 && depth > 0 && !KEYWORDS.has(word)) {
      resume = statementMacro(text, kind, out, blank, word, i, open, close, atStatement);
    }
    if (out[i] !== ' ') {
      lastWord = word;
      lastWordStart = i;
      lastSig = 'w';
    }
    i = resume;
  }
  return out.join('');
}

function replaceWord(out: string[], at: number, word: string, by: string): void {
  for (let i = 0; i < word.length; i++) out[at + i] = i < by.length ? by[i] : ' ';
}

/** `#if 0` ... `#else`/`#elif`/`#endif`: the dead branch is blanked; a live `#else` branch stays as plain code. */
function neutraliseIfZero(text: string, ds: readonly Directive[], out: string[], hide: Blank): void {
  for (let d = 0; d < ds.length; d++) {
    if (ds[d].name !== 'if' || !/^#\s*if\s+0\s*$/.test(text.slice(ds[d].start, ds[d].end))) continue;
    const j = firstBranchEnd(ds, d);
    if (j < 0) continue;
    const name = ds[j].name;
    hide(ds[d].start, name === 'endif' ? ds[j].end : ds[j].start);
    if (name === 'elif' && text.startsWith('#elif', ds[j].start)) {
      for (let x = 1; x < 5; x++) out[ds[j].start + x] = 'if  '[x - 1];
    } else if (name === 'else') {
      hide(ds[j].start, ds[j].end);
      const endif = matchingEndif(ds, j);
      if (endif >= 0) hide(ds[endif].start, ds[endif].end);
    }
    d = j;
  }
}

function matchingEndif(ds: readonly Directive[], from: number): number {
  let nest = 0;
  for (let j = from + 1; j < ds.length; j++) {
    if (ds[j].name.startsWith('if')) nest++;
    else if (ds[j].name === 'endif' && nest-- === 0) return j;
  }
  return -1;
}

/**
 * Conditional groups tree-sitter-c cannot parse as alternatives: a directive inside an expression,
 * argument list or initializer, or in the middle of a statement (`else` then `#endif`), or branches
 * that open or close braces. Such a group is flattened: its directive lines and every branch but the
 * first are blanked.
 */
function flattenConditionals(text: string, kind: Uint8Array, ds: readonly Directive[], hide: Blank): void {
  interface Group {
    readonly directives: number[];
    readonly depthAtIf: number;
    flatten: boolean;
  }
  const groups: Group[] = [];
  const open: Group[] = [];
  const brackets: number[] = []; // 40 '(' 91 '[' 123 block '{' 61 initializer '{'
  let lastSig = 59; // ';'
  let beforeCode: Group | undefined; // the group whose directive precedes the next code
  let d = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    if (k === PREPROC && ds[d]?.start === i) {
      const name = ds[d].name;
      const top = brackets[brackets.length - 1];
      const midStatement = !(lastSig === 59 || lastSig === 123 || lastSig === 125) || top === 40 || top === 91 || top === 61;
      if (name.startsWith('if')) {
        const g: Group = { directives: [d], depthAtIf: brackets.length, flatten: midStatement };
        groups.push(g);
        open.push(g);
        beforeCode = g;
      } else if (open.length && (name === 'else' || name === 'elif' || name === 'endif')) {
        const g = open[open.length - 1];
        g.directives.push(d);
        if (midStatement || brackets.length !== g.depthAtIf) g.flatten = true;
        beforeCode = g;
        if (name === 'endif') open.pop();
      }
      i = ds[d++].end - 1;
      continue;
    }
    if (k !== CODE) continue;
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    // A branch that starts with `else` continues an `if` of the code before the directive.
    if (beforeCode && text.startsWith('else', i) && !isWordChar(text.charCodeAt(i + 4))) beforeCode.flatten = true;
    beforeCode = undefined;
    if (c === 40 || c === 91) brackets.push(c);
    else if (c === 123) {
      const top = brackets[brackets.length - 1];
      brackets.push(lastSig === 61 || lastSig === 44 || top === 61 || top === 40 ? 61 : 123);
    } else if (c === 41 || c === 93 || c === 125) brackets.pop();
    lastSig = isWordChar(c) ? 119 : c;
  }
  for (const g of groups) {
    if (!g.flatten) continue;
    const [first, ...rest] = g.directives;
    hide(ds[first].start, ds[first].end);
    for (const r of rest) {
      const last = g.directives[g.directives.length - 1];
      hide(ds[r].start, r === last ? ds[r].end : ds[last].start);
    }
  }
}

/** `#define f(x...)`: the named variadic parameter becomes `...`. */
function variadicMacroParameters(text: string, ds: readonly Directive[], out: string[]): void {
  for (const d of ds) {
    if (d.name !== 'define') continue;
    const m = /^#\s*define\s+\w+\([^)]*?(\w+)\.\.\.\)/.exec(text.slice(d.start, d.end));
    if (m) for (let i = 0; i < m[1].length; i++) out[d.start + m[0].length - 4 - m[1].length + i] = ' ';
  }
}

/** `SYSCALL_DEFINE2(name, T1, a1, T2, a2)` -> `long name(T1 a1, T2 a2)` with the same length. */
function syscallDefinition(text: string, kind: Uint8Array, out: string[], start: number, open: number, close: number): void {
  const commas = topLevelCommas(text, kind, open, close);
  const nameEnd = commas.length ? commas[0] : close;
  const name = text.slice(open + 1, nameEnd).trim();
  const head = `long ${name}(`;
  const room = nameEnd + 1 - start; // up to and including the comma (or the ')')
  if (!/^\w+$/.test(name) || head.length + (commas.length ? 0 : 1) > room) return;
  const full = commas.length ? head.padEnd(room, ' ') : head.padEnd(room - 1, ' ') + ')';
  for (let i = 0; i < room; i++) if (out[start + i] !== '\n') out[start + i] = full[i];
  // Every other comma separates a type from its parameter name.
  for (let c = 1; c < commas.length; c += 2) out[commas[c]] = ' ';
}

/** `DECLARE_BITMAP(name, bits)` -> `long           name[ bits]`. */
function declareBitmap(text: string, kind: Uint8Array, out: string[], start: number, open: number, close: number): void {
  const commas = topLevelCommas(text, kind, open, close);
  if (commas.length !== 1) return;
  replaceWord(out, start, text.slice(start, open + 1), 'long');
  out[commas[0]] = '[';
  out[close] = ']';
}

/** `DEFINE_*(...)`/`DECLARE_*(...)` declaring things: per-cpu ones become declarations, the rest are blanked. */
function definitionMacro(
  text: string,
  kind: Uint8Array,
  out: string[],
  blank: Blank,
  word: string,
  from: number,
  start: number,
  open: number,
  close: number,
): number {
  if (word.includes('PER_CPU')) {
    const commas = topLevelCommas(text, kind, open, close);
    if (commas.length !== 1) return close + 1;
    blank(start, open + 1);
    out[commas[0]] = ' ';
    out[close] = ' ';
    return open + 1;
  }
  const after = nextCode(text, kind, close + 1);
  if (text[after] === ';') {
    blank(from, after + 1);
    return after + 1;
  }
  if (after < text.length && !isWordStart(text.charCodeAt(after))) return close + 1;
  blank(from, close + 1); // `DEFINE_FREE(...)` without `;`
  return close + 1;
}

/** Macros inside function bodies: guards, loop heads, statement macros without `;`, type arguments. */
function statementMacro(
  text: string,
  kind: Uint8Array,
  out: string[],
  blank: Blank,
  word: string,
  start: number,
  open: number,
  close: number,
  atStatement: boolean,
): number {
  const after = nextCode(text, kind, close + 1);
  const next = text[after] ?? '';
  if (word === 'guard' && atStatement && next === '(') {
    const close2 = matchParen(text, kind, after);
    const semi = close2 > 0 ? nextCode(text, kind, close2 + 1) : -1;
    if (semi > 0 && text[semi] === ';') {
      blank(start, semi + 1);
      return semi + 1;
    }
  }
  if ((word === 'scoped_guard' || word === 'scoped_cond_guard') && atStatement) {
    blank(start, close + 1);
    return close + 1;
  }
  const isLoopName = word.includes('for_each') || word.endsWith('_foreach') || word.startsWith('while_each');
  const loopHead = next !== '' && !AFTER_EXPRESSION.has(next);
  if (loopHead && (isLoopName || (atStatement && next === '{'))) {
    replaceWord(out, start, word, word.length >= 5 ? 'while' : 'if');
  } else if (atStatement && isWordStart(text.charCodeAt(after))) {
    // `MACRO(x)` used as a statement without `;`: give it one, in the white space before the next statement.
    for (let i = close + 1; i < after; i++) {
      if (kind[i] === CODE && (text[i] === ' ' || text[i] === '\t')) {
        out[i] = ';';
        break;
      }
    }
  }
  joinTypeArguments(text, kind, out, open, close);
  return start + word.length;
}

const TYPE_ARGUMENT = /^\s*\w+([ \t]+\w+)+[ \t]*\**\s*$/;

/** `container_of(p, struct foo, member)`, `min_t(unsigned long, a, b)`: a type argument becomes one identifier. */
function joinTypeArguments(text: string, kind: Uint8Array, out: string[], open: number, close: number): void {
  let from = open + 1;
  for (const to of [...topLevelCommas(text, kind, open, close), close]) {
    const arg = text.slice(from, to);
    if (TYPE_ARGUMENT.test(arg)) {
      const lead = arg.length - arg.trimStart().length;
      const body = arg.trim();
      for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === ' ' || c === '\t') out[from + lead + i] = '_';
        else if (c === '*') out[from + lead + i] = ' ';
      }
    }
    from = to + 1;
  }
}

function topLevelCommas(text: string, kind: Uint8Array, open: number, close: number): number[] {
  const commas: number[] = [];
  let d = 0;
  for (let i = open + 1; i < close; i++) {
    if (kind[i] !== CODE) continue;
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) d++;
    else if (c === 41 || c === 93 || c === 125) d--;
    else if (c === 44 && d === 0) commas.push(i);
  }
  return commas;
}
