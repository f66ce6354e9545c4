// The C layer: web-tree-sitter + tree-sitter-c behind the CSyntax interface (types.ts).
import { Language, Parser, Query, type Node } from 'web-tree-sitter';
import type { Problem } from '../types';
import type { ScanCall } from '../report/types';
import type { FunctionIR } from './ir';
import type { CallSite, CSyntax, ParsedC, ParseOptions, SyntaxAssets } from './types';
import { fragmentCandidates, opensBody, plainParams, type Candidate } from './fragment';
import { calleeName, countErrors, firstError, functionName, guardsOf, lowerFunction, lowerTopLevel, textOf, type LowerContext } from './lower';
import { preprocess } from './preprocess';
import { candidateText } from './scan';

export type { CSyntax, SyntaxAssets, ParsedC, CallSite, ParseOptions } from './types';
export type * from './ir';

const QUERY_FILES = ['calls.scm', 'functions.scm'] as const;

/** Top-level node types that are not statements of an enclosing function. */
const NOT_STATEMENTS = new Set(['comment', 'function_definition', 'preproc_include', 'preproc_def', 'preproc_function_def', 'preproc_call', 'type_definition']);

export async function createCSyntax(assets: SyntaxAssets): Promise<CSyntax> {
  await Parser.init({ wasmBinary: assets.treeSitterWasm });
  const language = await Language.load(assets.languageWasm);
  const parser = new Parser();
  parser.setLanguage(language);
  for (const f of QUERY_FILES) if (!(f in assets.queries)) throw new Error(`query file ${f} missing from the assets`);
  const callsQuery = new Query(language, assets.queries['calls.scm']);
  const functionsQuery = new Query(language, assets.queries['functions.scm']);

  function parseTree(source: string) {
    const tree = parser.parse(preprocess(source));
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  function enclosingDefinition(n: Node): Node | null {
    let p = n.parent;
    while (p && p.type !== 'function_definition') p = p.parent;
    return p;
  }

  function callSites(ctx: LowerContext, root: Node, names: ReadonlySet<string> | undefined): CallSite[] {
    const calls: CallSite[] = [];
    for (const c of callsQuery.captures(root)) {
      if (c.name !== 'call') continue;
      const callee = calleeName(ctx, c.node.childForFieldName('function'));
      if (names && !names.has(callee)) continue;
      const def = enclosingDefinition(c.node);
      const args = c.node.childForFieldName('arguments')?.namedChildren ?? [];
      calls.push({
        callee,
        args: args.filter((a) => a && a.type !== 'comment').map((a) => textOf(ctx, a!).replace(/\s+/g, ' ').trim()),
        loc: ctx.at(c.node.startPosition.row, c.node.startPosition.column),
        function: def ? functionName(ctx, def) : ctx.outerName,
        guards: guardsOf(ctx, c.node),
      });
    }
    return calls;
  }

  function parseCandidate(cand: Candidate, lastLine: number, options: ParseOptions): ParsedC {
    const tree = parseTree(cand.source);
    try {
      const root = tree.rootNode;
      const ctx: LowerContext = {
        source: cand.source,
        outerName: options.enclosingFunction ?? '',
        outerParams: paramNames(options.enclosingParams),
        wrapperStart: cand.wrapperStart,
        textEnd: cand.textEnd,
        ...(cand.insideAbove ? { insideAbove: true } : {}),
        bodyShown: options.fragment && opensBody(cand.source.split('\n').slice(cand.prefixLines).join('\n')),
        at: (row, column) => ({ line: Math.min(lastLine, Math.max(0, row - cand.prefixLines)), character: row < cand.prefixLines ? 0 : column }),
      };
      const functions: FunctionIR[] = [];
      const definitions = functionsQuery
        .captures(root)
        .filter((c) => c.name === 'function' && !enclosingDefinition(c.node))
        .map((c) => c.node);
      if (options.fragment && cand.wrapperStart === undefined) {
        const firstDef = definitions[0]?.startIndex ?? Infinity;
        const outer = root.namedChildren.filter((c): c is Node => !!c && c.startIndex < firstDef && !NOT_STATEMENTS.has(c.type));
        if (outer.length) functions.push(lowerTopLevel(ctx, outer, outer.reduce((s, n) => s + countErrors(n), 0)));
      }
      for (const d of definitions) functions.push(lowerFunction(ctx, d));
      const errorNodes = countErrors(root);
      const problems: Problem[] = [];
      if (errorNodes > 0) {
        const first = firstError(root);
        const line = first ? ctx.at(first.startPosition.row, first.startPosition.column).line : undefined;
        problems.push({
          severity: 'warning',
          message: `C parse: ${errorNodes} ERROR/MISSING node(s) left after the kernel-macro pre-pass${line === undefined ? '' : `, first at line ${line + 1}`}`,
          ...(line === undefined ? {} : { line }),
        });
      }
      return { functions, calls: callSites(ctx, root, options.names), errorNodes, problems };
    } finally {
      tree.delete();
    }
  }

  return {
    preprocess,
    parse(text, options = {}) {
      const lines = text.split('\n');
      const lastLine = Math.max(0, lines.length - (lines[lines.length - 1] === '' ? 2 : 1));
      const candidates = options.fragment ? fragmentCandidates(text, options.enclosingFunction, options.enclosingParams) : [{ source: text, prefixLines: 0 }];
      let best: ParsedC | undefined;
      for (const cand of candidates) {
        const r = parseCandidate(cand, lastLine, options);
        if (!best || r.errorNodes < best.errorNodes) best = r;
        if (best.errorNodes === 0) break;
      }
      return best!;
    },
    scan(path, text, names) {
      const cand = candidateText(text, names);
      if (!cand) return { calls: [], problems: [] };
      const tree = parseTree(cand);
      try {
        const ctx: LowerContext = { source: cand, outerName: '', at: (line, character) => ({ line, character }) };
        const calls: ScanCall[] = [];
        for (const c of callsQuery.captures(tree.rootNode)) {
          if (c.name !== 'call') continue;
          const callee = calleeName(ctx, c.node.childForFieldName('function'));
          if (!names.has(callee)) continue;
          const def = enclosingDefinition(c.node);
          const fn = def ? functionName(ctx, def) : '';
          calls.push({ path, line: c.node.startPosition.row, character: c.node.startPosition.column, callee, ...(fn ? { function: fn } : {}) });
        }
        return { calls, problems: [] };
      } finally {
        tree.delete();
      }
    },
    dispose() {
      callsQuery.delete();
      functionsQuery.delete();
      parser.delete();
    },
  };
}

/** The names in a parameter list (`struct vm_area_struct *vma, unsigned long gup_flags` -> vma, gup_flags). */
function paramNames(list: string | undefined): string[] {
  const plain = plainParams(list);
  return plain ? plain.split(',').map((p) => /(\w+)\s*(?:\[[^\]]*\])*\s*$/.exec(p.trim())?.[1] ?? '') : [];
}
