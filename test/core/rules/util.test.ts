// The rules' shared readers: which lines a step touches; which returns of a function must give back
// what it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PageState, TraceStep } from '../../../src/core/report/types';
import type { FunctionPath } from '../../../src/core/sim/paths';
import { INITIAL_STATE } from '../../../src/core/sim/state';
import type { SideView } from '../../../src/core/rules/types';
import { errorPathImbalances, stepTouches, type Holding } from '../../../src/core/rules/util';

const state: PageState = { refcount: 1, mapcount: 0, pgmapRefs: 0, mapping: 'none', mappingHoldsRef: false, pinned: 0, phase: 'allocated' };
const step = (line: number | undefined, endLine?: number): TraceStep => ({
  statement: 'if (a &&\n b)', function: 'f', phase: 'free', types: ['P2PDMA'], before: state, after: state,
  ...(line !== undefined ? { line } : {}), ...(endLine !== undefined ? { endLine } : {}),
});

test('stepTouches: any line from the step\'s line to its end line', () => {
  assert.equal(stepTouches(step(14, 16), new Set([16])), true, 'the last line of a statement over three');
  assert.equal(stepTouches(step(14, 16), new Set([15])), true, 'a line inside it');
  assert.equal(stepTouches(step(14, 16), new Set([13, 17])), false, 'lines around it');
  assert.equal(stepTouches(step(14), new Set([14])), true, 'a one-line statement at its line');
  assert.equal(stepTouches(step(14), new Set([15])), false, 'a one-line statement ends at its line');
  assert.equal(stepTouches(step(undefined), new Set([14])), false, 'a table step has no line');
});

/** The after side of a function shown from its start whose successful return drops one reference. */
function dropsOnReturn(holding: Holding | undefined) {
  const drop: TraceStep = { ...step(20), statement: 'put(ref)', events: [{ kind: 'pgmap-drop', count: -1 }] };
  const path: FunctionPath = { function: 'f', fromStart: true, type: 'P2PDMA', primary: true, exit: { kind: 'return', failure: false, text: '0', line: 21 },
    start: INITIAL_STATE, end: INITIAL_STATE, steps: [drop] };
  const side = (s: 'before' | 'after', paths: FunctionPath[]): SideView => ({ side: s, runs: [], functions: [], paths });
  const change = (s: TraceStep) => s.events?.reduce((n, e) => n + (e.kind === 'pgmap-drop' ? e.count : 0), 0) ?? 0;
  return errorPathImbalances(side('before', []), side('after', [path]), change, (x) => `${x.exit}: ${x.surplus}`, { holding: () => holding })
    .instances.map((x) => [x.status, x.message]);
}

test('errorPathImbalances: one holding says which returns are judged and what the function holds at its start', () => {
  assert.deepEqual(dropsOnReturn(undefined), [], 'a successful return is not judged');
  assert.deepEqual(dropsOnReturn('caller'), [], 'it drops the reference its caller took');
  assert.deepEqual(dropsOnReturn('run'), [['introduced', 'the path of f() returning 0: -1']], 'it drops one it never took');
});
