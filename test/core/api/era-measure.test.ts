// Exactness of --era auto on real posted patches whose base was established independently
// (era-measured.json: date, subject, trailers and pre-image names of 50 patches; the 20 mails of
// ../shared/corpus and the seed thread with a patch, read at test time). Prints the figure and the misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inferEra } from '../../../src/core/api';
import { parseDocument } from '../../../src/core/patch';
import type { Era } from '../../../src/core/types';
import { SEEDS, SHARED } from '../../helpers/inputs';

interface Measured { id: string; date: string; subject: string; path: string; base?: string; pre: string[] | null; era: Era; basis: string }
interface Known { file: string; era: Era; basis: string }
const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, 'era-measured.json'), 'utf8')) as { patches: Measured[]; corpus: Known[]; seeds: Known[] };
const CORPUS = path.join(SHARED, 'corpus');

/** A format-patch mail made of the recorded facts: its headers, trailers, and one hunk whose context uses the recorded names. */
function mailOf(m: Measured): string {
  const context = (m.pre ?? []).map((n) => ` \tret = ${n}(x);`);
  if (context.length === 0) context.push(' \tx = 1;');
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: Measured <measured@example.org>',
    `Date: ${m.date}`,
    `Subject: ${m.subject}`,
    '',
    'Recorded facts of a posted patch.',
    '---',
    `diff --git a/${m.path} b/${m.path}`,
    `--- a/${m.path}`,
    `+++ b/${m.path}`,
    `@@ -1,${context.length} +1,${context.length + 1} @@`,
    ...context,
    '+\ty = 2;',
    ...(m.base ? ['', `base-commit: ${m.base}`] : []),
    '-- ',
    '2.0',
    '',
  ].join('\n');
}

test('era inference: at least 95% exact on real patches, the corpus and the seeds', async () => {
  const results: { name: string; want: Era; got: Era; why: string }[] = [];
  for (const m of DATA.patches) {
    const { value } = await parseDocument({ name: m.id, content: Buffer.from(mailOf(m)) });
    assert.equal(value.patches.length, 1, m.id);
    const r = inferEra([value]);
    results.push({ name: m.subject, want: m.era, got: r.era, why: r.why });
  }
  const known = [...(fs.existsSync(CORPUS) ? DATA.corpus.map((k) => ({ ...k, dir: CORPUS })) : []), ...(fs.existsSync(SEEDS) ? DATA.seeds.map((k) => ({ ...k, dir: SEEDS })) : [])];
  for (const k of known) {
    const { value } = await parseDocument({ name: k.file, content: fs.readFileSync(path.join(k.dir, k.file)) });
    const r = inferEra([value]);
    results.push({ name: k.file, want: k.era, got: r.era, why: r.why });
  }
  const misses = results.filter((r) => r.got !== r.want);
  const exact = (results.length - misses.length) / results.length;
  console.log(`era inference: ${results.length - misses.length} of ${results.length} exact (${(exact * 100).toFixed(1)}%)${known.length ? '' : ' (../shared not found: recorded patches only)'}`);
  for (const m of misses) console.log(`  miss: ${m.name}: want ${m.want}, got ${m.got} (${m.why})`);
  assert.ok(results.length >= 50);
  assert.ok(exact >= 0.95, `exactness ${(exact * 100).toFixed(1)}% < 95%`);
});

test('era inference: the recorded set spans E0-E5 and every entry says how its base was established', () => {
  const eras = new Set(DATA.patches.map((m) => m.era));
  assert.deepEqual([...eras].sort(), ['E0', 'E1', 'E2', 'E3', 'E4', 'E5']);
  for (const m of DATA.patches) assert.ok(m.basis.length > 10 && !Number.isNaN(Date.parse(m.date.replace(/\s+-\s+/, ' '))), m.id);
});
