import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFunction, newBudget, startPath, stepsOf, type SimEnv } from '../../../src/core/sim/interp';
import { INITIAL_STATE } from '../../../src/core/sim/state';
import { TABLE_VIEW } from '../../../src/core/model/api-view';
import type { Era, PgmapType } from '../../../src/core/types';
import type { FunctionIR } from '../../../src/core/syntax/ir';
import { bodiesOf } from './helpers';

function env(era: Era, type: PgmapType, bodies: SimEnv['bodies'], budget = newBudget()): SimEnv {
  return { era, type, api: TABLE_VIEW, bodies, budget, phase: 'test' };
}

async function run(src: string, name: string, type: PgmapType, refcount = 1, era: Era = 'E2', budget = newBudget()) {
  const bodies = await bodiesOf(src);
  const body = bodies.get(name);
  assert.ok(body, `parsed ${name}`);
  const e = env(era, type, bodies, budget);
  return { paths: execFunction(body, e, startPath({ ...INITIAL_STATE, refcount, inUse: true }), 0), budget: e.budget };
}

test('pgmap type conditions are decided per type, with && / || combinations', async () => {
  const src = `void f(struct page *page)
{
	if (page->pgmap->type != MEMORY_DEVICE_PRIVATE &&
	    page->pgmap->type != MEMORY_DEVICE_COHERENT)
		set_page_count(page, 1);
	else
		put_dev_pagemap(page->pgmap);
}`;
  for (const [type, rc, pg] of [['PRIVATE', 0, -1], ['COHERENT', 0, -1], ['FS_DAX', 1, 0], ['P2PDMA', 1, 0]] as const) {
    const { paths } = await run(src, 'f', type, 0);
    assert.equal(paths.length, 1, `${type}: one path, no fork on a type test`);
    assert.equal(paths[0]!.state.refcount, rc, type);
    assert.equal(paths[0]!.state.pgmapRefs, pg, type);
    assert.ok(stepsOf(paths[0]!).some((s) => s.note?.startsWith('type guard')), 'the decision is in the trace');
  }
});

test('switch (pgmap->type) takes the matching case, falls through until break, default otherwise', async () => {
  const src = `void f(struct folio *folio)
{
	switch (folio->pgmap->type) {
	case MEMORY_DEVICE_PRIVATE:
	case MEMORY_DEVICE_COHERENT:
		put_dev_pagemap(folio->pgmap);
		break;
	case MEMORY_DEVICE_GENERIC:
		folio_set_count(folio, 1);
		break;
	default:
		break;
	}
}`;
  assert.equal((await run(src, 'f', 'PRIVATE', 0)).paths[0]!.state.pgmapRefs, -1);
  assert.equal((await run(src, 'f', 'GENERIC', 0)).paths[0]!.state.refcount, 1);
  const p2p = (await run(src, 'f', 'P2PDMA', 0)).paths;
  assert.equal(p2p.length, 1);
  assert.equal(p2p[0]!.state.refcount, 0);
  assert.equal(p2p[0]!.state.pgmapRefs, 0);
});

test('type-test functions use the table (is_device_private_page)', async () => {
  const src = `void f(struct page *page)
{
	if (is_device_private_page(page))
		put_page(page);
}`;
  assert.equal((await run(src, 'f', 'PRIVATE', 2)).paths[0]!.state.refcount, 1);
  assert.equal((await run(src, 'f', 'GENERIC', 2)).paths[0]!.state.refcount, 2);
});

test('undecidable conditions fork; fallible calls fork into success and failure; goto error paths are real paths', async () => {
  const src = `int f(struct page *page)
{
	int ret;

	if (!percpu_ref_tryget_live(&pgmap->ref))
		return -ENODEV;
	ret = vm_insert_page(vma, addr, page);
	if (ret)
		goto out;
	return 0;
out:
	return ret;
}`;
  const { paths } = await run(src, 'f', 'P2PDMA', 1);
  assert.equal(paths.length, 3);
  const primary = paths.find((p) => p.primary)!;
  assert.deepEqual([primary.state.refcount, primary.state.pgmapRefs, primary.ret], [2, 1, '0']);
  const noRef = paths.find((p) => p.ret === '-ENODEV')!;
  assert.deepEqual([noRef.state.refcount, noRef.state.pgmapRefs], [1, 0], 'a failed tryget takes nothing');
  const leak = paths.find((p) => p.ret === 'ret')!;
  assert.deepEqual([leak.state.refcount, leak.state.pgmapRefs], [1, 1], 'the failed insert took nothing, the pgmap ref stays: a leak');
  assert.equal(leak.forkLine, 6, 'the call whose failure left the primary path');
  assert.ok(leak.failed, 'it returns the errno vm_insert_page() failed with');
  assert.deepEqual(leak.retVal, { k: 'err', names: ['-EFAULT', '-EINVAL', '-ENOMEM', '-EBUSY'] });
  assert.equal(leak.exitLine, 11, 'it leaves by the return after the label');
  assert.ok(stepsOf(leak).some((s) => s.events?.some((e) => e.kind === 'call-fails' && e.callee === 'vm_insert_page')), 'the failure is a typed event');
  assert.ok(!primary.failed && noRef.failed);
});

