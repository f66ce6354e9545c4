// Lowers a tree-sitter-c tree to the IR (ir.ts) and finds call sites with their guards.
// Texts come from `source` (the text before the pre-pass, same length), so the IR shows the C as
// written; locations go through `at` so fragment repairs can be mapped back.
import type { Node } from 'web-tree-sitter';
import type { Expr, FunctionIR, Loc, Stmt, SwitchCase } from './ir';

export interface LowerContext {
  /** The text that was parsed, before the pre-pass (same length as the preprocessed text). */
  readonly source: string;
  /** Maps a tree position to a Loc of the caller's text. */
  readonly at: (row: number, column: number) => Loc;
  /** Name given to statements outside any function definition and to the synthetic fragment wrapper. */
  readonly outerName: string;
  /** The enclosing function's parameter names, when the hunk header shows them (top-level fragments). */
  readonly outerParams?: readonly string[];
  /** A function_definition node that is the synthetic fragment wrapper, if any (by start index). */
  readonly wrapperStart?: number;
  /** The fragment starts with its function's opening brace (column 0): its statements are the body
   * from its start, though the head above it is not shown. */
  readonly bodyShown?: boolean;
  /** The wrapper opens a construct above the fragment (Candidate.insideAbove). */
  readonly insideAbove?: boolean;
  /** Where the input's text ends in `source`: a definition that goes on past it is cut. */
  readonly textEnd?: number;
}

const SKIPPED = new Set(['comment', '{', '}', ';']);

export function textOf(ctx: LowerContext, n: Node): string {
  return ctx.source.slice(n.startIndex, n.endIndex);
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function locOf(ctx: LowerContext, n: Node): Loc {
  return ctx.at(n.startPosition.row, n.startPosition.column);
}

/** ERROR and MISSING nodes under `n`. */
export function countErrors(n: Node): number {
  if (!n.hasError) return 0;
  let count = 0;
  const cursor = n.walk();
  let more = true;
  while (more) {
    const c = cursor.currentNode;
    if (c.isError || c.isMissing) count++;
    if (c.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent() || cursor.currentNode.equals(n)) {
        more = false;
        break;
      }
    }
  }
  cursor.delete();
  return count;
}

/** First ERROR or MISSING node under `n`, in document order. */
export function firstError(n: Node): Node | undefined {
  if (n.isError || n.isMissing) return n;
  if (!n.hasError) return undefined;
  for (const c of n.children) {
    const e = c && firstError(c);
    if (e) return e;
  }
  return undefined;
}

function declaratorName(d: Node | null): string {
  while (d) {
    if (d.type === 'identifier' || d.type === 'field_identifier' || d.type === 'type_identifier') return d.text;
    d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c?.type.endsWith('declarator') || c?.type === 'identifier') ?? null;
  }
  return '';
}

function functionDeclarator(d: Node | null): Node | null {
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  return d;
}

export function functionName(ctx: LowerContext, def: Node): string {
  if (def.startIndex === ctx.wrapperStart) return ctx.outerName;
  return declaratorName(functionDeclarator(def.childForFieldName('declarator'))?.childForFieldName('declarator') ?? null);
}

export function lowerFunction(ctx: LowerContext, def: Node): FunctionIR {
  const params: string[] = [];
  const fd = functionDeclarator(def.childForFieldName('declarator'));
  for (const p of fd?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'parameter_declaration') continue;
    const name = declaratorName(p.childForFieldName('declarator'));
    if (name) params.push(name);
  }
  const body = def.childForFieldName('body');
  const start = locOf(ctx, def);
  const end = ctx.at(def.endPosition.row, def.endPosition.column);
  return {
    name: functionName(ctx, def),
    params,
    body: body ? lowerStmt(ctx, body) : { k: 'block', body: [], loc: start },
    startLine: start.line,
    endLine: end.line,
    errorNodes: countErrors(def),
    ...(def.startIndex === ctx.wrapperStart && !ctx.bodyShown ? { partial: true, ...(ctx.insideAbove ? { insideAbove: true } : {}) } : {}),
    ...(ctx.textEnd !== undefined && def.endIndex > ctx.textEnd ? { cut: true } : {}),
  };
}

