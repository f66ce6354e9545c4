// Turns the core's simulate traces (one per scenario, side and pgmap type) into the timelines
// the simulation webview steps through: one row per statement, one column per pgmap type.
import type { PageState, Trace, TraceStep, PgmapType } from '../core';
import { PGMAP_TYPES } from '../core';
import type { StepCell, Timeline, TimelineRow } from './webview-protocol';

const stepKey = (s: TraceStep) => `${s.function}\u0000${s.line ?? ''}\u0000${s.statement}`;

/**
 * Merges the types' traces of one (scenario, side) into rows. Types run the same statements as
 * long as they take the same path, so rows are shared where they agree: at each point the next
 * row is a statement at the head of some trace that no other trace still has to reach later
 * (falling back to the first type's head), and every trace whose head it is runs it.
 */
function mergeTraces(traces: readonly Trace[]): TimelineRow[] {
  const keys = traces.map((t) => t.steps.map(stepKey));
  const last = keys.map((ks) => {
    const m = new Map<string, number>();
    ks.forEach((k, i) => m.set(k, i));
    return m;
  });
  const at = traces.map(() => 0);
  const state: (PageState | undefined)[] = traces.map((t) => t.steps[0]?.before);
  const rows: TimelineRow[] = [];
  for (;;) {
    const heads = traces.map((_, i) => (at[i] < keys[i].length ? keys[i][at[i]] : undefined));
    const live = heads.flatMap((k, i) => (k === undefined ? [] : [i]));
    if (!live.length) return rows;
    const free = live.find((i) => live.every((j) => j === i || heads[j] === heads[i] || (last[j].get(heads[i]!) ?? -1) <= at[j]));
    const leader = free ?? live[0];
    const key = heads[leader];
    const step = traces[leader].steps[at[leader]];
    const cells = traces.map((t, i): StepCell | null => {
      if (heads[i] === key) {
        const s = t.steps[at[i]++];
        state[i] = s.after;
        return { ran: true, before: s.before, after: s.after, note: s.note };
      }
      const st = state[i];
      return st ? { ran: false, before: st, after: st } : null;
    });
    rows.push({ statement: step.statement, function: step.function, line: step.line, phase: step.phase, cells });
  }
}

/** Groups traces by (scenario, side), types in canonical order, and merges each group into rows. */
export function buildTimelines(traces: readonly Trace[]): Timeline[] {
  const groups = new Map<string, Trace[]>();
  for (const t of traces) {
    const key = `${t.scenario}\u0000${t.side}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(t);
  }
  return [...groups.values()].map((group) => {
    group.sort((a, b) => PGMAP_TYPES.indexOf(a.type) - PGMAP_TYPES.indexOf(b.type));
    const types: PgmapType[] = group.map((t) => t.type);
    const truncated = group.flatMap((t) => (t.truncated ? [`${t.type}: ${t.truncated}`] : []));
    return { scenario: group[0].scenario, side: group[0].side, types, rows: mergeTraces(group), truncated };
  });
}
