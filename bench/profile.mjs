// Where a CLI run's time goes: runs `node --cpu-prof dist/cli.js ARGS...` once and sums the profile's
// samples by the source file (through dist/cli.js.map) of the innermost frame that has one: the
// input's reading, the C parse, relevance, the simulation, the rules, the output, GC.
//   node bench/profile.mjs [--cwd DIR] ARGS...     prints one JSON line: { totalMs, phases: [[name, ms], ...] }
// bench.mjs imports profileRun for each figure that misses its target.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.PAGEREF_CLI ?? path.join(ROOT, 'dist', 'cli.js');

/** Phase of an original source path (as the source map names it), in order of the first match. */
const PHASES = [
  [/src\/core\/patch\//, 'reading the input (mail, diff)'],
  [/src\/core\/syntax\/|web-tree-sitter|^wasm:/, 'C parse (pre-pass, tree-sitter, lowering)'],
  [/src\/core\/model\/relevance/, 'relevance (hunk text: calls, faults)'],
  [/src\/core\/model\/|src\/core\/index/, 'pipeline (reads, overlay, attribution)'],
  [/src\/core\/sim\//, 'simulation'],
  [/src\/core\/rules\//, 'rules'],
  [/src\/core\/api\//, 'era inference, API table'],
  [/src\/cli\/|src\/core\/report\/|src\/node\//, 'CLI and report output'],
];

/** Runs the CLI under --cpu-prof; the phases' self times in ms, largest first. */
export function profileRun(args, { cwd = ROOT } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-prof-'));
  try {
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 2 ** 30 });
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return { error: `no profile (exit ${r.status}): ${r.stderr.trim().split('\n')[0] ?? ''}` };
    return summarise(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Original source of a function starting at (line, column) of the bundle: the first mapping at or after
 * the column (the nearest one before it may be the end of the previous file). */
function sourceAt(map, line, column) {
  if (!map) return '';
  for (let c = column; c < column + 40; c++) {
    const e = map.findEntry(line, c);
    if (e?.generatedLine === line && e.generatedColumn >= column) return e.originalSource;
  }
  return map.findEntry(line, column)?.originalSource ?? '';
}

function summarise(profile) {
  const map = fs.existsSync(`${CLI}.map`) ? new SourceMap(JSON.parse(fs.readFileSync(`${CLI}.map`, 'utf8'))) : undefined;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseOf = new Map();
  const ownPhase = (n) => {
    const { url, functionName, lineNumber, columnNumber } = n.callFrame;
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (url.startsWith('wasm:')) return PHASES[1][1];
    if (!url) return undefined;
    if (url !== pathToFileURL(CLI).href) return 'node (modules, I/O, start-up)';
    const source = sourceAt(map, lineNumber, columnNumber);
    return PHASES.find(([re]) => re.test(source))?.[1] ?? 'bundled dependencies';
  };
  const phase = (id) => {
    if (phaseOf.has(id)) return phaseOf.get(id);
    const own = ownPhase(nodes.get(id));
    const p = own ?? (parent.has(id) ? phase(parent.get(id)) : 'node (modules, I/O, start-up)');
    phaseOf.set(id, p);
    return p;
  };
  const ms = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const d = (profile.timeDeltas[i] ?? 0) / 1000;
    const n = nodes.get(id);
    // (program) and (idle): time V8 does not attribute to a function.
    const p = n.callFrame.functionName === '(idle)' ? 'idle (waiting on I/O)' : n.callFrame.functionName === '(program)' ? 'V8 (compile, runtime)' : phase(id);
    ms.set(p, (ms.get(p) ?? 0) + d);
    total += d;
  });
  return { totalMs: Math.round(total), phases: [...ms].sort((a, b) => b[1] - a[1]).map(([p, t]) => [p, Math.round(t)]) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const cwd = args[0] === '--cwd' ? args.splice(0, 2)[1] : ROOT;
  console.log(JSON.stringify(profileRun(args, { cwd })));
}
