// --era parsing and base-era inference from a patch's pre-image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inferEra, parseEraOption, formatEras, mailDay, releaseAt, RELEASES } from '../../../src/core/api';
import { parseDocument } from '../../../src/core/patch';
import type { Hunk, HunkLine, Series } from '../../../src/core/patch/types';
import { SEEDS, needSeeds } from '../../helpers/inputs';

test('parseEraOption: auto, era names, kernel versions, errors', () => {
  const cases: [string, ReturnType<typeof parseEraOption>][] = [
    ['auto', { era: 'auto' }],
    ['AUTO', { era: 'auto' }],
    ['E0', { era: 'E0' }],
    ['e3', { era: 'E3' }],
    ['E5', { era: 'E5' }],
    ['v6.12', { era: 'E2', from: 'v6.12' }],
    ['6.1', { era: 'E2', from: '6.1' }],
    ['6.1.192', { era: 'E2', from: '6.1.192' }],
    ['5.17', { era: 'E0', from: '5.17' }],
    ['v4.19', { era: 'E0', from: 'v4.19' }],
    ['v5.18', { era: 'E1', from: 'v5.18' }],
    ['6.0', { era: 'E1', from: '6.0' }],
    ['v6.14', { era: 'E2', from: 'v6.14' }],
    ['v6.15-rc3', { era: 'E3', from: 'v6.15-rc3' }],
    ['6.16', { era: 'E3', from: '6.16' }],
    ['v6.17', { era: 'E4', from: 'v6.17' }],
    ['v6.18', { era: 'E4', from: 'v6.18' }],
    ['v6.19', { era: 'E5', from: 'v6.19' }],
    ['v7.0', { era: 'E5', from: 'v7.0' }],
    [' E2 ', { era: 'E2' }],
    ['E6', { error: "unknown era 'E6': use auto, E0-E5 or a kernel version like v6.12" }],
    ['latest', { error: "unknown era 'latest': use auto, E0-E5 or a kernel version like v6.12" }],
    ['v6', { error: "unknown era 'v6': use auto, E0-E5 or a kernel version like v6.12" }],
    ['', { error: "unknown era '': use auto, E0-E5 or a kernel version like v6.12" }],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseEraOption(input), want, input);
});

test('formatEras', () => {
  assert.equal(formatEras(['E0', 'E1', 'E2']), '<= E2');
  assert.equal(formatEras(['E2', 'E3', 'E4', 'E5']), '>= E2');
  assert.equal(formatEras(['E1', 'E2']), 'E1-E2');
  assert.equal(formatEras(['E5']), 'E5');
});

/** A one-hunk series; lines are ' '/'-'/'+' prefixed like a diff body. */
function series(filePath: string, body: string, section = ''): Series {
  const lines: HunkLine[] = body.split('\n').map((l, i) => ({
    kind: l[0] === '+' ? 'add' : l[0] === '-' ? 'del' : 'context', text: l.slice(1), line: i + 1, character: 1,
  }));
  const hunk: Hunk = {
    header: `@@ -1,1 +1,1 @@ ${section}`, headerLine: 0, oldStart: 1, oldCount: 1, newStart: 1, newCount: 1, function: '', section, lines,
    range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    repairs: [],
  };
  return {
    source: 't', format: 'unified-diff', quotedDiffLines: [], problems: [],
    patches: [{ subject: '', rawSubject: '', rfc: false, isCover: false, fromReply: false, startLine: 0, endLine: lines.length,
      files: [{ oldPath: filePath, newPath: filePath, path: filePath, headerLine: 0, binary: false, hunks: [hunk] }] }],
  };
}

