import type { Problem } from '../types';
import type { ScanCall } from '../report/types';
import type { FunctionIR, Loc } from './ir';

/** Bytes and texts the adapters read from dist/ (or node_modules + grammars/ in tests). */
export interface SyntaxAssets {
  readonly treeSitterWasm: Uint8Array;
  readonly languageWasm: Uint8Array;
  /** Query files by file name ("calls.scm" -> text), from grammars/queries/. */
  readonly queries: Readonly<Record<string, string>>;
}

/** A call to a name of interest, with what guards it. Positions are in the parsed text. */
export interface CallSite {
  readonly callee: string;
  readonly args: readonly string[];
  readonly loc: Loc;
  /** Enclosing function ("" when outside any). */
  readonly function: string;
  /** Conditions that must hold to reach the call, outermost first, e.g. "if (pgmap->type == MEMORY_DEVICE_PRIVATE)", "else of if (!page)", "case MEMORY_DEVICE_FS_DAX", "after early return if (ret)", "goto err_free path". */
  readonly guards: readonly string[];
}

export interface ParsedC {
  readonly functions: readonly FunctionIR[];
  readonly calls: readonly CallSite[];
  /** ERROR/MISSING nodes left after the pre-pass (0 = clean parse). */
  readonly errorNodes: number;
  readonly problems: readonly Problem[];
}

export interface ParseOptions {
  /** The text is a hunk fragment, not a whole file: repair unbalanced braces, wrap statements. */
  readonly fragment?: boolean;
  /** For fragments: the function the fragment starts inside (the hunk header's function). */
  readonly enclosingFunction?: string;
  /** For fragments: that function's parameter list as the hunk header shows it, for its parameters' names. */
  readonly enclosingParams?: string;
  /** Names of interest for `calls`; all calls when absent. */
  readonly names?: ReadonlySet<string>;
}

export interface CSyntax {
  /** Length-preserving neutralisation of kernel macros that derail tree-sitter-c. */
  preprocess(text: string): string;
  parse(text: string, options?: ParseOptions): ParsedC;
  /** Recognised call sites of `names` in one C file (only parses what can matter). */
  scan(path: string, text: string, names: ReadonlySet<string>): { calls: ScanCall[]; problems: Problem[] };
  dispose(): void;
}
