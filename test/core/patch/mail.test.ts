// Mail: format-patch files, mbox series, subjects, MIME bodies, replies and quoted diffs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSubject } from '../../../src/core/patch/mail';
import { assertPositions, messages, parse } from './check';

const DIFF = (file: string, fn: string) => [
  `diff --git a/${file} b/${file}`,
  'index 1111111..2222222 100644',
  `--- a/${file}`,
  `+++ b/${file}`,
  `@@ -3,3 +3,3 @@ int ${fn}(struct page *page)`,
  ' \tint a;',
  '-\tput_page(page);',
  '+\tfolio_put(page_folio(page));',
  ' \treturn a;',
];

function message(sha: string, subject: string, body: string[], extra: string[] = []): string[] {
  return [`From ${sha} Mon Sep 17 00:00:00 2001`, 'From: Ada Example <ada@example.org>', 'Date: Tue, 4 Mar 2025 10:00:00 +0100', `Subject: ${subject}`, ...extra, '', ...body, ''];
}
const SHA = (n: number) => String(n).repeat(40).slice(0, 40);

test('subjects: version, index, total, RFC, replies, list tags', () => {
  assert.deepEqual(parseSubject('[PATCH v3 3/6] mm: support things'), { subject: 'mm: support things', index: 3, total: 6, version: 3, rfc: false, reply: false, tagged: true });
  assert.deepEqual(parseSubject('[RFC PATCH 2/3] mm: try'), { subject: 'mm: try', index: 2, total: 3, version: undefined, rfc: true, reply: false, tagged: true });
  assert.deepEqual(parseSubject('Re: [PATCH RFC 2/3] mm: try'), { subject: 'mm: try', index: 2, total: 3, version: undefined, rfc: true, reply: true, tagged: true });
  assert.deepEqual(parseSubject('[PATCH 07/13] huge_memory: x'), { subject: 'huge_memory: x', index: 7, total: 13, version: undefined, rfc: false, reply: false, tagged: true });
  assert.deepEqual(parseSubject('[Nouveau] [PATCH v3 0/6] mm: cover'), { subject: 'mm: cover', index: 0, total: 6, version: 3, rfc: false, reply: false, tagged: true });
  assert.deepEqual(parseSubject('[PATCHv2] one'), { subject: 'one', index: undefined, total: undefined, version: 2, rfc: false, reply: false, tagged: true });
  assert.deepEqual(parseSubject('RE: plain words'), { subject: 'plain words', rfc: false, reply: true, tagged: false });
});

test('git format-patch file: headers, subject, diff after the diffstat, signature not read', async () => {
  const text = [
    ...message('0123456789abcdef0123456789abcdef01234567', '[PATCH] mm: use folio_put', ['Body text.', '', 'Signed-off-by: Ada Example <ada@example.org>', '---', ' mm/a.c | 2 +-', ' 1 file changed', '', ...DIFF('mm/a.c', 'f'), '-- ', '2.43.0'], ['Message-Id: <m1@example.org>']),
  ].join('\n');
  const s = await parse(text);
  assert.equal(s.format, 'format-patch');
  const p = s.patches[0];
  assert.deepEqual(
    { subject: p.subject, rawSubject: p.rawSubject, from: p.from, date: p.date, messageId: p.messageId, isCover: p.isCover, fromReply: p.fromReply, startLine: p.startLine },
    { subject: 'mm: use folio_put', rawSubject: '[PATCH] mm: use folio_put', from: 'Ada Example <ada@example.org>', date: 'Tue, 4 Mar 2025 10:00:00 +0100', messageId: 'm1@example.org', isCover: false, fromReply: false, startLine: 0 },
  );
  assert.equal(p.files[0].hunks[0].lines.length, 4);
  assert.deepEqual(s.problems, []);
  assertPositions(s, text);
});

test('mbox series: cover letter apart, patches ordered by index, ids kept', async () => {
  const text = [
    ...message(SHA(0), '[PATCH v2 0/3] mm: series', ['Cover text.'], ['Message-Id: <c@x>']),
    ...message(SHA(3), '[PATCH v2 3/3] mm: third', DIFF('mm/c.c', 'h'), ['Message-Id: <p3@x>', 'In-Reply-To: <c@x>']),
    ...message(SHA(1), '[PATCH v2 1/3] mm: first', DIFF('mm/a.c', 'f'), ['Message-Id: <p1@x>', 'In-Reply-To: <c@x>']),
    ...message(SHA(2), '[PATCH v2 2/3] mm: second', DIFF('mm/b.c', 'g'), ['Message-Id: <p2@x>', 'In-Reply-To: <c@x>']),
  ].join('\n');
  const s = await parse(text);
  assert.equal(s.format, 'mbox');
  assert.equal(s.cover?.subject, 'mm: series');
  assert.equal(s.cover?.isCover, true);
  assert.deepEqual(s.patches.map((p) => [p.index, p.total, p.version, p.messageId, p.inReplyTo, p.files[0].path]), [
    [1, 3, 2, 'p1@x', 'c@x', 'mm/a.c'],
    [2, 3, 2, 'p2@x', 'c@x', 'mm/b.c'],
    [3, 3, 2, 'p3@x', 'c@x', 'mm/c.c'],
  ]);
  assert.deepEqual(s.problems, []);
  assertPositions(s, text);
});

