// Timings of the built CLI (dist/cli.js) on kernel diffs, against two anchors measured in the same
// run on the same inputs: the kernel's checkpatch.pl and a bare tree-sitter parse (the floor for
// anything that parses every line). Then the editor path through the core API, then the bad-input
// campaign. Prints plain text and writes bench/out/results.json.
//   npm run bench            (builds first)
//   node bench/bench.mjs     (uses the existing dist/)
// Each figure is printed with its anchor from the same run, the ratio and the target (issue #12);
// for a CLI figure that misses its target, one profiled run says where the time goes (bench/profile.mjs)
// and the bound that leaves (node start-up, C parse and simulation), for the large diff also the heap
// its read document alone holds (bench/read-heap.ts).
// Environment: BENCH_RUNS (runs per timing, default 5; 3 for the big inputs; one when a run takes
// over a minute), BENCH_TIMEOUT (seconds a run may take, default 900), BENCH_SKIP_CHECKPATCH=1,
// BENCH_SKIP_CAMPAIGN=1, BENCH_SKIP_PREFILTER=1 (the with/without pre-filter comparison of big.diff),
// PAGEREF_CLI (another build's cli.js, e.g. main's, to compare), PAGEREF_BENCH / PAGEREF_KERNELS
// (see scripts/bench-corpus.sh).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { profileRun } from './profile.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out');
const CLI = process.env.PAGEREF_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG_RUNS = Math.min(RUNS, 3);
const TIMEOUT = Number(process.env.BENCH_TIMEOUT ?? 900) * 1000;
const SCAN_DIRS = ['mm', 'fs', 'lib', 'include/linux', 'drivers/dax', 'drivers/nvdimm', 'drivers/gpu/drm/nouveau', 'drivers/gpu/drm/amd/amdkfd'];
const GNU_TIME = '/usr/bin/time';
// Peak RSS of a node child, reported by the child itself when it exits.
const RSS_HOOK =
  'data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)))';

