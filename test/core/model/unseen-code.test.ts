// What a hunk does not show of a function the API table summarises is read from the summary: a
// condition above the hunk, the arms of a type guard the hunk changes but does not show, the
// ->page_free() call above it, and the presence of a pgmap callback a guard tests instead of the type.
// The hunks are our own, a few lines in the shape of linux-6.1/6.12 mm/memremap.c's free path
// (E2: ->page_free(), then PRIVATE/COHERENT drop their pgmap reference and the others are reset to 1).
// Each expectation was written from the kernel source before the model was run (see each test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer, type ReviewOptions } from '../../../src/core/model/pipeline';
import type { Finding } from '../../../src/core/report/types';
import { getSyntax } from '../sim/helpers';

const E2: ReviewOptions = { era: 'E2', includePresent: false };
/** The step of code between two hunks that the input does not show (interp's GAP_CALL). */
const GAP_STATEMENT = 'code the input does not show';
const HEADER = '@@ -490,4 +490,3 @@ void free_zone_device_folio(struct folio *folio)';

function mail(subject: string, hunk: string, file = 'mm/memremap.c'): string {
  return `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: T <t@example.org>\nSubject: [PATCH] ${subject}\n\n---\ndiff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n${hunk}\n`;
}

async function findings(doc: string, opts = E2): Promise<Finding[]> {
  const series = (await parseDocument({ name: 'unseen.patch', content: doc })).value;
  const r = createReviewer(await getSyntax()).review([series], opts);
  return r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.findings)));
}

/** `ruleId status TYPES` of each finding, sorted. */
const keys = (fs: readonly Finding[]) => fs.map((f) => `${f.ruleId} ${f.status} ${f.types.join(',')}`).sort();

// 6.12 free_zone_device_folio(): COHERENT leaves the put_dev_pagemap() arm for the folio_set_count(1)
// arm, neither of which the hunk shows: its per-allocation pgmap reference leaks and a freed COHERENT
// page rests at 1. No other type changes arm.
test('a narrowed type guard whose arms the hunk does not show: the arm is read from the table', async () => {
  const hunk = `${HEADER}\n \n-\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n-\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n+\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE)\n \t\t/*`;
  assert.deepEqual(keys(await findings(mail('mm/memremap: only device-private pages drop their pgmap reference on free', hunk))), [
    'free-page-nonzero-refcount introduced COHERENT',
    'pgmap-ref-imbalance introduced COHERENT',
    'pgmap-type-guard-changed introduced COHERENT',
  ]);
});

// The same guard widened on its second line to P2PDMA, under a subject about device-private and
// coherent pages: P2PDMA now drops a pgmap reference its ->page_free() (p2pdma_page_free) already
// dropped, and rests at 0 (it no longer reaches folio_set_count(folio, 1): a freed page no longer
// looks in use, as the narrowed guard above makes COHERENT look). The guard's first line is context:
// the change is still a guard change, and a change of the free path's resting count.
test('a guard widened on its second line changes the types it adds, which the subject does not name', async () => {
  const hunk = '@@ -491,3 +491,4 @@ void free_zone_device_folio(struct folio *folio)\n \tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n-\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n+\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT &&\n+\t    folio->page.pgmap->type != MEMORY_DEVICE_PCI_P2PDMA)\n \t\t/*';
  assert.deepEqual(keys(await findings(mail('mm/memremap: let device-private and coherent pages rest at zero', hunk))), [
    'free-page-nonzero-refcount fixed P2PDMA',
    'pgmap-ref-imbalance introduced P2PDMA',
    'pgmap-type-guard-changed introduced P2PDMA',
  ]);
});

// memremap_pages() requires ->migrate_to_ram of PRIVATE pgmaps only; no FS_DAX, GENERIC or P2PDMA
// driver defines one; a COHERENT pgmap may lack it. Testing it instead of the type keeps PRIVATE in the
// put arm and FS_DAX/GENERIC/P2PDMA in the reset arm; COHERENT without the callback is reset and keeps
// its pgmap reference.
test('a guard replaced by a callback test: callback presence is decided per type', async () => {
  const hunk = `${HEADER}\n \n-\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n-\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n+\tif (!folio->page.pgmap->ops->migrate_to_ram)\n \t\t/*`;
  const got = await findings(mail('mm/memremap: test for migrate_to_ram instead of the pgmap type on free', hunk));
  assert.deepEqual([...new Set(got.flatMap((f) => f.types))], ['COHERENT'], 'only COHERENT changes');
  assert.ok(keys(got).includes('pgmap-type-guard-changed introduced COHERENT'));
});

// The else arm of the guard above the hunk removed: PRIVATE/COHERENT (the types the table's summary
// sends to put_dev_pagemap()) keep the reference zone_device_page_init() took. They do not run the
// reset to 1 the hunk shows: that is the other types' arm, so they still rest at 0.
test('a condition above the hunk takes the outcome the table summary agrees with, in both worlds', async () => {
  const hunk = '@@ -497,4 +497,2 @@ void free_zone_device_folio(struct folio *folio)\n \t\tfolio_set_count(folio, 1);\n-\telse\n-\t\tput_dev_pagemap(folio->page.pgmap);\n }';
  assert.deepEqual(keys(await findings(mail('mm/memremap: device-private pages keep their pgmap reference', hunk))), ['pgmap-ref-imbalance introduced PRIVATE,COHERENT']);
});

