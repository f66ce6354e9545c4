// Real documents to mutate, read at run time and never copied into the repository: the seed
// threads and diffs of a few ZONE_DEVICE files between the two Debian kernels. Either may be
// absent; callers say so and go on with the generated bases.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { kernelDir, seedFiles } from '../helpers/inputs';
import type { Base } from './generators';

const KERNEL_FILES = ['mm/memremap.c', 'mm/hmm.c', 'mm/migrate_device.c', 'drivers/dax/device.c', 'drivers/pci/p2pdma.c'];

export function seedBases(): Base[] {
  return seedFiles().map((f) => ({ name: `seed ${path.basename(f)}`, text: fs.readFileSync(f, 'utf8'), intact: [] }));
}

/** `git diff --no-index` of each file from 6.1 to 6.12, paths as a/mm/... b/mm/.... */
export function kernelBases(): Base[] {
  const [old, cur] = [kernelDir('6.1'), kernelDir('6.12')];
  if (!old || !cur) return [];
  return KERNEL_FILES.flatMap((f) => {
    const r = spawnSync('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', path.join(old, f), path.join(cur, f)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 1 || !r.stdout) return [];
    const text = r.stdout.split(`a${old}/`).join('a/').split(`b${cur}/`).join('b/');
    return [{ name: `kernel ${f}`, text, intact: [] }];
  });
}
