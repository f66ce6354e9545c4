// Property tests: documents assembled from diff and mail fragments, in any order and with any
// line endings, never make the reader throw, and every position it reports is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertPositions, parse } from './check';

const FRAGMENTS = [
  'diff --git a/mm/a.c b/mm/a.c',
  'index 1111111..2222222 100644',
  '--- a/mm/a.c',
  '+++ b/mm/a.c',
  '@@ -1,3 +1,3 @@ int f(void)',
  '@@ -10 +10,2 @@',
  '@@ -5,0 +6,99 @@ struct s {',
  ' \tcontext();',
  '-\tdel();',
  '+\tadd();',
  'unprefixed();',
  '',
  '\\ No newline at end of file',
  '> +quoted();',
  '>> @@ -1,2 +1,2 @@',
  '> diff --git a/x b/x',
  '-- ',
  '2.43.0',
  'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
  'From: Ada <ada@example.org>',
  'Subject: [PATCH v2 1/2] mm: x',
  'Re: [PATCH 2/7] mm: y',
  'Binary files a/b.png and b/b.png differ',
  'rename from mm/o.c',
  'Thanks for looking at this, more soon.',
  'Reply instructions:',
  '---',
  '\tcaf\u00e9 \ud83d\udc27',
];

const doc = fc
  .tuple(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => lines.join(eol));

test('any arrangement of diff and mail fragments: no throw, exact positions', async () => {
  await fc.assert(
    fc.asyncProperty(doc, async (text) => {
      const s = await parse(text);
      assert.ok(!s.problems.some((p) => p.message.startsWith('internal error')), JSON.stringify(s.problems));
      assertPositions(s, text);
    }),
    { numRuns: 400, seed: 20261121 },
  );
});

test('arbitrary bytes: no throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      const s = await parse(bytes);
      assert.ok(!s.problems.some((p) => p.message.startsWith('internal error')), JSON.stringify(s.problems));
    }),
    { numRuns: 300, seed: 20261121 },
  );
});

test('a reply quoting a very long diff: every quoted line is marked (no argument-spread limits)', async () => {
  const block = ['> diff --git a/x.c b/x.c', '> --- a/x.c', '> +++ b/x.c', '> @@ -1,2 +1,2 @@', '> -a();', '> +b();', '>  c();'];
  const lines = ['Re: [PATCH] x', ''];
  for (let i = 0; i < 30000; i++) lines.push(...block);
  const s = await parse(lines.join('\n'));
  assert.equal(s.quotedDiffLines.length, 30000 * block.length);
  assert.equal(s.quotedDiffLines[0], 2);
  assert.ok(!s.problems.some((p) => p.message.startsWith('internal error')));
});
