// Bundles the CLI, the language server and the VS Code extension (its client), and copies the assets the core needs at run time
// (the two tree-sitter .wasm files out of node_modules, and the query files) into dist/.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = path.resolve('dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'queries'), { recursive: true });

// web-tree-sitter's ESM build reads import.meta.url, which a CJS bundle lacks: give it the bundle's own URL.
const importMetaUrl = "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  define: { 'import.meta.url': '__importMetaUrl' },
};
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${importMetaUrl}` } }),
  esbuild.build({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], banner: { js: importMetaUrl } }),
  esbuild.build({ ...common, entryPoints: ['src/lsp/main.ts'], outfile: 'dist/lsp.js', banner: { js: importMetaUrl } }),
]);
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);

fs.copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
fs.copyFileSync(path.join(path.dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'), path.join(dist, 'tree-sitter-c.wasm'));
for (const f of fs.readdirSync('grammars/queries')) fs.copyFileSync(path.join('grammars/queries', f), path.join(dist, 'queries', f));
