// Node side of the core's assets: the two .wasm files and the queries, as copied into dist/ by
// the build. Shared by the adapters (the CLI and the language server, bundled into dist/).
import fs from 'node:fs';
import path from 'node:path';
import { RULE_IDS, type Assets, type RuleId } from '../core';

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

/** Each rule's README by rule id, read from the rules folder beside the bundle's folder
 * (src/core/rules/<id>/README.md: the repository, and the extension package, which ships them). */
export function readRuleDocs(distDir: string): Partial<Record<RuleId, string>> {
  const dir = path.join(distDir, '..', 'src', 'core', 'rules');
  const docs: Partial<Record<RuleId, string>> = {};
  for (const id of RULE_IDS) {
    try {
      docs[id] = fs.readFileSync(path.join(dir, id, 'README.md'), 'utf8');
    } catch {
      // A missing README leaves the rule with its summary only.
    }
  }
  return docs;
}
