// One-line texts about a hunk's report: the code-lens summary, the inline annotations of
// predicted transitions, and the texts of a finding's diagnostic. Pure, so they are tested
// without an editor.
import type { Effect, Finding, HunkReport, Severity, TraceStep } from '../core';
import { PGMAP_TYPES, SEVERITIES } from '../core';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "FS_DAX,GENERIC free refcount 1 → 0" */
export function effectLabel(e: Effect): string {
  return `${e.types.join(',')} ${e.aspect.replace(/-/g, ' ')} ${e.before} → ${e.after}`;
}

/** "2 effects · 1 warning · 1 fixed · FS_DAX,GENERIC", or why there is nothing to say. */
export function hunkSummary(h: HunkReport): string {
  if (!h.effects.length && !h.findings.length) {
    return h.calls.length ? `${plural(h.calls.length, 'kernel call')} · no refcount effect` : 'no refcount-relevant call';
  }
  const parts = [plural(h.effects.length, 'effect')];
  for (const sev of [...SEVERITIES].reverse()) {
    const n = h.findings.filter((f) => f.status !== 'fixed' && f.severity === sev).length;
    if (n) parts.push(sev === 'info' ? `${n} info` : plural(n, sev));
  }
  const fixed = h.findings.filter((f) => f.status === 'fixed').length;
  if (fixed) parts.push(`${fixed} fixed`);
  const types = new Set([...h.effects.flatMap((e) => e.types), ...h.findings.flatMap((f) => f.types)]);
  parts.push(PGMAP_TYPES.filter((t) => types.has(t)).join(','));
  return parts.join(' · ');
}

/**
 * Inline annotation text by document line: each effect at the line that causes it, and an
 * overview of the hunk's effects at its header line.
 */
export function lineAnnotations(h: HunkReport, maxOnHeader = 3): Map<number, string> {
  const byLine = new Map<number, string[]>();
  for (const e of h.effects) {
    const list = byLine.get(e.line) ?? [];
    list.push(effectLabel(e));
    byLine.set(e.line, list);
  }
  const out = new Map<number, string>();
  for (const [line, labels] of byLine) out.set(line, labels.join(' · '));
  if (h.effects.length) {
    const labels = h.effects.slice(0, maxOnHeader).map(effectLabel);
    if (h.effects.length > maxOnHeader) labels.push(`+${h.effects.length - maxOnHeader} more`);
    const header = h.range.start.line;
    out.set(header, [out.get(header), labels.join(' · ')].filter(Boolean).join(' · '));
  }
  return out;
}

/** A hazard the patch fixes is good news: it is shown as information whatever the rule's severity. */
export function shownSeverity(f: Finding): Severity {
  return f.status === 'fixed' ? 'info' : f.severity;
}

export function atLeast(s: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(minimum);
}

export function findingMessage(f: Finding): string {
  const types = f.types.join(', ');
  if (f.status === 'fixed') return `This patch fixes: ${f.message} (${types})`;
  return `${f.status === 'present' ? 'Still present: ' : ''}${f.message} (${types})`;
}

/** "put: put_page(page) (FS_DAX, refcount 1 → 0)": a trace step as related information. */
export function stepText(s: TraceStep): string {
  const rc = (n: number | null) => (n === null ? '?' : String(n));
  const change = s.before.refcount !== s.after.refcount ? `, refcount ${rc(s.before.refcount)} → ${rc(s.after.refcount)}` : '';
  return `${s.phase}: ${s.statement} (${s.types.join(',')}${change})`;
}