test('inferEra: evidence table cases', () => {
  const cases: { name: string; path?: string; body: string; section?: string; era: string; why?: RegExp }[] = [
    { name: 'no evidence', body: ' int x;\n-int y;', era: 'E2', why: /^no evidence: no Date:, no base named, no era-specific name in the pre-image; assuming E2 \(v6\.1-v6\.14\)$/ },
    { name: 'added lines are not evidence', body: '+\tzone_device_folio_init(folio, 0);\n+\tpte_devmap(pte);', era: 'E2', why: /^no evidence/ },
    { name: 'put_devmap_managed_page only', body: ' if (put_devmap_managed_page(page))', era: 'E2', why: /^put_devmap_managed_page \(<= E2; weight 3\) -> E2 \(v6\.1-v6\.14\)$/ },
    { name: 'E0 hook', body: '-\tfree_devmap_managed_page(page);', era: 'E0' },
    { name: 'E1 unguarded reset', path: 'mm/memremap.c', section: 'void free_zone_device_page(struct page *page)',
      body: ' \tpage->pgmap->ops->page_free(page);\n \n-\t/*\n-\t * Reset the page count to 1.\n-\t */\n-\tset_page_count(page, 1);', era: 'E1' },
    { name: 'E2 guarded reset is not E1', path: 'mm/memremap.c', section: 'void free_zone_device_page(struct page *page)',
      body: ' \tif (page->pgmap->type != MEMORY_DEVICE_PRIVATE &&\n \t    page->pgmap->type != MEMORY_DEVICE_COHERENT)\n-\t\tset_page_count(page, 1);', era: 'E2' },
    { name: 'E0 driver get_page + lock_page', path: 'drivers/gpu/drm/nouveau/nouveau_dmem.c', body: ' \tpage = nouveau_dmem_page_alloc_locked(drm);\n-\tget_page(page);\n \tlock_page(page);', era: 'E0' },
    { name: 'get_page elsewhere is not evidence', path: 'mm/gup.c', body: '-\tget_page(page);\n \tlock_page(page);', era: 'E2', why: /^no evidence/ },
    { name: 'late E2 folio free path', body: ' \tfree_zone_device_folio(folio);\n \tif (put_devmap_managed_folio_refs(folio, 1))', era: 'E2' },
    { name: 'free_zone_device_folio alone is the newest release era', body: ' \tfree_zone_device_folio(folio);', era: 'E5', why: />= E2; weight 3\) -> E5 \(v6\.19\+\)/ },
    { name: 'E3 refcounted DAX inserts with devmap still present', body: ' \tret = vmf_insert_page_mkwrite(vmf, page, write);\n \tif (pmd_devmap(*pmd))', era: 'E3' },
    { name: 'page_pgmap alone is the newest release era', body: ' \tstruct dev_pagemap *pgmap = page_pgmap(page);', era: 'E5' },
    { name: 'the ->page_free callback is gone from v6.19', body: ' \tpgmap->ops->page_free(page);\n \tstruct dev_pagemap *pgmap = page_pgmap(page);', era: 'E4' },
    { name: '->folio_free is v6.19+', body: ' \t\tpgmap->ops->folio_free(folio);', era: 'E5' },
    { name: 'dax_page_is_idle with pfn_t is E3', body: ' \tif (dax_page_is_idle(page))\n \tpfn_t pfn;', era: 'E3' },
    { name: 'E5 by name', body: ' \tzone_device_folio_init(folio, order);', era: 'E5' },
    { name: 'conflicting evidence picks the best fit, newest on ties', body: ' \tfree_devmap_managed_page(page);\n \tvmf_insert_folio_pmd(vmf, folio, write);', era: 'E5', why: /-> E5 \(fits 3 of 6\)/ },
    { name: 'E5 init with an order (corpus item 19)', body: ' \tpage->zone_device_data = prange->svm_bo;\n \tzone_device_page_init(page, 0);', era: 'E5' },
    { name: 'E5 init with pgmap and order', body: ' \tzone_device_page_init(page_folio(page)->page, pgmap, order);', era: 'E5' },
    { name: 'one-argument init is before E5', body: ' \tzone_device_page_init(pfn_to_page(pfn));', era: 'E4' },
    { name: 'E5 softleaf helpers (corpus item 20)', body: ' \t\tif (softleaf_is_migration(entry)) {', era: 'E5' },
    { name: 'coherent + devmap hook', body: ' \tif (is_device_coherent_page(page))\n \tput_devmap_managed_page(page);', era: 'E2' },
    { name: 'section text counts', body: ' \tx = 1;', section: 'bool __put_devmap_managed_page_refs(struct page *page, int refs)', era: 'E2' },
  ];
  for (const c of cases) {
    const r = inferEra([series(c.path ?? 'mm/memremap.c', c.body, c.section)]);
    assert.equal(r.era, c.era, `${c.name}: ${r.why}`);
    if (c.why) assert.match(r.why, c.why, c.name);
  }
});

test('inferEra: seed 001 (Sep 2022 mm tree) is E2', { skip: needSeeds }, async () => {
  const file = path.join(SEEDS, '001_9b44d1dd41821ba6.txt');
  const { value } = await parseDocument({ name: file, content: fs.readFileSync(file) });
  const r = inferEra([value]);
  assert.equal(r.era, 'E2', r.why);
  assert.match(r.why, /^Date 2022-09-30 \(v6\.0-rc cycle: based on v6\.0-rc\) \(E1; weight 2\)/);
  assert.match(r.why, /zone_device_page_init \(>= E2; weight 3\)/);
  assert.match(r.why, /free_zone_device_page \(E1-E2; weight 3\)/);
  assert.match(r.why, /-> E2 \(fits 15 of 17\)/);
});