/** Top-level statements (fragments parsed without a wrapper) as one function. */
export function lowerTopLevel(ctx: LowerContext, nodes: readonly Node[], errors: number): FunctionIR {
  const body = lowerList(ctx, nodes);
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  const start = locOf(ctx, first);
  return {
    name: ctx.outerName,
    params: ctx.outerParams ?? [],
    body: { k: 'block', body, loc: start },
    startLine: start.line,
    endLine: ctx.at(last.endPosition.row, last.endPosition.column).line,
    errorNodes: errors,
    ...(ctx.bodyShown ? {} : { partial: true }),
  };
}

function lowerList(ctx: LowerContext, nodes: readonly (Node | null)[]): Stmt[] {
  const out: Stmt[] = [];
  for (const n of nodes) if (n && n.isNamed && !SKIPPED.has(n.type)) lowerInto(ctx, n, out);
  return out;
}

/** Lowers one statement node, flattening labels (`label:` then its statement). */
function lowerInto(ctx: LowerContext, n: Node, out: Stmt[]): void {
  if (n.type === 'labeled_statement') {
    out.push({ k: 'label', name: n.childForFieldName('label')?.text ?? '', loc: locOf(ctx, n) });
    out.push(...lowerList(ctx, n.namedChildren.filter((c) => c?.type !== 'statement_identifier')));
    return;
  }
  out.push(lowerStmt(ctx, n));
}

function asBlock(ctx: LowerContext, nodes: readonly (Node | null)[], loc: Loc): Stmt {
  const body = lowerList(ctx, nodes);
  return body.length === 1 ? body[0] : { k: 'block', body, loc };
}

export function lowerStmt(ctx: LowerContext, n: Node): Stmt {
  const loc = locOf(ctx, n);
  const field = (name: string) => n.childForFieldName(name);
  switch (n.type) {
    case 'compound_statement':
      return { k: 'block', body: lowerList(ctx, n.namedChildren), loc };
    case 'expression_statement': {
      const e = n.namedChildren.find((c) => c && c.type !== 'comment');
      return e ? { k: 'expr', expr: lowerExpr(ctx, e), loc } : { k: 'block', body: [], loc };
    }
    case 'declaration':
      return lowerDecl(ctx, n, loc);
    case 'if_statement': {
      const alt = field('alternative');
      const altStmt = alt?.namedChildren.find((c) => c && c.type !== 'comment');
      return {
        k: 'if',
        cond: lowerCondition(ctx, field('condition'), loc),
        then: field('consequence') ? lowerStmt(ctx, field('consequence')!) : { k: 'block', body: [], loc },
        ...(altStmt ? { else: lowerStmt(ctx, altStmt) } : {}),
        loc,
      };
    }
    case 'switch_statement':
      return { k: 'switch', subject: lowerCondition(ctx, field('condition'), loc), cases: lowerCases(ctx, field('body')), loc };
    case 'while_statement':
    case 'for_statement': {
      const body = field('body');
      const head = body ? ctx.source.slice(n.startIndex, body.startIndex) : textOf(ctx, n);
      const cond = field('condition');
      return {
        k: 'loop',
        ...(cond ? { cond: lowerCondition(ctx, cond, loc) } : {}),
        body: body ? lowerStmt(ctx, body) : { k: 'block', body: [], loc },
        text: squash(head),
        loc,
      };
    }
    case 'do_statement': {
      const body = field('body');
      const cond = field('condition');
      const bodyStmt: Stmt = body ? lowerStmt(ctx, body) : { k: 'block', body: [], loc };
      // do { } while (0): the body runs once.
      if (cond && /^\(\s*0\s*\)$/.test(textOf(ctx, cond))) return bodyStmt;
      return { k: 'loop', ...(cond ? { cond: lowerCondition(ctx, cond, loc) } : {}), body: bodyStmt, text: squash(`do while ${cond ? textOf(ctx, cond) : ''}`), loc };
    }
    case 'return_statement': {
      const v = n.namedChildren.find((c) => c && c.type !== 'comment');
      return v ? { k: 'return', value: lowerExpr(ctx, v), loc } : { k: 'return', loc };
    }
    case 'goto_statement':
      return { k: 'goto', label: field('label')?.text ?? '', loc };
    case 'break_statement':
      return { k: 'break', loc };
    case 'continue_statement':
      return { k: 'continue', loc };
    case 'labeled_statement':
      return { k: 'block', body: lowerList(ctx, [n]), loc };
    case 'preproc_if':
    case 'preproc_ifdef':
    case 'preproc_elif':
    case 'preproc_elifdef': {
      // Both configurations are possible: an `if` on the directive's condition.
      const alt = field('alternative');
      const head = field('condition') ?? field('name');
      const inner = n.namedChildren.filter((c) => c && !(alt && c.equals(alt)) && !(head && c.equals(head)));
      const cond: Expr = { k: 'other', parts: [], text: directiveHead(ctx, n), loc };
      return { k: 'if', cond, then: asBlock(ctx, inner, loc), ...(alt ? { else: lowerStmt(ctx, alt) } : {}), loc };
    }
    case 'preproc_else':
      return asBlock(ctx, n.namedChildren, loc);
    case 'ERROR':
      // What did not parse still runs its calls, in order, after a marker that it did not parse.
      return { k: 'block', body: [{ k: 'unknown', text: textOf(ctx, n), loc }, ...lowerList(ctx, n.namedChildren)], loc };
    default: {
      // Nested definitions, asm, type definitions...: keep their calls.
      return { k: 'expr', expr: other(ctx, n), loc };
    }
  }
}