test('loops run once; break leaves the loop', async () => {
  const src = `void f(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		put_page(pages[i]);
		if (done)
			break;
	}
}`;
  const { paths } = await run(src, 'f', 'GENERIC', 3);
  assert.ok(paths.every((p) => p.state.refcount === 2 && p.status === 'normal'));
});

test('put to 0 runs the free path; a put at 0 is an underflow; WARN on the refcount fires', async () => {
  const src = `void f(struct page *page)
{
	WARN_ON_ONCE(page_ref_count(page) != 0);
	put_page(page);
	put_page(page);
}`;
  const { paths } = await run(src, 'f', 'PRIVATE', 1);
  const s = paths[0]!.state;
  assert.equal(s.warns.length, 1, 'the WARN fires at refcount 1');
  assert.equal(s.freed, 1, 'the first put frees');
  assert.equal(s.pageFreeCalls, 1, 'E2 free path calls ->page_free');
  assert.equal(s.underflow, true, 'the second put underflows');
});

test('a 10,000-way switch on an unknown value and deep nesting stop at the budgets', async () => {
  // Built as IR directly: the point is the simulator's budgets, not the parser's speed.
  const at = { line: 0, character: 0 };
  const put = { k: 'expr', expr: { k: 'call', callee: 'put_page', args: [{ k: 'ident', name: 'page', text: 'page', loc: at }], text: 'put_page(page)', loc: at }, loc: at } as const;
  const cases = Array.from({ length: 10000 }, (_, i) => ({ labels: [{ k: 'number', value: i, text: String(i), loc: at }], isDefault: false, body: [put, { k: 'break', loc: at }], loc: at }) as const);
  const fn: FunctionIR = { name: 'wide', params: ['page'], startLine: 0, endLine: 0, errorNodes: 0,
    body: { k: 'block', body: [{ k: 'switch', subject: { k: 'ident', name: 'x', text: 'x', loc: at }, cases, loc: at }], loc: at } };
  const e = env('E2', 'GENERIC', new Map());
  const paths = execFunction({ fn, docLine: () => undefined }, e, startPath({ ...INITIAL_STATE, refcount: 5 }), 0);
  assert.ok(paths.length <= 256, `paths ${paths.length}`);
  assert.ok(paths.every((p) => p.state.refcount === 4 || p.state.refcount === 5));
  assert.match(e.budget.truncated ?? '', /budget/);
  const deep = `void deep(struct page *page)\n{\n${Array.from({ length: 40 }, () => '\tif (c) get_page(page);').join('\n')}\n}`;
  const d = await run(deep, 'deep', 'GENERIC', 1);
  assert.ok(d.paths.length <= 256);
  assert.match(d.budget.truncated ?? '', /path budget/);
});

test('calls to bodies the patch provides are interpreted, recursion is cut', async () => {
  const src = `static void helper(struct page *page)
{
	get_page(page);
	helper(page);
}
void f(struct page *page)
{
	helper(page);
}`;
  const { paths } = await run(src, 'f', 'GENERIC', 1);
  assert.equal(paths[0]!.state.refcount, 2);
  assert.ok(stepsOf(paths[0]!).some((s) => s.function === 'helper' && s.line === 2));
});

test('the primary path takes the usual outcome: guard clauses and error checks do not fire, pointer checks hold, attempts succeed', async () => {
  const src = `int f(struct page *page)
{
	int ret;

	if (vma->vm_pgoff)
		return -EINVAL;
	if (pages[i])
		get_page(page);
	if (!page)
		return -EINVAL;
	if (get_dev_pagemap(pfn, NULL))
		page_ref_inc(page);
	ret = do_something(page);
	if (ret)
		return ret;
	return 0;
}`;
  const { paths } = await run(src, 'f', 'GENERIC', 1);
  const primary = paths.find((p) => p.primary)!;
  assert.equal(primary.ret, '0');
  assert.equal(primary.state.refcount, 3, 'both gets on the primary path');
  assert.equal(primary.state.pgmapRefs, 1);
  const failed = paths.find((p) => !p.primary && p.state.pgmapRefs === 0 && p.state.refcount === 2);
  assert.ok(failed, 'the failed get_dev_pagemap() branch takes no pgmap ref and skips the inc');
});

test('a tryget inside unlikely() is still an attempt: its failure branch undoes it', async () => {
  const src = `int f(struct page *page)
{
	if (unlikely(!percpu_ref_tryget_live_rcu(ref)))
		return -ENODEV;
	return 0;
}`;
  const { paths } = await run(src, 'f', 'P2PDMA');
  assert.equal(paths.length, 2);
  for (const p of paths) assert.equal(p.state.pgmapRefs, p.ret === '-ENODEV' ? 0 : 1, `path returning ${p.ret}`);
});

