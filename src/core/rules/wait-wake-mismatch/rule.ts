// Hazard 9: an FS DAX idle wait and its wake use different keys or different idle counts.
import type { TraceStep } from '../../report/types';
import type { Rule } from '../types';
import { endOf, meta, phaseSteps, runsOf, stepTouches } from '../util';

/** A step that waits or wakes, or calls a function that does. */
function waitOrWake(s: TraceStep): boolean {
  return !!s.events?.some((e) => e.kind === 'idle-wait' || e.kind === 'idle-wake' || (e.kind === 'call' && e.roles.some((r) => r === 'fsdax-idle-wait' || r === 'fsdax-wake')));
}

export const rule: Rule = {
  meta: meta('wait-wake-mismatch', 'An idle wait and its wake use different keys or different idle counts', 'error', 'medium'),
  check(side, ctx) {
    return runsOf(side.runs, 'break-layouts').flatMap((run) => {
      const s = endOf(run, 'unpin');
      if (!s || s.waits.length === 0) return [];
      const wait = s.waits[0]!;
      const ok = s.wakes.some((w) => w.key === wait.key && w.count === wait.count);
      // Woken, the loop looks again: a busy test that still finds the page busy waits once more, and
      // nothing is left to wake it.
      const again = endOf(run, 'recheck');
      if (ok && again && again.waits.length > s.waits.length) {
        const steps = phaseSteps(run.trace.steps, 'recheck');
        const cause = steps.find((x) => stepTouches(x, ctx.changedLines));
        if (!cause) return [];
        return [{ key: 'idle', type: run.type, line: cause.line, trace: phaseSteps(run.trace.steps, 'break-layouts', 'unpin', 'recheck'),
          message: `the break-layouts waiter is woken at count ${s.wakes[0]?.count ?? wait.count}, but the busy test still finds the page busy there: the loop waits again and is never woken` }];
      }
      if (ok) return [];
      const steps = phaseSteps(run.trace.steps, 'break-layouts', 'unpin');
      // Only the hunk's own change can make the pair mismatch: a wait, a wake, their key or count, or
      // the put on the release path (which runs the wake). Elsewhere the pairing is the tree's, not the patch's.
      const changed = (x: TraceStep) => stepTouches(x, ctx.changedLines);
      const cause = steps.find((x) => changed(x) && waitOrWake(x)) ?? steps.find((x) => changed(x) && x.phase === 'unpin');
      if (!cause) return [];
      const wake = s.wakes[0];
      return [{ key: 'idle', type: run.type, line: cause.line, trace: steps,
        message: wake
          ? `the break-layouts wait sleeps on the ${wait.key} key until the count is ${wait.count}, but the waker wakes the ${wake.key} key at count ${wake.count}: the waiter is not woken`
          : `the break-layouts wait sleeps on the ${wait.key} key until the count is ${wait.count}, but no wake for it happens when the last user goes` }];
    });
  },
};
