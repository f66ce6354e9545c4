#!/usr/bin/env bash
# Installs Debian's linux-source-6.1 and linux-source-6.12 packages and unpacks the folders
# PageRef Lens tests and benchmarks read (nothing of it is committed).
# Usage: bash scripts/kernel-sources.sh        -> prints the directory holding linux-6.1/ and linux-6.12/
# Override the target with PAGEREF_KERNELS=/some/dir.
set -euo pipefail
dest="${PAGEREF_KERNELS:-/var/cache/pageref-lens/kernels}"
dirs=(mm fs lib include/linux drivers/dax drivers/nvdimm drivers/pci/p2pdma.c drivers/gpu/drm/nouveau
      drivers/gpu/drm/amd/amdkfd arch/powerpc/kvm scripts/checkpatch.pl scripts/spelling.txt
      scripts/const_structs.checkpatch Makefile)
mkdir -p "$dest"
for v in 6.1 6.12; do
  if [ -f "$dest/linux-$v/.complete" ]; then continue; fi
  tarball="/usr/src/linux-source-$v.tar.xz"
  if [ ! -f "$tarball" ]; then
    if [ "$(id -u)" -ne 0 ]; then echo "kernel-sources: need root to apt-get install linux-source-$v" >&2; exit 2; fi
    if ! apt-get install -y --no-install-recommends "linux-source-$v" >/dev/null 2>&1; then
      apt-get update >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "linux-source-$v" >/dev/null
    fi
  fi
  rm -rf "$dest/linux-$v" && mkdir -p "$dest/linux-$v"
  tar -xJf "$tarball" -C "$dest/linux-$v" --strip-components=1 "${dirs[@]/#/linux-source-$v/}"
  touch "$dest/linux-$v/.complete"
done
echo "$dest"
