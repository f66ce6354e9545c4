// Hazard 9: an FS DAX idle wait and its wake use different keys or different idle counts.
import type { Rule } from '../types';
import { endOf, lineOf, meta, phaseSteps, runsOf } from '../util';

export const rule: Rule = {
  meta: meta('wait-wake-mismatch', 'An idle wait and its wake use different keys or different idle counts', 'error', 'medium'),
  check(side) {
    return runsOf(side.runs, 'break-layouts').flatMap((run) => {
      const s = endOf(run, 'unpin');
      if (!s || s.waits.length === 0) return [];
      const wait = s.waits[0]!;
      const ok = s.wakes.some((w) => w.key === wait.key && w.count === wait.count);
      if (ok) return [];
      const steps = phaseSteps(run.trace.steps, 'break-layouts', 'unpin');
      const wake = s.wakes[0];
      return [{ key: 'idle', type: run.type, line: lineOf(steps), trace: steps,
        message: wake
          ? `the break-layouts wait sleeps on the ${wait.key} key until the count is ${wait.count}, but the waker wakes the ${wake.key} key at count ${wake.count}: the waiter is not woken`
          : `the break-layouts wait sleeps on the ${wait.key} key until the count is ${wait.count}, but no wake for it happens when the last user goes` }];
    });
  },
};
