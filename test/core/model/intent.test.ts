// Intent: the types a patch means to change get effects, the others' changes stay hazards. The patch
// is made at test time from linux-6.12's free_zone_device_folio() (mm/memremap.c); expectations were
// written from the kernel source first (see each test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { intendedTypes } from '../../../src/core/model/intent';
import { kernelDir, needKernels } from '../../helpers/inputs';
import { getSyntax } from '../sim/helpers';

/** A git format-patch mail of `diff` under `subject`. */
function mail(subject: string, diff: string): string {
  return `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: T <t@example.org>\nSubject: [PATCH] ${subject}\n\n---\n${diff}`;
}

/** The 6.12 guard of free_zone_device_folio() removed: every type drops its pgmap reference on free
 * and no type is reset to 1 (the seed 001 reply's change, on 6.12). A hunk whose lines we write
 * ourselves, with the kernel's lines checked against the tree. */
function guardRemoved(): string {
  const text = fs.readFileSync(path.join(kernelDir('6.12')!, 'mm/memremap.c'), 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === '\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&');
  assert.ok(at > 0 && lines[at + 8] === '\t\tput_dev_pagemap(folio->page.pgmap);' && lines[at + 9] === '}', 'linux-6.12 free_zone_device_folio() as expected');
  const before = lines.slice(at - 2, at + 10);
  const body = [' ' + before[0], ' ' + before[1], ...before.slice(2, 11).map((l) => '-' + l), '+\tput_dev_pagemap(folio->page.pgmap);', ' ' + before[11]];
  return `diff --git a/mm/memremap.c b/mm/memremap.c\n--- a/mm/memremap.c\n+++ b/mm/memremap.c\n@@ -${at - 1},12 +${at - 1},4 @@ void free_zone_device_folio(struct folio *folio)\n${body.join('\n')}\n`;
}

async function guardFindings(doc: string): Promise<string[]> {
  const series = (await parseDocument({ name: 'intent.patch', content: doc })).value;
  const r = createReviewer(await getSyntax()).review([series], { era: 'E2', includePresent: false });
  const hunks = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
  return [...new Set(hunks.flatMap((h) => h.findings.filter((f) => f.ruleId === 'pgmap-type-guard-changed').flatMap((f) => f.types)))].sort();
}

test('intended types: subject words, driver files and (when the subject names none) type constants on added lines', async () => {
  const doc = (subject: string, file: string, line: string) =>
    mail(subject, `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1,2 +1,2 @@ void f(void)\n {\n-\n+${line}\n`);
  const of = async (d: string) => [...intendedTypes((await parseDocument({ name: 'x', content: d })).value.patches[0]!)].sort();
  assert.deepEqual(await of(doc('PCI/P2PDMA: fix a leak', 'mm/memremap.c', '\tx();')), ['P2PDMA']);
  assert.deepEqual(await of(doc('mm: tidy up', 'lib/test_hmm.c', '\tx();')), ['COHERENT', 'PRIVATE']);
  assert.deepEqual(await of(doc('mm: tidy up', 'mm/memremap.c', '\tif (pgmap->type == MEMORY_DEVICE_FS_DAX)')), ['FS_DAX']);
  assert.deepEqual(await of(doc('mm/memremap: handle every pgmap the same way', 'mm/memremap.c', '\tx();')), [], 'words every type shares say nothing');
  const dropped = mail('mm: tidy up', 'diff --git a/mm/memremap.c b/mm/memremap.c\n--- a/mm/memremap.c\n+++ b/mm/memremap.c\n@@ -1,2 +1,1 @@ void f(void)\n {\n-\tif (pgmap->type == MEMORY_DEVICE_FS_DAX)\n');
  assert.deepEqual(await of(dropped), [], 'a type dropped from a guard is not meant');
  assert.deepEqual(await of(doc('mm/memremap: let device-private pages rest at zero', 'mm/memremap.c', '\t    pgmap->type != MEMORY_DEVICE_PCI_P2PDMA)')), ['PRIVATE'],
    'a subject that names its types outranks a constant the patch writes for another');
});

// Expectation (6.12 mm/memremap.c): without the guard, FS_DAX, GENERIC and P2PDMA pages are no longer
// reset to 1 and now drop a pgmap reference on free; PRIVATE and COHERENT do what they did. The
// removed guard names PRIVATE and COHERENT only, so with a neutral subject the three changed types
// are unintended: pgmap-type-guard-changed for FS_DAX/GENERIC/P2PDMA. A subject about P2PDMA means
// that type: the finding is left for FS_DAX/GENERIC, P2PDMA's change stays an effect.
test('a change of an intended type is an effect, other types keep the guard hazard', { skip: needKernels }, async () => {
  const diff = guardRemoved();
  assert.deepEqual(await guardFindings(mail('mm/memremap: simplify free_zone_device_folio()', diff)), ['FS_DAX', 'GENERIC', 'P2PDMA']);
  assert.deepEqual(await guardFindings(mail('PCI/P2PDMA: drop the pgmap reference of freed P2PDMA pages', diff)), ['FS_DAX', 'GENERIC']);
  const series = (await parseDocument({ name: 'p2p.patch', content: mail('PCI/P2PDMA: drop the pgmap reference of freed P2PDMA pages', diff) })).value;
  const r = createReviewer(await getSyntax()).review([series], { era: 'E2', includePresent: false });
  const effects = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.effects)));
  assert.ok(effects.some((e) => e.types.includes('P2PDMA')), 'P2PDMA changes are reported as effects');
});
