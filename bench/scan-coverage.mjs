// Scan coverage and parse quality on a real kernel tree (Debian's linux-6.12 sources).
// Run: node --import tsx bench/scan-coverage.mjs [--kernel DIR]   (npm run bench:coverage)
//   (a) per folder: API-table call sites found by `scan` versus a plain regex count of `\bNAME\s*\(`
//       outside comments, strings, preprocessor lines and top-level declarations/definitions;
//       lists the misses. Target >= 99% per folder.
//   (b) mm/*.c: function definitions that parse without ERROR nodes after the pre-pass, and files
//       with ERROR nodes before and after the pre-pass.
// Speed of scan against a bare parse is measured by `npm run bench` (bench/bench.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { Parser, Language } from 'web-tree-sitter';
import { loadAssets } from '../test/helpers/assets.ts';
import { createCSyntax } from '../src/core/syntax/index.ts';
import { API_NAMES } from '../src/core/api/index.ts';

const args = process.argv.slice(2);
const kernelArg = args.indexOf('--kernel');
const KERNEL = kernelArg >= 0 ? args[kernelArg + 1] : '/var/cache/pageref-lens/kernels/linux-6.12';
if (!fs.existsSync(path.join(KERNEL, 'mm'))) {
  console.error(`no kernel tree at ${KERNEL} (run scripts/kernel-sources.sh)`);
  process.exit(2);
}

const COVERAGE = ['mm', 'fs/dax.c', 'drivers/dax', 'drivers/pci/p2pdma.c', 'drivers/gpu/drm/nouveau', 'drivers/gpu/drm/amd/amdkfd', 'lib/test_hmm.c'];

function cFiles(rel) {
  const abs = path.join(KERNEL, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  const out = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...cFiles(r));
    else if (/\.[ch]$/.test(e.name)) out.push(r);
  }
  return out.sort();
}

/** Comments and string/char literals become spaces, preprocessor lines too (newlines kept). Independent of the core's lexer. */
function strip(text) {
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  let t = text.replace(/\/\*[^]*?\*\/|\/\/(?:\\\n|[^\n])*|"(?:\\[^]|[^"\\\n])*"|'(?:\\[^]|[^'\\\n])*'/g, blank);
  t = t.replace(/^[ \t]*#(?:\\\n|[^\n])*/gm, blank);
  return t;
}

/** Regex call sites of the API names: [line, column, name], without top-level (depth 0) declarations/definitions. */
function regexSites(text, re) {
  const t = strip(text);
  const depthAt = new Int32Array(t.length + 1);
  let d = 0;
  for (let i = 0; i < t.length; i++) {
    depthAt[i] = d;
    if (t[i] === '{') d++;
    else if (t[i] === '}') d = Math.max(0, d - 1);
  }
  const lineStarts = [0];
  for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const sites = [];
  re.lastIndex = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (depthAt[m.index] === 0) continue;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= m.index) lo = mid;
      else hi = mid - 1;
    }
    sites.push([lo, m.index - lineStarts[lo], m[1]]);
  }
  return sites;
}

const assets = loadAssets();
const syntax = await createCSyntax(assets);
const names = API_NAMES;
const re = new RegExp(`\\b(${[...names].join('|')})\\s*\\(`, 'g');
console.log(`kernel: ${KERNEL}; ${names.size} API names`);

console.log('\n(a) scan coverage of API call sites (regex count outside comments, strings, directives, declarations)');
let worst = 1;
for (const folder of COVERAGE) {
  let expected = 0;
  let found = 0;
  let extra = 0;
  const misses = [];
  for (const rel of cFiles(folder)) {
    const text = fs.readFileSync(path.join(KERNEL, rel), 'utf8');
    const want = regexSites(text, re);
    const got = new Set(syntax.scan(rel, text, names).calls.map((c) => `${c.line}:${c.character}`));
    const wantKeys = new Set(want.map(([l, c]) => `${l}:${c}`));
    expected += want.length;
    for (const [l, c, name] of want) {
      if (got.has(`${l}:${c}`)) found++;
      else misses.push(`${rel}:${l + 1}:${c + 1} ${name}`);
    }
    for (const k of got) if (!wantKeys.has(k)) extra++;
  }
  const share = expected ? found / expected : 1;
  worst = Math.min(worst, share);
  console.log(`  ${folder.padEnd(28)} ${found}/${expected} = ${(share * 100).toFixed(2)}%  (scan-only sites: ${extra})`);
  for (const m of misses) console.log(`      miss ${m}`);
}
console.log(`  worst folder: ${(worst * 100).toFixed(2)}% (target >= 99%)`);

console.log('\n(b) mm/*.c parse quality');
await Parser.init({ wasmBinary: assets.treeSitterWasm });
const language = await Language.load(assets.languageWasm);
const bare = new Parser();
bare.setLanguage(language);
let files = 0;
let badBefore = 0;
let badAfter = 0;
let fns = 0;
let cleanFns = 0;
const stillBad = [];
for (const rel of cFiles('mm').filter((f) => f.endsWith('.c') && path.dirname(f) === 'mm')) {
  const text = fs.readFileSync(path.join(KERNEL, rel), 'utf8');
  files++;
  const tree = bare.parse(text);
  if (tree.rootNode.hasError) badBefore++;
  tree.delete();
  const parsed = syntax.parse(text);
  if (parsed.errorNodes > 0) {
    badAfter++;
    stillBad.push(`${rel}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  }
  fns += parsed.functions.length;
  cleanFns += parsed.functions.filter((f) => f.errorNodes === 0).length;
}
console.log(`  function definitions without ERROR nodes after the pre-pass: ${cleanFns}/${fns} = ${((cleanFns / fns) * 100).toFixed(2)}%`);
console.log(`  files with ERROR/MISSING nodes: ${badBefore}/${files} without the pre-pass, ${badAfter}/${files} with it`);
for (const s of stillBad) console.log(`      ${s}`);

bare.delete();
syntax.dispose();
