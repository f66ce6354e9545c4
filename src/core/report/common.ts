// Pieces every report converter shares: the findings of a report in document order, the text of
// a simulated page state, the rule README read as descriptions, and a stable string hash.
import type { Finding, FileReport, HunkReport, PageState, PatchReport, ReviewReport } from './types';
import type { RuleId } from './types';
import type { Severity } from '../types';
import type { Patch, Series } from '../patch/types';
import { RULES } from '../rules';

export interface Located {
  readonly patch: PatchReport;
  readonly file: FileReport;
  readonly hunk: HunkReport;
  readonly finding: Finding;
}

export function* findingsOf(report: ReviewReport | PatchReport): Generator<Located> {
  const patches = 'patches' in report ? report.patches : [report];
  for (const patch of patches) for (const file of patch.files) for (const hunk of file.hunks) for (const finding of hunk.findings) yield { patch, file, hunk, finding };
}

/** The parsed patch a patch report is about (same document, same first line). */
export function patchOf(series: readonly Series[], p: PatchReport): Patch | undefined {
  return series.find((s) => s.source === p.source)?.patches.find((q) => q.startLine === p.startLine);
}

/** "fixed: " / "still present: " / "" before a finding's message. */
export const statusPrefix = (f: Finding) => (f.status === 'fixed' ? 'fixed: ' : f.status === 'present' ? 'still present: ' : '');

/** rc=1 map=0 pgmap=0 pte=none allocated */
export const pageStateText = (s: PageState) =>
  `rc=${s.refcount ?? '?'} map=${s.mapcount} pgmap=${s.pgmapRefs} pte=${s.mapping}${s.mappingHoldsRef ? '+ref' : ''}${s.pinned ? ` pin=${s.pinned}` : ''} ${s.phase}`;

export const ruleSummary = (id: RuleId) => RULES.get(id)?.meta.summary ?? id;
export const ruleSeverity = (id: RuleId): Severity => RULES.get(id)?.meta.severity ?? 'warning';

/** The paragraph under a README's "## What it checks" (else its first paragraph after the title). */
export function ruleDescription(readme: string | undefined, id: RuleId): string {
  if (!readme) return ruleSummary(id);
  const section = readme.split(/^## What it checks\s*$/m)[1] ?? readme.replace(/^#.*$/m, '');
  const para = section.trim().split(/\n\s*\n/)[0]?.replace(/\s*\n\s*/g, ' ').trim();
  return para ? stripLinks(para) : ruleSummary(id);
}

/** Markdown links to other rule READMEs made plain: `[id](../id/README.md)` -> `id`. */
export const stripLinks = (md: string) => md.replace(/\[([^\]]*)\]\((?!https?:)[^)]*\)/g, '$1');

/** 64-bit FNV-1a of a string's UTF-16 units, as 16 hex digits: short, stable, dependency-free. */
export function hash64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) h = ((h ^ BigInt(s.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}
