// `pageref reply`: the review as the reply a reviewer sends. It parses back as mail, quotes only
// lines of the patch, answers the patch's Message-ID, and git does not take it for a patch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { ROOT } from '../helpers/assets';
import { CLI, git, makeGitSeries, needGit } from '../helpers/git-series';

const skip = fs.existsSync(CLI) ? false : 'needs dist/cli.js (npm run build)';
const EXAMPLE = path.join(ROOT, 'examples', 'series.mbox');

function reply(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'reply', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every quoted line ("> x" or ">") is a line of the original document. */
function assertQuotesOriginal(replyText: string, original: string) {
  const lines = new Set(original.split('\n'));
  const body = replyText.slice(replyText.indexOf('\n\n') + 2).split('\n');
  const quoted = body.filter((l) => l.startsWith('>'));
  assert.ok(quoted.length > 3);
  for (const q of quoted) assert.ok(lines.has(q === '>' ? '' : q.slice(2)), `not a line of the patch: ${q}`);
}

test('reply to patch 3 of the example: headers from its Message-ID, findings under the lines, parses back as mail', { skip }, async () => {
  const r = reply([EXAMPLE, '--patch', '3']);
  assert.equal(r.code, 0, r.err);
  const mail = await PostalMime.parse(r.out);
  assert.equal(mail.subject, 'Re: [PATCH v2 3/3] fs/dax: use folio_put() in the PUD fault helper');
  assert.equal(mail.inReplyTo, '<3.v2.ada@example.org>');
  assert.match(mail.references ?? '', /<cover\.v2\.ada@example\.org> <3\.v2\.ada@example\.org>/);
  assert.equal(mail.to?.[0] && 'address' in mail.to[0] ? mail.to[0].address : '', 'ada@example.org');
  assert.equal(mail.from, undefined, 'the reviewer\'s own client sets From');
  const text = mail.text ?? '';
  assert.match(text, /^On Tue, 4 Mar 2025 10:00:03 \+0100, Ada Example <ada@example.org> wrote:$/m);
  assertQuotesOriginal(r.out, fs.readFileSync(EXAMPLE, 'utf8'));
  // Each finding stands right under the quoted hunk line it concerns, with a few lines of trace.
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('folio-put-skips-devmap-hook (warning; FS_DAX)'));
  assert.ok(at > 0);
  assert.deepEqual(lines.slice(at - 2, at), ['> +\tfolio_put(folio);', '']);
  const trace = lines.slice(at).findIndex((l) => l.startsWith('Trace (FS_DAX):'));
  assert.ok(trace > 0 && trace < 6);
  assert.ok(lines.slice(at + trace + 1).findIndex((l) => !l.startsWith('  ')) <= 6, 'a few trace lines');
  // Patch 3 is about the code: its commit message is trimmed.
  assert.doesNotMatch(text, /^> Signed-off-by/m);
  assert.match(text, /^\[\.\.\.\]$/m);
});

test('hunks without findings are trimmed; the default patch is the first with a finding', { skip }, async () => {
  const r = reply([EXAMPLE]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Subject: Re: \[PATCH v2 1\/3\]/m);
  assertQuotesOriginal(r.out, fs.readFileSync(EXAMPLE, 'utf8'));
  const bad = reply([EXAMPLE, '--patch', '7']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /no patch 7 in this document \(it has 1, 2, 3\)/);
});

test('git mailinfo and git am do not take the reply for a patch', { skip: skip || needGit }, () => {
  const s = makeGitSeries();
  const r = reply([s.bad]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /refcount-underflow \(error; /);
  assertQuotesOriginal(r.out, fs.readFileSync(s.bad, 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-reply-'));
  const file = path.join(dir, 'reply.eml');
  fs.writeFileSync(file, r.out);
  const info = spawnSync('git', ['mailinfo', path.join(dir, 'msg'), path.join(dir, 'patch')], { cwd: s.repo, input: r.out, encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'patch'), 'utf8'), '', 'mailinfo finds no patch in the reply');
  assert.match(info.stdout, /^Subject: lib\/dmirror: drop the allocation reference$/m); // mailinfo strips Re: and [PATCH]
  const am = git(s.repo, 'am', file);
  assert.notEqual(am.code, 0);
  assert.match(am.out + am.err, /Patch is empty/);
  git(s.repo, 'am', '--abort');
});

// b4 (Debian's 0.12) reads a thread as a maintainer does: the reply is a follow-up, never a patch,
// and nothing of it reaches the mbox b4 prepares for git am. (b4 0.12 stops on folded Subject
// headers with Python 3.11's mail policy, the example's included: the thread is given unfolded.)
const hasB4 = spawnSync('b4', ['--version'], { encoding: 'utf8' }).status === 0;
test('b4 am on the thread with the reply: three patches, the reply a follow-up with no trailers', { skip: skip || needGit || (hasB4 ? false : 'b4 is not installed (scripts/setup.sh installs it)') }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-b4-'));
  try {
    const r = reply([EXAMPLE, '--patch', '2']);
    assert.equal(r.code, 0, r.err);
    // Each message's header unfolded (continuation lines joined), its body as it is.
    const unfold = (mbox: string) => mbox.split(/(?=^From \S+ )/m).map((m) => {
      const end = m.indexOf('\n\n');
      return m.slice(0, end).replace(/\n[ \t]+/g, ' ') + m.slice(end);
    }).join('');
    const thread = `${unfold(fs.readFileSync(EXAMPLE, 'utf8'))}\nFrom reviewer Mon Sep 17 00:00:00 2001\nFrom: Reviewer <rev@example.org>\nMessage-ID: <reply.2@example.org>\nDate: Wed, 5 Mar 2025 10:00:00 +0100\n${r.out}`;
    fs.writeFileSync(path.join(tmp, 'thread.mbox'), thread);
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q');
    fs.mkdirSync(path.join(tmp, 'out'));
    const env = { ...process.env, HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
    spawnSync('git', ['config', '--global', 'user.name', 'T'], { env });
    spawnSync('git', ['config', '--global', 'user.email', 't@example.org'], { env });
    const b4 = spawnSync('b4', ['-d', '--offline-mode', 'am', '-m', path.join(tmp, 'thread.mbox'), '-o', path.join(tmp, 'out'), '<2.v2.ada@example.org>'], { cwd: repo, env, encoding: 'utf8' });
    assert.equal(b4.status, 0, b4.stderr.slice(-2000));
    assert.match(b4.stderr, /Looking at: Re: \[PATCH v2 2\/3\][^\n]*\n\s+adding to followups/);
    assert.match(b4.stderr, /Total patches: 3/);
    const [am] = fs.readdirSync(path.join(tmp, 'out')).filter((f) => f.endsWith('.mbx'));
    const mbx = fs.readFileSync(path.join(tmp, 'out', am!), 'utf8');
    assert.equal(mbx.match(/^diff --git /gm)?.length, 3, 'the three patches, nothing more');
    assert.doesNotMatch(mbx, /^> /m, 'no line of the reply');
    assert.doesNotMatch(mbx, /rev@example\.org/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

