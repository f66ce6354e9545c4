// The bad-input campaign: the generators of test/fuzz at scale, through the core façade. Prints
// inputs tried per category, problems reported, crashes (must be 0), contract violations, the
// slowest input and its bytes/s, and how time grows with input size. Writes
// bench/out/campaign.json; exit status 1 when anything crashed or broke the contract.
//   node bench/campaign.mjs     FUZZ_RUNS inputs per category (default 200; the large categories
//                               get FUZZ_RUNS / 100, at least 1). CAMPAIGN_TIMEOUT: seconds per
//                               category (default 900). Children get a 2 GB heap: an input of a
//                               few MB that needs more has failed anyway.
// Each category runs in a child process (`--child CATEGORY RUNS`, `--growth CATEGORY SEED`) that
// reports each input as a JSON line, so a child killed by running out of memory or time is a
// crash charged to the input it was on, and the campaign goes on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

// The core and the generators are TypeScript, loaded as the tests load them (tsx).
register();
const require = createRequire(import.meta.url);
const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '..');
const { createAnalyzer } = require('../src/core/index.ts');
const { loadAssets } = require('../test/helpers/assets.ts');
const { CATEGORIES, LARGE, generate, generatedBase } = require('../test/fuzz/generators.ts');
const { examine } = require('../test/fuzz/check.ts');
const { kernelBases, seedBases } = require('../test/fuzz/sources.ts');

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const TIMEOUT = Number(process.env.CAMPAIGN_TIMEOUT ?? 900) * 1000;
const SCALES = [0.125, 0.25, 0.5, 1];
const GROWTH = [...LARGE, 'deep-nesting'];
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const mbps = (bytes, ms) => (ms > 0 ? bytes / 1e6 / (ms / 1000) : Infinity);

function bases() {
  return [...Array.from({ length: 8 }, (_, i) => generatedBase(i)), ...seedBases(), ...kernelBases()];
}

/** Child: review `runs` inputs of a category, one JSON line before and after each. */
async function child(category, runs) {
  const b = bases();
  const analyzer = await createAnalyzer(loadAssets());
  for (let seed = 0; seed < runs; seed++) {
    const c = generate(category, seed, b);
    emit({ start: c.name });
    const o = await examine(analyzer, c);
    emit({ name: c.name, seed, ms: o.ms, bytes: o.bytes, problems: o.problems, crash: o.crash?.split('\n').slice(0, 4).join(' | '), violations: o.violations.slice(0, 3) });
  }
  analyzer.dispose();
  emit({ maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) });
}

/** Child: the input of a category's seed at each scale, each on a fresh analyzer warmed on a small patch. */
/** Times under this many ms say nothing about growth. */
const NOISE_MS = 20;

async function growthChild(category, seed) {
  const b = bases();
  for (const scale of SCALES) {
    const analyzer = await createAnalyzer(loadAssets());
    await analyzer.review([{ name: 'warm-up', content: generatedBase(0).text }]);
    const c = generate(category, seed, b, scale);
    emit({ start: `${c.name} at scale ${scale}` });
    const o = await examine(analyzer, c);
    analyzer.dispose();
    emit({ scale, bytes: o.bytes, ms: Math.round(o.ms * 10) / 10, crash: o.crash?.split('\n')[0] });
  }
}

/** Runs a child; returns its JSON lines and, when it died, why and on which input. */
function runChild(args) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=2048', HERE, ...args], { encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 1 << 28 });
  const lines = (r.stdout ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  if (r.status === 0) return { lines };
  const last = [...lines].reverse().find((l) => l.start);
  const why = r.error?.code === 'ETIMEDOUT' ? `killed after ${TIMEOUT / 1000} s` : (r.stderr.split('\n').find((l) => /FATAL ERROR|Error/.test(l)) ?? `exit ${r.status ?? r.signal}`).trim();
  return { lines, died: { on: last?.start ?? '(start-up)', why: why.slice(0, 200) } };
}

