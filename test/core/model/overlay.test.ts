// The patch overlay: a patch is judged as one change in two worlds, whatever its shape. Patches are
// made at test time from Debian's linux-6.12 (git diff --no-index); each expectation below was
// written from the kernel source before the model was run (see the comment of each test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer, type ReviewOptions } from '../../../src/core/model/pipeline';
import type { HunkReport, Trace, TraceStep } from '../../../src/core/report/types';
import { topLevelSymbols } from '../../corpus/cut';
import { kernelDir, needKernels } from '../../helpers/inputs';
import { getSyntax } from '../sim/helpers';

/** The era of linux-6.12 as the review test of kernel-tree mode uses it. */
const ERA: ReviewOptions['era'] = 'E2';

interface FileEdit {
  readonly path: string;
  /** Absent: the file does not exist on that side. */
  readonly before?: string;
  readonly after?: string;
}

/** `git diff --no-index` of the edits, with git's options (context size), paths as a kernel patch has them. */
function gitDiff(edits: readonly FileEdit[], options: readonly string[] = []): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-overlay-'));
  try {
    for (const e of edits) {
      for (const [side, text] of [['a', e.before], ['b', e.after]] as const) {
        const abs = path.join(tmp, side, e.path);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        if (text !== undefined) fs.writeFileSync(abs, text);
      }
    }
    const r = spawnSync('git', ['-c', 'core.quotepath=false', 'diff', '--no-index', '--no-color', '--no-ext-diff', '--src-prefix=', '--dst-prefix=', ...options, 'a', 'b'], { cwd: tmp, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`git diff failed: ${r.stderr}`);
    // git names a new file b/x on both sides of its header line, a deleted one a/x.
    return r.stdout.replace(/^diff --git [ab]\/(\S+) [ab]\/(\S+)$/gm, 'diff --git a/$1 b/$2');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function kernelFile(rel: string): string {
  return fs.readFileSync(path.join(kernelDir('6.12')!, rel), 'utf8');
}

/** A top-level definition's text (from its first line to its closing line, newline included). */
function definition(text: string, name: string): { start: number; end: number; text: string } {
  const s = topLevelSymbols(text).find((x) => x.name === name);
  assert.ok(s, `${name} is defined`);
  // From the start of its first line.
  const start = text.lastIndexOf('\n', s.span.start) + 1;
  return { start, end: s.span.end, text: text.slice(start, s.span.end) };
}

const tree = (edits: readonly FileEdit[]) => ({
  readFile: (p: string) => {
    const e = edits.find((x) => x.path === p);
    if (e) return e.before;
    const f = path.join(kernelDir('6.12')!, p);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
  },
});

async function review(diffs: readonly string[], opts: Partial<ReviewOptions> = {}) {
  const series = [];
  for (const [i, d] of diffs.entries()) series.push((await parseDocument({ name: `p${i}.patch`, content: d })).value);
  // A series of several patches is one mbox; single diffs are reviewed as they are.
  const r = createReviewer(await getSyntax()).review(series, { era: ERA, includePresent: false, ...opts });
  return { hunks: r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks)), problems: r.problems };
}

/** An mbox of patches in order (a series). */
function mbox(diffs: readonly string[]): string {
  return diffs.map((d, i) => `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: T <t@example.org>\nSubject: [PATCH ${i + 1}/${diffs.length}] step ${i + 1}\n\n---\n${d}`).join('\n');
}

/** What a review says, independent of where in the document: effects and findings by kind and types,
 * each with the text of its line. */
function says(hunks: readonly HunkReport[], lineText: (line: number) => string): string[] {
  return hunks.flatMap((h) => [
    ...h.effects.map((e) => `effect ${e.aspect} ${[...e.types].sort().join('/')} ${e.before} -> ${e.after} @ ${lineText(e.line).slice(1).trim()}`),
    ...h.findings.map((f) => `finding ${f.ruleId} ${f.status} ${[...f.types].sort().join('/')} @ ${lineText(f.line).slice(1).trim()}`),
  ]).sort();
}

const textOf = (doc: string) => {
  const lines = doc.split('\n');
  return (line: number) => lines[line] ?? '';
};

const P2PDMA = 'drivers/pci/p2pdma.c';
const MEMREMAP = 'mm/memremap.c';

