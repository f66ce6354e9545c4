// --era parsing and base-era inference from a patch's pre-image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inferEra, parseEraOption, formatEras } from '../../../src/core/api';
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
    ['v7.0', { era: 'E4', from: 'v7.0' }],
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
    { name: 'no evidence', body: ' int x;\n-int y;', era: 'E2', why: /^no era-specific evidence; assuming E2 \(v6\.1-v6\.14\)$/ },
    { name: 'added lines are not evidence', body: '+\tzone_device_folio_init(folio, 0);\n+\tpte_devmap(pte);', era: 'E2', why: /^no era-specific/ },
    { name: 'put_devmap_managed_page only', body: ' if (put_devmap_managed_page(page))', era: 'E2', why: /put_devmap_managed_page \(<= E2\) -> E2/ },
    { name: 'E0 hook', body: '-\tfree_devmap_managed_page(page);', era: 'E0' },
    { name: 'E1 unguarded reset', path: 'mm/memremap.c', section: 'void free_zone_device_page(struct page *page)',
      body: ' \tpage->pgmap->ops->page_free(page);\n \n-\t/*\n-\t * Reset the page count to 1.\n-\t */\n-\tset_page_count(page, 1);', era: 'E1' },
    { name: 'E2 guarded reset is not E1', path: 'mm/memremap.c', section: 'void free_zone_device_page(struct page *page)',
      body: ' \tif (page->pgmap->type != MEMORY_DEVICE_PRIVATE &&\n \t    page->pgmap->type != MEMORY_DEVICE_COHERENT)\n-\t\tset_page_count(page, 1);', era: 'E2' },
    { name: 'E0 driver get_page + lock_page', path: 'drivers/gpu/drm/nouveau/nouveau_dmem.c', body: ' \tpage = nouveau_dmem_page_alloc_locked(drm);\n-\tget_page(page);\n \tlock_page(page);', era: 'E0' },
    { name: 'get_page elsewhere is not evidence', path: 'mm/gup.c', body: '-\tget_page(page);\n \tlock_page(page);', era: 'E2', why: /^no era-specific/ },
    { name: 'late E2 folio free path', body: ' \tfree_zone_device_folio(folio);\n \tif (put_devmap_managed_folio_refs(folio, 1))', era: 'E2' },
    { name: 'free_zone_device_folio alone is the newest release era', body: ' \tfree_zone_device_folio(folio);', era: 'E4', why: />= E2\) -> E4/ },
    { name: 'E3 refcounted DAX inserts with devmap still present', body: ' \tret = vmf_insert_page_mkwrite(vmf, page, write);\n \tif (pmd_devmap(*pmd))', era: 'E3' },
    { name: 'page_pgmap alone is the newest release era', body: ' \tstruct dev_pagemap *pgmap = page_pgmap(page);', era: 'E4' },
    { name: 'dax_page_is_idle with pfn_t is E3', body: ' \tif (dax_page_is_idle(page))\n \tpfn_t pfn;', era: 'E3' },
    { name: 'E5 by name', body: ' \tzone_device_folio_init(folio, order);', era: 'E5' },
    { name: 'conflicting evidence picks the best fit, newest on ties', body: ' \tfree_devmap_managed_page(page);\n \tvmf_insert_folio_pmd(vmf, folio, write);', era: 'E4', why: /conflicting evidence: E4 fits 1 of 2/ },
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
  assert.match(r.why, /zone_device_page_init \(>= E2\)/);
  assert.match(r.why, /free_zone_device_page \(E1-E2\)/);
});