async function main() {
  const seeds = seedBases().length;
  const kernels = kernelBases().length;
  const largeRuns = Math.max(1, Math.floor(RUNS / 100));
  console.log(`Bad-input campaign: ${RUNS} inputs per category (${largeRuns} for the large ones); bases: 8 generated, ${seeds} seed threads, ${kernels} kernel diffs`);
  const categories = [];
  const failures = [];
  const t0 = performance.now();
  for (const category of CATEGORIES) {
    const { lines, died } = runChild(['--child', category, String(LARGE.has(category) ? largeRuns : RUNS)]);
    const done = lines.filter((l) => l.name);
    const s = { category, tried: done.length, withProblems: 0, problems: 0, crashes: 0, violations: 0, bytes: 0, ms: 0, slowest: null, maxRssMB: lines.find((l) => l.maxRssMB)?.maxRssMB ?? null };
    for (const o of done) {
      s.bytes += o.bytes;
      s.ms += o.ms;
      s.problems += o.problems;
      if (o.problems > 0) s.withProblems++;
      if (o.crash) { s.crashes++; failures.push({ name: o.name, crash: o.crash }); }
      if (o.violations.length) { s.violations++; failures.push({ name: o.name, violations: o.violations }); }
      if (!s.slowest || o.ms > s.slowest.ms) s.slowest = { name: o.name, seed: o.seed, ms: Math.round(o.ms), bytes: o.bytes, mbPerSec: Number(mbps(o.bytes, o.ms).toFixed(2)) };
    }
    if (died) { s.tried++; s.crashes++; failures.push({ name: died.on, crash: `process died: ${died.why}` }); }
    categories.push(s);
    console.log(
      `  ${category.padEnd(18)} tried ${String(s.tried).padStart(4)}  with problems ${String(s.withProblems).padStart(4)} (${s.problems} in all)` +
        `  crashes ${s.crashes}  violations ${s.violations}  ${s.ms ? mbps(s.bytes, s.ms).toFixed(2) : '-'} MB/s  peak RSS ${s.maxRssMB ?? '-'} MB` +
        (s.slowest ? `  slowest ${s.slowest.ms} ms for ${s.slowest.bytes} bytes (${s.slowest.mbPerSec} MB/s)` : '') +
        (died ? `  DIED on "${died.on.slice(0, 60)}": ${died.why}` : ''),
    );
  }

  // How time grows with size: each large generator, on the seed of its slowest input, at 1/8,
  // 1/4, 1/2 and full size. A ratio near 2 per doubling is linear; near 4 is quadratic.
  console.log('  growth with size (slowest seed; time at 1/8, 1/4, 1/2, 1 of the full input; ratio per doubling):');
  const growth = [];
  for (const category of GROWTH) {
    const seed = categories.find((s) => s.category === category)?.slowest?.seed ?? 0;
    const { lines, died } = runChild(['--growth', category, String(seed)]);
    const points = lines.filter((l) => l.scale !== undefined);
    const ratios = points.slice(1).map((p, i) => p.ms / Math.max(points[i].ms, 0.1));
    // Below NOISE_MS a time is timer and GC noise: a step judges growth only when both ends are above.
    const judged = ratios.filter((_, i) => points[i].ms >= NOISE_MS && points[i + 1].ms >= NOISE_MS);
    const worst = judged.length ? Math.max(...judged) : NaN;
    const bound = died
      ? `unbounded: died at scale ${SCALES[points.length]} (${died.why})`
      : !judged.length ? `too fast to judge (under ${NOISE_MS} ms)` : worst < 2.8 ? 'linear' : worst < 5 ? 'superlinear' : 'quadratic or worse';
    growth.push({ category, seed, points, worstRatio: Number.isNaN(worst) ? null : Number(worst.toFixed(2)), bound });
    console.log(`    ${category.padEnd(16)} ${points.map((p) => `${p.ms} ms`).join(', ').padEnd(44)} ${ratios.length ? `x${ratios.map((x) => x.toFixed(1)).join(' x')}` : ''}  -> ${bound}`);
  }

  const totals = categories.reduce((a, s) => ({ tried: a.tried + s.tried, crashes: a.crashes + s.crashes, violations: a.violations + s.violations }), { tried: 0, crashes: 0, violations: 0 });
  const slowest = categories.map((s) => s.slowest).filter(Boolean).sort((a, b) => b.ms - a.ms)[0];
  console.log(`  total: ${totals.tried} inputs, ${totals.crashes} crashes, ${totals.violations} with contract violations, ${Math.round((performance.now() - t0) / 1000)} s`);
  if (slowest) console.log(`  slowest input: ${slowest.name.slice(0, 80)}: ${slowest.ms} ms for ${slowest.bytes} bytes (${slowest.mbPerSec} MB/s)`);
  for (const f of failures.slice(0, 15)) console.log(`  FAIL ${f.name.slice(0, 80)}: ${f.crash ?? f.violations.join('; ')}`);
  if (failures.length > 15) console.log(`  ... and ${failures.length - 15} more (bench/out/campaign.json)`);

  fs.mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'out', 'campaign.json'), JSON.stringify({ runs: RUNS, totals, slowest, categories, growth, failures }, null, 2) + '\n');
  return totals.crashes + totals.violations > 0 ? 1 : 0;
}

const [mode, category, count] = process.argv.slice(2);
if (mode === '--child') await child(category, Number(count));
else if (mode === '--growth') await growthChild(category, Number(count));
else process.exitCode = await main();
