// The bad-input campaign: the generators of test/fuzz at scale, through the core façade in
// process. Prints inputs tried per category, problems reported, crashes (must be 0), contract
// violations, the slowest input and its bytes/s, and how time grows with input size.
// Writes bench/out/campaign.json. Exit status 1 when anything crashed or broke the contract.
//   node bench/campaign.mjs          FUZZ_RUNS inputs per category (default 200; the large
//                                    categories get FUZZ_RUNS / 100, at least 1)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createAnalyzer } = await import('../src/core/index.ts');
const { loadAssets } = await import('../test/helpers/assets.ts');
const { CATEGORIES, LARGE, generate, generatedBase } = await import('../test/fuzz/generators.ts');
const { examine } = await import('../test/fuzz/check.ts');
const { kernelBases, seedBases } = await import('../test/fuzz/sources.ts');

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const LARGE_RUNS = Math.max(1, Math.floor(RUNS / 100));
const seeds = seedBases();
const kernels = kernelBases();
const bases = [...Array.from({ length: 8 }, (_, i) => generatedBase(i)), ...seeds, ...kernels];
const analyzer = await createAnalyzer(loadAssets());
const mbps = (bytes, ms) => (ms > 0 ? bytes / 1e6 / (ms / 1000) : Infinity);

console.log(`Bad-input campaign: ${RUNS} inputs per category (${LARGE_RUNS} for the large ones); bases: 8 generated, ${seeds.length} seed threads, ${kernels.length} kernel diffs`);
const categories = [];
const failures = [];
const t0 = performance.now();
for (const category of CATEGORIES) {
  const s = { category, tried: 0, withProblems: 0, problems: 0, crashes: 0, violations: 0, bytes: 0, ms: 0, slowest: null };
  for (let seed = 0; seed < (LARGE.has(category) ? LARGE_RUNS : RUNS); seed++) {
    const c = generate(category, seed, bases);
    const o = await examine(analyzer, c);
    s.tried++;
    s.bytes += o.bytes;
    s.ms += o.ms;
    s.problems += o.problems;
    if (o.problems > 0) s.withProblems++;
    if (o.crash) { s.crashes++; failures.push({ name: c.name, crash: o.crash.split('\n').slice(0, 4).join(' | ') }); }
    if (o.violations.length) { s.violations++; failures.push({ name: c.name, violations: o.violations.slice(0, 3) }); }
    if (!s.slowest || o.ms > s.slowest.ms) s.slowest = { name: c.name, ms: Math.round(o.ms), bytes: o.bytes, mbPerSec: Number(mbps(o.bytes, o.ms).toFixed(2)) };
  }
  categories.push(s);
  console.log(
    `  ${category.padEnd(18)} tried ${String(s.tried).padStart(5)}  with problems ${String(s.withProblems).padStart(5)} (${s.problems} in all)` +
      `  crashes ${s.crashes}  violations ${s.violations}  ${mbps(s.bytes, s.ms).toFixed(2)} MB/s` +
      `  slowest ${s.slowest.ms} ms for ${s.slowest.bytes} bytes (${s.slowest.mbPerSec} MB/s)`,
  );
}

analyzer.dispose();

// How time grows with size: each large generator at 1/8, 1/4, 1/2 and full size. A ratio near 2
// per doubling is linear; near 4 is quadratic. Each point gets a fresh analyzer, warmed on a small
// input, so no point profits from the cache of another.
console.log('  growth with size (time at 1/8, 1/4, 1/2, 1 of the full input; ratio per doubling):');
const growth = [];
for (const category of [...LARGE, 'deep-nesting']) {
  const points = [];
  for (const scale of [0.125, 0.25, 0.5, 1]) {
    const fresh = await createAnalyzer(loadAssets());
    await examine(fresh, generate('braces', RUNS, bases));
    const c = generate(category, RUNS, bases, scale);
    const o = await examine(fresh, c);
    fresh.dispose();
    points.push({ scale, bytes: o.bytes, ms: Math.round(o.ms * 10) / 10, crashed: Boolean(o.crash) });
  }
  const ratios = points.slice(1).map((p, i) => p.ms / Math.max(points[i].ms, 0.1));
  const worst = Math.max(...ratios);
  const bound = worst < 2.8 ? 'linear' : worst < 5 ? 'superlinear' : 'quadratic or worse';
  growth.push({ category, points, worstRatio: Number(worst.toFixed(2)), bound });
  console.log(`    ${category.padEnd(16)} ${points.map((p) => `${p.ms} ms`).join(', ').padEnd(40)} x${ratios.map((x) => x.toFixed(1)).join(' x')}  -> ${bound}`);
}

const totals = categories.reduce((a, s) => ({ tried: a.tried + s.tried, crashes: a.crashes + s.crashes, violations: a.violations + s.violations }), { tried: 0, crashes: 0, violations: 0 });
const slowest = categories.map((s) => s.slowest).sort((a, b) => b.ms - a.ms)[0];
console.log(`  total: ${totals.tried} inputs, ${totals.crashes} crashes, ${totals.violations} with contract violations, ${Math.round((performance.now() - t0) / 1000)} s`);
console.log(`  slowest input: ${slowest.name.slice(0, 80)}: ${slowest.ms} ms for ${slowest.bytes} bytes (${slowest.mbPerSec} MB/s)`);
for (const f of failures.slice(0, 15)) console.log(`  FAIL ${f.name.slice(0, 90)}: ${f.crash ?? f.violations.join('; ')}`);
if (failures.length > 15) console.log(`  ... and ${failures.length - 15} more (bench/out/campaign.json)`);

fs.mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'out', 'campaign.json'), JSON.stringify({ runs: RUNS, totals, slowest, categories, growth, failures }, null, 2) + '\n');
process.exit(totals.crashes + totals.violations > 0 ? 1 : 0);