test('a value stored through a pointer or field is read back: *pgmap = get_dev_pagemap(...); if (!*pgmap)', async () => {
  const src = `struct page *f(unsigned long pfn, struct dev_pagemap **pgmap)
{
	*pgmap = get_dev_pagemap(pfn, *pgmap);
	if (!*pgmap)
		return ERR_PTR(-EFAULT);
	return pfn_to_page(pfn);
}`;
  const { paths } = await run(src, 'f', 'FS_DAX');
  const failed = paths.find((p) => p.ret === 'ERR_PTR(-EFAULT)');
  assert.ok(failed, 'the failure path exists');
  assert.equal(failed.state.pgmapRefs, 0, 'the failed get took nothing');
  assert.equal(paths.find((p) => p.primary)!.state.pgmapRefs, 1);
});

test('*_testzero / *_and_test return whether the count reached 0, not the count', async () => {
  const src = `void f(struct folio *folio)
{
	if (folio_put_testzero(folio))
		free_zone_device_page(&folio->page);
}`;
  const at1 = (await run(src, 'f', 'PRIVATE', 1)).paths;
  assert.equal(at1.length, 1, 'decided, no fork');
  assert.ok(stepsOf(at1[0]!).some((s) => /free_zone_device_page/.test(s.statement)), '1 -> 0 frees');
  const at2 = (await run(src, 'f', 'PRIVATE', 2)).paths;
  assert.equal(at2.length, 1);
  assert.ok(!stepsOf(at2[0]!).some((s) => /free_zone_device_page/.test(s.statement)), '2 -> 1 does not free');
  assert.equal(at2[0]!.state.refcount, 1);
});

test('device-private and device-exclusive swap entries are type tests', async () => {
  const src = `void f(struct page *page, swp_entry_t entry)
{
	if (is_device_private_entry(entry) || is_device_exclusive_entry(entry))
		put_page(page);
}`;
  for (const [type, rc] of [['PRIVATE', 1], ['FS_DAX', 2], ['COHERENT', 2]] as const) {
    const { paths } = await run(src, 'f', type, 2);
    assert.equal(paths.length, 1, `${type}: decided`);
    assert.equal(paths[0]!.state.refcount, rc, type);
  }
});

test('a flag test and a positive count usually hold: a batch flushed in the loop is not flushed again', async () => {
  const src = `void f(struct folio *folio, unsigned int flags)
{
	int i;

	if (flags & FOLL_GET)
		folio_get(folio);
	for (i = 0; i < nr; i++) {
		if (folio_batch_add(&fbatch, folio) > 0)
			continue;
		folios_put_refs(&fbatch, refs);
	}
	if (fbatch.nr)
		folios_put_refs(&fbatch, refs);
}`;
  const { paths } = await run(src, 'f', 'GENERIC', 1);
  const primary = paths.find((p) => p.primary)!;
  assert.equal(stepsOf(primary).filter((s) => /^folio_get/.test(s.statement)).length, 1, 'FOLL_GET taken');
  assert.deepEqual([...new Set(stepsOf(primary).filter((s) => /^folios_put_refs/.test(s.statement)).map((s) => s.line))], [12], 'one flush, after the loop');
  assert.equal(primary.state.refcount, 1);
});

test('paths that agree on state, variables and return are merged instead of multiplying', async () => {
  const conds = Array.from({ length: 12 }, (_, i) => `\tif (cond${i}(page))\n\t\tcount++;`).join('\n');
  const src = `void f(struct page *page)\n{\n${conds}\n\tput_page(page);\n}`;
  const { paths, budget } = await run(src, 'f', 'GENERIC', 2);
  assert.ok(paths.length < 64, `${paths.length} paths, not 4096`);
  assert.equal(budget.truncated, undefined);
  assert.ok(paths.every((p) => p.state.refcount === 1));
});

test('a GUP grab of a page at refcount 0 warns and fails: the caller takes its error path', async () => {
  const src = `int grab(struct folio *folio, unsigned int flags)
{
	int ret = try_grab_folio(folio, 1, flags);
	if (ret)
		return ret;
	folio_put(folio);
	return 0;
}`;
  const at0 = await run(src, 'grab', 'GENERIC', 0, 'E3');
  assert.equal(at0.paths.length, 1);
  const p = at0.paths[0]!;
  assert.deepEqual([p.state.refcount, p.state.pinned, p.state.underflow, p.state.freed], [0, 0, false, 0], 'nothing taken, nothing put');
  assert.ok(stepsOf(p).some((s) => s.note?.startsWith('WARN fires on this path') && /WARN_ON_ONCE\(folio_ref_count\(folio\) <= 0\)/.test(s.statement)));
  const at1 = await run(src, 'grab', 'GENERIC', 1, 'E3');
  const primary = at1.paths.find((q) => q.primary)!;
  assert.ok(!stepsOf(primary).some((s) => s.note?.startsWith('WARN')), 'a referenced page is grabbed without a warning');
});
