// How long the extension host's thread is blocked while the worker reviews a 5,000-line series:
// the analyzer runs in dist/analyzer-worker.js (as in the extension), the main thread only posts
// documents and receives reports. Prints the longest event-loop stall, cold and after a one-line edit.
// Run: npm run build && node --import tsx bench/editor-thread.mts [series.mbox]
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkerReviewService } from '../src/vscode/worker-client';

const file = process.argv[2] ?? '/var/cache/pageref-lens/bench/series-5k.mbox';
if (!fs.existsSync(file)) {
  console.log(`editor-thread: ${file} missing (scripts/bench-corpus.sh makes it)`);
  process.exit(0);
}
const text = fs.readFileSync(file, 'utf8');
const service = new WorkerReviewService(path.resolve('dist'));
await service.ready;
const options = { era: 'auto' };

async function stall(label: string, content: string): Promise<void> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  // keep the loop busy with timers, as an editor would be
  const tick = setInterval(() => {}, 1);
  const report = await service.review([{ name: 'series.mbox', content }], options);
  clearInterval(tick);
  h.disable();
  const hunks = report.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
  console.log(`${label.padEnd(28)} review ${(performance.now() - t0).toFixed(0).padStart(5)} ms in the worker, ` +
    `longest main-thread stall ${(h.max / 1e6).toFixed(1)} ms (p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms), ${hunks} hunks`);
}

const lines = text.split('\n');
console.log(`${file}: ${lines.length} lines`);
await stall('cold', text);
const i = lines.findIndex((l, k) => k > lines.length / 2 && l.startsWith('+') && !l.startsWith('+++'));
lines[i] += ' /* edited */';
await stall('after a one-line edit', lines.join('\n'));
await stall('unchanged', lines.join('\n'));
service.dispose();
