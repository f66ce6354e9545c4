// Hazard 7: folio_put() where put_page()'s devmap-managed handling is needed (E0-E2).
import type { Rule } from '../types';
import { meta } from '../util';
import { NAMED } from '../../api/concepts';

export const rule: Rule = {
  meta: meta('folio-put-skips-devmap-hook', `${NAMED.folioPut}() where ${NAMED.put}()'s devmap-managed handling is needed`, 'warning', 'high'),
  check(side, ctx) {
    if (!['E0', 'E1', 'E2'].includes(ctx.era)) return [];
    // Devmap-managed pages: PRIVATE and FS_DAX in E0, FS_DAX alone in E1-E2 (refcount-model.md section 2).
    const devmapManaged = (t: string) => t === 'FS_DAX' || (ctx.era === 'E0' && t === 'PRIVATE');
    return side.runs.flatMap((run) => {
      if (!devmapManaged(run.type)) return [];
      return run.trace.steps.flatMap((s, i) => {
        const put = s.events?.find((e) => e.kind === 'call' && e.roles.includes('skips-devmap-hook'));
        return put?.kind === 'call' && s.line !== undefined
        ? [{ key: s.phase, type: run.type, line: s.line, trace: run.trace.steps.slice(0, i + 1),
            message: `${put.callee}() skips the devmap-managed hook that ${NAMED.put}() runs for ${run.type} pages in ${ctx.era}: the idle wakeup at 1 is missed and a page reaching 0 takes the generic free path` }]
        : [];
      });
    }).filter((x, i, xs) => xs.findIndex((y) => y.key === x.key && y.type === x.type) === i);
  },
};