test('a [PATCH] message without a diff is kept and reported; git show output is a plain diff', async () => {
  const text = [...message(SHA(1), '[PATCH 1/2] a', DIFF('a.c', 'f')), ...message(SHA(2), '[PATCH 2/2] b', ['Only words here.'])].join('\n');
  const s = await parse(text);
  assert.deepEqual(s.patches.map((p) => [p.index, p.files.length]), [[1, 1], [2, 0]]);
  assert.deepEqual(s.problems.map((p) => [p.message, p.line]), [['patch 2/2 "b" has no diff', 15]]);
  const show = await parse(['commit 0123456789abcdef0123456789abcdef01234567', 'Author: Ada <ada@example.org>', '', '    mm: x', '', ...DIFF('mm/a.c', 'f')].join('\n'));
  assert.equal(show.format, 'unified-diff');
  assert.deepEqual(show.patches[0].files.map((f) => f.path), ['mm/a.c']);
});

test('a series with a missing patch says so', async () => {
  const text = [...message(SHA(1), '[PATCH 1/3] a', DIFF('a.c', 'f')), ...message(SHA(3), '[PATCH 3/3] c', DIFF('c.c', 'h'))].join('\n');
  const s = await parse(text);
  assert.deepEqual(messages(s), ['series: patch 2/3 is missing']);
  assert.equal(s.problems[0].severity, 'warning');
});

test('mbox: replies are not part of the series; a diff in a reply is read and marked', async () => {
  const text = [
    ...message(SHA(1), '[PATCH 1/1] a', DIFF('a.c', 'f'), ['Message-Id: <p1@x>']),
    ...message(SHA(9), 'Re: [PATCH 1/1] a', ['> quoted', '', 'Try this instead:', '', ...DIFF('a.c', 'f2')], ['In-Reply-To: <p1@x>']),
    ...message(SHA(8), 'Re: [PATCH 1/1] a', ['Looks fine.']),
  ].join('\n');
  const s = await parse(text);
  assert.deepEqual(s.patches.map((p) => [p.index, p.fromReply, p.inReplyTo, p.files[0].hunks[0].function]), [[1, false, undefined, 'f'], [1, true, 'p1@x', 'f2']]);
  assert.deepEqual(s.problems, []);
});

test('mboxrd: ">From " in a body is unescaped, one column further in', async () => {
  // A context line that lost its leading space and starts with "From " is escaped by mboxrd.
  const text = [...message(SHA(1), '[PATCH] a', ['--- a/a.c', '+++ b/a.c', '@@ -1,2 +1,2 @@', '>From here', '-a', '+b'])].join('\n');
  const s = await parse(text);
  const h = s.patches[0].files[0].hunks[0];
  assert.deepEqual(h.lines.map((l) => [l.kind, l.text, l.character, l.repaired ?? false]), [['context', 'From here', 1, true], ['del', 'a', 1, false], ['add', 'b', 1, false]]);
  assertPositions(s, text);
});

test('a diff quoted in a reply is recognised as quoted, not reviewed', async () => {
  const text = [
    'Re: [PATCH 2/2] mm: thing',
    '',
    'From: Bob',
    'Date: Mon Jan 1 2024',
    '',
    'Ada wrote:',
    '> diff --git a/mm/a.c b/mm/a.c',
    '> --- a/mm/a.c',
    '> +++ b/mm/a.c',
    '> @@ -1,3 +1,3 @@ void f(void)',
    '>  a();',
    '> -b();',
    '>> +c();',
    '> > d();',
    '',
    'Why c()?',
  ].join('\n');
  const s = await parse(text);
  assert.equal(s.format, 'web-archive');
  assert.equal(s.patches.length, 0);
  assert.deepEqual(s.quotedDiffLines, [6, 7, 8, 9, 10, 11, 12, 13]);
  assert.deepEqual(messages(s), ['no diff found: the mail holds discussion only (diffs quoted in replies are not reviewed)']);
});

test('web archive: subject line first, loose From:/Date:, diff after "---" in a reply', async () => {
  const text = [
    'Re: [PATCH v4 2/5] mm: demo',
    '',
    'From: Bob Example',
    'Date: Thu Sep 29 2022 - 20:56:24 EST',
    '',
    'Bob <bob@xxxxxxxxx> writes:',
    '> Please drop the check.',
    '',
    'Something like below.',
    '',
    '---',
    '',
    ...DIFF('mm/a.c', 'f'),
    '',
    'Reply instructions:',
  ].join('\n');
  const s = await parse(text);
  assert.equal(s.format, 'web-archive');
  const p = s.patches[0];
  assert.deepEqual([p.subject, p.index, p.total, p.version, p.from, p.date, p.fromReply], ['mm: demo', 2, 5, 4, 'Bob Example', 'Thu Sep 29 2022 - 20:56:24 EST', true]);
  assert.equal(p.files[0].hunks[0].lines.length, 4);
  assert.deepEqual(s.problems, []);
  assertPositions(s, text);
});