/** A format-patch mail of `patches` (subject, Date:, hunk body), with an optional cover letter text. */
function mbox(patches: { subject: string; date?: string; body: string; trailer?: string; path?: string }[], cover?: { subject: string; date: string; text: string }): string {
  const msg = (subject: string, date: string | undefined, text: string) =>
    ['From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001', 'From: A <a@example.org>', ...(date ? [`Date: ${date}`] : []), `Subject: ${subject}`, '', text, ''].join('\n');
  const parts = cover ? [msg(cover.subject, cover.date, cover.text)] : [];
  for (const p of patches) {
    const f = p.path ?? 'mm/memremap.c';
    const lines = p.body.split('\n');
    const old = lines.filter((l) => l[0] !== '+').length;
    const neu = lines.filter((l) => l[0] !== '-').length;
    parts.push(msg(p.subject, p.date, ['Change.', '---', `diff --git a/${f} b/${f}`, `--- a/${f}`, `+++ b/${f}`, `@@ -1,${old} +1,${neu} @@`, ...lines, ...(p.trailer ? ['', p.trailer] : []), '-- ', '2.0'].join('\n')));
  }
  return parts.join('\n');
}

async function inferOf(text: string) {
  const { value } = await parseDocument({ name: 't.mbox', content: Buffer.from(text) });
  return { series: value, r: inferEra([value]) };
}

test('release calendar: every mainline release v4.19-v7.1 in order, eras by version, merge window vs -rc', () => {
  assert.equal(RELEASES[0]!.version, '4.19');
  assert.equal(RELEASES.length, 44); // 4.19, 4.20, 5.0-5.19, 6.0-6.19, 7.0, 7.1
  for (let i = 1; i < RELEASES.length; i++) assert.ok(RELEASES[i - 1]!.date < RELEASES[i]!.date, RELEASES[i]!.version);
  const eraOf = Object.fromEntries(RELEASES.map((r) => [r.version, r.era]));
  assert.deepEqual([eraOf['5.17'], eraOf['5.18'], eraOf['6.0'], eraOf['6.1'], eraOf['6.14'], eraOf['6.15'], eraOf['6.16'], eraOf['6.17'], eraOf['6.18'], eraOf['6.19'], eraOf['7.1']],
    ['E0', 'E1', 'E1', 'E2', 'E2', 'E3', 'E3', 'E4', 'E4', 'E5', 'E5']);
  assert.deepEqual(releaseAt('2022-12-20'), { base: RELEASES.find((r) => r.version === '6.1'), next: RELEASES.find((r) => r.version === '6.2'), mergeWindow: true });
  assert.equal(releaseAt('2022-12-25').mergeWindow, false, 'v6.2-rc1 came on 2022-12-25');
  assert.equal(releaseAt('2018-01-01').base, undefined);
  assert.equal(releaseAt('2026-12-01').next, undefined);
  assert.equal(mailDay('Thu Sep 29 2022 - 20:56:24 EST'), '2022-09-30');
  assert.equal(mailDay('Tue, 14 Apr 2026 02:45:49 +0530'), '2026-04-13');
  assert.equal(mailDay('yesterday'), undefined);
});

test('inferEra: the date decides when the code says nothing; merge window and -rc cycle', async () => {
  const body = ' \tx = 1;\n+\ty = 2;';
  const cases: [string, string, RegExp][] = [
    ['Mon, 5 Jun 2023 10:00:00 +0000', 'E2', /^Date 2023-06-05 \(v6\.4-rc cycle: based on v6\.4-rc\) \(E2; weight 2\) -> E2/],
    ['Mon, 17 Oct 2022 10:00:00 +0000', 'E2', /v6\.1-rc cycle.*\(E2; weight 2\), Date 2022-10-17 \(or on v6\.0\) \(E1; weight 1\) -> E2 \(fits 2 of 3\)/],
    ['Wed, 5 Oct 2022 10:00:00 +0000', 'E1', /v6\.1 merge window: based on v6\.0\) \(E1; weight 2\), Date 2022-10-05 \(or on v6\.1\) \(E2; weight 1\) -> E1/],
    ['Sat, 5 Dec 2026 10:00:00 +0000', 'E5', /after v7\.1, the calendar's newest/],
    ['Mon, 2 Jan 2017 10:00:00 +0000', 'E0', /before v4\.19/],
  ];
  for (const [date, era, why] of cases) {
    const { r } = await inferOf(mbox([{ subject: '[PATCH] mm: x', date, body }]));
    assert.equal(r.era, era, r.why);
    assert.match(r.why, why);
    assert.equal(r.noEvidence, false);
  }
});

