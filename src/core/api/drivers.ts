// Which kernel files allocate or map which pgmap types: context for hunks in those files.
import type { PgmapType } from '../types';
import type { DriverFile } from './types';
import { ALL_TYPES } from './build';

/** Ordered: the first entry whose path is a prefix of (or equal to) the file path wins. */
export const DRIVER_FILES: readonly DriverFile[] = [
  { path: 'drivers/gpu/drm/nouveau/nouveau_dmem.c', types: ['PRIVATE'], note: 'nouveau device-private memory (SVM migration)' },
  { path: 'drivers/gpu/drm/amd/amdkfd/kfd_migrate.c', types: ['PRIVATE', 'COHERENT'], note: 'amdkfd SVM: device-private, or coherent on parts with coherent VRAM' },
  { path: 'lib/test_hmm.c', types: ['PRIVATE', 'COHERENT'], note: 'HMM selftest driver (dmirror): device-private and emulated coherent memory' },
  { path: 'drivers/gpu/drm/drm_pagemap.c', types: ['PRIVATE'], note: 'drm_pagemap (v6.15+): device-private memory of GPU SVM drivers (xe)' },
  { path: 'arch/powerpc/kvm/book3s_hv_uvmem.c', types: ['PRIVATE'], note: 'POWER secure-guest (ultravisor) memory as device-private pages' },
  { path: 'fs/dax.c', types: ['FS_DAX'], note: 'filesystem DAX core' },
  // Most of a filesystem is page-cache code no DAX page reaches (inline data, the buddy cache, ...).
  { path: 'fs/ext4/', types: ['FS_DAX'], note: 'ext4 DAX mappings and layout breaking', onlyWhereNamed: true },
  { path: 'fs/xfs/', types: ['FS_DAX'], note: 'xfs DAX mappings and layout breaking', onlyWhereNamed: true },
  { path: 'fs/fuse/dax.c', types: ['FS_DAX'], note: 'virtiofs DAX window' },
  { path: 'drivers/nvdimm/pmem.c', types: ['FS_DAX'], note: 'pmem: provides the FS DAX pgmap' },
  { path: 'drivers/dax/', types: ['GENERIC'], note: 'device DAX (MEMORY_DEVICE_GENERIC)' },
  { path: 'drivers/pci/p2pdma.c', types: ['P2PDMA'], note: 'PCI peer-to-peer DMA memory and its userspace mmap' },
  { path: 'mm/', types: ALL_TYPES, note: 'core mm: every pgmap type' },
  { path: 'include/linux/', types: ALL_TYPES, note: 'core headers: every pgmap type' },
];

/** Pgmap types whose pages a file allocates or maps; all types for files not listed. Accepts diff
 * prefixes ("a/", "b/", "./") and paths inside a tree ("/src/linux/fs/dax.c"). */
export function typesForPath(path: string): readonly PgmapType[] {
  return driverFile(path)?.types ?? ALL_TYPES;
}

/** Whether the file's types reach only its code that names their concepts (core mm and headers, whose
 * types are all types, and the filesystems marked `onlyWhereNamed`); elsewhere they reach every function. */
export function reachesOnlyWhereNamed(path: string): boolean {
  const d = driverFile(path);
  return !d || d.types.length === ALL_TYPES.length || d.onlyWhereNamed === true;
}

function driverFile(path: string): DriverFile | undefined {
  const p = path.replace(/\\/g, '/').replace(/^(?:[ab]\/|\.\/)/, '');
  return DRIVER_FILES.find((d) => (d.path.endsWith('/') ? p.startsWith(d.path) || p.includes(`/${d.path}`) : p === d.path || p.endsWith(`/${d.path}`)));
}
