// Packages the built extension (run `npm run build` first; `npm run package` does both) into
// pageref-lens-<version>.vsix with @vscode/vsce, offline, and checks that the package holds what
// the extension loads at run time. Prints the .vsix size.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const out = path.join(root, `${name}-${version}.vsix`);
// No dependencies (esbuild bundled them), no repository or LICENSE prompts, no link rewriting
// (that would need a repository URL): packaging must never wait for input or the network.
const flags = ['--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'];
const run = (args) => execFileSync(vsce, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const files = run(['ls', '--no-dependencies']).split('\n').filter(Boolean);
const required = ['package.json', 'dist/extension.js', 'dist/lsp.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-c.wasm', 'media/simulation.js', 'media/simulation.css', 'media/patch-mail.tmLanguage.json', 'media/patch-mail.language-configuration.json'];
const missing = required.filter((f) => !files.includes(f));
if (!files.some((f) => /^dist\/queries\/.+\.scm$/.test(f))) missing.push('dist/queries/*.scm');
if (missing.length) {
  console.error(`package: missing from the package: ${missing.join(', ')} (run npm run build; check .vscodeignore)`);
  process.exit(1);
}
const stray = files.filter((f) => /(^|\/)node_modules\/|^src\/(?!core\/rules\/[^/]+\/README\.md$)|^test\//.test(f));
if (stray.length) {
  console.error(`package: files that do not belong in the package: ${stray.join(', ')} (check .vscodeignore)`);
  process.exit(1);
}
run(['package', ...flags, '--out', out]);
const bytes = fs.statSync(out).size;
console.log(`${path.relative(process.cwd(), out)}: ${files.length} files, ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`);
