// A small structured IR of C function bodies, lowered from tree-sitter trees by lower.ts.
// The simulator interprets it; it never sees tree-sitter nodes (trees are deleted after lowering).
// Lines/characters are 0-based positions in the text that was parsed (not the document).

export interface Loc {
  readonly line: number;
  readonly character: number;
}

export type Expr =
  | { readonly k: 'call'; readonly callee: string; readonly args: readonly Expr[]; readonly text: string; readonly loc: Loc }
  | { readonly k: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly text: string; readonly loc: Loc }
  | { readonly k: 'unary'; readonly op: string; readonly arg: Expr; readonly text: string; readonly loc: Loc }
  | { readonly k: 'assign'; readonly op: string; readonly target: Expr; readonly value: Expr; readonly text: string; readonly loc: Loc }
  | { readonly k: 'cond'; readonly test: Expr; readonly then: Expr; readonly else: Expr; readonly text: string; readonly loc: Loc }
  | { readonly k: 'ident'; readonly name: string; readonly text: string; readonly loc: Loc }
  /** `a->b`, `a.b`: `path` is the field chain as written without spaces, e.g. "page->pgmap->type". */
  | { readonly k: 'field'; readonly path: string; readonly base: Expr; readonly text: string; readonly loc: Loc }
  | { readonly k: 'number'; readonly value: number; readonly text: string; readonly loc: Loc }
  /** Anything else (casts, subscripts, literals, sizeof, comma lists): its calls are kept in order. */
  | { readonly k: 'other'; readonly parts: readonly Expr[]; readonly text: string; readonly loc: Loc };

export type Stmt =
  | { readonly k: 'block'; readonly body: readonly Stmt[]; readonly loc: Loc }
  | { readonly k: 'expr'; readonly expr: Expr; readonly loc: Loc }
  /** A declaration; `inits` are the initialiser expressions, in order. */
  | { readonly k: 'decl'; readonly names: readonly string[]; readonly inits: readonly Expr[]; readonly text: string; readonly loc: Loc }
  | { readonly k: 'if'; readonly cond: Expr; readonly then: Stmt; readonly else?: Stmt; readonly loc: Loc }
  | { readonly k: 'switch'; readonly subject: Expr; readonly cases: readonly SwitchCase[]; readonly loc: Loc }
  /** for / while / do / kernel iterator macros (list_for_each_entry(...) { }): `cond` when known. */
  | { readonly k: 'loop'; readonly cond?: Expr; readonly body: Stmt; readonly text: string; readonly loc: Loc }
  | { readonly k: 'return'; readonly value?: Expr; readonly loc: Loc }
  | { readonly k: 'goto'; readonly label: string; readonly loc: Loc }
  | { readonly k: 'label'; readonly name: string; readonly loc: Loc }
  | { readonly k: 'break'; readonly loc: Loc }
  | { readonly k: 'continue'; readonly loc: Loc }
  /** Something the lowering could not understand (an ERROR node); kept so paths stay honest. */
  | { readonly k: 'unknown'; readonly text: string; readonly loc: Loc };

export interface SwitchCase {
  /** Case label expressions; empty for `default:`. */
  readonly labels: readonly Expr[];
  readonly isDefault: boolean;
  readonly body: readonly Stmt[];
  readonly loc: Loc;
}

export interface FunctionIR {
  readonly name: string;
  readonly params: readonly string[];
  readonly body: Stmt;
  /** Lines [start, end] of the whole definition in the parsed text. */
  readonly startLine: number;
  readonly endLine: number;
  /** Number of ERROR/MISSING nodes inside the definition after the pre-pass. */
  readonly errorNodes: number;
  /** Statements of a fragment: the definition's head (its start) is not in the input. */
  readonly partial?: boolean;
  /** A partial body whose shown code all runs inside a construct above the hunk (Candidate.insideAbove). */
  readonly insideAbove?: boolean;
  /** A definition the fragment shows from its head but not to its closing brace (its end is not in the input). */
  readonly cut?: boolean;
}
