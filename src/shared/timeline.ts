// Turns the core's simulate traces (one per scenario, side and pgmap type) into the side-by-side
// timelines the simulation webview steps through.
import type { Trace } from '../core/model/types';
import type { PgmapType } from '../core/types';
import { PGMAP_TYPES } from '../core/types';
import type { StepCell, Timeline, TimelineRow } from './webview-protocol';

/**
 * Groups traces by (scenario, side) and aligns the types' steps by index. Traces of different
 * types can take different paths, so a row names one statement only when every type ran it.
 */
export function buildTimelines(traces: readonly Trace[]): Timeline[] {
  const groups = new Map<string, Trace[]>();
  for (const t of traces) {
    const key = `${t.scenario}\u0000${t.side}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(t);
  }
  const timelines: Timeline[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => PGMAP_TYPES.indexOf(a.type) - PGMAP_TYPES.indexOf(b.type));
    const types: PgmapType[] = group.map((t) => t.type);
    const length = Math.max(0, ...group.map((t) => t.steps.length));
    const rows: TimelineRow[] = [];
    for (let i = 0; i < length; i++) {
      const cells: (StepCell | null)[] = group.map((t) => {
        const s = t.steps[i];
        return s ? { statement: s.statement, function: s.function, line: s.line, phase: s.phase, before: s.before, after: s.after, note: s.note } : null;
      });
      const present = cells.filter((c): c is StepCell => c !== null);
      const same = present.every((c) => c.statement === present[0].statement);
      const lines = [...new Set(present.flatMap((c) => (c.line === undefined ? [] : [c.line])))].sort((a, b) => a - b);
      rows.push({ statement: same ? present[0].statement : '', lines, cells });
    }
    const truncated = group.flatMap((t) => (t.truncated ? [`${t.type}: ${t.truncated}`] : []));
    timelines.push({ scenario: group[0].scenario, side: group[0].side, types, rows, truncated });
  }
  return timelines;
}