test('inferEra: a name that exists only from E3 on outranks the date; the date breaks ties', async () => {
  const e3 = await inferOf(mbox([{ subject: '[PATCH] fs/dax: x', date: 'Wed, 12 Feb 2025 18:27:46 +0300', path: 'fs/dax.c', body: ' \tdax_break_layout_final(inode);\n+\ty = 2;' }]));
  assert.equal(e3.r.era, 'E3', e3.r.why);
  // put_devmap_managed_page allows E0-E2: the date picks among them.
  const tie = await inferOf(mbox([{ subject: '[PATCH] mm: x', date: 'Mon, 13 Jun 2022 10:00:00 +0000', body: ' \tput_devmap_managed_page(page);\n+\ty = 2;' }]));
  assert.equal(tie.r.era, 'E1', tie.r.why);
});

test('inferEra: -next / mm-unstable / mm-new tags mean the next tree, whose release is one or two ahead', async () => {
  const body = ' \tx = 1;\n+\ty = 2;';
  const rc = await inferOf(mbox([{ subject: '[PATCH mm-new v2] mm/memcontrol: x', date: 'Wed,  5 Nov 2025 15:49:16 +0800', body }]));
  assert.equal(rc.r.era, 'E5', rc.r.why);
  assert.match(rc.r.why, /^\[mm-new\] at 2025-11-05 \(material for v6\.19\) \(E5; weight 3\)/);
  const mw = await inferOf(mbox([{ subject: '[PATCH -next] mm: x', date: 'Mon, 3 Oct 2022 10:00:00 +0000', body }]));
  assert.equal(mw.r.era, 'E2', mw.r.why);
  assert.match(mw.r.why, /material for v6\.1/);
  const plain = await inferOf(mbox([{ subject: '[PATCH] mm: x', date: 'Mon, 3 Oct 2022 10:00:00 +0000', body }]));
  assert.equal(plain.r.era, 'E1', plain.r.why);
});

test('inferEra: a base named in the cover letter outranks the date; trailers are listed', async () => {
  const body = ' \tx = 1;\n+\ty = 2;';
  const named = await inferOf(mbox([{ subject: '[PATCH 1/1] mm: x', date: 'Mon, 3 Oct 2022 10:00:00 +0000', body, trailer: 'base-commit: 0123456789abcdef0123456789abcdef01234567' }],
    { subject: '[PATCH 0/1] mm: things', date: 'Mon, 3 Oct 2022 10:00:00 +0000', text: 'This series is based on v6.1-rc1 and fixes things.' }));
  assert.equal(named.series.cover?.base?.named, 'v6.1-rc1');
  assert.equal(named.series.patches[0]!.base?.commit, '0123456789abcdef0123456789abcdef01234567');
  assert.equal(named.r.era, 'E2', named.r.why);
  assert.match(named.r.why, /based on v6\.1-rc1 \(E2; weight 6\)/);
  assert.match(named.r.why, /base-commit 0123456789ab \(not in the kernel tree\) \(no era; weight 0\)/);
  const next = await inferOf(mbox([{ subject: '[PATCH 1/1] mm: x', date: 'Mon, 3 Oct 2022 10:00:00 +0000', body }],
    { subject: '[PATCH 0/1] mm: things', date: 'Mon, 3 Oct 2022 10:00:00 +0000', text: 'Applies on top of next-20250410.' }));
  assert.equal(next.r.era, 'E3', next.r.why);
  assert.match(next.r.why, /based on next-20250410 \(material for v6\.16\)/);
});