function directiveHead(ctx: LowerContext, n: Node): string {
  return squash(textOf(ctx, n).split('\n')[0]);
}

function lowerCondition(ctx: LowerContext, n: Node | null, loc: Loc): Expr {
  if (!n) return { k: 'other', parts: [], text: '', loc };
  return lowerExpr(ctx, n);
}

function lowerCases(ctx: LowerContext, body: Node | null): SwitchCase[] {
  const cases: SwitchCase[] = [];
  let pendingLabels: Expr[] = [];
  let pendingDefault = false;
  let pendingLoc: Loc | undefined;
  for (const c of body?.namedChildren ?? []) {
    if (c?.type !== 'case_statement') continue;
    const value = c.childForFieldName('value');
    const loc = locOf(ctx, c);
    pendingLoc ??= loc;
    if (value) pendingLabels.push(lowerExpr(ctx, value));
    else pendingDefault = true;
    const stmts = c.namedChildren.filter((s) => s && !(value && s.equals(value)));
    const lowered = lowerList(ctx, stmts);
    if (lowered.length === 0) continue; // `case A: case B:` share the next body
    cases.push({ labels: pendingLabels, isDefault: pendingDefault, body: lowered, loc: pendingLoc });
    pendingLabels = [];
    pendingDefault = false;
    pendingLoc = undefined;
  }
  if (pendingLoc) cases.push({ labels: pendingLabels, isDefault: pendingDefault, body: [], loc: pendingLoc });
  return cases;
}

function lowerDecl(ctx: LowerContext, n: Node, loc: Loc): Stmt {
  const names: string[] = [];
  const inits: Expr[] = [];
  for (const d of n.childrenForFieldName('declarator')) {
    if (!d) continue;
    if (d.type === 'init_declarator') {
      names.push(declaratorName(d.childForFieldName('declarator')));
      const v = d.childForFieldName('value');
      if (v) inits.push(lowerExpr(ctx, v));
    } else names.push(declaratorName(d));
  }
  return { k: 'decl', names: names.filter(Boolean), inits, text: squash(textOf(ctx, n)), loc };
}

export function calleeName(ctx: LowerContext, f: Node | null): string {
  if (!f) return '';
  if (f.type === 'parenthesized_expression') {
    const inner = f.namedChildren.find((c) => c && c.type !== 'comment');
    if (inner && (inner.type === 'identifier' || inner.type === 'field_expression')) return calleeName(ctx, inner);
  }
  return textOf(ctx, f).replace(/\s+/g, '');
}

