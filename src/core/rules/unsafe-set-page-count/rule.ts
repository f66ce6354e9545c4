// Hazard 6: set_page_count / folio_set_count on a page others may reference: mapped, pinned, or
// already handed back to its driver by ->page_free().
import type { Rule } from '../types';
import type { TraceEvent, TraceStep } from '../../report/types';
import { meta } from '../util';
import { NAMED } from '../../api/concepts';

const has = (s: TraceStep, kind: TraceEvent['kind']) => !!s.events?.some((e) => e.kind === kind);

export const rule: Rule = {
  meta: meta('unsafe-set-page-count', `${NAMED.countStores} on a page others may reference`, 'warning', 'medium'),
  check(side) {
    return side.runs.flatMap((run) => {
      const steps = run.trace.steps;
      return steps.flatMap((s, i) => {
        if (has(s, 'stale-head-store') && s.line !== undefined) {
          return [{ key: `stale-head:${s.phase}`, type: run.type, line: s.line, trace: steps.slice(0, i + 1),
            message: `${s.statement} reaches the ${run.type} page through ${NAMED.headLookup}() while its compound head is stale (a tail of an earlier large folio): the count is stored on that folio's head, this page keeps its own` }];
        }
        if (!has(s, 'refcount-set') || s.line === undefined) return [];
        const shared = s.before.mapping !== 'none' || s.before.pinned > 0;
        const afterPageFree = s.phase === 'free' && steps.slice(0, i).some((t) => t.phase === 'free' && has(t, 'page-free'));
        if (!shared && !afterPageFree) return [];
        return [{ key: `${afterPageFree ? 'after-page-free' : 'shared'}:${s.phase}`, type: run.type, line: s.line, trace: steps.slice(0, i + 1),
          message: afterPageFree
            ? `${s.statement} runs after ->page_free() gave the ${run.type} page back to its driver, which may already have handed it out again`
            : `${s.statement} stores a raw count on a ${run.type} page that is ${s.before.pinned > 0 ? 'pinned' : 'mapped'}: references are lost or invented` }];
      });
    }).filter((x, i, xs) => xs.findIndex((y) => y.key === x.key && y.type === x.type) === i);
  },
};
