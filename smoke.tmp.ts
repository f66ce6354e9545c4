import { TABLE_VIEW } from './src/core/model/api-view';
import { runScenario, scenariosFor } from './src/core/sim/scenarios';
import { observe } from './src/core/model/aspects';
import { ERAS, PGMAP_TYPES } from './src/core/types';
for (const era of process.argv[2] ? [process.argv[2] as any] : ERAS) for (const type of PGMAP_TYPES) {
  const runs = scenariosFor(type).map((s) => runScenario(s, { era, type, side: 'before', api: TABLE_VIEW, bodies: new Map(), placed: [] }));
  console.log(era, type, observe(runs).map((o) => `${o.aspect}${o.where.includes('free path') ? '@free' : ''}=${o.value}`).join(' '));
  if (process.argv[3]) for (const r of runs) if (r.scenario === process.argv[3] && type === process.argv[4]) for (const s of r.trace.steps) console.log('  ', s.phase, s.statement, s.before.refcount, '->', s.after.refcount, s.after.pgmapRefs, s.after.mapping, s.note ?? '');
}