export function lowerExpr(ctx: LowerContext, n: Node): Expr {
  const loc = locOf(ctx, n);
  const text = textOf(ctx, n);
  const field = (name: string) => n.childForFieldName(name);
  switch (n.type) {
    case 'call_expression': {
      const args = (field('arguments')?.namedChildren ?? []).filter((a) => a && a.type !== 'comment') as Node[];
      return { k: 'call', callee: calleeName(ctx, field('function')), args: args.map((a) => lowerExpr(ctx, a)), text, loc };
    }
    case 'binary_expression': {
      const l = field('left');
      const r = field('right');
      if (!l || !r) break;
      return { k: 'binary', op: field('operator')?.type ?? '', left: lowerExpr(ctx, l), right: lowerExpr(ctx, r), text, loc };
    }
    case 'unary_expression':
    case 'pointer_expression': {
      const a = field('argument');
      if (!a) break;
      return { k: 'unary', op: field('operator')?.type ?? '', arg: lowerExpr(ctx, a), text, loc };
    }
    case 'update_expression': {
      const a = field('argument');
      const op = field('operator');
      if (!a || !op) break;
      return { k: 'unary', op: op.type, arg: lowerExpr(ctx, a), text, loc };
    }
    case 'assignment_expression': {
      const l = field('left');
      const r = field('right');
      if (!l || !r) break;
      return { k: 'assign', op: field('operator')?.type ?? '=', target: lowerExpr(ctx, l), value: lowerExpr(ctx, r), text, loc };
    }
    case 'conditional_expression': {
      const c = field('condition');
      const t = field('consequence');
      const e = field('alternative');
      if (!c || !t || !e) break;
      return { k: 'cond', test: lowerExpr(ctx, c), then: lowerExpr(ctx, t), else: lowerExpr(ctx, e), text, loc };
    }
    case 'identifier':
    case 'true':
    case 'false':
    case 'null':
      return { k: 'ident', name: text, text, loc };
    case 'field_expression': {
      const base = field('argument');
      if (!base) break;
      return { k: 'field', path: text.replace(/\s+/g, ''), base: lowerExpr(ctx, base), text, loc };
    }
    case 'number_literal': {
      const value = parseNumber(text);
      if (value === undefined) break;
      return { k: 'number', value, text, loc };
    }
    case 'parenthesized_expression': {
      const inner = n.namedChildren.filter((c) => c && c.type !== 'comment');
      if (inner.length === 1) return lowerExpr(ctx, inner[0]!);
      break;
    }
  }
  return other(ctx, n);
}

function other(ctx: LowerContext, n: Node): Expr {
  const parts: Expr[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type === 'comment' || c.type === 'type_descriptor' || c.type.endsWith('_type') || c.type === 'type_identifier') continue;
    parts.push(lowerExpr(ctx, c));
  }
  return { k: 'other', parts, text: textOf(ctx, n), loc: locOf(ctx, n) };
}

function parseNumber(text: string): number | undefined {
  const t = text.replace(/[uUlL]+$/, '');
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0[bB][01]+$/.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^0[0-7]+$/.test(t)) v = parseInt(t.slice(1), 8);
  else if (/^\d+(\.\d*)?([eE][-+]?\d+)?$/.test(t)) v = Number(t);
  else return undefined;
  return Number.isFinite(v) ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// Guards: the conditions that must hold to reach a node, outermost first.

const EXIT_TYPES = new Set(['return_statement', 'goto_statement']);

/** `if (x) return ...;` / `if (x) { ...; goto out; }` without else: the exit kind, or undefined. */
function earlyExit(n: Node): string | undefined {
  if (n.type !== 'if_statement' || n.childForFieldName('alternative')) return undefined;
  let c = n.childForFieldName('consequence');
  if (c?.type === 'compound_statement') {
    const stmts = c.namedChildren.filter((s) => s && s.type !== 'comment');
    c = stmts[stmts.length - 1] ?? null;
  }
  if (!c || !EXIT_TYPES.has(c.type)) return undefined;
  return c.type === 'return_statement' ? 'return' : `goto ${c.childForFieldName('label')?.text ?? ''}`;
}

function condText(ctx: LowerContext, n: Node | null): string {
  return n ? squash(textOf(ctx, n)) : '';
}

/** What the statements before a given child of a block-like node say: early exits, the label. */
interface SiblingState {
  readonly guards: readonly string[];
  readonly count: number;
  readonly label: string;
}

/**
 * Per parse and per block, the state before each child (by start index), built in one pass so that
 * a block with n statements costs O(n), not O(n) per call inside it (a 10,000-way switch).
 */
