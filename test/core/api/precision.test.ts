// Table entries the review of real mm/ diffs needs: swap-entry type tests, the in-kernel P2PDMA
// allocator, the "put and test for zero" primitives and follow_page().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PGMAP_TYPES } from '../../../src/core/types';
import { apiEntry, effectFor } from '../../../src/core/api';

test('swap-entry tests: device-private entries are PRIVATE pages; device-exclusive entries are never ZONE_DEVICE pages', () => {
  for (const t of PGMAP_TYPES) {
    assert.equal(effectFor(apiEntry('is_device_private_entry')!, 'E2', t)!.trueFor!.includes(t), t === 'PRIVATE', t);
    assert.deepEqual(effectFor(apiEntry('is_device_exclusive_entry')!, 'E2', t)!.trueFor, [], t);
  }
});

test('pci_alloc_p2pmem / pci_free_p2pmem take and drop one pgmap ref for P2PDMA pages only, without touching the refcount', () => {
  for (const era of ['E0', 'E2', 'E3'] as const) {
    const alloc = effectFor(apiEntry('pci_alloc_p2pmem')!, era, 'P2PDMA');
    const free = effectFor(apiEntry('pci_free_p2pmem')!, era, 'P2PDMA');
    assert.equal(alloc?.pgmap, 'get', era);
    assert.equal(free?.pgmap, 'put', era);
    assert.equal(alloc?.refcount, undefined);
    assert.equal(effectFor(apiEntry('pci_alloc_p2pmem')!, era, 'PRIVATE'), undefined);
  }
});

test('put-and-test primitives say whether the count reached 0; follow_page() is gone after E2', () => {
  for (const name of ['put_page_testzero', 'folio_put_testzero', 'folio_ref_sub_and_test', 'page_ref_sub_and_test']) {
    const rc = effectFor(apiEntry(name)!, 'E2', 'PRIVATE')!.refcount;
    assert.ok(rc && rc.op === 'dec' && rc.zeroTest, name);
  }
  assert.deepEqual(apiEntry('follow_page')!.exists, ['E0', 'E1', 'E2']);
  assert.deepEqual(effectFor(apiEntry('follow_page')!, 'E2', 'FS_DAX')!.refcount, { op: 'inc' });
});

test('copy_huge_pmd() copies only an anonymous vma\'s PMDs: DAX, device-dax and P2PDMA PMDs are never copied at fork, in any era', () => {
  // linux-6.1 mm/huge_memory.c:1104-1106, linux-6.12 :1647-1649: "Skip if can be re-fill on fault".
  const entry = apiEntry('copy_huge_pmd')!;
  for (const era of ['E0', 'E2', 'E3', 'E5'] as const) {
    for (const t of ['FS_DAX', 'GENERIC', 'P2PDMA'] as const) {
      const f = effectFor(entry, era, t);
      assert.ok(f && f.refcount === undefined && f.mapcount === undefined && f.pageTable === undefined, `${era} ${t}: ${JSON.stringify(f)}`);
    }
    assert.deepEqual(effectFor(entry, era, 'COHERENT')!.refcount, { op: 'inc' }, era);
  }
  assert.deepEqual(effectFor(entry, 'E5', 'PRIVATE')!.refcount, { op: 'inc' });
  assert.equal(effectFor(entry, 'E3', 'PRIVATE')!.refcount, undefined);
});
