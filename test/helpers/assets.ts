// Loads the core's assets the way the adapters do, but straight from node_modules and grammars/.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { SyntaxAssets } from '../../src/core/syntax/types';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function loadAssets(): SyntaxAssets {
  const qdir = path.join(ROOT, 'grammars', 'queries');
  const queries: Record<string, string> = {};
  for (const f of fs.readdirSync(qdir)) if (f.endsWith('.scm')) queries[f] = fs.readFileSync(path.join(qdir, f), 'utf8');
  return {
    treeSitterWasm: fs.readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    languageWasm: fs.readFileSync(path.join(path.dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm')),
    queries,
  };
}
