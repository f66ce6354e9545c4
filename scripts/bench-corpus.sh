#!/usr/bin/env bash
# Makes the benchmark inputs from Debian's kernel sources (scripts/kernel-sources.sh) into a cache
# directory; nothing of it is committed. Idempotent: existing outputs are kept.
#   mm.diff        git diff of mm/ from 6.1 to 6.12, paths a/mm/... b/mm/...
#   big.diff       the same for mm fs lib include/linux drivers/dax drivers/nvdimm
#                  drivers/gpu/drm/nouveau drivers/gpu/drm/amd/amdkfd
#   mm-30k.diff    the first 30,000 lines of mm.diff cut at a hunk boundary: the last hunk or file
#                  header at or before line 30,000 and what follows it are dropped, so no hunk is
#                  cut short (the last file diff may lack its later hunks)
#   series-5k.mbox a format-patch mbox of about 5,000 lines (whole file diffs of mm/ files that
#                  matter to ZONE_DEVICE, one patch per file) for the editor path
#   series-1000.mbox a 1,000-patch mbox: the first 1,000 hunks of mm.diff, one patch each (its file's
#                  diff --git, --- and +++ lines and the hunk), for the editor's cold open
# Usage: bash scripts/bench-corpus.sh   -> prints the cache directory
# Overrides: PAGEREF_BENCH=/some/dir (output), PAGEREF_KERNELS=/some/dir (input).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${PAGEREF_BENCH:-/var/cache/pageref-lens/bench}"
kernels="${PAGEREF_KERNELS:-/var/cache/pageref-lens/kernels}"
if [ ! -f "$kernels/linux-6.1/.complete" ] || [ ! -f "$kernels/linux-6.12/.complete" ]; then
  kernels="$(bash "$here/kernel-sources.sh")"
fi
mkdir -p "$out"
big_dirs=(mm fs lib include/linux drivers/dax drivers/nvdimm drivers/gpu/drm/nouveau drivers/gpu/drm/amd/amdkfd)

# Diff of the folders given, with a/ and b/ standing for the two trees (symlinks), so the paths
# come out as a/mm/... b/mm/... whatever the cache directory is called.
make_diff() { # target dir...
  local target="$1"; shift
  [ -s "$target" ] && return 0
  local work; work="$(mktemp -d "$out/.work.XXXXXX")"
  ln -s "$kernels/linux-6.1" "$work/a"
  ln -s "$kernels/linux-6.12" "$work/b"
  local d rc
  for d in "$@"; do
    rc=0
    (cd "$work" && git -c core.quotepath=off diff --no-index --no-prefix --no-renames --no-color --no-ext-diff \
      "a/$d" "b/$d") >>"$work/out.diff" || rc=$?
    # git diff --no-index exits 1 when the trees differ.
    if [ "$rc" -gt 1 ]; then echo "bench-corpus: git diff failed on $d" >&2; rm -rf "$work"; exit 2; fi
  done
  mv "$work/out.diff" "$target"
  rm -rf "$work"
}

make_diff "$out/mm.diff" mm
make_diff "$out/big.diff" "${big_dirs[@]}"

if [ ! -s "$out/mm-30k.diff" ]; then
  # Line of the last hunk header at or before line 30,001, or of its file header when it is the
  # file's first hunk.
  cut_at="$(head -n 30001 "$out/mm.diff" | awk '/^diff --git /{file=NR; first=1} /^@@ /{cut=first ? file : NR; first=0} END{print cut}')"
  head -n "$((cut_at - 1))" "$out/mm.diff" >"$out/mm-30k.diff.tmp"
  mv "$out/mm-30k.diff.tmp" "$out/mm-30k.diff"
fi

if [ ! -s "$out/series-5k.mbox" ]; then
  tmp="$out/series-5k.mbox.tmp"
  : >"$tmp"
  files=(memremap.c gup.c migrate_device.c hmm.c page_vma_mapped.c pgtable-generic.c memory.c huge_memory.c)
  # One patch per file, whole file diffs, until about 5,000 lines.
  picked=()
  total=0
  for f in "${files[@]}"; do
    n="$(awk -v f="diff --git a/mm/$f b/mm/$f" '$0==f{on=1;print;next} /^diff --git /{on=0} on' "$out/mm.diff" | wc -l)"
    [ "$n" -eq 0 ] && continue
    if [ "$total" -gt 0 ] && [ $((total + n)) -gt 5200 ]; then continue; fi
    picked+=("$f"); total=$((total + n))
  done
  i=0
  for f in "${picked[@]}"; do
    i=$((i + 1))
    {
      printf 'From 000000000000000000000000000000000000000%d Mon Sep 17 00:00:00 2001\n' "$i"
      printf 'From: PageRef Bench <bench@example.org>\n'
      printf 'Date: Sat, 1 Nov 2025 12:00:0%d +0000\n' "$i"
      printf 'Subject: [PATCH %d/%d] mm: bring %s from v6.1 to v6.12\n\n' "$i" "${#picked[@]}" "$f"
      printf 'Benchmark input made by scripts/bench-corpus.sh.\n\nSigned-off-by: PageRef Bench <bench@example.org>\n---\n'
      awk -v f="diff --git a/mm/$f b/mm/$f" '$0==f{on=1;print;next} /^diff --git /{on=0} on' "$out/mm.diff"
      printf -- '-- \n2.39.5\n\n'
    } >>"$tmp"
  done
  mv "$tmp" "$out/series-5k.mbox"
fi
if [ ! -s "$out/series-1000.mbox" ]; then
  awk -v n=1000 '
    function flush() {
      if (hunk == "") return
      k++
      printf "From %040d Mon Sep 17 00:00:00 2001\nFrom: PageRef Bench <bench@example.org>\nDate: Sat, 1 Nov 2025 12:00:00 +0000\n", k
      printf "Subject: [PATCH %d/%d] mm: hunk %d of the v6.1..v6.12 diff of mm/\n\n", k, n, k
      printf "Benchmark input made by scripts/bench-corpus.sh.\n\nSigned-off-by: PageRef Bench <bench@example.org>\n---\n"
      printf "%s%s-- \n2.39.5\n\n", header, hunk
      hunk = ""
      if (k == n) exit
    }
    /^diff --git / { flush(); header = $0 "\n"; inhunk = 0; next }
    /^(---|\+\+\+) / && !inhunk { header = header $0 "\n"; next }
    /^@@ / { flush(); hunk = $0 "\n"; inhunk = 1; next }
    inhunk { hunk = hunk $0 "\n" }
    END { flush() }
  ' "$out/mm.diff" >"$out/series-1000.mbox.tmp"
  mv "$out/series-1000.mbox.tmp" "$out/series-1000.mbox"
fi
echo "$out"