// Expectation (kernel source): moving a function's text unchanged to another file changes no page's
// life: no effect and no finding, in any hunk, with or without the tree.
test('a function moved verbatim to another file nets to nothing', { skip: needKernels }, async () => {
  for (const [file, name, to] of [[P2PDMA, 'p2pmem_alloc_mmap', 'drivers/pci/p2pdma-mmap.c'], [MEMREMAP, 'free_zone_device_folio', 'mm/memremap-free.c']] as const) {
    const text = kernelFile(file);
    const d = definition(text, name);
    const edits = [{ path: file, before: text, after: text.slice(0, d.start) + text.slice(d.end) }, { path: to, after: d.text }];
    const diff = gitDiff(edits);
    for (const opts of [{}, { kernelTree: tree(edits) }]) {
      const { hunks } = await review([diff], opts);
      assert.ok(hunks.some((h) => h.calls.length > 0), `${name}: the calls are read`);
      assert.deepEqual(says(hunks, textOf(diff)), [], `${name} moved (${opts === undefined || !('kernelTree' in opts) ? 'fragment' : 'kernel tree'})`);
    }
  }
});

// Expectation: renaming a function and leaving a wrapper under the old name that only calls it with
// the same arguments changes nothing for any page.
test('a function renamed behind a wrapper nets to nothing', { skip: needKernels }, async () => {
  const cases = [
    [P2PDMA, 'p2pmem_alloc_mmap', 'p2pmem_do_mmap', '\treturn p2pmem_do_mmap(filp, kobj, attr, vma);\n'],
    [MEMREMAP, 'free_zone_device_folio', '__free_zone_device_folio', '\t__free_zone_device_folio(folio);\n'],
  ] as const;
  for (const [file, name, renamed, call] of cases) {
    const text = kernelFile(file);
    const d = definition(text, name);
    const head = d.text.slice(0, d.text.indexOf('{'));
    const inner = d.text.replace(new RegExp(`\\b${name}\\(`), `${renamed}(`);
    const wrapper = `${head}{\n${call}}\n`;
    const edits = [{ path: file, before: text, after: text.slice(0, d.start) + inner + '\n' + wrapper + text.slice(d.end) }];
    const diff = gitDiff(edits);
    for (const opts of [{}, { kernelTree: tree(edits) }]) {
      const { hunks } = await review([diff], opts);
      assert.deepEqual(says(hunks, textOf(diff)), [], `${name} renamed to ${renamed} behind a wrapper`);
    }
  }
});

/** linux-6.12's p2pmem_alloc_mmap() with the percpu_ref_put() of its vm_insert_page() failure branch
 * removed (the leak 6220694c52a5 closed), and, 11 lines further down, `return 0;` rewritten as
 * `ret = 0; return ret;` (no change for any page): two hunks at -U1 and -U3, one at -U10 and -W. */
function leakEdit(text: string): { first: string; both: string } {
  const put = '\t\t\tgen_pool_free(p2pdma->pool, (uintptr_t)kaddr, len);\n\t\t\tpercpu_ref_put(ref);\n\t\t\treturn ret;\n';
  const ret = '\tpercpu_ref_put(ref);\n\n\treturn 0;\nout_free_mem:\n';
  assert.ok(text.includes(put) && text.includes(ret), 'linux-6.12 p2pmem_alloc_mmap() as expected');
  const first = text.replace(put, put.replace('\t\t\tpercpu_ref_put(ref);\n', ''));
  return { first, both: first.replace(ret, '\tpercpu_ref_put(ref);\n\n\tret = 0;\n\treturn ret;\nout_free_mem:\n') };
}

