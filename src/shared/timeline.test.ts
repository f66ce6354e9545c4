import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PageState, Trace, TraceStep } from '../core/model/types';
import type { PgmapType } from '../core/types';
import { buildTimelines } from './timeline';

const state = (refcount: number): PageState => ({ refcount, mapcount: 0, pgmapRefs: 0, mapping: 'none', mappingHoldsRef: false, pinned: 0, phase: 'free' });
const step = (statement: string, line?: number): TraceStep => ({ statement, function: 'f', line, phase: 'free', types: [], before: state(1), after: state(0) });
const trace = (type: PgmapType, side: 'before' | 'after', steps: TraceStep[], scenario = 'page life', truncated?: string): Trace =>
  ({ scenario, side, type, steps, truncated });

test('buildTimelines groups by scenario and side, orders types canonically and aligns steps by index', () => {
  const timelines = buildTimelines([
    trace('P2PDMA', 'before', [step('put_page(page)', 7), step('set_page_count(page, 1)', 9)]),
    trace('PRIVATE', 'before', [step('put_page(page)', 7), step('put_dev_pagemap(pgmap)', 10), step('page_free(page)')]),
    trace('PRIVATE', 'after', [step('put_page(page)', 7)]),
    trace('PRIVATE', 'before', [step('memunmap_pages(pgmap)')], 'teardown', 'path budget'),
  ]);
  assert.deepEqual(timelines.map((t) => [t.scenario, t.side, t.types, t.rows.length]), [
    ['page life', 'before', ['PRIVATE', 'P2PDMA'], 3],
    ['page life', 'after', ['PRIVATE'], 1],
    ['teardown', 'before', ['PRIVATE'], 1],
  ]);
  const [life] = timelines;
  assert.equal(life.rows[0].statement, 'put_page(page)');
  assert.deepEqual(life.rows[0].lines, [7]);
  assert.equal(life.rows[1].statement, '', 'the types ran different statements');
  assert.deepEqual(life.rows[1].lines, [9, 10]);
  assert.equal(life.rows[2].cells[1], null, 'P2PDMA trace has ended');
  assert.equal(life.rows[2].statement, 'page_free(page)');
  assert.deepEqual(life.rows[2].lines, []);
  assert.deepEqual(timelines[2].truncated, ['PRIVATE: path budget']);
});
