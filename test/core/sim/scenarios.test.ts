import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, scenariosFor } from '../../../src/core/sim/scenarios';
import { observe } from '../../../src/core/model/aspects';
import { TABLE_VIEW } from '../../../src/core/model/api-view';
import type { Era, PgmapType } from '../../../src/core/types';
import { bodiesOf } from './helpers';
import type { Body } from '../../../src/core/sim/interp';

function aspects(era: Era, type: PgmapType, bodies: ReadonlyMap<string, Body> = new Map()): Record<string, string> {
  const runs = scenariosFor(type).map((s) => runScenario(s, { era, type, side: 'after', api: TABLE_VIEW, bodies, placed: [] }));
  return Object.fromEntries(observe(runs).map((o) => [`${o.aspect}${o.where === 'after the free path' ? '@free' : ''}`, o.value]));
}

test('table eras: the page life of each type matches refcount-model.md', () => {
  const e2p = aspects('E2', 'PRIVATE');
  assert.equal(e2p['free-refcount'], '0');
  assert.equal(e2p['free-refcount@free'], '0');
  assert.equal(e2p['alloc-refcount'], '1');
  assert.equal(e2p['mapping-kind'], 'swap-entry');
  assert.equal(e2p['mapping-ref'], 'yes');
  assert.equal(e2p['page-free-callback'], 'yes');
  assert.equal(e2p['pgmap-ref'], 'per-allocation');
  assert.equal(e2p['teardown-waits'], 'yes');

  const e1p = aspects('E1', 'PRIVATE');
  assert.equal(e1p['free-refcount@free'], '1', 'E1 resets to 1');
  assert.equal(e1p['teardown-waits'], 'no', 'E1 memunmap_pages drops the per-page refs up front');

  const e0p = aspects('E0', 'PRIVATE');
  assert.equal(e0p['alloc-refcount'], '2', 'the E0 extra reference');

  const e2d = aspects('E2', 'FS_DAX');
  assert.equal(e2d['free-refcount'], '1');
  assert.equal(e2d['mapping-kind'], 'devmap');
  assert.equal(e2d['mapping-ref'], 'no');
  assert.equal(e2d['idle-refcount'], '1');
  assert.equal(e2d['gup-pgmap-ref'], 'yes');
  assert.equal(e2d['longterm-pin'], 'refused');

  const e3d = aspects('E3', 'FS_DAX');
  assert.equal(e3d['free-refcount'], '0');
  assert.equal(e3d['mapping-kind'], 'normal');
  assert.equal(e3d['mapping-ref'], 'yes');
  assert.equal(e3d['idle-refcount'], '0');
  assert.equal(e3d['gup-pgmap-ref'], 'no');
  assert.equal(e3d['longterm-pin'], 'refused');

  assert.equal(aspects('E2', 'GENERIC')['longterm-pin'], 'allowed');
  assert.equal(aspects('E3', 'GENERIC')['free-refcount@free'], '1', 'GENERIC stays 1-based in E3');
  const e2x = aspects('E2', 'P2PDMA');
  assert.equal(e2x['pgmap-ref'], 'per-allocation', 'p2pmem_alloc_mmap takes one, p2pdma_page_free drops it');
  assert.equal(aspects('E3', 'P2PDMA')['free-refcount'], '0');
});

test('break-layouts: wait and wake pair up, on the refcount at 1 in E2 and on the page at 0 in E3', () => {
  for (const [era, key, count] of [['E2', 'refcount', 1], ['E3', 'page', 0]] as const) {
    const run = runScenario('break-layouts', { era, type: 'FS_DAX', side: 'after', api: TABLE_VIEW, bodies: new Map(), placed: [] });
    const end = run.ends.at(-1)!.state;
    assert.deepEqual(end.waits[0], { key, count }, era);
    assert.ok(end.wakes.some((w) => w.key === key && w.count === count), `${era} wakes ${JSON.stringify(end.wakes)}`);
  }
});

test('a patched free path replaces the table behaviour; placed functions take a phase by role', async () => {
  const bodies = await bodiesOf(`void free_zone_device_page(struct page *page)
{
	page->pgmap->ops->page_free(page);
	put_dev_pagemap(page->pgmap);
}
struct page *my_alloc(struct my_dev *d)
{
	struct page *page = my_pop(d);

	zone_device_page_init(page);
	get_page(page);
	return page;
}`);
  const generic = aspects('E2', 'GENERIC', bodies);
  assert.equal(generic['free-refcount@free'], '0', 'no reset to 1 any more');
  assert.match(generic['pgmap-ref']!, /^unbalanced/);
  const run = runScenario('page-life', { era: 'E2', type: 'PRIVATE', side: 'after', api: TABLE_VIEW, bodies, placed: [{ name: 'my_alloc', role: 'alloc' }] });
  assert.equal(run.ends.find((e) => e.phase === 'alloc')!.state.refcount, 2, 'the driver allocator ran in the alloc phase');
  assert.ok(run.trace.steps.some((s) => s.function === 'my_alloc' && s.line === 10));
});

test('P2PDMA without p2pmem_alloc_mmap (before v6.2, or a side of a patch lacking it) lives in the kernel: pci_alloc_p2pmem holds a pgmap ref per allocation', () => {
  const run = (absent: ReadonlySet<string>) => {
    const runs = scenariosFor('P2PDMA').map((s) => runScenario(s, { era: 'E2', type: 'P2PDMA', side: 'before', api: TABLE_VIEW, bodies: new Map(), absent, placed: [] }));
    return Object.fromEntries(observe(runs).map((o) => [o.aspect, o.value]));
  };
  const inKernel = run(new Set(['p2pmem_alloc_mmap', 'p2pdma_page_free']));
  assert.equal(inKernel['pgmap-ref'], 'per-allocation', 'pci_free_p2pmem drops what pci_alloc_p2pmem took');
  assert.equal(inKernel['teardown-waits'], 'yes', 'memunmap_pages waits for allocated memory');
  assert.equal(inKernel['page-free-callback'], 'no');
  assert.equal(inKernel['mapping-ref'], 'no');
  const mmap = run(new Set());
  assert.equal(mmap['pgmap-ref'], 'per-allocation');
  assert.equal(mmap['teardown-waits'], 'yes');
  assert.equal(mmap['page-free-callback'], 'yes');
  assert.equal(mmap['mapping-ref'], 'yes');
});

test('scenarios run with one input share the run of their common start and match separate runs', () => {
  const input = { era: 'E2' as const, type: 'FS_DAX' as const, side: 'after' as const, api: TABLE_VIEW, bodies: new Map(), placed: [] };
  const shared = scenariosFor('FS_DAX').map((s) => runScenario(s, input));
  const separate = scenariosFor('FS_DAX').map((s) => runScenario(s, { ...input }));
  assert.deepEqual(shared, separate);
});
