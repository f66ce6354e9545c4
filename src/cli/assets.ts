// Node side of the core's assets: the two .wasm files and the queries, as copied into dist/ by
// the build. Shared by the CLI and the VS Code extension (both are bundled into dist/).
import fs from 'node:fs';
import path from 'node:path';
import type { Assets } from '../core';

export function loadAssets(dir: string): Assets {
  return {
    treeSitterWasm: fs.readFileSync(path.join(dir, 'web-tree-sitter.wasm')),
    languageWasm: fs.readFileSync(path.join(dir, 'tree-sitter-c.wasm')),
    queries: readQueries(path.join(dir, 'queries')),
  };
}

/** The tree-sitter query files of a folder, by file name. */
export function readQueries(dir: string): Record<string, string> {
  const queries: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.scm')) queries[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  return queries;
}