test('quoted-printable body and RFC 2047 subject are decoded with postal-mime; QP lines keep their document line', async () => {
  const text = [
    'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001',
    'From: =?UTF-8?q?Ad=C3=A9le_Example?= <ade@example.org>',
    'Subject: =?UTF-8?q?=5BPATCH=5D_mm=3A_caf=C3=A9?=',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '---',
    '--- a/a.c',
    '+++ b/a.c',
    '@@ -1,2 +1,2 @@ int f(void)',
    ' \tint x =3D 1;',
    '-\tput_page(page);',
    '+\tfolio_put(a_very_long_function_name_that_gets_soft_wrapped_by_the_encoder(pag=',
    'e));',
    '',
  ].join('\n');
  const s = await parse(text);
  const p = s.patches[0];
  assert.equal(p.subject, 'mm: café');
  assert.equal(p.from, 'Adéle Example <ade@example.org>');
  const h = p.files[0].hunks[0];
  assert.deepEqual(h.lines.map((l) => l.text), ['\tint x = 1;', '\tput_page(page);', '\tfolio_put(a_very_long_function_name_that_gets_soft_wrapped_by_the_encoder(page));']);
  assert.deepEqual(h.lines.map((l) => l.line), [10, 11, 12], 'a soft line break keeps the next decoded line on its own raw line');
  assert.deepEqual(messages(s), ['message body is quoted-printable: decoded; lines are exact, columns after an escape (=3D) are approximate']);
});

test('base64 body and multipart with a text/x-patch attachment', async () => {
  const diff = ['--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-old();', '+new();', ''].join('\n');
  const b64 = btoa(diff);
  const single = ['From: a@x', 'Subject: [PATCH] b64', 'Content-Transfer-Encoding: base64', '', b64, ''].join('\n');
  const s1 = await parse(single);
  assert.equal(s1.format, 'mbox', 'a lone mail with a header block counts as a one-message mbox');
  assert.deepEqual(s1.patches[0].files[0].hunks[0].lines.map((l) => [l.text, l.line]), [['old();', 4], ['new();', 4]], 'base64 lines are placed at the body start');
  assert.deepEqual(messages(s1), ["message body is base64: decoded, and its lines are placed at the body's first line (line 5)"]);
  const multi = [
    'From: a@x',
    'Subject: [PATCH] multi',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="BB"',
    '',
    '--BB',
    'Content-Type: text/plain',
    '',
    'See the attachment.',
    '--BB',
    'Content-Type: text/x-patch; name="fix.patch"',
    'Content-Disposition: attachment; filename="fix.patch"',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--BB--',
    '',
  ].join('\n');
  const s2 = await parse(multi);
  assert.deepEqual(s2.patches[0].files.map((f) => f.path), ['a.c']);
  assert.match(messages(s2)[0], /^message body is multipart/);
});

test('web archive page with several messages: each header block is a message, repeats are read once', async () => {
  const msg = (from: string, subject: string, id: string, body: string[]) => [`From: ${from}`, 'To: list@example.org', `Subject: ${subject}`, 'Date: Tue, 02 Jul 2024 21:30:19 +1000 [thread overview]', `Message-ID: <${id}> (raw)`, '', ...body, ''];
  const text = [
    ...msg('Ada <ada@example.org>', '[PATCH 1/2] mm: a', 'a@x', DIFF('mm/a.c', 'f')),
    'WARNING: multiple messages have this Message-ID (diff)',
    ...msg('Ada <ada@example.org>', '[PATCH 1/2] mm: a', 'a@x', DIFF('mm/a.c', 'f')),
    ...msg('Bob <bob@example.org>', 'Re: [PATCH 1/2] mm: a', 'b@x', ['> quoted', 'Like this?', '', ...DIFF('mm/b.c', 'g')]),
  ].join('\n');
  const s = await parse(text);
  assert.equal(s.format, 'web-archive');
  assert.deepEqual(s.patches.map((p) => [p.subject, p.from, p.date, p.messageId, p.fromReply, p.startLine, p.files.map((f) => f.path)]), [
    ['mm: a', 'Ada <ada@example.org>', 'Tue, 02 Jul 2024 21:30:19 +1000', 'a@x', false, 0, ['mm/a.c']],
    ['mm: a', 'Bob <bob@example.org>', 'Tue, 02 Jul 2024 21:30:19 +1000', 'b@x', true, 33, ['mm/b.c']],
  ]);
  // Patch 1/2 alone lacks nothing it needs: no problem about the series.
  assert.deepEqual(messages(s), ['message at line 18 repeats the one at line 1 (same Message-ID): not read again']);
  assertPositions(s, text);
});