const siblingIndex = new WeakMap<LowerContext, Map<number, Map<number, SiblingState>>>();

function siblingStates(ctx: LowerContext, parent: Node): Map<number, SiblingState> {
  let byParent = siblingIndex.get(ctx);
  if (!byParent) siblingIndex.set(ctx, (byParent = new Map()));
  let states = byParent.get(parent.id);
  if (states) return states;
  states = new Map();
  let guards: string[] = [];
  let label = '';
  for (const s of parent.namedChildren) {
    if (!s) continue;
    states.set(s.startIndex, { guards, count: guards.length, label });
    if (s.type === 'labeled_statement') {
      // Jumps reach the label from anywhere: earlier early exits no longer tell how we got here.
      label = s.childForFieldName('label')?.text ?? '';
      guards = [];
    }
    const exit = earlyExit(s);
    if (exit) guards.push(`after early ${exit} if ${condText(ctx, s.childForFieldName('condition'))}`);
  }
  byParent.set(parent.id, states);
  return states;
}

/** Guards from statements before `child` in a block-like `parent` (early exits, the label it follows). */
function siblingGuards(ctx: LowerContext, parent: Node, child: Node): string[] {
  if (child.type === 'labeled_statement') return []; // its own label guard comes next
  const st = siblingStates(ctx, parent).get(child.startIndex);
  if (!st) return [];
  const guards = st.guards.slice(0, st.count);
  if (st.label) guards.push(`in goto label ${st.label}`);
  return guards;
}

function caseGuard(ctx: LowerContext, c: Node): string {
  const labels: string[] = [];
  for (let s: Node | null = c; s && s.type === 'case_statement'; s = s.previousNamedSibling) {
    const value = s.childForFieldName('value');
    if (s !== c && s.namedChildren.some((x) => x && x.type !== 'comment' && !(value && x.equals(value)))) break;
    labels.unshift(value ? condText(ctx, value) : 'default');
  }
  return labels.includes('default') && labels.length === 1 ? 'default' : `case ${labels.join(', ')}`;
}

export function guardsOf(ctx: LowerContext, node: Node): string[] {
  const levels: string[][] = [];
  let child = node;
  for (let p = node.parent; p && p.type !== 'function_definition'; child = p, p = p.parent) {
    const here: string[] = [];
    switch (p.type) {
      case 'translation_unit': // top-level statements of a fragment
      case 'compound_statement':
        here.push(...siblingGuards(ctx, p, child));
        break;
      case 'case_statement': {
        const value = p.childForFieldName('value');
        if (value && child.equals(value)) break;
        here.push(caseGuard(ctx, p), ...siblingGuards(ctx, p, child));
        break;
      }
      case 'labeled_statement':
        here.push(`in goto label ${p.childForFieldName('label')?.text ?? ''}`);
        break;
      case 'if_statement':
        if (p.childForFieldName('consequence')?.equals(child)) here.push(`if ${condText(ctx, p.childForFieldName('condition'))}`);
        else if (p.childForFieldName('alternative')?.equals(child)) here.push(`else of if ${condText(ctx, p.childForFieldName('condition'))}`);
        break;
      case 'conditional_expression':
        if (p.childForFieldName('consequence')?.equals(child)) here.push(`if (${condText(ctx, p.childForFieldName('condition'))})`);
        else if (p.childForFieldName('alternative')?.equals(child)) here.push(`else of if (${condText(ctx, p.childForFieldName('condition'))})`);
        break;
      case 'binary_expression':
        if (p.childForFieldName('operator')?.type === '&&' && p.childForFieldName('right')?.equals(child))
          here.push(`if (${condText(ctx, p.childForFieldName('left'))})`);
        break;
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif': {
        const head = p.childForFieldName('condition') ?? p.childForFieldName('name');
        if (!p.childForFieldName('alternative')?.equals(child) && !head?.equals(child)) here.push(directiveHead(ctx, p));
        break;
      }
      case 'preproc_else':
        here.push(p.parent ? `#else of ${directiveHead(ctx, p.parent)}` : '#else');
        break;
    }
    levels.push(here);
  }
  return levels.reverse().flat();
}
