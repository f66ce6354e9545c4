// The report as the kernel's check tools take it: checkpatch's --terse lines (what b4 runs per
// patch and counts), b4's review-check JSON, and Patchwork's checks API payload. Pure.
import type { Severity } from '../types';
import type { Finding, PatchReport, ReviewReport } from './types';
import type { Series } from '../patch/types';
import { findingsOf, patchOf, statusPrefix } from './common';

/** A finding as checkpatch ranks it: a fixed hazard is good news, shown at the lowest level (CHECK). */
const LEVEL: Record<Severity, 'ERROR' | 'WARNING' | 'CHECK'> = { error: 'ERROR', warning: 'WARNING', info: 'CHECK' };
const levelOf = (f: Finding) => (f.status === 'fixed' ? 'CHECK' : LEVEL[f.severity]);

/** `FILE:LINE: ERROR|WARNING|CHECK: [rule-id] message`, one line per finding, nothing else
 * (a document read from stdin is `-`, as checkpatch prints it). */
export function toCheckpatch(report: ReviewReport | PatchReport): string {
  let out = '';
  for (const { patch, finding: x } of findingsOf(report)) out += `${patch.source}:${x.line + 1}: ${levelOf(x)}: [${x.ruleId}] ${statusPrefix(x)}${x.message}\n`;
  return out;
}

export type CheckVerdict = 'pass' | 'warn' | 'fail';

/** fail on an error the patch brings in (or leaves), warn on a warning, pass otherwise (info and fixed). */
export function verdict(patch: PatchReport): CheckVerdict {
  let v: CheckVerdict = 'pass';
  for (const { finding: x } of findingsOf(patch)) {
    if (x.status === 'fixed') continue;
    if (x.severity === 'error') return 'fail';
    if (x.severity === 'warning') v = 'warn';
  }
  return v;
}

function counts(patch: PatchReport): string {
  const n: Record<string, number> = {};
  let hunks = 0;
  for (const f of patch.files) hunks += f.hunks.length;
  for (const { finding: x } of findingsOf(patch)) {
    const k = x.status === 'fixed' ? 'fixed' : x.severity === 'info' ? 'note' : x.severity;
    n[k] = (n[k] ?? 0) + 1;
  }
  const parts = (['error', 'warning', 'note', 'fixed'] as const).filter((k) => n[k]).map((k) => `${n[k]} ${k === 'fixed' ? 'fixed' : k + (n[k] > 1 ? 's' : '')}`);
  return parts.length ? parts.join(', ') : `no refcount finding in ${hunks} hunk${hunks === 1 ? '' : 's'}`;
}

export interface B4Check {
  readonly tool: string;
  readonly status: CheckVerdict;
  readonly summary: string;
  readonly details: string;
}

/** b4's review check result, one entry per patch: details are the checkpatch lines. */
export function toB4(report: ReviewReport): B4Check[] {
  return report.patches.map((p) => ({ tool: 'pageref', status: verdict(p), summary: `${label(p)}${counts(p)}`, details: toCheckpatch(p) }));
}

export interface PatchworkCheck {
  readonly state: 'pending' | 'success' | 'warning' | 'fail';
  readonly target_url: string | null;
  readonly context: string;
  readonly description: string;
}

/** The patch it is about (Message-ID, as Patchwork finds patches by it) and its checks API payload. */
export interface PatchworkEntry {
  readonly subject: string;
  readonly index?: number;
  readonly messageId?: string;
  readonly check: PatchworkCheck;
}

const STATE = { pass: 'success', warn: 'warning', fail: 'fail' } as const;
/** Patchwork's checks API: a description under 255 characters. */
export const PATCHWORK_DESCRIPTION_MAX = 254;

export function toPatchwork(report: ReviewReport, series: readonly Series[], targetUrl?: string): PatchworkEntry[] {
  return report.patches.map((p) => {
    const open = [...findingsOf(p)].map((l) => l.finding).filter((x) => x.status !== 'fixed' && x.severity !== 'info');
    const first = open.find((x) => x.severity === 'error') ?? open[0];
    let description = `PageRef Lens (${report.era}): ${counts(p)}${first ? `; ${first.ruleId}: ${first.message}` : ''}`;
    if (description.length > PATCHWORK_DESCRIPTION_MAX) description = `${description.slice(0, PATCHWORK_DESCRIPTION_MAX - 1)}…`;
    const messageId = patchOf(series, p)?.messageId;
    return {
      subject: p.subject,
      ...(p.index !== undefined && { index: p.index }),
      ...(messageId !== undefined && { messageId }),
      check: { state: STATE[verdict(p)], target_url: targetUrl ?? null, context: 'pageref', description },
    };
  });
}

const label = (p: PatchReport) => (p.index !== undefined ? `[${p.index}/${p.total ?? '?'}] ` : '');
