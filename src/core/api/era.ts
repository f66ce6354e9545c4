// Era handling: the --era option, and inference of a series' base era from everything the mail
// says: its Date: through the release calendar, base-commit / prerequisite-patch-id trailers, subject
// tags (-next, mm-unstable), a base named in the cover letter, the names its pre-image uses, and (from
// the adapter's git tree) the dates of the pre-image blobs and of the base commit. Each clue names the
// eras it allows and a weight; the era with the most weight wins, ties go to the era nearest the date.
import { ERAS, type Era } from '../types';
import type { Hunk, Patch, Series } from '../patch/types';
import { eachLine, hunkText } from '../patch/diff';
import { span } from './build';
import { RELEASES, eraOfVersion, parseVersion, releaseAt, type Release } from './releases';

export { eraOfVersion } from './releases';

export type EraOption = { era: Era | 'auto'; from?: string } | { error: string };

/** Parses --era: 'auto', 'E0'..'E5' (any case) or a kernel version ('v6.12', '6.1', 'v6.15-rc3', '6.1.192'). */
export function parseEraOption(s: string): EraOption {
  const t = s.trim();
  if (/^auto$/i.test(t)) return { era: 'auto' };
  if (/^e[0-5]$/i.test(t)) return { era: t.toUpperCase() as Era };
  const v = parseVersion(t);
  if (v) return { era: eraOfVersion(v.major, v.minor), from: t };
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
  { label: 'p2pmem_alloc_mmap', pattern: /\bp2pmem_alloc_mmap\b/, eras: span('E2') },
  { label: 'p2pdma_page_free', pattern: /\bp2pdma_page_free\b/, eras: span('E2', 'E4') },
  { label: 'pte/pmd/pud_devmap', pattern: /\bp(?:te|md|ud)_(?:mk)?devmap\b|\bfollow_devmap_pmd\b|\bdevmap_managed_key\b/, eras: span('E0', 'E3') },
  { label: 'pfn_t/PFN_DEV', pattern: /\bpfn_t\b|\bpfn_t_\w+|\bPFN_DEV\b|\bPFN_MAP\b/, eras: span('E0', 'E3') },
  { label: 'vmf_insert_folio_pmd/pud', pattern: /\bvmf_insert_folio_p[mu]d\b/, eras: span('E3') },
  { label: 'vmf_insert_page_mkwrite', pattern: /\bvmf_insert_page_mkwrite\b/, eras: span('E3') },
  { label: 'dax_page_is_idle', pattern: /\bdax_page_is_idle\b/, eras: span('E3') },
  { label: 'dax_wait_page_idle', pattern: /\bdax_wait_page_idle\b|\bdax_break_layout\w*/, eras: span('E3') },
  { label: 'dax_folio_init/put', pattern: /\bdax_folio_(?:init|put)\b/, eras: span('E3') },
  { label: 'page_pgmap()', pattern: /\bpage_pgmap\s*\(|\bfolio->pgmap\b/, eras: span('E3') },
  { label: 'folio_is_fsdax', pattern: /\bfolio_is_fsdax\b|\bis_fsdax_page\b|\bfolio_is_pci_p2pdma\b/, eras: span('E3') },
  { label: 'zone_device_folio_init', pattern: /\bzone_device_folio_init\b/, eras: ['E5'] },
  { label: 'pgmap ops ->folio_free', pattern: /->folio_free\s*\(|\.folio_free\s*=/, eras: ['E5'] },
  { label: 'driver ->folio_free callbacks', pattern: /\b(?:p2pdma|nouveau_dmem|svm_migrate|kvmppc_uvmem|drm_pagemap)_folio_free\b|\bdmirror_devmem_free\s*\(\s*struct\s+folio\b/, eras: ['E5'] },
  { label: 'pgmap ops ->page_free', pattern: /->ops->page_free\b|\.page_free\s*=/, eras: span('E0', 'E4') },
  // E5 allocates with an order (v6.19: (page, order); newest: (page, pgmap, order)); before, (page).
  { label: 'zone_device_page_init(page, order)', pattern: /\bzone_device_page_init\s*\([^(),]+(?:\([^()]*\))?[^(),]*,/, eras: ['E5'] },
  { label: 'zone_device_page_init(page)', pattern: /\bzone_device_page_init\s*\([^(),]+(?:\([^()]*\))?[^(),]*\)/, eras: span('E2', 'E4') },
  { label: 'large device-private folio migration (migrate_vma_collect_huge_pmd, MIGRATE_PFN_COMPOUND)', pattern: /\bmigrate_vma_collect_huge_pmd\b|\bMIGRATE_PFN_COMPOUND\b/, eras: ['E5'] },
  { label: 'softleaf_t helpers', pattern: /\bsoftleaf_\w+\s*\(|\bsoftleaf_t\b/, eras: ['E5'] },
];

/** One pass over a line decides whether any evidence can match it (most hunks name none). */
const ANY_EVIDENCE = new RegExp(ERA_EVIDENCE.map((e) => `(?:${e.pattern.source})`).join('|'));

/** "<= E2", ">= E3", "E1-E2", "E0" for a contiguous era list. */
export function formatEras(eras: readonly Era[]): string {
  const first = eras[0]!;
  const last = eras[eras.length - 1]!;
  if (eras.length === 1) return first;
  if (first === 'E0') return `<= ${last}`;
  if (last === 'E5') return `>= ${first}`;
  return `${first}-${last}`;
}

const ERA_KERNELS: Readonly<Record<Era, string>> = {
  E0: '<= v5.17', E1: 'v5.18-v6.0', E2: 'v6.1-v6.14', E3: 'v6.15-v6.16', E4: 'v6.17-v6.18', E5: 'v6.19+',
};

/** What the adapter's kernel tree (a git repository) knows about a commit and a blob; all optional. */
export interface GitFacts {
  /** A commit named by base-commit: the newest release tag it contains ("v6.15-rc3") and its commit date (ISO). */
  commit?(sha: string): { describe?: string; date?: string } | undefined;
  /** Committer date (ISO) of the oldest commit that introduced blob `blob` at `path`. */
  blobSince?(path: string, blob: string): string | undefined;
}

/** One piece of evidence about the base: the eras it allows and how much it weighs. */
export interface Clue {
  readonly label: string;
  readonly eras: readonly Era[];
  readonly weight: number;
}

/** Weights: a tree version named outright > the git tree's facts > a name in the pre-image > the date. */
const W = { named: 6, commit: 5, blob: 4, code: 3, next: 3, date: 2, rc: 1 } as const;

export interface EraInference {
  readonly era: Era;
  /** One line: the clues used with their weights, and the verdict. */
  readonly why: string;
  /** No clue at all: the era is a default. */
  readonly noEvidence: boolean;
  /** Patches reviewed in a later era than their series' base (a series that introduces an era's feature). */
  readonly patchEras: ReadonlyMap<Patch, Era>;
  /** Base era of each series. */
  readonly seriesEras: ReadonlyMap<Series, Era>;
  /** Every era the evidence fits as well as the chosen one (of each series; all eras without evidence). */
  readonly fits: ReadonlySet<Era>;
}

const NEWEST: Era = RELEASES[RELEASES.length - 1]!.era;
const index = (e: Era) => ERAS.indexOf(e);
const eraAfter = (r: Release | undefined, k: number): Era => (r ? RELEASES[RELEASES.indexOf(r) + k]?.era ?? NEWEST : 'E0');

/** The mail's Date: as an ISO day ("2025-01-10"), when it parses. */
export function mailDay(date: string | undefined): string | undefined {
  if (!date) return undefined;
  // RFC 5322 dates, with a trailing "(UTC)" comment, and archive forms such as "Thu Sep 29 2022 - 20:56:24 EST".
  const t = Date.parse(date.replace(/\s*\([^)]*\)\s*$/, '').replace(/\s+-\s+/, ' '));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
}

/** The tree a "-next" / mm-unstable patch is written against at `day`: during release N+1's merge
 * window it holds N+1's material, during its -rc cycle already N+2's. */
function nextTreeEra(day: string): { era: Era; what: string } {
  const at = releaseAt(day);
  if (!at.base) return { era: 'E0', what: 'before v4.19' };
  if (at.mergeWindow) return { era: eraAfter(at.base, 1), what: `material for ${at.next ? 'v' + at.next.version : 'the release after v' + at.base.version}` };
  const n2 = at.next ? RELEASES[RELEASES.indexOf(at.next) + 1] : undefined;
  return { era: eraAfter(at.base, 2), what: `material for ${n2 ? 'v' + n2.version : 'the release after v' + (at.next?.version ?? at.base.version)}` };
}

/** Date clues. During release N+1's merge window the release in progress is N+1 and a patch is based
 * on N (its -rc1 is not out; N+1 is the weaker reading); once -rc1 is out, development is on N+2 and
 * the release before it, N+1 (its -rc), is the base (N the weaker reading). */
function dateClues(day: string): Clue[] {
  const at = releaseAt(day);
  if (!at.base) return [{ label: `Date ${day} (before v4.19)`, eras: ['E0'], weight: W.date }];
  if (!at.next) return [{ label: `Date ${day} (after v${at.base.version}, the calendar's newest)`, eras: [at.base.era], weight: W.date }];
  const [strong, weak] = at.mergeWindow ? [at.base, at.next] : [at.next, at.base];
  const stage = at.mergeWindow ? `v${at.next.version} merge window: based on v${at.base.version}` : `v${at.next.version}-rc cycle: based on v${at.next.version}-rc`;
  const clues: Clue[] = [{ label: `Date ${day} (${stage})`, eras: [strong.era], weight: W.date }];
  if (weak.era !== strong.era) clues.push({ label: `Date ${day} (or on v${weak.version})`, eras: [weak.era], weight: W.rc });
  return clues;
}

const NEXT_TAG = /(?:^|[\s[,])(?:-?next|linux-next|mm-unstable|mm-new|mm-everything|mm-stable)(?=[\s\],]|$)/i;
const HOTFIX_TAG = /(?:^|[\s[,])mm-hotfixes(?:-unstable|-stable)?(?=[\s\],]|$)/i;

/** The bracketed prefix of a subject: "[PATCH -next v2 1/3]" -> "PATCH -next v2 1/3". */
function subjectTags(raw: string): string {
  const m = /^\s*(?:(?:re|fwd?)\s*:\s*)*((?:\[[^\]]*\]\s*)+)/i.exec(raw);
  return m ? m[1]!.replace(/[[\]]/g, ' ').trim() : '';
}

/** Clues from a message's headers and text (the cover letter or a patch). */
function mailClues(p: Patch, git: GitFacts | undefined): { clues: Clue[]; day?: string } {
  const clues: Clue[] = [];
  const day = mailDay(p.date);
  const tags = subjectTags(p.rawSubject);
  const next = NEXT_TAG.exec(tags)?.[0]?.replace(/^[\s[,]/, '');
  if (day && next) {
    const t = nextTreeEra(day);
    clues.push({ label: `[${next}] at ${day} (${t.what})`, eras: [t.era], weight: W.next });
  } else if (day && HOTFIX_TAG.test(tags)) {
    const at = releaseAt(day);
    clues.push({ label: `[mm-hotfixes] at ${day} (mainline -rc)`, eras: [at.mergeWindow || !at.next ? at.base?.era ?? 'E0' : at.next.era], weight: W.next });
  } else if (day) clues.push(...dateClues(day));
  const b = p.base;
  if (b?.named) {
    const v = parseVersion(b.named);
    const nd = /next-(\d{4})(\d{2})(\d{2})/.exec(b.named);
    if (v) clues.push({ label: `based on ${b.named}`, eras: [eraOfVersion(v.major, v.minor)], weight: W.named });
    else if (nd) {
      const t = nextTreeEra(`${nd[1]}-${nd[2]}-${nd[3]}`);
      clues.push({ label: `based on ${b.named} (${t.what})`, eras: [t.era], weight: W.named });
    } else if (day && !next && /next|mm-(?:unstable|new|everything|stable)|mm\.git/i.test(b.named)) {
      const t = nextTreeEra(day);
      clues.push({ label: `based on ${b.named} at ${day} (${t.what})`, eras: [t.era], weight: W.next });
    }
  }
  if (b?.commit) {
    const c = git?.commit?.(b.commit);
    const v = c?.describe ? parseVersion(c.describe.replace(/-\d+-g[0-9a-f]+$/, '')) : undefined;
    const cday = c?.date?.slice(0, 10);
    if (v) clues.push({ label: `base-commit ${b.commit.slice(0, 12)} (${c!.describe})`, eras: [eraOfVersion(v.major, v.minor)], weight: W.commit });
    else if (cday) {
      const at = releaseAt(cday);
      const era = at.mergeWindow || !at.next ? at.base?.era ?? 'E0' : at.next.era;
      clues.push({ label: `base-commit ${b.commit.slice(0, 12)} (committed ${cday})`, eras: [era], weight: W.commit });
    } else clues.push({ label: `base-commit ${b.commit.slice(0, 12)} (not in the kernel tree)`, eras: ERAS, weight: 0 });
  }
  if (b && b.prerequisites > 0) clues.push({ label: `${b.prerequisites} prerequisite-patch-id`, eras: ERAS, weight: 0 });
  return { clues, ...(day && { day }) };
}

/** Files of a series whose pre-image blob is dated through the adapter's git. */
const MAX_DATED_BLOBS = 2;

/** A '+' line that declares or defines a name (column 0: a definition, prototype or #define). */
const DECLARES = /^[A-Za-z_#]/;

/** Pre-image lines of a hunk: its section text, context and deleted lines. */
function preLines(hunk: Hunk): string[] {
  const pre = [hunk.section];
  eachLine(hunk, (kind, text) => {
    if (kind !== 'add') pre.push(text);
  });
  return pre;
}

/** What a hunk shows of era evidence: its pre-image's, and for each added line that declares a name, that line's. */
interface HunkEvidence {
  readonly pre: readonly EraEvidence[];
  readonly declared: readonly (readonly EraEvidence[])[];
}

/** The era evidence a hunk shows, in ERA_EVIDENCE order: what its pre-image names (a file's
 * evidence only in its files), and for each added line that declares a name, what that line names.
 * Kept per hunk: an editor's re-review after an edit reads the same hunk objects again (the patch
 * reader's memo), and this look at every line is most of the inference. */
const hunkEvidenceOf = new WeakMap<Hunk, HunkEvidence>();

const NO_EVIDENCE: HunkEvidence = { pre: [], declared: [] };

function hunkEvidence(hunk: Hunk, path: string): HunkEvidence {
  let r = hunkEvidenceOf.get(hunk);
  if (r) return r;
  // One look at all of the hunk's text first: a pattern that matches a line matches the lines joined.
  if (!ANY_EVIDENCE.test(hunk.section) && !ANY_EVIDENCE.test(hunkText(hunk))) r = NO_EVIDENCE;
  else {
    const pre = preLines(hunk);
    const named = pre.some((l) => ANY_EVIDENCE.test(l));
    r = {
      pre: !named ? [] : ERA_EVIDENCE.filter((ev) => {
        if (ev.path && !ev.path.test(path)) return false;
        const i = pre.findIndex((l) => ev.pattern.test(l));
        return i >= 0 && (!ev.test || ev.test(pre, i));
      }),
      declared: declaredEvidence(hunk),
    };
  }
  hunkEvidenceOf.set(hunk, r);
  return r;
}

/** For each added line that declares a name, the era evidence it shows. */
function declaredEvidence(hunk: Hunk): EraEvidence[][] {
  const out: EraEvidence[][] = [];
  eachLine(hunk, (kind, text) => {
    if (kind === 'add' && DECLARES.test(text) && ANY_EVIDENCE.test(text)) out.push(ERA_EVIDENCE.filter((ev) => ev.pattern.test(text)));
  });
  return out;
}

/** Infers the base era of each series and the era each patch is reviewed in. */
export function inferEra(series: readonly Series[], git?: GitFacts): EraInference {
  const seriesEras = new Map<Series, Era>();
  const patchEras = new Map<Patch, Era>();
  const whys: string[] = [];
  let first: Era | undefined;
  let noEvidence = true;
  const fits = new Set<Era>(ERAS);
  for (const s of series) {
    if (s.patches.length === 0 && series.length > 1) continue;
    const r = inferSeries(s, git);
    seriesEras.set(s, r.era);
    for (const e of ERAS) if (!r.fits.has(e)) fits.delete(e);
    for (const [p, e] of r.patchEras) patchEras.set(p, e);
    first ??= r.era;
    noEvidence &&= r.noEvidence;
    whys.push(series.length > 1 ? `${s.source}: ${r.why}` : r.why);
  }
  return { era: first ?? 'E2', why: whys.join('; ') || `no evidence; assuming E2 (${ERA_KERNELS.E2})`, noEvidence, patchEras, seriesEras, fits };
}

function inferSeries(s: Series, git: GitFacts | undefined): { era: Era; why: string; noEvidence: boolean; patchEras: Map<Patch, Era>; fits: ReadonlySet<Era> } {
  const clues: Clue[] = [];
  const seen = new Set<string>();
  const add = (c: Clue) => {
    if (seen.has(c.label)) return;
    seen.add(c.label);
    clues.push(c);
  };
  // The mail: the cover letter speaks for the series; else the first patch with a date.
  let day: string | undefined;
  for (const p of [...(s.cover ? [s.cover] : []), ...s.patches]) {
    const m = mailClues(p, git);
    if (m.day && day === undefined) {
      day = m.day;
      m.clues.forEach(add);
    } else m.clues.filter((c) => !c.label.startsWith('Date ') && !c.label.includes(' at ')).forEach(add);
  }
  // The code: names in pre-images (not those the series itself introduced earlier), and blob dates.
  const introduced = new Map<string, EraEvidence>();
  const introducedBy: { patch: Patch; evidence: EraEvidence[] }[] = [];
  let dated = 0;
  for (const patch of s.patches) {
    const mine: EraEvidence[] = [];
    for (const file of patch.files) {
      // A blob's date is a lower bound, dated with a walk of the file's history: a few files suffice,
      // and none when the base commit already placed the series.
      if (file.oldBlob && git?.blobSince && !/^0+$/.test(file.oldBlob) && dated < MAX_DATED_BLOBS && !clues.some((c) => c.label.startsWith('base-commit') && c.weight > 0)) {
        dated++;
        const since = git.blobSince(file.oldPath.replace(/^a\//, ''), file.oldBlob);
        const at = since ? releaseAt(since.slice(0, 10)) : undefined;
        if (since && at) {
          const from = at.base ? eraAfter(at.base, 1) : 'E0';
          add({ label: `blob ${file.oldBlob} of ${file.oldPath} (committed ${since.slice(0, 10)})`, eras: span(from), weight: W.blob });
        }
      }
      for (const hunk of file.hunks) {
        const found = hunkEvidence(hunk, file.path);
        for (const ev of found.pre) if (!introduced.has(ev.label) && !seen.has(ev.label)) add({ label: ev.label, eras: ev.eras, weight: W.code });
        for (const evs of found.declared) {
          for (const ev of evs) {
            if (introduced.has(ev.label)) continue;
            introduced.set(ev.label, ev);
            mine.push(ev);
          }
        }
      }
    }
    introducedBy.push({ patch, evidence: mine });
  }
  const weighed = clues.filter((c) => c.weight > 0);
  if (weighed.length === 0) {
    const listed = clues.length ? ` (${clues.map((c) => c.label).join(', ')}: no weight)` : '';
    return { era: 'E2', why: `no evidence: no Date:, no base named, no era-specific name in the pre-image${listed}; assuming E2 (${ERA_KERNELS.E2})`, noEvidence: true, patchEras: new Map(), fits: new Set(ERAS) };
  }
  const dateEra = clues.find((c) => c.label.startsWith('Date ') || c.label.includes(' at '))?.eras[0];
  let best: Era = ERAS[0];
  let bestScore = -1;
  const scores = new Map<Era, number>();
  for (const era of ERAS) {
    const score = weighed.reduce((n, c) => n + (c.eras.includes(era) ? c.weight : 0), 0);
    scores.set(era, score);
    const nearer = dateEra !== undefined && Math.abs(index(era) - index(dateEra)) < Math.abs(index(best) - index(dateEra));
    const tieWins = dateEra === undefined ? true : nearer || Math.abs(index(era) - index(dateEra)) === Math.abs(index(best) - index(dateEra));
    if (score > bestScore || (score === bestScore && tieWins)) [best, bestScore] = [era, score];
  }
  const total = weighed.reduce((n, c) => n + c.weight, 0);
  const list = clues.map((c) => `${c.label} (${c.weight > 0 ? formatEras(c.eras) : 'no era'}; weight ${c.weight})`).join(', ');
  const verdict = bestScore === total ? best : `${best} (fits ${bestScore} of ${total})`;
  // A series that declares a later era's name in patch k reviews patches k+1.. in that era.
  const patchEras = new Map<Patch, Era>();
  let current = best;
  for (const { patch, evidence } of introducedBy) {
    if (current !== best) patchEras.set(patch, current);
    for (const ev of evidence) if (!ev.eras.includes(current) && index(ev.eras[0]!) > index(current)) current = ev.eras[0]!;
  }
  const advance = patchEras.size ? `; the series moves to ${[...new Set(patchEras.values())].join(', ')} from patch ${[...patchEras.keys()][0]!.index ?? '?'}` : '';
  return { era: best, why: `${list} -> ${verdict} (${ERA_KERNELS[best]})${advance}`, noEvidence: false, patchEras, fits: new Set(ERAS.filter((e) => scores.get(e) === bestScore)) };
}
