// Loads the core's assets the way the adapters do, but straight from node_modules and grammars/.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { SyntaxAssets } from '../../src/core/syntax/types';
import { readQueries } from '../../src/node/assets';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function loadAssets(): SyntaxAssets {
  return {
    treeSitterWasm: fs.readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    languageWasm: fs.readFileSync(path.join(path.dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm')),
    queries: readQueries(path.join(ROOT, 'grammars', 'queries')),
  };
}
