// The rules' shared readers: which lines a step touches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PageState, TraceStep } from '../../../src/core/report/types';
import { stepTouches } from '../../../src/core/rules/util';

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
