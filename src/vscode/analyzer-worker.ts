// The core analyzer in a worker thread, so that reviews of big series and first simulations never
// block the extension host. Plain data crosses the boundary: documents in, reports out.
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer, type KernelTree, type ReviewOptions } from '../core';
import { loadAssets } from '../node/assets';
import { diskKernelTree } from '../node/kernel-tree';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './worker-client';

const port = parentPort!;
const ready = createAnalyzer(loadAssets(workerData.distDir as string));
ready.then(
  () => port.postMessage({ id: 0, value: 'ready' } satisfies WorkerReply),
  (e: unknown) => port.postMessage({ id: 0, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
);

// One tree object per folder: it keeps what git told it (blobs by id) across reviews.
let tree: { dir: string; tree: KernelTree } | undefined;
const treeOf = (dir: string): KernelTree => (tree?.dir === dir ? tree.tree : (tree = { dir, tree: diskKernelTree(dir) }).tree);
const options = (o: WorkerOptions): ReviewOptions => ({ era: o.era, kernelTree: o.kernelTreeDir ? treeOf(o.kernelTreeDir) : undefined });

// One request at a time, in order: the analyzer's per-hunk cache makes repeats cheap.
let queue: Promise<unknown> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const analyzer = await ready;
      const value = req.method === 'review'
        ? await analyzer.review(req.docs, options(req.options))
        : await analyzer.simulate(req.doc, req.hunk, options(req.options));
      port.postMessage({ id: req.id, value } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
    }
  });
});
