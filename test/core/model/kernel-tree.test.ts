// --kernel-tree mode on Debian's linux-6.12: a patch made at test time (git diff --no-index) from
// mm/memremap.c, reviewed with whole functions from the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { kernelDir, needKernels } from '../../helpers/inputs';
import { getSyntax } from '../sim/helpers';

function makePatch(kdir: string, rel: string, edit: (text: string) => string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-kt-'));
  for (const side of ['a', 'b']) fs.mkdirSync(path.join(tmp, side, path.dirname(rel)), { recursive: true });
  const text = fs.readFileSync(path.join(kdir, rel), 'utf8');
  fs.writeFileSync(path.join(tmp, 'a', rel), text);
  fs.writeFileSync(path.join(tmp, 'b', rel), edit(text));
  const r = spawnSync('git', ['diff', '--no-index', '--no-color', `a/${rel}`, `b/${rel}`], { cwd: tmp, encoding: 'utf8' });
  fs.rmSync(tmp, { recursive: true, force: true });
  return r.stdout;
}

test('kernel-tree mode simulates the whole free_zone_device_folio() of linux-6.12', { skip: needKernels }, async () => {
  const kdir = kernelDir('6.12')!;
  const guard = /\tif \(folio->page\.pgmap->type != MEMORY_DEVICE_PRIVATE &&[\s\S]*?\t\tput_dev_pagemap\(folio->page\.pgmap\);\n/;
  const diff = makePatch(kdir, 'mm/memremap.c', (t) => {
    assert.match(t, guard, 'the 6.12 free path has the type guard');
    return t.replace(guard, '\tput_dev_pagemap(folio->page.pgmap);\n');
  });
  assert.ok(diff.includes('@@'), 'a diff was made');
  const series = (await parseDocument({ name: 'kt.patch', content: diff })).value;
  const tree = { readFile: (p: string) => { const f = path.join(kdir, p); return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined; } };
  const reviewer = createReviewer(await getSyntax());
  const r = reviewer.review([series], { era: 'E2', includePresent: false, kernelTree: tree });
  const hunks = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
  assert.equal(hunks.length, 1);
  const h = hunks[0]!;
  assert.equal(h.source, 'kernel-tree');
  assert.ok(h.calls.some((c) => c.callee === 'put_dev_pagemap' && c.side === 'after'));
  const free = h.effects.find((e) => e.aspect === 'free-refcount' && e.before === '1' && e.after === '0');
  assert.ok(free, JSON.stringify(h.effects.map((e) => [e.aspect, e.types, e.before, e.after])));
  assert.deepEqual([...free.types].sort(), ['FS_DAX', 'GENERIC', 'P2PDMA']);
  assert.ok(h.findings.some((f) => f.ruleId === 'pgmap-ref-imbalance' && f.status === 'introduced'));
  const fragment = reviewer.review([series], { era: 'E2', includePresent: false });
  assert.equal(fragment.patches[0]!.files[0]!.hunks[0]!.source, 'fragment');
});

/** The pgmap-ref-imbalance cases on linux-6.12's p2pmem_alloc_mmap(), reviewed with --kernel-tree: the
 * dropped put against the tree as it is, the restored put against the tree without it. */
test('kernel-tree mode: p2pmem_alloc_mmap() error-path put dropped and restored', { skip: needKernels }, async () => {
  const kdir = kernelDir('6.12')!;
  const rel = 'drivers/pci/p2pdma.c';
  const text = fs.readFileSync(path.join(kdir, rel), 'utf8');
  const put = '\t\t\tgen_pool_free(p2pdma->pool, (uintptr_t)kaddr, len);\n\t\t\tpercpu_ref_put(ref);\n';
  assert.ok(text.includes(put), 'linux-6.12 has the fixed error path');
  const without = text.replace(put, '\t\t\tgen_pool_free(p2pdma->pool, (uintptr_t)kaddr, len);\n');
  const cases = path.join(path.dirname(new URL(import.meta.url).pathname), '../../../src/core/rules/pgmap-ref-imbalance/cases');
  const reviewer = createReviewer(await getSyntax());
  for (const [file, tree, status] of [
    ['p2pmem-mmap-error-put-dropped.patch', text, 'introduced'],
    ['p2pmem-mmap-error-put-dropped-u1.patch', text, 'introduced'],
    ['p2pmem-mmap-error-put-restored.patch', without, 'fixed'],
    ['p2pmem-mmap-error-put-restored-u1.patch', without, 'fixed'],
  ] as const) {
    const series = (await parseDocument({ name: file, content: fs.readFileSync(path.join(cases, file), 'utf8') })).value;
    const r = reviewer.review([series], { era: 'E2', includePresent: false, kernelTree: { readFile: (p) => (p === rel ? tree : undefined) } });
    const hunks = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
    assert.equal(hunks.length, 1, file);
    assert.equal(hunks[0]!.source, 'kernel-tree', file);
    const mine = hunks[0]!.findings.filter((f) => f.ruleId === 'pgmap-ref-imbalance');
    assert.deepEqual(mine.map((f) => [f.status, f.types]), [[status, ['P2PDMA']]], `${file}: ${JSON.stringify(hunks[0]!.findings.map((f) => [f.ruleId, f.status, f.types, f.message]))}`);
  }
});

// Expectation (linux-6.12 mm/memremap.c: pagemap_range() takes pfn_len() per-page references for
// every type but PRIVATE/COHERENT, memunmap_pages() drops as many under the same guard): excluding
// GENERIC from the get alone underflows the ref at teardown; excluding it from both keeps the pair
// balanced and GENERIC pages simply stop pinning their pgmap.
test('kernel-tree mode: the per-page pgmap references of set-up and teardown, one side or both', { skip: needKernels }, async () => {
  const kdir = kernelDir('6.12')!;
  const rel = 'mm/memremap.c';
  const guard = '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n';
  const widened = '\tif (pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    pgmap->type != MEMORY_DEVICE_COHERENT &&\n\t    pgmap->type != MEMORY_DEVICE_GENERIC)\n';
  const get = `${guard}\t\tpercpu_ref_get_many`;
  const text = fs.readFileSync(path.join(kdir, rel), 'utf8');
  assert.equal(text.split(guard).length - 1, 2, 'the guard of the get (pagemap_range) and of the put (memunmap_pages)');
  const reviewer = createReviewer(await getSyntax());
  const review = async (edit: (t: string) => string) => {
    const series = (await parseDocument({ name: 'p.patch', content: makePatch(kdir, rel, edit) })).value;
    const r = reviewer.review([series], { era: 'E2', includePresent: false, kernelTree: { readFile: (p) => (p === rel ? text : undefined) } });
    return r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
  };
  const getOnly = await review((t) => t.replace(get, `${widened}\t\tpercpu_ref_get_many`));
  assert.deepEqual(getOnly.flatMap((h) => h.findings.filter((f) => f.ruleId === 'pgmap-ref-imbalance').map((f) => [f.status, f.types])), [['introduced', ['GENERIC']]]);
  const both = await review((t) => t.split(guard).join(widened));
  assert.equal(both.length, 2);
  // Said once for the patch (on the first hunk that shows it), never an imbalance.
  assert.deepEqual(both.flatMap((h) => h.findings.filter((f) => f.ruleId === 'pgmap-ref-imbalance')), []);
  assert.deepEqual(both.flatMap((h) => h.effects.filter((e) => e.aspect === 'pgmap-ref').map((e) => [e.types, e.before, e.after])), [[['GENERIC'], 'static', 'none']]);
});
