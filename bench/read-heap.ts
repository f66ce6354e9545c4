// The memory floor of a review that reads its input whole: the heap the read document (the Series,
// every hunk's lines) holds after a full GC, beside the input's bytes. bench.mjs prints it with the
// large diff's peak RSS.
//   node --expose-gc --import tsx bench/read-heap.ts FILE   -> one JSON line { heapMB, inputMB, hunks, lines }
import fs from 'node:fs';
import { parseDocument } from '../src/core/patch';

async function main(): Promise<void> {
  const file = process.argv[2];
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!file || !gc) {
    console.error('usage: node --expose-gc --import tsx bench/read-heap.ts FILE');
    process.exit(2);
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  const content = fs.readFileSync(file);
  const series = (await parseDocument({ name: file, content })).value;
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  let hunks = 0;
  let lines = 0;
  for (const p of series.patches) for (const f of p.files) for (const h of f.hunks) {
    hunks++;
    lines += h.lines.length;
  }
  console.log(JSON.stringify({ heapMB: Math.round(heap / 2 ** 20), inputMB: Math.round(content.length / 2 ** 20), hunks, lines }));
}
void main();