test('inferEra: a series that declares a later era\'s name moves to that era for the patches after it', async () => {
  const text = mbox([
    { subject: '[PATCH 1/3] mm/zone_device: large folios', date: 'Mon, 8 Sep 2025 10:00:00 +1000', path: 'include/linux/memremap.h', body: ' void *memremap_pages(struct dev_pagemap *pgmap, int nid);\n+void zone_device_folio_init(struct folio *folio, unsigned int order);' },
    { subject: '[PATCH 2/3] drivers: use it', date: 'Mon, 8 Sep 2025 10:00:00 +1000', path: 'lib/test_hmm.c', body: ' \tzone_device_folio_init(folio, order);\n+\ty = 2;' },
    { subject: '[PATCH 3/3] more', date: 'Mon, 8 Sep 2025 10:00:00 +1000', path: 'lib/test_hmm.c', body: ' \tx = 1;\n+\ty = 2;' },
  ]);
  const { series, r } = await inferOf(text);
  assert.equal(r.era, 'E4', r.why);
  assert.doesNotMatch(r.why, /zone_device_folio_init \(E5/, 'a name the series itself adds is not evidence of its base');
  assert.deepEqual(series.patches.map((p) => r.patchEras.get(p)), [undefined, 'E5', 'E5']);
  assert.match(r.why, /the series moves to E5 from patch 2/);
});

test('review: no evidence at all is a warning problem; an era flag is not', async () => {
  const { createAnalyzer } = await import('../../../src/core');
  const { loadAssets } = await import('../../helpers/assets');
  const analyzer = await createAnalyzer(loadAssets());
  try {
    const diff = 'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,1 +1,2 @@\n \tx = 1;\n+\ty = 2;\n';
    const auto = await analyzer.review([{ name: 'x.diff', content: Buffer.from(diff) }]);
    assert.equal(auto.era, 'E2');
    assert.ok(auto.problems.some((p) => p.severity === 'warning' && /^era: no evidence/.test(p.message) && /pass --era/.test(p.message)), JSON.stringify(auto.problems));
    const flagged = await analyzer.review([{ name: 'x.diff', content: Buffer.from(diff) }], { era: 'v6.15' });
    assert.equal(flagged.era, 'E3');
    assert.ok(!flagged.problems.some((p) => p.message.startsWith('era:')));
  } finally {
    analyzer.dispose();
  }
});

test('an era asked for that the patch\'s own evidence does not fit is a warning, not overruled', async () => {
  const { createAnalyzer } = await import('../../../src/core/index');
  const { loadAssets } = await import('../../helpers/assets');
  const analyzer = await createAnalyzer(loadAssets());
  // E5-only names in the pre-image (the three-argument zone_device_folio_init(), ->folio_free).
  const e5 = [
    'diff --git a/lib/test_hmm.c b/lib/test_hmm.c', '--- a/lib/test_hmm.c', '+++ b/lib/test_hmm.c',
    '@@ -10,4 +10,4 @@ static struct page *dmirror_devmem_alloc_page(struct dmirror *dmirror)',
    ' \tzone_device_folio_init(folio, page_pgmap(folio_page(folio, 0)), order);', '-\treturn page;', '+\treturn folio_page(folio, 0);', ' }', '',
  ].join('\n');
  // Only a name that is gone from E4 on (pmd_devmap(), <= E3): E0 to E3 fit it alike.
  const older = [
    'diff --git a/mm/demo.c b/mm/demo.c', '--- a/mm/demo.c', '+++ b/mm/demo.c',
    '@@ -10,4 +10,4 @@ static int demo_walk(pmd_t *pmd)', ' \tif (pmd_devmap(*pmd)) {', '-\t\tx = 1;', '+\t\tx = 2;', ' \t}', '',
  ].join('\n');
  const eraWarnings = async (content: string, era: string) =>
    (await analyzer.review([{ name: 'p.diff', content }], { era })).problems.filter((p) => p.message.startsWith('era:')).map((p) => p.message);
  const asked = await eraWarnings(e5, 'E4');
  assert.equal(asked.length, 1, JSON.stringify(asked));
  assert.match(asked[0]!, /^era: E4 as asked, but the patch's own evidence fits E5 better: .*zone_device_folio_init \(E5/);
  assert.match((await eraWarnings(e5, 'v6.18'))[0] ?? '', /^era: E4 as asked \(v6\.18\), but/);
  assert.deepEqual(await eraWarnings(e5, 'E5'), []);
  // Evidence that fits the asked era as well as any other says nothing; so does no evidence at all.
  assert.deepEqual(await eraWarnings(older, 'E2'), []);
  assert.deepEqual(await eraWarnings(older, 'E0'), []);
  assert.equal((await eraWarnings(older, 'E5')).length, 1);
  assert.deepEqual(await eraWarnings(older.replace('pmd_devmap(*pmd)', 'pmd_young(*pmd)'), 'E5'), []);
  analyzer.dispose();
});
