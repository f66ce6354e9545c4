// Reviews the whole real mm/ diff between Debian's linux-6.1 and linux-6.12 with the built CLI
// (`node dist/cli.js review --format json`), checks that it finishes without a crash, and prints
// every INTRODUCED finding (path, hunk header, ruleId, types, message) plus counts. Each finding is
// tagged "zone-device words: yes/no": whether its hunk mentions any ZONE_DEVICE / DAX / HMM / P2PDMA
// identifier at all, a first hint for the reader judging it (a hunk without one is generic mm code).
//   npm run build && node bench/mm-review.mjs [--era E2] [--keep]
// Environment: PAGEREF_CLI (default dist/cli.js); the kernels and the diff come from
// scripts/bench-corpus.sh (PAGEREF_KERNELS, PAGEREF_BENCH). --keep leaves the JSON report and prints where.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.PAGEREF_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const args = process.argv.slice(2);
const era = args.includes('--era') ? args[args.indexOf('--era') + 1] : 'E2';
const keep = args.includes('--keep');

const fail = (msg) => {
  console.error(`mm-review: ${msg}`);
  process.exit(2);
};
if (!fs.existsSync(CLI)) fail(`${CLI} not found (run npm run build)`);

// The mm/ diff is the benchmark's (scripts/bench-corpus.sh makes it once, from the kernel sources).
const corpus = spawnSync('bash', [path.join(ROOT, 'scripts', 'bench-corpus.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (corpus.status !== 0) fail('scripts/bench-corpus.sh failed');
const diffFile = path.join(corpus.stdout.trim(), 'mm.diff');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-mm-review-'));
const diffText = fs.readFileSync(diffFile, 'utf8');
const docLines = diffText.split('\n');
const diffLines = docLines.length - 1;
const ZONE_DEVICE_WORDS = /zone_device|devmap|pgmap|dev_pagemap|MEMORY_DEVICE|device_private|device_coherent|p2pdma|fsdax|\bdax_|_dax\b|hmm_|migrate_vma|migrate_device/i;
const diffFiles = (diffText.match(/^diff --git /gm) ?? []).length;

const jsonFile = path.join(tmp, 'report.json');
const t0 = performance.now();
const run = spawnSync(process.execPath, [CLI, 'review', '--format', 'json', '--era', era, diffFile],
  { stdio: ['ignore', fs.openSync(jsonFile, 'w'), 'pipe'], encoding: 'utf8' });
const seconds = (performance.now() - t0) / 1000;
if (run.signal || (run.status !== 0 && run.status !== 1)) fail(`CLI crashed (status ${run.status}, signal ${run.signal}):\n${run.stderr}`);
let report;
try {
  report = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
} catch (e) {
  fail(`CLI output is not JSON: ${e.message}`);
}

const counts = { files: 0, hunks: 0, effects: 0, introduced: 0, fixed: 0, present: 0 };
const byRule = new Map();
const introduced = [];
for (const patch of report.patches) {
  for (const file of patch.files) {
    counts.files++;
    for (const hunk of file.hunks) {
      counts.hunks++;
      counts.effects += hunk.effects.length;
      for (const f of hunk.findings) {
        counts[f.status]++;
        const key = `${f.ruleId} ${f.status}`;
        byRule.set(key, (byRule.get(key) ?? 0) + 1);
        if (f.status === 'introduced') {
          const text = docLines.slice(hunk.range.start.line, hunk.range.end.line + 1).join('\n');
          introduced.push({ path: file.path, header: hunk.header, ruleId: f.ruleId, types: f.types, line: f.line, message: f.message, zd: ZONE_DEVICE_WORDS.test(text) });
        }
      }
    }
  }
}

console.log(`mm/ 6.1 -> 6.12: ${diffLines} diff lines, ${diffFiles} files; review --era ${era}: exit ${run.status}, ${seconds.toFixed(1)} s`);
console.log(`report: ${counts.files} files, ${counts.hunks} hunks, ${counts.effects} effects, findings: ${counts.introduced} introduced, ${counts.fixed} fixed, ${counts.present} present; ${report.problems.length} problems`);
for (const [key, n] of [...byRule].sort()) console.log(`  ${key}: ${n}`);
const effectsByAspect = new Map();
for (const patch of report.patches) for (const file of patch.files) for (const hunk of file.hunks) for (const e of hunk.effects) {
  const key = `${e.aspect} [${e.types.join(',')}] ${e.before} -> ${e.after}`;
  effectsByAspect.set(key, [...(effectsByAspect.get(key) ?? []), `${file.path} ${hunk.function || hunk.header}`]);
}
if (effectsByAspect.size) console.log('effects:');
for (const [key, where] of [...effectsByAspect].sort()) console.log(`  ${key}: ${where.length} (${[...new Set(where)].slice(0, 6).join('; ')}${where.length > 6 ? '; ...' : ''})`);
console.log(introduced.length ? 'introduced findings:' : 'no introduced findings');
for (const f of introduced) {
  console.log(`  ${f.path} ${f.header}\n    [${f.ruleId}] (${f.types.join(',')}) doc line ${f.line + 1}, zone-device words: ${f.zd ? 'yes' : 'no'}: ${f.message}`);
}
console.log(`introduced findings in hunks without any zone-device word: ${introduced.filter((f) => !f.zd).length} of ${introduced.length}`);
const problemKinds = new Map();
for (const p of report.problems) {
  const key = `${p.severity}: ${p.message.replace(/\d+/g, 'N').slice(0, 100)}`;
  problemKinds.set(key, (problemKinds.get(key) ?? 0) + 1);
}
if (problemKinds.size) console.log('problems (grouped):');
for (const [key, n] of [...problemKinds].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${n} x ${key}`);

if (keep) console.log(`kept: ${diffFile} ${jsonFile}`);
else fs.rmSync(tmp, { recursive: true, force: true });
