// The editor path, in-process through the core façade: one analyzer, one review to warm the
// per-hunk cache, then a one-line edit and a review again, many times. Each edit writes a new
// comment into the same added line, so the edited hunk is new to the cache every time.
// Then the same cold review and edit through the extension's analyzer worker (dist/, built first):
// the longest stall of this thread's event loop is what the extension host would feel.
//   node --import tsx bench/editor.ts SERIES [RUNS]   -> one JSON line
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAnalyzer } from '../src/core/index';
import { WorkerReviewService } from '../src/vscode/worker-client';
import { loadAssets } from '../test/helpers/assets';

const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 50);
const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n');
// The added line to edit: a statement inside a function, near the middle of the series.
const candidates = lines.flatMap((l, i) => (/^\+\t+[a-z_][a-z0-9_]*\(.*\);$/.test(l) ? [i] : []));
const target = candidates[Math.floor(candidates.length / 2)];
if (target === undefined) {
  console.error(`editor: no added statement line to edit in ${file}`);
  process.exit(2);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 100) / 100;

/** Longest event-loop stall (ms) of this thread while the worker reviews `content`. */
async function workerStall(service: WorkerReviewService, content: string): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const tick = setInterval(() => {}, 1); // keep the loop busy, as an editor would be
  await service.review([{ name: file, content }], { era: 'auto' });
  clearInterval(tick);
  h.disable();
  return h.max / 1e6;
}

async function main(): Promise<void> {
  const analyzer = await createAnalyzer(loadAssets());
  const doc = (t: string) => [{ name: file, content: t }];

  let t0 = performance.now();
  const first = await analyzer.review(doc(text));
  const coldMs = performance.now() - t0;

  const unchanged: number[] = [];
  const edited: number[] = [];
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    await analyzer.review(doc(text));
    unchanged.push(performance.now() - t0);

    const copy = [...lines];
    copy[target] = `${lines[target]} /* edit ${i} */`;
    const edit = copy.join('\n');
    t0 = performance.now();
    const r = await analyzer.review(doc(edit));
    edited.push(performance.now() - t0);
    findings = r.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.reduce((k, h) => k + h.findings.length, 0), 0), 0);
  }
  analyzer.dispose();

  const service = new WorkerReviewService(path.resolve('dist'));
  await service.ready;
  const workerColdStallMs = await workerStall(service, text);
  const copy = [...lines];
  copy[target] = `${lines[target]} /* worker edit */`;
  const workerEditStallMs = await workerStall(service, copy.join('\n'));
  service.dispose();

  console.log(JSON.stringify({
    lines: lines.length,
    editedLine: target,
    runs,
    coldMs: round(coldMs),
    unchangedMedianMs: round(median(unchanged)),
    editMedianMs: round(median(edited)),
    editMaxMs: round(Math.max(...edited)),
    hunks: first.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0),
    findings,
    workerColdStallMs: round(workerColdStallMs),
    workerEditStallMs: round(workerEditStallMs),
  }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