fs.mkdirSync(OUT, { recursive: true });
const corpusRun = spawnSync('bash', [path.join(ROOT, 'scripts', 'bench-corpus.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (corpusRun.status !== 0) {
  console.error('bench: scripts/bench-corpus.sh failed');
  process.exit(2);
}
const corpus = corpusRun.stdout.trim().split('\n').pop();
const kernel612 = path.join(process.env.PAGEREF_KERNELS ?? '/var/cache/pageref-lens/kernels', 'linux-6.12');
const input = (name) => {
  const file = path.join(corpus, name);
  const text = fs.readFileSync(file, 'utf8');
  return { name, file, bytes: Buffer.byteLength(text), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
};
const inputs = { mm: input('mm.diff'), big: input('big.diff'), mm30k: input('mm-30k.diff'), series: input('series-5k.mbox'), mbox1000: input('series-1000.mbox') };

/** Runs a command once: wall time (start-up included), peak RSS in MB, status, output. */
function runOnce(cmd, args, cwd = ROOT) {
  const rssFile = path.join(os.tmpdir(), `pageref-bench-rss-${process.pid}`);
  fs.rmSync(rssFile, { force: true });
  // GNU time where there is one (it adds nothing to the child), around coreutils' timeout so that a
  // run over time is killed itself, not only the time process above it; else a node child reports its
  // own peak (the hook costs node about 10 ms of start-up).
  const limit = ['timeout', '-k', '5', String(Math.ceil(TIMEOUT / 1000))];
  const [c, a] = fs.existsSync(GNU_TIME) ? [GNU_TIME, ['-f', '%M', '-o', rssFile, ...limit, cmd, ...args]] : cmd === process.execPath ? [cmd, ['--import', RSS_HOOK, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, encoding: 'utf8', maxBuffer: 2 ** 30, timeout: TIMEOUT + 15_000, env: { ...process.env, BENCH_RSS_FILE: rssFile } });
  const ms = performance.now() - t0;
  const rssText = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() : '';
  fs.rmSync(rssFile, { force: true });
  return { ms, rssMB: rssText ? Number(rssText) / 1024 : null, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of `runs` runs; peak RSS is the largest seen. Stops at the first failure. */
function timed(label, cmd, args, { runs = RUNS, cwd = ROOT, lines, bytes, ok = (r) => r.status === 0 } = {}) {
  const times = [];
  let rssMB = null;
  let last;
  for (let i = 0; i < runs; i++) {
    last = runOnce(cmd, args, cwd);
    if ((last.signal === 'SIGTERM' || last.status === 124 || last.status === 137) && last.ms >= TIMEOUT) last.stderr = `timed out after ${TIMEOUT / 1000} s`;
    if (!ok(last)) {
      const why = (last.stderr.trim().split('\n')[0] || `exit ${last.status ?? last.signal}`).slice(0, 160);
      console.log(`  ${label}: FAILED (${why})`);
      return { label, failed: why, status: last.status };
    }
    times.push(last.ms);
    if (last.rssMB !== null) rssMB = Math.max(rssMB ?? 0, last.rssMB);
    // A run of more than a minute says what it has to say once.
    if (last.ms > 60_000) break;
  }
  runs = times.length;
  const ms = median(times);
  const m = { label, runs, medianMs: Math.round(ms), minMs: Math.round(Math.min(...times)), maxMs: Math.round(Math.max(...times)), rssMB: rssMB === null ? null : Math.round(rssMB), lines, bytes };
  if (lines) m.linesPerSec = Math.round(lines / (ms / 1000));
  console.log(
    `  ${label.padEnd(34)} ${String(m.medianMs).padStart(7)} ms  (${m.minMs}-${m.maxMs}, ${runs} runs)` +
      (lines ? `  ${m.linesPerSec.toLocaleString('en-US').padStart(11)} lines/s` : '') +
      `  peak RSS ${m.rssMB ?? 'n/a'} MB`,
  );
  return { ...m, stdout: last.stdout };
}

/** Counts of what a review --format json produced (findings, hunks, problems), or why it is not JSON. */
function reviewSummary(stdout) {
  try {
    const r = JSON.parse(stdout);
    let hunks = 0;
    let findings = 0;
    let calls = 0;
    for (const p of r.patches) for (const f of p.files) for (const h of f.hunks) { hunks++; findings += h.findings.length; calls += h.calls?.length ?? 0; }
    return { patches: r.patches.length, hunks, calls, findings, problems: r.problems.length };
  } catch (e) {
    return { error: `output is not review JSON: ${e.message}` };
  }
}

const results = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, corpus, inputs: {}, anchors: {}, targets: [] };
for (const [k, v] of Object.entries(inputs)) results.inputs[k] = { file: v.file, lines: v.lines, bytes: v.bytes };

console.log(`PageRef Lens benchmark (node ${process.version}, ${os.cpus().length} CPUs, corpus ${corpus})`);
for (const v of Object.values(inputs)) console.log(`  ${v.name.padEnd(16)} ${v.lines.toLocaleString('en-US').padStart(10)} lines ${(v.bytes / 1e6).toFixed(1).padStart(6)} MB`);

// Exit 1 means "findings at or above --fail-on": a successful review.
const reviewOk = (r) => r.status === 0 || r.status === 1;
const haveCli = fs.existsSync(CLI);
console.log(`\nCLI (node dist/cli.js, start-up included)${haveCli ? '' : ': dist/cli.js missing, run npm run build'}`);
const review = {};
if (haveCli) {
  for (const [k, runs] of [['mm30k', RUNS], ['mm', RUNS], ['big', BIG_RUNS]]) {
    const v = inputs[k];
    const m = timed(`review ${v.name}`, process.execPath, [CLI, 'review', '--format', 'json', v.file], { runs, lines: v.lines, bytes: v.bytes, ok: reviewOk });
    if (!m.failed) {
      m.output = reviewSummary(m.stdout);
      console.log(`  ${''.padEnd(34)} ${JSON.stringify(m.output)}`);
    }
    delete m.stdout;
    review[k] = m;
  }
  // A trivial input: a one-line change that calls nothing of the API table (start-up, the bundle, no grammar).
  const trivial = path.join(OUT, 'trivial.diff');
  fs.writeFileSync(trivial, 'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,3 +1,3 @@ int f(void)\n {\n-\treturn 0;\n+\treturn 1;\n }\n');
  review.trivial = timed('review a trivial diff', process.execPath, [CLI, 'review', trivial], { runs: RUNS * 2 });
  delete review.trivial.stdout;
  review.scan = timed('scan 6.12 folders', process.execPath, [CLI, 'scan', '--format', 'json', ...SCAN_DIRS], { runs: BIG_RUNS, cwd: kernel612 });
  if (!review.scan.failed) {
    try {
      const s = JSON.parse(review.scan.stdout);
      review.scan.output = { files: s.files, calls: s.calls.length, problems: s.problems.length };
      console.log(`  ${''.padEnd(34)} ${JSON.stringify(review.scan.output)}`);
    } catch (e) {
      review.scan.output = { error: `output is not scan JSON: ${e.message}` };
    }
  }
  delete review.scan.stdout;
}
results.cli = review;

console.log('\nAnchors (same inputs, same run)');
const nodeStart = timed('node -e 0', process.execPath, ['-e', '0'], { runs: RUNS * 2 });
delete nodeStart.stdout;
results.anchors.nodeStart = nodeStart;
const bare = {};
for (const k of ['mm30k', 'mm', 'big']) {
  const v = inputs[k];
  const m = timed(`bare tree-sitter ${v.name}`, process.execPath, [path.join(ROOT, 'bench', 'bare-parse.mjs'), 'diff', v.file], { runs: k === 'big' ? 1 : BIG_RUNS, lines: v.lines });
  if (!m.failed) m.parse = JSON.parse(m.stdout);
  delete m.stdout;
  bare[k] = m;
}
bare.scan = timed('bare tree-sitter 6.12 folders', process.execPath, [path.join(ROOT, 'bench', 'bare-parse.mjs'), 'files', ...SCAN_DIRS], { runs: 1, cwd: kernel612 });
if (!bare.scan.failed) bare.scan.parse = JSON.parse(bare.scan.stdout);
delete bare.scan.stdout;
results.anchors.bareParse = bare;

let checkpatch = null;
if (process.env.BENCH_SKIP_CHECKPATCH === '1') console.log('  checkpatch.pl: skipped (BENCH_SKIP_CHECKPATCH=1)');
else if (!fs.existsSync(path.join(kernel612, 'scripts', 'checkpatch.pl'))) console.log(`  checkpatch.pl: not found in ${kernel612}`);
else {
  // checkpatch exits 1 when it reports errors: that is a completed run.
  checkpatch = timed(`checkpatch.pl ${inputs.mm30k.name}`, 'perl', ['scripts/checkpatch.pl', '--no-tree', '--no-signoff', '--terse', inputs.mm30k.file], {
    runs: 1, cwd: kernel612, lines: inputs.mm30k.lines, ok: (r) => r.status === 0 || r.status === 1,
  });
  if (!checkpatch.failed) checkpatch.total = checkpatch.stdout.trim().split('\n').pop();
  delete checkpatch.stdout;
}
results.anchors.checkpatch = checkpatch;

console.log('\nEditor path (in-process, core API, series-5k.mbox)');
// The core runs bundled, as the language server and the extension run it (through tsx each module's
// imports are getters, and every call across modules costs one: about 15% more on this path).
const editorBundle = path.join(OUT, 'editor.mjs');
await esbuild.build({
  entryPoints: [path.join(ROOT, 'bench', 'editor.ts')], outfile: editorBundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
const ed = runOnce(process.execPath, [editorBundle, inputs.series.file, '50', inputs.mbox1000.file]);
let editor;
if (ed.status === 0) {
  editor = JSON.parse(ed.stdout.trim().split('\n').pop());
  console.log(`  cold review ${editor.coldMs} ms; unchanged re-review median ${editor.unchangedMedianMs} ms; after a one-line edit median ${editor.editMedianMs} ms (max ${editor.editMaxMs}, the first ${editor.runs} edits, ${editor.hunks} hunks; the next ${editor.runs * 5}: median ${editor.editSteadyMedianMs} ms)`);
  console.log(`  through the language server (stdio): open ${editor.serverColdMs} ms, edit ${editor.serverEditMs} ms until idle; longest stall of the client thread ${editor.serverColdStallMs} ms / ${editor.serverEditStallMs} ms`);
  console.log(`  a keystroke in a 40 MB document, in the server's document: ${editor.keystrokeMs} ms (the library's TextDocument: ${editor.keystrokeLibraryMs} ms, ${(editor.keystrokeLibraryMs / Math.max(editor.keystrokeMs, 0.01)).toFixed(0)}x); the first read after 31 keystrokes ${editor.keystrokeReadMs} ms`);
  console.log(`  ${inputs.mbox1000.name} opened cold in a fresh server: first diagnostics after ${editor.mboxFirstDiagnosticsMs} ms, idle after ${editor.mboxIdleMs} ms (${editor.mboxPublished} publications, ${editor.mboxDiagnostics} diagnostics at the end)`);
} else {
  editor = { failed: (ed.stderr.split('\n').find((l) => /^\w*Error\b/.test(l.trim())) ?? `exit ${ed.status}`).slice(0, 200) };
  console.log(`  FAILED (${editor.failed})`);
}
results.editor = editor;

/** A figure against its anchor: `ratio` = figure / anchor (or anchor / figure when `inverse`: "x times
 * faster"), PASS or MISS against `bound` (the ratio at most `bound`, or at least when inverse), and
 * `extra` further bounds (name, pass). `undefined` pass: not measured. */
function target(name, { figure, anchor, anchorName, bound, inverse = false, extra = [], why }) {
  const f = got(figure);
  const a = got(anchor);
  let t;
  if (!f || !a) t = { name, verdict: 'MISS', detail: `not measured: ${why ?? (!f ? cliMiss(figure) : `${anchorName} failed`)}` };
  else {
    const ratio = inverse ? a.medianMs / f.medianMs : f.medianMs / a.medianMs;
    const pass = (inverse ? ratio >= bound : ratio <= bound) && extra.every(([, ok]) => ok);
    const more = extra.map(([n, ok]) => `; ${n} ${ok ? 'met' : 'NOT met'}`).join('');
    const verdict = bound === undefined ? 'INFO' : pass ? 'PASS' : 'MISS';
    const bounds = bound === undefined ? '' : ` (target ${inverse ? '>=' : '<='} ${bound}x${more})`;
    t = { name, verdict, ratio: Math.round(ratio * 100) / 100, detail: `${f.medianMs} ms, ${anchorName} ${a.medianMs} ms: ${ratio.toFixed(2)}x${inverse ? ' faster' : ''}${bounds}` };
  }
  results.targets.push(t);
  return t;
}
const got = (m) => (m && !m.failed ? m : undefined);
const cliMiss = (m) => (m?.failed ? `CLI failed: ${m.failed}` : 'no dist/cli.js');
/** Where one profiled run of a CLI figure spends its time (the phases over 2% of it), and the bound
 * that leaves: node's start-up and the run's C parse and simulation, which the review cannot go below
 * while it parses every hunk it reads and simulates every hunk it judges, as a ratio to the anchor. */
function whereTimeGoes(t, args, { anchor, anchorName, inverse = false, cwd } = {}) {
  if (t.verdict !== 'MISS' || !t.ratio || !haveCli) return;
  const p = profileRun(args, { cwd });
  if (p.error) {
    t.spent = p.error;
    return;
  }
  t.spent = p;
  t.detail += `\n        where a profiled run's ${p.totalMs} ms go: ${p.phases.filter(([, ms]) => ms >= p.totalMs / 50).map(([n, ms]) => `${n} ${ms}`).join(', ')}`;
  const phase = (re) => p.phases.filter(([n]) => re.test(n)).reduce((sum, [, ms]) => sum + ms, 0);
  const parse = phase(/^C parse/);
  const sim = phase(/^simulation/);
  const start = got(nodeStart)?.medianMs ?? 0;
  const a = got(anchor)?.medianMs;
  if (!a) return;
  const floor = parse + sim + start;
  const ratio = inverse ? a / floor : floor / a;
  t.bound = { parseMs: parse, simulationMs: sim, nodeStartMs: start, floorMs: floor, ratio: Math.round(ratio * 100) / 100 };
  t.detail += `\n        bound with this model: node start-up ${start} + C parse ${parse} + simulation ${sim} = ${floor} ms, ${ratio.toFixed(2)}x${inverse ? ' faster than' : ''} ${anchorName}`;
}
{
  const mm = target('review mm.diff vs a bare tree-sitter parse of its C', { figure: review.mm, anchor: bare.mm, anchorName: 'bare parse', bound: 0.5 });
  whereTimeGoes(mm, ['review', '--format', 'json', inputs.mm.file], { anchor: bare.mm, anchorName: 'the bare parse' });
  const c = target('review mm-30k.diff vs checkpatch.pl', {
    figure: review.mm30k, anchor: checkpatch, anchorName: 'checkpatch.pl', bound: 50, inverse: true, why: checkpatch === null ? 'checkpatch not run' : undefined,
  });
  whereTimeGoes(c, ['review', '--format', 'json', inputs.mm30k.file], { anchor: checkpatch, anchorName: 'checkpatch.pl', inverse: true });
  const b = got(review.big);
  const big = target('review big.diff vs a bare parse, peak RSS < 300 MB', {
    figure: review.big, anchor: bare.big, anchorName: 'bare parse', bound: 0.4, extra: b ? [[`peak RSS ${b.rssMB ?? 'n/a'} MB < 300 MB`, b.rssMB !== null && b.rssMB < 300]] : [],
  });
  whereTimeGoes(big, ['review', '--format', 'json', inputs.big.file], { anchor: bare.big, anchorName: 'the bare parse' });
  if (big.verdict === 'MISS' && b) {
    // The memory floor of a review that reads the diff whole: the read document alone, after a GC.
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'bench', 'read-heap.ts'), inputs.big.file], { encoding: 'utf8', maxBuffer: 2 ** 24 });
    if (r.status === 0) {
      big.readHeap = JSON.parse(r.stdout.trim().split('\n').pop());
      const h = big.readHeap;
      big.detail += `\n        memory: the read diff alone (${h.hunks.toLocaleString('en-US')} hunks, ${h.lines.toLocaleString('en-US')} hunk lines, one patch) holds ${h.heapMB} MB of heap beside its ${h.inputMB} MB of input, before any review (peak ${b.rssMB} MB)`;
    }
  }
  target('review a trivial diff vs node -e 0 (no target of its own)', { figure: review.trivial, anchor: nodeStart, anchorName: 'node -e 0' });
  target('scan of the 6.12 folders vs a bare parse of their files', { figure: review.scan, anchor: bare.scan, anchorName: 'bare parse', bound: 1 });
  const e = editor.failed ? undefined : editor;
  results.targets.push(e
    ? { name: 'editor re-review of series-5k.mbox after a one-line edit', verdict: e.editMedianMs < 5 ? 'PASS' : 'MISS', detail: `${e.editMedianMs} ms median of the first ${e.runs} edits (${e.editSteadyMedianMs} ms over the next ${e.runs * 5}), unchanged re-review ${e.unchangedMedianMs} ms (target < 5 ms)` }
    : { name: 'editor re-review of series-5k.mbox after a one-line edit', verdict: 'MISS', detail: `not measured: editor path failed: ${editor.failed}` });
  const m = e && e.mboxFirstDiagnosticsMs >= 0 ? e : undefined;
  results.targets.push(m
    ? { name: 'a 1,000-patch mbox opened cold: first diagnostics < 1 s', verdict: m.mboxFirstDiagnosticsMs < 1000 ? 'PASS' : 'MISS', detail: `${m.mboxFirstDiagnosticsMs} ms to the first diagnostics, ${m.mboxIdleMs} ms to the whole review (target < 1000 ms)` }
    : { name: 'a 1,000-patch mbox opened cold: first diagnostics < 1 s', verdict: 'MISS', detail: `not measured: ${editor.failed ? `editor path failed: ${editor.failed}` : 'no diagnostics published'}` });
}
console.log('\nTargets (each figure, its anchor from this run, the ratio and the target)');
for (const t of results.targets) console.log(`  ${t.verdict}  ${t.name}: ${t.detail}`);

if (process.env.BENCH_SKIP_PREFILTER === '1') console.log('\nPre-filter check: skipped (BENCH_SKIP_PREFILTER=1)');
else {
  // The review of the whole 38 MB diff with and without the pre-filter: the same JSON, byte for byte.
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'prefilter.ts'), inputs.big.file], { encoding: 'utf8', maxBuffer: 2 ** 26 });
  const out = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : { failed: (r.stderr.trim().split('\n')[0] || `exit ${r.status}`).slice(0, 200) };
  results.prefilter = out;
  console.log(`\nPre-filter check on ${inputs.big.name}: ${out.failed ? `FAILED (${out.failed})` : `${out.identical ? 'identical reports' : 'REPORTS DIFFER'} with and without it (${out.bytes} bytes of JSON)`}`);
}

if (process.env.BENCH_SKIP_CAMPAIGN === '1') console.log('\nCampaign: skipped (BENCH_SKIP_CAMPAIGN=1)');
else {
  console.log('');
  const c = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'campaign.mjs')], { stdio: 'inherit' });
  const file = path.join(OUT, 'campaign.json');
  results.campaign = c.status === 0 && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { failed: `campaign exit ${c.status ?? c.signal}` };
}
fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nWrote ${path.relative(ROOT, path.join(OUT, 'results.json'))}`);
