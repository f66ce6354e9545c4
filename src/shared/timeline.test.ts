import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PageState, Trace, TraceStep, PgmapType } from '../core';
import { buildTimelines } from './timeline';

const state = (refcount: number): PageState => ({ refcount, mapcount: 0, pgmapRefs: 0, mapping: 'none', mappingHoldsRef: false, pinned: 0, phase: 'free' });
const step = (statement: string, from: number, to: number, line?: number): TraceStep =>
  ({ statement, function: 'f', line, phase: 'free', types: [], before: state(from), after: state(to) });
const trace = (type: PgmapType, side: 'before' | 'after', steps: TraceStep[], scenario = 'page life', truncated?: string): Trace =>
  ({ scenario, side, type, steps, truncated });

test('buildTimelines groups by scenario and side and orders types canonically', () => {
  const timelines = buildTimelines([
    trace('P2PDMA', 'before', [step('put_page(page)', 1, 0, 7)]),
    trace('PRIVATE', 'before', [step('put_page(page)', 1, 0, 7)]),
    trace('PRIVATE', 'after', [step('put_page(page)', 1, 0, 7)]),
    trace('PRIVATE', 'before', [step('memunmap_pages(pgmap)', 1, 1)], 'teardown', 'path budget'),
  ]);
  assert.deepEqual(timelines.map((t) => [t.scenario, t.side, t.types, t.rows.length]), [
    ['page life', 'before', ['PRIVATE', 'P2PDMA'], 1],
    ['page life', 'after', ['PRIVATE'], 1],
    ['teardown', 'before', ['PRIVATE'], 1],
  ]);
  assert.deepEqual(timelines[2].truncated, ['PRIVATE: path budget']);
});

test('buildTimelines shares the statements the types agree on and carries the state of a type that does not run a row', () => {
  // PRIVATE puts the pgmap; P2PDMA resets the count instead; both then call page_free.
  const [t] = buildTimelines([
    trace('PRIVATE', 'before', [step('put_page(page)', 1, 0, 7), step('put_dev_pagemap(pgmap)', 0, 0, 10), step('page_free(page)', 0, 0)]),
    trace('P2PDMA', 'before', [step('put_page(page)', 1, 0, 7), step('set_page_count(page, 1)', 0, 1, 9), step('page_free(page)', 1, 1)]),
  ]);
  assert.deepEqual(t.rows.map((r) => [r.statement, r.line, r.cells.map((c) => c && c.ran)]), [
    ['put_page(page)', 7, [true, true]],
    ['put_dev_pagemap(pgmap)', 10, [true, false]],
    ['set_page_count(page, 1)', 9, [false, true]],
    ['page_free(page)', undefined, [true, true]],
  ]);
  const idle = t.rows[1].cells[1]!;
  assert.equal(idle.before.refcount, 0, 'P2PDMA keeps its state after put_page');
  assert.equal(idle.after.refcount, 0);
  assert.equal(t.rows[3].cells[1]!.before.refcount, 1, 'P2PDMA reaches page_free at refcount 1');
});

test('buildTimelines does not jump ahead of a statement another type still has to run', () => {
  // GENERIC runs an extra statement before the shared one; the shared one must wait for it.
  const [t] = buildTimelines([
    trace('PRIVATE', 'after', [step('a()', 1, 1, 1), step('c()', 1, 0, 3)]),
    trace('GENERIC', 'after', [step('a()', 1, 1, 1), step('b()', 1, 2, 2), step('c()', 2, 1, 3)]),
  ]);
  assert.deepEqual(t.rows.map((r) => [r.statement, r.cells.map((c) => c && c.ran)]), [
    ['a()', [true, true]],
    ['b()', [false, true]],
    ['c()', [true, true]],
  ]);
  const empty = buildTimelines([trace('FS_DAX', 'after', []), trace('PRIVATE', 'after', [step('a()', 0, 1)])]);
  assert.deepEqual(empty[0].rows[0].cells, [{ ran: true, before: state(0), after: state(1), note: undefined }, null]);
});
