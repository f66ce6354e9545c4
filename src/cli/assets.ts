// Node side of the core's assets: the two .wasm files and the queries, as copied into dist/ by
// the build. Shared by the CLI and the VS Code extension (both are bundled into dist/).
import fs from 'node:fs';
import path from 'node:path';
import type { Assets, KernelTree } from '../core';

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

/** A kernel source tree on disk, read lazily, one file at a time. */
export function diskKernelTree(root: string): KernelTree {
  return {
    readFile(rel: string) {
      const p = path.resolve(root, rel);
      if (!p.startsWith(path.resolve(root) + path.sep)) return undefined;
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Does `dir` look like a Linux kernel tree (mm/ and a top Makefile with VERSION)? */
export function looksLikeKernelTree(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, 'mm')).isDirectory() && /^VERSION\s*=/m.test(fs.readFileSync(path.join(dir, 'Makefile'), 'utf8'));
  } catch {
    return false;
  }
}