// 6.1 free_zone_device_page(): ->page_free() is called above the hunk, then every type but
// PRIVATE/COHERENT is reset to 1. Removing the reset fixes a count store on a page ->page_free() has
// already given back to its driver (FS_DAX and GENERIC, as in the measure's free-page-reset-removed-61).
test('a free path shown from below its start ran ->page_free() above the hunk', async () => {
  const hunk = '@@ -510,10 +510,4 @@ void free_zone_device_page(struct page *page)\n \n-\tif (page->pgmap->type != MEMORY_DEVICE_PRIVATE &&\n-\t    page->pgmap->type != MEMORY_DEVICE_COHERENT)\n-\t\t/*\n-\t\t * Reset the page count to 1.\n-\t\t */\n-\t\tset_page_count(page, 1);\n-\telse\n+\tif (page->pgmap->type == MEMORY_DEVICE_PRIVATE ||\n+\t    page->pgmap->type == MEMORY_DEVICE_COHERENT)\n \t\tput_dev_pagemap(page->pgmap);';
  const got = keys(await findings(mail('mm/memremap: do not reset the refcount of freed device pages', hunk)));
  assert.ok(got.some((k) => /^unsafe-set-page-count fixed .*FS_DAX,GENERIC/.test(k)), got.join('\n'));
  // The guard is rewritten as its negation: it still tells PRIVATE/COHERENT from the others.
  assert.ok(!got.some((k) => k.startsWith('pgmap-type-guard-changed')), got.join('\n'));
});

// With the whole function from a tree, a hunk that shows only the guard (no call of the table) is
// still judged: the same COHERENT change as the fragment above.
test('a hunk inside a table function that calls nothing is judged (kernel tree)', async () => {
  const tree = 'void free_zone_device_folio(struct folio *folio)\n{\n\tfolio->page.pgmap->ops->page_free(folio_page(folio, 0));\n\n\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\t/*\n\t\t * Reset.\n\t\t */\n\t\tfolio_set_count(folio, 1);\n\telse\n\t\tput_dev_pagemap(folio->page.pgmap);\n}\n';
  const hunk = '@@ -4,4 +4,3 @@ void free_zone_device_folio(struct folio *folio)\n \n-\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n-\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n+\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE)\n \t\t/*';
  const opts: ReviewOptions = { ...E2, kernelTree: { readFile: (p) => (p === 'mm/memremap.c' ? tree : undefined) } };
  const got = keys(await findings(mail('mm/memremap: only device-private pages drop their pgmap reference on free', hunk), opts));
  assert.deepEqual(got, ['free-page-nonzero-refcount introduced COHERENT', 'pgmap-ref-imbalance introduced COHERENT', 'pgmap-type-guard-changed introduced COHERENT']);
});

// The guard turned into a switch with the same arms for the same types (two hunks of one function,
// the first cut inside the comment under the guard, the second from the reset on): nothing changes.
// Before the patch, between the hunks there can only be comment lines: the statement of the
// brace-less if is the second hunk's first line.
test('two hunks around the statement of a brace-less if: no unknown code between them', async () => {
  const doc = mail('mm/memremap: switch on the pgmap type in free_zone_device_folio()',
    '@@ -490,4 +490,4 @@ void free_zone_device_folio(struct folio *folio)\n \n-\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n-\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n+\tswitch (folio->page.pgmap->type) {\n+\tdefault:\n \t\t/*\n' +
    '@@ -497,4 +497,8 @@ void free_zone_device_folio(struct folio *folio)\n \t\tfolio_set_count(folio, 1);\n-\telse\n+\t\tbreak;\n+\tcase MEMORY_DEVICE_PRIVATE:\n+\tcase MEMORY_DEVICE_COHERENT:\n \t\tput_dev_pagemap(folio->page.pgmap);\n+\t\tbreak;\n+\t}\n }');
  const series = (await parseDocument({ name: 'switch.patch', content: doc })).value;
  const r = createReviewer(await getSyntax()).review([series], E2);
  const hunks = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
  assert.deepEqual(hunks.flatMap((h) => [...h.effects.map((e) => e.aspect), ...h.findings.map((f) => f.ruleId)]), []);
  const sim = createReviewer(await getSyntax()).simulate([series], 2, E2);
  assert.ok(!('error' in sim));
  // (After the patch the first hunk ends on `default:`, which statements may follow.)
  const unknown = sim.traces.filter((t) => t.side === 'before').flatMap((t) => t.steps).filter((s) => s.function === 'free_zone_device_folio' && s.statement === GAP_STATEMENT);
  assert.deepEqual(unknown, [], 'the reconstructed pre-image has no unknown code between the hunks');
});

// linux-6.1 mm/memremap.c: zone_device_page_init() follows free_zone_device_page(); a hunk whose
// trailing context shows only its first line (the pgmap tryget) does not show the set_page_count(page,
// 1) and lock_page() after it. Continued from its table summary, a PRIVATE page is still allocated at
// 1, mapped, unmapped and freed: it reaches the free path the hunk changes.
test('a function the hunk shows from its head but not to its end is continued from its table summary', async () => {
  const doc = mail('mm/memremap: tidy the free path',
    '@@ -510,6 +510,6 @@ void free_zone_device_page(struct page *page)\n \telse\n-\t\tput_dev_pagemap(page->pgmap);\n+\t\tput_dev_pagemap(page->pgmap); /* per-allocation reference */\n }\n \n void zone_device_page_init(struct page *page)\n {\n \tWARN_ON_ONCE(!percpu_ref_tryget_live(&page->pgmap->ref));');
  const series = (await parseDocument({ name: 'cut.patch', content: doc })).value;
  const sim = createReviewer(await getSyntax()).simulate([series], 1, E2);
  assert.ok(!('error' in sim));
  const life = sim.traces.find((t) => t.side === 'before' && t.type === 'PRIVATE' && t.scenario === 'page-life');
  assert.ok(life?.steps.some((s) => s.function === 'free_zone_device_page'), 'the PRIVATE page reaches free_zone_device_page()');
});
