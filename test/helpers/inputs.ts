// Real inputs read at test time: the seed threads in ../shared/seeds and Debian's kernel sources
// unpacked by scripts/kernel-sources.sh, and the benchmark's diffs made from them. Tests that need them
// skip visibly when they are absent.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './assets';

export const SHARED = process.env.PAGEREF_SHARED ?? path.resolve(ROOT, '..', 'shared');
export const SEEDS = path.join(SHARED, 'seeds');
export const KERNELS = process.env.PAGEREF_KERNELS ?? '/var/cache/pageref-lens/kernels';

/** `skip` option for node:test: a reason string when ../shared/seeds is missing, else false. */
export const needSeeds: string | false = fs.existsSync(SEEDS) ? false : `needs ../shared/seeds (not found at ${SEEDS})`;

/** Kernel tree directory of a version ("6.1", "6.12"), or undefined. */
export function kernelDir(version: '6.1' | '6.12'): string | undefined {
  const d = path.join(KERNELS, `linux-${version}`);
  return fs.existsSync(path.join(d, '.complete')) ? d : undefined;
}
export const needKernels: string | false =
  kernelDir('6.1') && kernelDir('6.12') ? false : `needs Debian kernel sources (run scripts/kernel-sources.sh; looked in ${KERNELS})`;

export function seedFiles(): string[] {
  return fs.existsSync(SEEDS) ? fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(SEEDS, f)) : [];
}

let corpus: string | undefined;
/** The benchmark's diffs (scripts/bench-corpus.sh makes them once from the Debian kernels): their folder. */
export function benchCorpus(): string {
  if (corpus) return corpus;
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'bench-corpus.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/bench-corpus.sh failed: ${r.stderr}`);
  return (corpus = r.stdout.trim().split('\n').pop()!);
}

/** The file diffs of `text` whose b/ path `keep` accepts. */
export function fileDiffs(text: string, keep: (p: string) => boolean): string {
  return text.split(/^(?=diff --git )/m).filter((d) => keep(/^diff --git \S+ b\/(\S+)/.exec(d)?.[1] ?? '')).join('');
}
