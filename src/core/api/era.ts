// Era handling: the --era option and inference of a patch's base era from its pre-image.
import { ERAS, type Era } from '../types';
import type { Series } from '../patch/types';
import { span } from './build';

export type EraOption = { era: Era | 'auto'; from?: string } | { error: string };

/** First kernel version (major, minor) of each release era; E5 has no version (by name only). */
const ERA_STARTS: readonly (readonly [Era, number, number])[] = [
  ['E4', 6, 17],
  ['E3', 6, 15],
  ['E2', 6, 1],
  ['E1', 5, 18],
];

/** Era of a kernel version: E0 <= v5.17, E1 v5.18-v6.0, E2 v6.1-v6.14, E3 v6.15-v6.16, E4 v6.17+. */
export function eraOfVersion(major: number, minor: number): Era {
  for (const [era, ma, mi] of ERA_STARTS) if (major > ma || (major === ma && minor >= mi)) return era;
  return 'E0';
}

/** Parses --era: 'auto', 'E0'..'E5' (any case) or a kernel version ('v6.12', '6.1', 'v6.15-rc3', '6.1.192'). */
export function parseEraOption(s: string): EraOption {
  const t = s.trim();
  if (/^auto$/i.test(t)) return { era: 'auto' };
  if (/^e[0-5]$/i.test(t)) return { era: t.toUpperCase() as Era };
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-rc\d+)?$/i.exec(t);
  if (m) return { era: eraOfVersion(Number(m[1]), Number(m[2])), from: t };
  return { error: `unknown era '${s}': use auto, E0-E5 or a kernel version like v6.12` };
}

/** One piece of era evidence: a pre-image line matching `pattern` (optionally only in some files,
 * or only when `test` also holds on the hunk's pre-image) means the base is in one of `eras`. */
export interface EraEvidence {
  readonly label: string;
  readonly pattern: RegExp;
  readonly eras: readonly Era[];
  /** Only in files whose path matches. */
  readonly path?: RegExp;
  /** Extra condition on the hunk's pre-image lines, given the index of the matching line. */
  readonly test?: (pre: readonly string[], index: number) => boolean;
}

const ALLOC_DRIVERS = /nouveau_dmem\.c$|kfd_migrate\.c$|test_hmm\.c$|book3s_hv_uvmem\.c$/;

/** The code line before `index`, skipping blanks and comment lines; undefined at the hunk start. */
function previousCode(pre: readonly string[], index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const l = pre[i]!.trim();
    if (l === '' || l.startsWith('/*') || l.startsWith('*') || l.startsWith('//')) continue;
    return l;
  }
  return undefined;
}

