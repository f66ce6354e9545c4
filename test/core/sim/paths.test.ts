// runFunctionPaths: every path of one body, with arguments bound, how each leaves, typed traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFunctionPaths, REFERENCED_PAGE } from '../../../src/core/sim/paths';
import { TABLE_VIEW } from '../../../src/core/model/api-view';
import type { PgmapType } from '../../../src/core/types';
import type { Val } from '../../../src/core/sim/interp';
import { bodiesOf } from './helpers';

async function paths(src: string, name: string, type: PgmapType, args: Record<string, Val> = {}, start = REFERENCED_PAGE) {
  const bodies = await bodiesOf(src);
  return runFunctionPaths(bodies.get(name)!, { era: 'E2', type, api: TABLE_VIEW, bodies, args, start }).paths;
}

// The shape of linux-6.12 p2pmem_alloc_mmap(), written for this test.
const MMAP = `int map(struct vm_area_struct *vma, struct percpu_ref *ref, struct page *page)
{
	int ret;

	if (!percpu_ref_tryget_live_rcu(ref)) {
		ret = -ENODEV;
		goto out_free_mem;
	}
	ret = vm_insert_page(vma, vma->vm_start, page);
	if (ret) {
		percpu_ref_put(ref);
		return ret;
	}
	percpu_ref_get(ref);
	put_page(page);
	percpu_ref_put(ref);
	return 0;
}`;

test('every path of a body: fallible calls fork, failure exits are typed, a goto beyond the input is an error exit', async () => {
  const ps = await paths(MMAP, 'map', 'P2PDMA');
  const by = (text: string) => ps.filter((p) => p.exit.text === text);
  assert.equal(ps.length, 3);
  const [ok] = by('0'), [insertFailed] = by('ret'), [tryFailed] = by('out_free_mem');
  assert.deepEqual([ok!.primary, ok!.exit.kind, ok!.exit.failure, ok!.end.pgmapRefs], [true, 'return', false, 1], 'success keeps one pgmap ref for the mapped page');
  assert.deepEqual([insertFailed!.exit.failure, insertFailed!.end.pgmapRefs, insertFailed!.forkLine, insertFailed!.exit.line], [true, 0, 8, 11], 'the insert failure gives its ref back');
  assert.deepEqual([tryFailed!.exit.kind, tryFailed!.exit.failure, tryFailed!.end.pgmapRefs], ['goto', true, 0], 'a goto to a label the input does not show is an error exit');
  const events = insertFailed!.steps.flatMap((s) => s.events ?? []);
  assert.deepEqual(events.map((e) => e.kind), ['call', 'pgmap-get', 'call-fails', 'call', 'pgmap-drop']);
  assert.deepEqual(events.find((e) => e.kind === 'call-fails'), { kind: 'call-fails', callee: 'vm_insert_page', returns: '-EFAULT / -EINVAL / -ENOMEM / -EBUSY', pgmapGet: false });
  // A page referenced elsewhere: the mapping's get and the caller's put net to nothing.
  assert.equal(ok!.end.refcount, REFERENCED_PAGE.refcount);
});

test('a pgmap already killed: a tryget only fails', async () => {
  const ps = await paths(MMAP, 'map', 'P2PDMA', {}, { ...REFERENCED_PAGE, tornDown: true });
  assert.deepEqual(ps.map((p) => [p.exit.kind, p.exit.text, p.primary]), [['goto', 'out_free_mem', true]]);
});

test('arguments are bound to parameters; failure values are the kernel\'s (NULL from get_dev_pagemap, an errno through ERR_PTR)', async () => {
  const src = `struct page *lookup(unsigned long pfn, int nr)
{
	struct dev_pagemap *pgmap;

	if (nr == 0)
		return ERR_PTR(-EINVAL);
	pgmap = get_dev_pagemap(pfn, NULL);
	if (!pgmap)
		return NULL;
	if (IS_ERR(pgmap))
		return ERR_PTR(-ENXIO);
	return pfn_to_page(pfn);
}`;
  const refused = await paths(src, 'lookup', 'FS_DAX', { nr: { k: 'num', v: 0 } });
  assert.deepEqual(refused.map((p) => [p.exit.text, p.exit.failure]), [['ERR_PTR(-EINVAL)', true]], 'nr bound to 0 decides the first check');
  const all = await paths(src, 'lookup', 'FS_DAX', { nr: { k: 'num', v: 1 } });
  const nulls = all.filter((p) => p.exit.text === 'NULL');
  assert.equal(nulls.length, 1, 'the failed lookup returns NULL, and only it');
  assert.deepEqual([nulls[0]!.exit.failure, nulls[0]!.end.pgmapRefs], [true, 0]);
  assert.ok(all.some((p) => p.primary && p.exit.text === 'pfn_to_page(pfn)' && !p.exit.failure && p.end.pgmapRefs === 1));
});

test('a condition that finds a pointer NULL before the path assigns it says it was NULL at entry; one assigned first does not', async () => {
  const src = `int done(struct dev_pagemap *pgmap, unsigned long pfn)
{
	struct dev_pagemap *other;

	if (pgmap)
		put_dev_pagemap(pgmap);
	other = get_dev_pagemap(pfn, NULL);
	if (unlikely(!other))
		return 0;
	put_dev_pagemap(other);
	return 1;
}`;
  const ps = await paths(src, 'done', 'FS_DAX');
  const skipped = ps.filter((p) => !p.steps.some((s) => s.statement.startsWith('put_dev_pagemap(pgmap)')));
  const took = ps.filter((p) => p.steps.some((s) => s.statement.startsWith('put_dev_pagemap(pgmap)')));
  assert.ok(skipped.length > 0 && skipped.every((p) => p.nullAtEntry?.includes('pgmap')), 'the path that skips the put found pgmap NULL');
  assert.ok(took.length > 0 && took.every((p) => !p.nullAtEntry?.includes('pgmap')), 'the path that puts did not');
  assert.ok(ps.every((p) => !p.nullAtEntry?.includes('other')), 'other is assigned before its test');
});
