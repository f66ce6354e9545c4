// A patch k/n read alone: at most one short info problem about its series, and the patches before
// it taken from other documents of the same series (same total, version and thread) only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSeriesContext } from '../../../src/core/patch';
import { messages, parse } from './check';

const mail = (subject: string, id: string, inReplyTo?: string, file = 'mm/a.c') => [
  'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001',
  'From: Ada Example <ada@example.org>',
  `Subject: ${subject}`,
  `Message-ID: <${id}>`,
  ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`] : []),
  '',
  'Words.',
  '---',
  `diff --git a/${file} b/${file}`,
  `--- a/${file}`,
  `+++ b/${file}`,
  '@@ -3,3 +3,3 @@ int f(struct page *page)',
  ' \tint a;',
  '-\tput_page(page);',
  '+\tfolio_put(page_folio(page));',
  ' \treturn a;',
  '',
].join('\n');

test('patch 3 of 214 alone: one short info problem, no list of numbers; patch 1/n alone: none', async () => {
  const s = await parse(mail('[PATCH 6.1 003/214] mm: x', 'p3@x', 'cover@x'));
  assert.deepEqual(messages(s), ['series: patch 3/214 read without the 2 patch(es) before it']);
  assert.equal(s.problems[0].severity, 'info');
  assert.deepEqual(messages(await parse(mail('[PATCH 1/214] mm: x', 'p1@x'))), []);
  const two = await parse(`${mail('[PATCH 1/214] mm: x', 'p1@x')}\n${mail('[PATCH 9/214] mm: y', 'p9@x')}`);
  assert.deepEqual(messages(two), ['series: 212 of 214 patches are missing (the first is 2/214)']);
});

test('context: the patches before k of the same series and thread are put first; others are left out', async () => {
  const own = await parse(mail('[PATCH v2 3/3] mm: c', 'c@x', 'cover@x'), 'c.patch');
  const ctx = [
    await parse(mail('[PATCH v2 1/3] mm: a', 'a@x', 'cover@x'), 'a.patch'),
    await parse(mail('[PATCH v2 2/3] mm: b', 'b@x', 'cover@x'), 'b.patch'),
    await parse(mail('[PATCH v1 2/3] mm: old b', 'b1@x', 'cover1@x'), 'b1.patch'), // another version
    await parse(mail('[PATCH v2 1/4] mm: other', 'o@x', 'cover@x'), 'o.patch'), // another total
    await parse(mail('[PATCH v2 1/3] mm: stranger', 's@x', 'elsewhere@x'), 's.patch'), // another thread (and a repeat of 1)
  ];
  const r = withSeriesContext(own, ctx);
  assert.deepEqual(r.series.patches.map((p) => p.subject), ['mm: a', 'mm: b', 'mm: c']);
  assert.deepEqual([r.added, r.missing], [2, 0]);
  assert.deepEqual(messages(r.series), []);
  // Only patch 1 at hand: one short info problem still.
  const partial = withSeriesContext(own, [ctx[0]]);
  assert.deepEqual(messages(partial.series), ['series: patch 3/3 read without 1 of the patches before it']);
  // Nothing of its series at hand: the document is unchanged.
  const none = withSeriesContext(own, [ctx[3]]);
  assert.equal(none.series, own);
});
