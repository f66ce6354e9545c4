import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEntry, PageState, Trace, TraceStep, PgmapType } from '../core';
import { callHoverMarkdown, describeEraEffect, historyTable, refcountHistory } from './hover-markdown';

const state = (refcount: number | null): PageState => ({ refcount, mapcount: 0, pgmapRefs: 0, mapping: 'none', mappingHoldsRef: false, pinned: 0, phase: 'allocated' });
const step = (from: number | null, to: number | null, line?: number): TraceStep => ({
  statement: `s${line ?? ''}`, function: 'f', line, phase: 'put', types: ['FS_DAX'], before: state(from), after: state(to),
});
const trace = (type: PgmapType, side: 'before' | 'after', steps: TraceStep[], scenario = 'page life'): Trace => ({ scenario, side, type, steps });

test('describeEraEffect spells out refcount, pgmap and page-table effects and the note', () => {
  assert.equal(describeEraEffect({ eras: ['E2'], refcount: { op: 'put' }, devmapHook: true, note: 'n' }),
    'refcount −1, free path at 0 (devmap-managed pages go to the devmap hook first) — n');
  assert.equal(describeEraEffect({ eras: ['E2'], pgmap: 'put', pageTable: { insert: 'devmap', holdsRef: false }, note: '' }),
    'pgmap ref: drops a reference · page table: inserts a devmap entry without a page reference');
  assert.equal(describeEraEffect({ eras: ['E3'], refcount: { op: 'set', value: 'arg' }, note: '' }), 'refcount set to its second argument');
  assert.equal(describeEraEffect({ eras: ['E3'], note: '' }), 'no refcount, mapcount, pgmap or page-table effect');
  assert.equal(describeEraEffect({ eras: ['E1'], refcount: { op: 'put', amount: 'arg' }, freeAt: 1, pgmap: 'get', pgmapCount: 'nr-pages', pageFreeCallback: true, note: '' }),
    'refcount −n (its second argument), free path at 1 · pgmap ref: takes one reference per base page · calls pgmap->ops->page_free');
  assert.equal(describeEraEffect({ eras: ['E2'], refcount: { op: 'inc-unless-zero', unless: 'arg3' }, pgmapHeld: true, note: '' }),
    'refcount +1 unless it is its third argument · pgmap ref: held during the walk only, no net change');
});

test('refcountHistory follows refcount changes up to and including the step at the line', () => {
  const t = trace('FS_DAX', 'before', [step(1, 1), step(1, 2, 20), step(2, 1, 21), step(1, 0, 22)]);
  assert.deepEqual(refcountHistory([t], 'FS_DAX', 'before', 21), { scenario: 'page life', values: [1, 2, 1] });
  assert.equal(refcountHistory([t], 'FS_DAX', 'before', 99), undefined);
  assert.equal(refcountHistory([t], 'FS_DAX', 'after', 21), undefined);
  assert.equal(refcountHistory([t], 'GENERIC', 'before', 21), undefined);
});

test('historyTable has one row per type that reaches the line, before vs after, with unknowns and elision', () => {
  const traces = [
    trace('FS_DAX', 'before', [step(1, 2, 20), step(2, 1, 21)]),
    trace('FS_DAX', 'after', [step(0, 1, 20), step(1, null, 21)]),
    trace('PRIVATE', 'after', [step(0, 1, 5), step(1, 2, 6), step(2, 3, 7), step(3, 4, 8), step(4, 0, 21)], 'teardown'),
    trace('GENERIC', 'after', [step(1, 0, 30)]),
  ];
  assert.equal(historyTable(traces, 21, 4), [
    '| type | scenario | before the patch | after the patch |',
    '|---|---|---|---|',
    '| PRIVATE | teardown | — | 0 → … → 4 → 0 |',
    '| FS_DAX | page life | 1 → 2 → 1 | 0 → 1 → ? |',
  ].join('\n'));
  assert.equal(historyTable(traces, 99), '');
});

test('callHoverMarkdown groups types with the same era effect and appends the history table', () => {
  const entry: ApiEntry = {
    name: 'put_page', roles: ['put'], exists: ['E2'], doc: 'Drops a page reference.', source: 'include/linux/mm.h (v6.1)',
    effects: [{ eras: ['E2'], refcount: { op: 'put' }, note: '' }],
  };
  const effect = entry.effects[0];
  const md = callHoverMarkdown({
    callee: 'put_page', entry, era: 'E2', line: 21,
    effects: [{ type: 'PRIVATE', effect }, { type: 'FS_DAX', effect: { ...effect, devmapHook: true } }, { type: 'GENERIC', effect }],
    traces: [trace('FS_DAX', 'before', [step(1, 2, 20), step(2, 1, 21)])],
  });
  assert.match(md, /^\*\*put_page\*\* · PageRef Lens, era E2\n\nDrops a page reference\./);
  assert.match(md, /In E2, PRIVATE, GENERIC: refcount −1, free path at 0\n/);
  assert.match(md, /In E2, FS_DAX: refcount −1, free path at 0 \(devmap-managed/);
  assert.match(md, /\| FS_DAX \| page life \| 1 → 2 → 1 \| — \|/);
  assert.match(md, /\*include\/linux\/mm\.h \(v6\.1\)\*$/);
  const single = callHoverMarkdown({ callee: 'put_page', entry, era: 'E2', line: 1, effects: [{ type: 'PRIVATE', effect }] });
  assert.match(single, /\n\nIn E2: refcount −1, free path at 0\n/);
  assert.doesNotMatch(single, /\| type \|/);
  assert.match(callHoverMarkdown({ callee: 'foo', entry: undefined, era: 'E2', line: 1, effects: [] }), /Not in the API table/);
});