// Expectation (kernel source, drivers/pci/p2pdma.c of 6.12): percpu_ref_tryget_live_rcu(ref) took a
// pgmap reference that the loop's vm_insert_page() failure branch no longer drops before `return
// ret`: the pgmap reference leaks on that path, for P2PDMA pages: pgmap-ref-imbalance introduced,
// placed on the removed put (the changed line nearest to the leaking path). The same must be said at
// every context size with the tree, and without it wherever the hunks show the tryget (-U10, -W).
test('the output does not depend on the context size', { skip: needKernels }, async () => {
  const text = kernelFile(P2PDMA);
  const edits = [{ path: P2PDMA, before: text, after: leakEdit(text).both }];
  const outputs = new Map<string, string[]>();
  for (const [ctx, modes] of [['-U1', ['kernel tree']], ['-U3', ['kernel tree']], ['-U10', ['fragment', 'kernel tree']], ['-W', ['fragment', 'kernel tree']]] as const) {
    const diff = gitDiff(edits, [ctx]);
    for (const mode of modes) {
      const { hunks } = await review([diff], mode === 'fragment' ? {} : { kernelTree: tree(edits) });
      outputs.set(`${ctx} ${mode}`, says(hunks, textOf(diff)));
    }
  }
  assert.deepEqual(outputs.get('-W kernel tree'), ['finding pgmap-ref-imbalance introduced P2PDMA @ percpu_ref_put(ref);']);
  for (const [k, v] of outputs) assert.deepEqual(v, outputs.get('-W kernel tree'), k);
});

test('the output does not depend on the context size: fragments at -U1 and -U3 (no tryget shown)', { skip: needKernels }, async () => {
  const text = kernelFile(P2PDMA);
  const edits = [{ path: P2PDMA, before: text, after: leakEdit(text).both }];
  for (const ctx of ['-U1', '-U3']) {
    const diff = gitDiff(edits, [ctx]);
    assert.deepEqual(says((await review([diff])).hunks, textOf(diff)), ['finding pgmap-ref-imbalance introduced P2PDMA @ percpu_ref_put(ref);'], ctx);
  }
});

// Expectation (kernel source): p2pmem_alloc_mmap() maps each page with vm_insert_page() (a normal PTE
// holding a reference) and keeps one pgmap reference per mapped page (percpu_ref_get() in the loop,
// the tryget's dropped by the final put). A -U1 fragment that shows only the failure branch leaves all
// of that to the table summary: in both worlds the page's allocation ends mapped, with one pgmap
// reference, the unknown code marked in the trace.
test('a function shown in part is continued from its table summary', { skip: needKernels }, async () => {
  const text = kernelFile(P2PDMA);
  const diff = gitDiff([{ path: P2PDMA, before: text, after: leakEdit(text).first }], ['-U1']);
  const series = [(await parseDocument({ name: 'p.patch', content: diff })).value];
  const r = createReviewer(await getSyntax()).simulate(series, 1, { era: ERA, includePresent: false });
  if ('error' in r) throw new Error(r.error);
  for (const side of ['before', 'after'] as const) {
    const life: Trace | undefined = r.traces.find((t) => t.scenario === 'page-life' && t.type === 'P2PDMA' && t.side === side);
    const alloc: TraceStep[] = (life?.steps ?? []).filter((s) => s.phase === 'alloc');
    const last = alloc[alloc.length - 1]!;
    assert.ok(alloc.some((s) => s.function === 'p2pmem_alloc_mmap' && s.events?.some((e) => e.kind === 'gap')), side);
    // pgmap references: the per-page one pagemap_range() took for P2PDMA, and the mmap's (percpu_ref_tryget_live_rcu()).
    assert.deepEqual([last.after.mapping, last.after.mappingHoldsRef, last.after.pgmapRefs], ['normal', true, 2], side);
  }
});

// Expectation: the same change split into a two-patch series says what the one patch says (the leak
// in patch 1, nothing in patch 2, which rewrites a return).
test('the output does not depend on how a change is split into patches', { skip: needKernels }, async () => {
  const text = kernelFile(P2PDMA);
  const { first, both } = leakEdit(text);
  const one = gitDiff([{ path: P2PDMA, before: text, after: both }], ['-U10']);
  const p1 = gitDiff([{ path: P2PDMA, before: text, after: first }], ['-U10']);
  const p2 = gitDiff([{ path: P2PDMA, before: first, after: both }], ['-U10']);
  const whole = says((await review([one])).hunks, textOf(one));
  const doc = mbox([p1, p2]);
  const split = says((await review([doc])).hunks, textOf(doc));
  assert.deepEqual(whole, ['finding pgmap-ref-imbalance introduced P2PDMA @ percpu_ref_put(ref);']);
  assert.deepEqual(split, whole);
});
