// The floor for anything that parses every line: web-tree-sitter + tree-sitter-c straight from
// node_modules, no preprocessing, no queries. Run as a child of bench.mjs so node start-up and
// wasm loading count as they do for the CLI.
//   node bench/bare-parse.mjs diff FILE     parse the + and context lines of each hunk of the .c/.h
//                                           files of a unified diff (one parse per hunk)
//   node bench/bare-parse.mjs files DIR...  parse every .c/.h file under the folders
// Prints one JSON line: { units, bytes, parseMs }.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Parser, Language } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
const [mode, ...args] = process.argv.slice(2);
const isC = (p) => p.endsWith('.c') || p.endsWith('.h');

/** Post-image text of each hunk of a C file in a unified diff. */
function* diffHunks(text) {
  let inC = false;
  let hunk = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      if (hunk) yield hunk.join('\n');
      hunk = null;
      inC = isC(line.slice(line.lastIndexOf(' ') + 1));
    } else if (line.startsWith('@@ ')) {
      if (hunk) yield hunk.join('\n');
      hunk = inC ? [] : null;
    } else if (hunk && (line.startsWith('+') || line.startsWith(' '))) {
      hunk.push(line.slice(1));
    }
  }
  if (hunk) yield hunk.join('\n');
}

function* treeFiles(dir) {
  const st = fs.statSync(dir);
  if (st.isFile()) {
    if (isC(dir)) yield fs.readFileSync(dir, 'utf8');
    return;
  }
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* treeFiles(p);
    else if (e.isFile() && isC(p)) yield fs.readFileSync(p, 'utf8');
  }
}

await Parser.init();
const language = await Language.load(
  fs.readFileSync(path.join(path.dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm')),
);
const parser = new Parser();
parser.setLanguage(language);

const texts = mode === 'diff' ? diffHunks(fs.readFileSync(args[0], 'utf8')) : mode === 'files' ? args.flatMap((d) => [...treeFiles(d)]) : null;
if (!texts) {
  console.error('usage: bare-parse.mjs diff FILE | files DIR...');
  process.exit(2);
}
let units = 0;
let bytes = 0;
let parseMs = 0;
for (const text of texts) {
  const t0 = performance.now();
  parser.parse(text)?.delete();
  parseMs += performance.now() - t0;
  units += 1;
  bytes += text.length;
}
parser.delete();
console.log(JSON.stringify({ units, bytes, parseMs: Math.round(parseMs) }));
