// The Markdown of a hover on a recognised kernel call: what the function does in the review's
// era (from the API table) and the page's refcount history up to the call, before vs after the
// patch, per pgmap type (from the simulate traces). Pure: the hover provider hands in the data.
import type { ApiEntry, EraEffect, RefAmount, RefOp, Trace, PgmapType } from '../core';
import { PGMAP_TYPES } from '../core';

export interface TypedEffect {
  readonly type: PgmapType;
  readonly effect: EraEffect | undefined;
}

const amountText = (a: RefAmount | undefined) => (a === undefined ? '1' : a === 'arg' ? 'n (its second argument)' : String(a));

function refOpText(op: RefOp, e: EraEffect): string {
  switch (op.op) {
    case 'set': return `set to ${op.value === 'arg' ? 'its second argument' : op.value}`;
    case 'inc': return `+${amountText(op.amount)}`;
    case 'inc-unless-zero': return `+${amountText(op.amount)} unless it is ${op.unless === undefined ? 0 : op.unless === 'arg3' ? 'its third argument' : op.unless}`;
    case 'dec': return `−${amountText(op.amount)} (no free path)`;
    case 'put': return `−${amountText(op.amount)}, free path at ${e.freeAt ?? 0}${e.devmapHook ? ' (devmap-managed pages go to the devmap hook first)' : ''}`;
    case 'pin': return '+1 or the pin bias (fails with a WARN at 0)';
    case 'handover': return 'passed to the new mapping: +1 then the caller\'s put, net 0 (from 0: freed while mapped)';
    case 'read': return 'read only';
  }
}

function pgmapText(e: EraEffect): string | undefined {
  if (e.pgmapHeld) return 'held during the walk only, no net change';
  if (!e.pgmap) return undefined;
  const n = e.pgmapCount === undefined || e.pgmapCount === 1 ? 'a reference'
    : e.pgmapCount === 'arg' ? 'n references (its second argument)' : e.pgmapCount === 'nr-pages' ? 'one reference per base page' : `${e.pgmapCount} references`;
  switch (e.pgmap) {
    case 'get': return `takes ${n}`;
    case 'put': return `drops ${n}`;
    case 'kill-wait': return e.pgmapCount === undefined ? 'kills the ref and waits for it to drain' : 'kills the ref, drops the per-page references set-up took, and waits for it to drain';
    case 'kill': return 'kills the ref: no new reference from now on (does not wait)';
    case 'drain-wait': return 'after a kill, waits until no page holds a reference';
    case 'static-per-page': return 'one reference per page from setup to teardown';
    case 'memmap-remove': return 'removes the memmap: pages still in use lose their struct pages';
  }
}

/** "refcount −1, free path at 0 · page table: removes entries — note" */
export function describeEraEffect(e: EraEffect): string {
  const parts: string[] = [];
  if (e.refcount) parts.push(`refcount ${refOpText(e.refcount, e)}`);
  if (e.mapcount) parts.push(`mapcount ${e.mapcount === 'inc' ? '+1' : e.mapcount === 'dec' ? '−1' : 'reset'}`);
  const pgmap = pgmapText(e);
  if (pgmap) parts.push(`pgmap ref: ${pgmap}`);
  if (e.pageFreeCallback) parts.push('calls pgmap->ops->page_free');
  if (e.pageTable) {
    parts.push('remove' in e.pageTable
      ? 'page table: removes entries'
      : `page table: inserts a ${e.pageTable.insert} entry ${e.pageTable.holdsRef ? 'that holds a page reference' : 'without a page reference'}`);
  }
  if (e.trueFor) parts.push(`true for ${e.trueFor.length ? e.trueFor.join(', ') : 'no type'}`);
  if (e.idle) parts.push(`idle when the ${e.idle.key === 'refcount' ? 'refcount' : 'page'} count is ${e.idle.count}`);
  const what = parts.length ? parts.join(' · ') : 'no refcount, mapcount, pgmap or page-table effect';
  return e.note ? `${what} — ${e.note}` : what;
}

/** The refcount values a page of `type` went through on `side`, up to and including the step at `line`. */
export function refcountHistory(traces: readonly Trace[], type: PgmapType, side: 'before' | 'after', line: number):
  { scenario: string; values: (number | null)[] } | undefined {
  for (const t of traces) {
    if (t.type !== type || t.side !== side) continue;
    const at = t.steps.findIndex((s) => s.line === line);
    if (at < 0) continue;
    const values: (number | null)[] = [t.steps[0].before.refcount];
    for (const s of t.steps.slice(0, at + 1)) if (s.after.refcount !== values[values.length - 1]) values.push(s.after.refcount);
    return { scenario: t.scenario, values };
  }
  return undefined;
}

function historyText(h: { values: (number | null)[] } | undefined, maxValues: number): string {
  if (!h) return '—';
  const shown = h.values.map((v) => (v === null ? '?' : String(v)));
  // Keep the first value and the latest ones, so the cell holds at most maxValues entries.
  if (shown.length > maxValues) shown.splice(1, shown.length - maxValues + 1, '…');
  return shown.join(' → ');
}

/**
 * A compact table, one row per pgmap type whose traces reach `line`:
 * | type | scenario | before the patch | after the patch |. "—" means that side never runs the line.
 */
export function historyTable(traces: readonly Trace[], line: number, maxValues = 7): string {
  const rows: string[] = [];
  for (const type of PGMAP_TYPES) {
    const before = refcountHistory(traces, type, 'before', line);
    const after = refcountHistory(traces, type, 'after', line);
    if (!before && !after) continue;
    const scenarios = [...new Set([before?.scenario, after?.scenario].filter((s): s is string => !!s))].join(' / ');
    rows.push(`| ${type} | ${scenarios.replace(/\|/g, '\\|')} | ${historyText(before, maxValues)} | ${historyText(after, maxValues)} |`);
  }
  if (!rows.length) return '';
  return ['| type | scenario | before the patch | after the patch |', '|---|---|---|---|', ...rows].join('\n');
}

export interface CallHover {
  readonly callee: string;
  readonly entry: ApiEntry | undefined;
  readonly era: string;
  readonly effects: readonly TypedEffect[];
  /** Traces of the hunk the call is in, when the simulation succeeded. */
  readonly traces?: readonly Trace[];
  readonly line: number;
}

export function callHoverMarkdown(h: CallHover): string {
  const out: string[] = [`**${h.callee}** · PageRef Lens, era ${h.era}`];
  if (!h.entry) return [...out, '', 'Not in the API table.'].join('\n');
  out.push('', h.entry.doc);
  const groups = new Map<string, PgmapType[]>();
  for (const { type, effect } of h.effects) {
    const text = effect ? describeEraEffect(effect) : `does not exist in ${h.era}`;
    groups.set(text, [...(groups.get(text) ?? []), type]);
  }
  if (groups.size === 1) out.push('', `In ${h.era}: ${[...groups.keys()][0]}`);
  else for (const [text, types] of groups) out.push('', `In ${h.era}, ${types.join(', ')}: ${text}`);
  const table = h.traces ? historyTable(h.traces, h.line) : '';
  if (table) out.push('', 'Refcount of the page up to this call:', '', table);
  out.push('', `*${h.entry.source}*`);
  return out.join('\n');
}