export const ERA_EVIDENCE: readonly EraEvidence[] = [
  { label: 'put_devmap_managed_page', pattern: /\bput_devmap_managed_page\s*\(/, eras: span('E0', 'E2') },
  { label: '__put_devmap_managed_page', pattern: /\b__put_devmap_managed_page\s*\(/, eras: span('E0', 'E1') },
  { label: 'put_devmap_managed_page_refs', pattern: /\bput_devmap_managed_page_refs\b/, eras: ['E2'] },
  { label: 'put_devmap_managed_folio_refs', pattern: /\bput_devmap_managed_folio_refs\b/, eras: ['E2'] },
  { label: 'free_devmap_managed_page', pattern: /\bfree_devmap_managed_page\b/, eras: ['E0'] },
  { label: '__put_page', pattern: /\b__put_page\s*\(/, eras: span('E0', 'E1') },
  { label: 'page_ref_add_unless(page, 1, 1)', pattern: /\bpage_ref_add_unless\s*\(\s*\w+\s*,\s*1\s*,\s*1\s*\)/, eras: ['E0'] },
  {
    label: 'get_page() with lock_page() in a device-private allocator', pattern: /\bget_page\s*\(/, eras: ['E0'], path: ALLOC_DRIVERS,
    test: (pre) => pre.some((l) => /\block_page\s*\(/.test(l)),
  },
  {
    label: 'unguarded set_page_count(page, 1) after ->page_free()', pattern: /\bset_page_count\s*\(\s*page\s*,\s*1\s*\)/, eras: ['E1'],
    test: (pre, i) => /page_free\s*\(\s*page\s*\)\s*;$/.test(previousCode(pre, i) ?? ''),
  },
  { label: 'free_zone_device_page', pattern: /\bfree_zone_device_page\b/, eras: span('E1', 'E2') },
  { label: 'MEMORY_DEVICE_COHERENT', pattern: /\bMEMORY_DEVICE_COHERENT\b|\bis_device_coherent_page\b|\bfolio_is_device_coherent\b/, eras: span('E1') },
  { label: 'zone_device_page_init', pattern: /\bzone_device_page_init\b/, eras: span('E2') },
  { label: 'free_zone_device_folio', pattern: /\bfree_zone_device_folio\b/, eras: span('E2') },
  { label: 'folio->page.pgmap', pattern: /->page\.pgmap\b/, eras: ['E2'] },
  { label: 'PAGE_MAPPING_DAX_SHARED', pattern: /\bPAGE_MAPPING_DAX_SHARED\b/, eras: ['E2'] },
  { label: 'folios_put_refs', pattern: /\bfolios_put_refs\b/, eras: span('E2') },
  { label: 'folio_add/remove_rmap_*', pattern: /\bfolio_(?:add_file|remove)_rmap_(?:pte|ptes|pmd)\b/, eras: span('E2') },
  { label: 'page_add_file_rmap', pattern: /\bpage_add_file_rmap\b/, eras: span('E0', 'E2') },
  { label: 'is_longterm_pinnable_page', pattern: /\bis_longterm_pinnable_page\b/, eras: span('E0', 'E2') },
  { label: 'gup_fast_* helpers', pattern: /\bgup_fast_(?:pte_range|pmd_range|pud_range|pgd_range|fallback)\b/, eras: span('E2') },
  { label: 'devmap GUP-fast helpers', pattern: /\bgup_fast_devmap_\w+|\bgup_fast_undo_dev_pagemap\b/, eras: span('E2', 'E3') },
  { label: 'pre-v6.10 GUP-fast helpers', pattern: /\b__gup_device_huge\w*|\bundo_dev_pagemap\b|\bgup_pte_range\b/, eras: span('E0', 'E2') },
  { label: 'follow_devmap_pud', pattern: /\bfollow_devmap_pud\b/, eras: span('E0', 'E2') },
  { label: 'p2pmem_alloc_mmap', pattern: /\bp2pmem_alloc_mmap\b|\bp2pdma_page_free\b/, eras: span('E2') },
  { label: 'pte/pmd/pud_devmap', pattern: /\bp[tmu]d_devmap\b|\bp[tmu]d_mkdevmap\b|\bfollow_devmap_pmd\b|\bdevmap_managed_key\b/, eras: span('E0', 'E3') },
  { label: 'pfn_t/PFN_DEV', pattern: /\bpfn_t\b|\bpfn_t_\w+|\bPFN_DEV\b|\bPFN_MAP\b/, eras: span('E0', 'E3') },
  { label: 'vmf_insert_folio_pmd/pud', pattern: /\bvmf_insert_folio_p[mu]d\b/, eras: span('E3') },
  { label: 'vmf_insert_page_mkwrite', pattern: /\bvmf_insert_page_mkwrite\b/, eras: span('E3') },
  { label: 'dax_page_is_idle', pattern: /\bdax_page_is_idle\b/, eras: span('E3') },
  { label: 'dax_wait_page_idle', pattern: /\bdax_wait_page_idle\b|\bdax_break_layout\w*/, eras: span('E3') },
  { label: 'dax_folio_init/put', pattern: /\bdax_folio_(?:init|put)\b/, eras: span('E3') },
  { label: 'page_pgmap()', pattern: /\bpage_pgmap\s*\(|\bfolio->pgmap\b/, eras: span('E3') },
  { label: 'folio_is_fsdax', pattern: /\bfolio_is_fsdax\b|\bis_fsdax_page\b|\bfolio_is_pci_p2pdma\b/, eras: span('E3') },
  { label: 'zone_device_folio_init', pattern: /\bzone_device_folio_init\b/, eras: ['E5'] },
];

/** "<= E2", ">= E3", "E1-E2", "E0" for a contiguous era list. */
export function formatEras(eras: readonly Era[]): string {
  const first = eras[0]!;
  const last = eras[eras.length - 1]!;
  if (eras.length === 1) return first;
  if (first === 'E0') return `<= ${last}`;
  if (last === 'E5' || (last === 'E4' && !eras.includes('E5'))) return `>= ${first}`;
  return `${first}-${last}`;
}

const ERA_KERNELS: Readonly<Record<Era, string>> = {
  E0: '<= v5.17', E1: 'v5.18-v6.0', E2: 'v6.1-v6.14', E3: 'v6.15-v6.16', E4: 'v6.17+', E5: 'large device-private folios',
};

/** Infers the base era of a series from what the pre-image (context and deleted lines, and the
 * hunk headers' function context) uses; the newest era consistent with all evidence wins. */
/** One pass over a line decides whether any evidence can match it (most hunks name none). */
const ANY_EVIDENCE = new RegExp(ERA_EVIDENCE.map((e) => `(?:${e.pattern.source})`).join('|'));

export function inferEra(series: readonly Series[]): { era: Era; why: string } {
  const found = new Map<string, EraEvidence>();
  for (const s of series) {
    for (const patch of s.patches) {
      for (const file of patch.files) {
        for (const hunk of file.hunks) {
          const pre = [hunk.section, ...hunk.lines.filter((l) => l.kind !== 'add').map((l) => l.text)];
          if (!pre.some((l) => ANY_EVIDENCE.test(l))) continue;
          for (const ev of ERA_EVIDENCE) {
            if (found.has(ev.label) || (ev.path && !ev.path.test(file.path))) continue;
            const i = pre.findIndex((l) => ev.pattern.test(l));
            if (i >= 0 && (!ev.test || ev.test(pre, i))) found.set(ev.label, ev);
          }
        }
      }
    }
  }
  if (found.size === 0) return { era: 'E2', why: `no era-specific evidence; assuming E2 (${ERA_KERNELS.E2})` };
  const evidence = [...found.values()];
  // E5 is a side branch (large device-private folios): only when some evidence needs it.
  const candidates = ERAS.filter((e) => e !== 'E5' || evidence.some((ev) => ev.eras.includes('E5') && !ev.eras.includes('E4')));
  let best: Era = 'E2';
  let bestScore = -1;
  for (const era of candidates) {
    const score = evidence.filter((ev) => ev.eras.includes(era)).length;
    if (score >= bestScore) [best, bestScore] = [era, score];
  }
  const list = evidence.map((ev) => `${ev.label} (${formatEras(ev.eras)})`).join(', ');
  const verdict = bestScore === evidence.length ? `${best}` : `${best} (conflicting evidence: ${best} fits ${bestScore} of ${evidence.length})`;
  return { era: best, why: `pre-image uses ${list} -> ${verdict} (${ERA_KERNELS[best]})` };
}
