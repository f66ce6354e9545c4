// API table integrity and the era/type facts of refcount-model.md the simulator relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERAS, PGMAP_TYPES, type Era, type PgmapType } from '../../../src/core/types';
import { API_NAMES, API_TABLE, apiEntry, effectFor, functionsWithRole, type ApiEntry, type EraEffect } from '../../../src/core/api';

function entry(name: string): ApiEntry {
  const e = apiEntry(name);
  assert.ok(e, `${name} is in the table`);
  return e;
}
function eff(name: string, era: Era, type: PgmapType): EraEffect {
  const f = effectFor(entry(name), era, type);
  assert.ok(f, `${name} has an effect in ${era} for ${type}`);
  return f;
}

test('names are unique, sorted, and API_NAMES / apiEntry agree with API_TABLE', () => {
  const names = API_TABLE.map((e) => e.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(names, [...names].sort());
  assert.deepEqual([...API_NAMES].sort(), API_TABLE.filter((e) => !e.helper).map((e) => e.name), 'API_NAMES: every entry but the helpers');
  assert.ok(API_TABLE.some((e) => e.helper) && !API_NAMES.has('page_folio'), 'helpers (page_folio) are not API_NAMES');
  for (const n of names) assert.equal(apiEntry(n)?.name, n);
  assert.equal(apiEntry('no_such_function'), undefined);
});

test('every entry has a doc, a source and an effect for every era it exists in, and none outside', () => {
  for (const e of API_TABLE) {
    assert.ok(e.doc.length >= 40 && !e.doc.includes('TODO'), `${e.name}: doc`);
    assert.ok(e.source.length > 0, `${e.name}: source`);
    assert.ok(e.exists.length > 0, `${e.name}: exists`);
    for (const f of e.effects) {
      assert.ok(f.note.length > 0, `${e.name}: note`);
      for (const era of f.eras) assert.ok(e.exists.includes(era), `${e.name}: effect in ${era} outside exists`);
    }
    for (const era of e.exists) assert.ok(e.effects.some((f) => f.eras.includes(era)), `${e.name}: no effect in ${era}`);
  }
});

test('effects never overlap: at most one effect per (era, pgmap type)', () => {
  for (const e of API_TABLE) {
    for (const era of ERAS) {
      for (const type of PGMAP_TYPES) {
        const n = e.effects.filter((f) => f.eras.includes(era) && (!f.types || f.types.includes(type))).length;
        assert.ok(n <= 1, `${e.name}: ${n} effects for ${era}/${type}`);
      }
    }
  }
});

test('fields are used where they mean something', () => {
  for (const e of API_TABLE) {
    for (const f of e.effects) {
      const op = f.refcount?.op;
      if (f.devmapHook) assert.equal(op, 'put', `${e.name}: devmapHook needs a put`);
      if (f.freeAt !== undefined) assert.ok(op === 'put' || op === 'dec', `${e.name}: freeAt needs put/dec`);
      if (f.pgmapCount !== undefined) assert.ok(f.pgmap === 'get' || f.pgmap === 'put' || f.pgmap === 'kill-wait', `${e.name}: pgmapCount needs get/put/kill-wait`);
      if (f.pgmapHeld) assert.equal(f.pgmap, undefined, `${e.name}: pgmapHeld has no net pgmap op`);
      if (f.types) assert.ok(f.types.length > 0, `${e.name}: empty types`);
    }
    if (e.roles.includes('type-test')) assert.ok(e.effects.every((f) => f.trueFor), `${e.name}: type-test without trueFor`);
    if (e.roles.includes('fsdax-idle-wait') || e.roles.includes('fsdax-wake')) assert.ok(e.effects.some((f) => f.idle), `${e.name}: idle role without idle`);
  }
});

test('the core entries H3b and the scanner start from are present', () => {
  const core = [
    'put_page', 'folio_put', 'get_page', 'folio_get', 'get_page_unless_zero', 'folio_try_get', 'set_page_count', 'folio_set_count',
    'page_ref_inc', 'page_ref_dec', 'page_ref_count', 'put_dev_pagemap', 'get_dev_pagemap', 'zone_device_page_init',
    'free_zone_device_page', 'free_zone_device_folio', '__init_zone_device_page', 'memunmap_pages', 'memremap_pages', 'insert_page',
    'vm_insert_page', 'insert_pfn', 'vmf_insert_mixed', 'vmf_insert_pfn_pmd', 'vmf_insert_pfn_pud', 'vmf_insert_page_mkwrite',
    'vmf_insert_folio_pmd', 'vmf_insert_folio_pud', 'pte_devmap', 'put_devmap_managed_page', '__put_devmap_managed_page_refs',
    'is_device_private_page', 'folio_is_fsdax', 'is_pci_p2pdma_page', 'wake_up_var', 'dax_wait_page_idle',
  ];
  assert.deepEqual(core.filter((n) => !API_NAMES.has(n)), []);
});

test('resting refcount after memmap init follows the eras (hazard 1)', () => {
  const init = (era: Era, type: PgmapType) => eff('__init_zone_device_page', era, type).refcount;
  assert.deepEqual(init('E1', 'PRIVATE'), { op: 'set', value: 1 });
  assert.deepEqual(init('E2', 'PRIVATE'), { op: 'set', value: 0 });
  assert.deepEqual(init('E2', 'COHERENT'), { op: 'set', value: 0 });
  assert.deepEqual(init('E2', 'FS_DAX'), { op: 'set', value: 1 });
  assert.deepEqual(init('E3', 'FS_DAX'), { op: 'set', value: 0 });
  assert.deepEqual(init('E3', 'P2PDMA'), { op: 'set', value: 0 });
  assert.deepEqual(init('E3', 'GENERIC'), { op: 'set', value: 1 });
  assert.deepEqual(eff('memremap_pages', 'E2', 'PRIVATE').pgmap, undefined);
  assert.equal(eff('memremap_pages', 'E2', 'FS_DAX').pgmap, 'static-per-page');
  assert.equal(eff('memremap_pages', 'E1', 'PRIVATE').pgmap, 'static-per-page');
});

test('the free path per era and type', () => {
  assert.deepEqual(eff('free_zone_device_page', 'E1', 'PRIVATE').refcount, { op: 'set', value: 1 });
  const e2priv = eff('free_zone_device_page', 'E2', 'PRIVATE');
  assert.equal(e2priv.refcount, undefined);
  assert.equal(e2priv.pgmap, 'put');
  assert.equal(e2priv.pageFreeCallback, true);
  assert.deepEqual(eff('free_zone_device_folio', 'E2', 'GENERIC').refcount, { op: 'set', value: 1 });
  assert.deepEqual(eff('free_zone_device_folio', 'E3', 'FS_DAX').idle, { key: 'page', count: 0 });
  assert.equal(eff('free_zone_device_folio', 'E3', 'GENERIC').pageFreeCallback, undefined);
  assert.equal(eff('free_zone_device_folio', 'E5', 'PRIVATE').pgmapCount, 'nr-pages');
  assert.equal(effectFor(entry('free_zone_device_page'), 'E3', 'PRIVATE'), undefined, 'renamed before E3');
});

test('put_page diverts devmap-managed pages in E0-E2 only; folio_put never (hazard 7)', () => {
  assert.equal(eff('put_page', 'E0', 'PRIVATE').devmapHook, true);
  assert.equal(eff('put_page', 'E0', 'GENERIC').devmapHook, undefined);
  assert.equal(eff('put_page', 'E1', 'PRIVATE').devmapHook, undefined);
  assert.equal(eff('put_page', 'E2', 'FS_DAX').devmapHook, true);
  assert.equal(eff('put_page', 'E3', 'FS_DAX').devmapHook, undefined);
  for (const era of ERAS) assert.equal(eff('folio_put', era, 'FS_DAX').devmapHook, undefined);
  const hook = eff('__put_devmap_managed_page_refs', 'E2', 'FS_DAX');
  assert.deepEqual(hook.refcount, { op: 'dec', amount: 'arg' });
  assert.equal(hook.freeAt, 1);
  assert.deepEqual(hook.idle, { key: 'refcount', count: 1 });
  assert.equal(eff('__put_devmap_managed_page_refs', 'E2', 'PRIVATE').refcount, undefined);
});

test('mappings: pfn inserts hold no reference, the E3 helpers do (hazard 2)', () => {
  assert.deepEqual(eff('vmf_insert_mixed', 'E2', 'FS_DAX').pageTable, { insert: 'devmap', holdsRef: false });
  assert.deepEqual(eff('vmf_insert_mixed', 'E4', 'FS_DAX').pageTable, { insert: 'special', holdsRef: false });
  const mk = eff('vmf_insert_page_mkwrite', 'E3', 'FS_DAX');
  assert.deepEqual(mk.pageTable, { insert: 'normal', holdsRef: true });
  assert.deepEqual(mk.refcount, { op: 'inc' });
  assert.equal(mk.mapcount, 'inc');
  assert.equal(effectFor(entry('vmf_insert_page_mkwrite'), 'E2', 'FS_DAX'), undefined);
  assert.deepEqual(eff('migrate_vma_pages', 'E2', 'PRIVATE').pageTable, { insert: 'swap-entry', holdsRef: true });
  // A zap drops what the entry holds (vm_normal_page() finds no page behind a special or devmap entry):
  // the entry's kind decides, in every era and for every type, not the type.
  for (const [name, era, type] of [['zap_pte_range', 'E2', 'FS_DAX'], ['zap_pte_range', 'E2', 'PRIVATE'], ['zap_huge_pmd', 'E3', 'FS_DAX']] as const) {
    assert.equal(eff(name, era, type).refcount, undefined);
    assert.deepEqual(eff(name, era, type).pageTable, { remove: true });
    assert.equal(eff(name, era, type).mapcount, 'dec');
  }
});

test('type predicates and GUP pgmap references', () => {
  assert.deepEqual(eff('is_device_private_page', 'E2', 'FS_DAX').trueFor, ['PRIVATE']);
  assert.deepEqual(eff('pte_devmap', 'E2', 'PRIVATE').trueFor, ['FS_DAX', 'GENERIC']);
  assert.equal(effectFor(entry('pte_devmap'), 'E4', 'FS_DAX'), undefined);
  assert.ok(!eff('folio_is_longterm_pinnable', 'E3', 'PRIVATE').trueFor!.includes('FS_DAX'));
  assert.ok(eff('folio_is_longterm_pinnable', 'E2', 'PRIVATE').trueFor!.includes('FS_DAX'));
  assert.equal(eff('follow_page_pte', 'E2', 'FS_DAX').pgmapHeld, true);
  assert.equal(eff('follow_page_pte', 'E4', 'FS_DAX').pgmapHeld, undefined);
  assert.equal(eff('zone_device_page_init', 'E2', 'PRIVATE').pgmap, 'get');
});

test('functionsWithRole: existence per era, and idle roles only where the entry waits or wakes then', () => {
  const names = (role: Parameters<typeof functionsWithRole>[0], era: Era) => functionsWithRole(role, era).map((e) => e.name);
  assert.ok(names('free-path', 'E1').includes('free_zone_device_page'));
  assert.ok(!names('free-path', 'E3').includes('free_zone_device_page'));
  assert.ok(names('free-path', 'E3').includes('free_zone_device_folio'));
  assert.ok(names('memmap-init', 'E2').includes('memmap_init_zone_device'));
  assert.ok(names('teardown', 'E2').includes('memunmap_pages'));
  assert.ok(names('gup', 'E2').includes('gup_fast_devmap_leaf'));
  assert.ok(!names('gup', 'E4').includes('gup_fast_devmap_leaf'));
  assert.ok(names('fsdax-wake', 'E2').includes('__put_devmap_managed_folio_refs'));
  assert.ok(!names('fsdax-wake', 'E2').includes('free_zone_device_folio'));
  assert.ok(names('fsdax-wake', 'E3').includes('free_zone_device_folio'));
  assert.ok(names('fsdax-idle-wait', 'E3').includes('dax_wait_page_idle'));
  assert.ok(!names('fsdax-idle-wait', 'E2').includes('dax_wait_page_idle'));
});

test('failure modes: the fallible calls say what they return when they fail, as the kernel does', () => {
  for (const e of API_TABLE) {
    for (const f of e.fails ?? []) {
      if (typeof f.returns !== 'string') {
        assert.ok(f.returns.length > 0 && f.returns.every((r) => /^-E[A-Z0-9]+$/.test(r)), `${e.name}: negative errnos`);
        assert.ok(f.success === 'zero' || f.success === 'count', `${e.name}: what success returns`);
      } else assert.equal(f.success, undefined, `${e.name}: success values go with errno failures`);
      for (const era of f.eras ?? []) assert.ok(e.exists.includes(era), `${e.name}: failure in ${era} outside exists`);
      // Refusing on a killed pgmap is about pgmap references.
      if (f.whenKilled) assert.ok(e.effects.some((x) => x.pgmap === 'get'), `${e.name}: whenKilled without a pgmap get`);
    }
  }
  // Read from mm/memory.c, mm/memremap.c, include/linux/percpu-refcount.h, mm/gup.c (linux-6.1, linux-6.12).
  assert.deepEqual(entry('vm_insert_page').fails, [{ returns: ['-EFAULT', '-EINVAL', '-ENOMEM', '-EBUSY'], success: 'zero' }]);
  assert.deepEqual(entry('get_dev_pagemap').fails, [{ returns: 'null', whenKilled: 'also' }]);
  assert.deepEqual(entry('percpu_ref_tryget_live_rcu').fails, [{ returns: 'false', whenKilled: 'only' }]);
  assert.equal(entry('get_user_pages').fails?.[0]?.success, 'count');
  for (const n of ['put_page', 'percpu_ref_put', 'percpu_ref_get', 'set_page_count']) assert.equal(entry(n).fails, undefined, `${n} cannot fail`);
});
