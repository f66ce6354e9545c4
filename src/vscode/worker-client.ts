// The extension host's side of the analyzer worker (analyzer-worker.ts): requests by id, replies as promises.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { InputDocument, ReviewReport, SimulateResult } from '../core';

export interface WorkerOptions {
  readonly era: string;
  readonly kernelTreeDir?: string;
}

export type WorkerRequest =
  | { readonly id: number; readonly method: 'review'; readonly docs: readonly InputDocument[]; readonly options: WorkerOptions }
  | { readonly id: number; readonly method: 'simulate'; readonly doc: InputDocument; readonly hunk: number; readonly options: WorkerOptions };

export type WorkerReply = { readonly id: number; readonly value: unknown } | { readonly id: number; readonly error: string };

/** What the extension needs of the core, answered off the extension host's thread. */
export interface ReviewService {
  review(docs: readonly InputDocument[], options: WorkerOptions): Promise<ReviewReport>;
  simulate(doc: InputDocument, hunk: number, options: WorkerOptions): Promise<SimulateResult | { error: string }>;
  dispose(): void;
}

type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export class WorkerReviewService implements ReviewService {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private next = 1;
  /** Resolves when the worker has loaded the parser; rejects with its error otherwise. */
  readonly ready: Promise<void>;

  constructor(distDir: string) {
    this.worker = new Worker(path.join(distDir, 'analyzer-worker.js'), { workerData: { distDir } });
    this.ready = new Promise<void>((resolve, reject) => this.waiting.set(0, { resolve: () => resolve(), reject }));
    this.worker.on('message', (m: WorkerReply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if ('error' in m) w?.reject(new Error(m.error));
      else w?.resolve(m.value);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => this.failAll(new Error(`analyzer worker exited (${code})`)));
  }

  review(docs: readonly InputDocument[], options: WorkerOptions): Promise<ReviewReport> {
    return this.request({ method: 'review', docs, options }) as Promise<ReviewReport>;
  }

  simulate(doc: InputDocument, hunk: number, options: WorkerOptions): Promise<SimulateResult | { error: string }> {
    return this.request({ method: 'simulate', doc, hunk, options }) as Promise<SimulateResult | { error: string }>;
  }

  dispose(): void {
    void this.worker.terminate();
  }

  private request(r: Request): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...r, id });
    });
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
