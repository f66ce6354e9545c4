// typesForPath: which pgmap types a file's pages can be; reachesOnlyWhereNamed: whether they reach all of its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRIVER_FILES, reachesOnlyWhereNamed, typesForPath } from '../../../src/core/api';
import { PGMAP_TYPES } from '../../../src/core/types';

test('typesForPath maps driver and filesystem files to their pgmap types', () => {
  const cases: [string, readonly string[]][] = [
    ['drivers/gpu/drm/nouveau/nouveau_dmem.c', ['PRIVATE']],
    ['b/drivers/gpu/drm/nouveau/nouveau_dmem.c', ['PRIVATE']],
    ['drivers/gpu/drm/amd/amdkfd/kfd_migrate.c', ['PRIVATE', 'COHERENT']],
    ['lib/test_hmm.c', ['PRIVATE', 'COHERENT']],
    ['arch/powerpc/kvm/book3s_hv_uvmem.c', ['PRIVATE']],
    ['drivers/gpu/drm/drm_pagemap.c', ['PRIVATE']],
    ['fs/dax.c', ['FS_DAX']],
    ['a/fs/ext4/inode.c', ['FS_DAX']],
    ['fs/xfs/xfs_file.c', ['FS_DAX']],
    ['fs/fuse/dax.c', ['FS_DAX']],
    ['drivers/nvdimm/pmem.c', ['FS_DAX']],
    ['drivers/dax/device.c', ['GENERIC']],
    ['drivers/dax/bus.c', ['GENERIC']],
    ['drivers/pci/p2pdma.c', ['P2PDMA']],
    ['/var/cache/linux-6.12/drivers/pci/p2pdma.c', ['P2PDMA']],
    ['./fs/dax.c', ['FS_DAX']],
    ['mm/memremap.c', PGMAP_TYPES],
    ['include/linux/memremap.h', PGMAP_TYPES],
    ['drivers/gpu/drm/i915/i915_gem.c', PGMAP_TYPES],
  ];
  for (const [p, want] of cases) assert.deepEqual(typesForPath(p), want, p);
});

test('lookalike paths do not match', () => {
  assert.deepEqual(typesForPath('fs/fuse/dax.c.orig'), PGMAP_TYPES);
  assert.deepEqual(typesForPath('fs/ext4x/inode.c'), PGMAP_TYPES);
  assert.deepEqual(typesForPath('lib/test_hmm.c2'), PGMAP_TYPES);
});

test('DRIVER_FILES entries are unique and every one has types and a note', () => {
  assert.equal(new Set(DRIVER_FILES.map((d) => d.path)).size, DRIVER_FILES.length);
  for (const d of DRIVER_FILES) assert.ok(d.types.length > 0 && d.note.length > 0, d.path);
});

test('core files and filesystems are reached only where their types are named; driver files everywhere', () => {
  for (const p of ['mm/memremap.c', 'include/linux/mm.h', 'fs/ext4/inline.c', 'a/fs/xfs/xfs_file.c', 'drivers/gpu/drm/i915/i915_gem.c']) assert.ok(reachesOnlyWhereNamed(p), p);
  for (const p of ['fs/dax.c', 'fs/fuse/dax.c', 'drivers/dax/device.c', 'drivers/pci/p2pdma.c', 'lib/test_hmm.c']) assert.ok(!reachesOnlyWhereNamed(p), p);
});
