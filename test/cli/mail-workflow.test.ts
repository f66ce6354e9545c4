// The kernel's mail workflow with real git (Debian's git 2.39 and git-email): the shipped hooks in
// git send-email --validate and git am, the checkpatch lines b4 reads from a patch on stdin, b4's
// and Patchwork's check payloads, a mail without a diff, and a patch k/n reviewed on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/assets';
import { CLI, HOOKS, git, makeGitSeries, needGit, needSendEmail, type GitSeries } from '../helpers/git-series';

const skipCli = fs.existsSync(CLI) ? false : 'needs dist/cli.js (npm run build)';
let made: GitSeries | undefined;
const series = () => (made ??= makeGitSeries());

function run(args: string[], input?: string | Buffer, cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CHECKPATCH_LINE = /^(-|[^:\s]+):\d+: (ERROR|WARNING|CHECK): \[[a-z-]+\] \S/;

test('git send-email --validate with the shipped hook: the cover letter and a clean patch go, the bad patch stops the send', { skip: skipCli || needSendEmail }, () => {
  const s = series();
  git(s.repo, 'config', 'core.hooksPath', HOOKS);
  const send = (...files: string[]) => git(s.repo, 'send-email', '--dry-run', '--validate', '--confirm=never', '--to', 'list@example.org', '--from', 'Test Author <author@example.org>', ...files);
  const ok = send(s.cover, s.clean);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out + ok.err, /Dry-OK|Subject: \[PATCH 1\/2\]/);
  const bad = send(s.cover, s.clean, s.bad);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /rejected by sendemail-validate hook/);
  assert.match(bad.out + bad.err, /:\d+: ERROR: \[refcount-underflow\] /);
  assert.match(bad.err, /no patches were sent/);
});

test('git am with the shipped pre-applypatch hook stops at the bad patch', { skip: skipCli || needGit }, () => {
  const s = series();
  git(s.repo, 'config', 'core.hooksPath', HOOKS);
  assert.equal(git(s.repo, 'checkout', '-q', '-b', 'am-test', s.base).code, 0);
  const mbox = path.join(s.repo, 'series.mbox');
  fs.writeFileSync(mbox, fs.readFileSync(s.clean, 'utf8') + fs.readFileSync(s.bad, 'utf8'));
  const am = git(s.repo, 'am', mbox);
  assert.notEqual(am.code, 0, 'git am must stop');
  assert.match(am.out + am.err, /ERROR: \[refcount-underflow\]/);
  assert.equal(git(s.repo, 'log', '-1', '--format=%s').out.trim(), 'lib/dmirror: count frees with +=', 'the clean patch is committed, the bad one is not');
  assert.ok(fs.existsSync(path.join(s.repo, '.git', 'rebase-apply')), 'git am waits on the bad patch');
  git(s.repo, 'am', '--abort');
  git(s.repo, 'checkout', '-q', '-');
});

test('--format checkpatch on stdin, one patch at a time as b4 feeds it: only -:LINE: lines, ERROR counted', { skip: skipCli || needGit }, () => {
  const s = series();
  const cover = run(['review', '--format', 'checkpatch', '-'], fs.readFileSync(s.cover));
  assert.deepEqual([cover.code, cover.out], [0, ''], cover.err);
  const clean = run(['review', '--format', 'checkpatch', '-'], fs.readFileSync(s.clean));
  assert.deepEqual([clean.code, clean.out], [0, ''], clean.err);
  const bad = run(['review', '--format', 'checkpatch', '-'], fs.readFileSync(s.bad));
  assert.equal(bad.code, 1);
  const lines = bad.out.split('\n').slice(0, -1);
  assert.ok(lines.length > 0);
  for (const l of lines) assert.match(l, CHECKPATCH_LINE);
  assert.ok(lines.every((l) => l.startsWith('-:')));
  assert.ok(lines.some((l) => / ERROR: \[refcount-underflow\] /.test(l)));
  // Each message of the bundled example on its own: the same shape, nothing else on stdout.
  const example = fs.readFileSync(path.join(ROOT, 'examples', 'series.mbox'), 'utf8').split(/^(?=From [0-9a-f]{40} )/m).filter((m) => m.trim());
  assert.ok(example.length >= 3);
  for (const m of example) {
    const r = run(['review', '--format', 'checkpatch', '-'], m);
    assert.ok(r.code === 0 || r.code === 1, r.err);
    for (const l of r.out.split('\n').slice(0, -1)) assert.match(l, CHECKPATCH_LINE);
  }
});

test('--format b4: one check per patch, fail on an error, pass when clean', { skip: skipCli || needGit }, () => {
  const s = series();
  const checks = JSON.parse(run(['review', '--format', 'b4', s.clean, s.bad]).out);
  assert.deepEqual(checks.map((c: { tool: string; status: string }) => [c.tool, c.status]), [['pageref', 'pass'], ['pageref', 'fail']]);
  for (const c of checks) {
    assert.deepEqual(Object.keys(c).sort(), ['details', 'status', 'summary', 'tool']);
    assert.equal(typeof c.summary, 'string');
    for (const l of c.details.split('\n').slice(0, -1)) assert.match(l, CHECKPATCH_LINE);
  }
  assert.match(checks[1].details, /ERROR: \[refcount-underflow\]/);
});

test('--format patchwork: the checks API payload per patch, within the API field rules', { skip: skipCli || needGit }, () => {
  const s = series();
  const check = (entries: { messageId?: string; check: Record<string, unknown> }[], url: string | null) => {
    for (const e of entries) {
      const c = e.check;
      assert.deepEqual(Object.keys(c).sort(), ['context', 'description', 'state', 'target_url']);
      assert.ok(['pending', 'success', 'warning', 'fail'].includes(c.state as string));
      assert.match(c.context as string, /^[-a-zA-Z0-9_]+$/); // a slug
      assert.ok(typeof c.description === 'string' && c.description.length < 255, String(c.description));
      assert.equal(c.target_url, url);
      if (url) assert.ok(new URL(url).protocol.startsWith('http'));
      assert.match(e.messageId ?? '', /@/, 'Patchwork finds a patch by its Message-ID');
    }
  };
  const plain = JSON.parse(run(['review', '--format', 'patchwork', s.clean, s.bad]).out);
  check(plain, null);
  assert.deepEqual(plain.map((e: { check: { state: string } }) => e.check.state), ['success', 'fail']);
  const url = 'https://ci.example.org/runs/42';
  check(JSON.parse(run(['review', '--format', 'patchwork', '--target-url', url, s.bad]).out), url);
  // A long finding message is cut under the limit.
  const example = JSON.parse(run(['review', '--format', 'patchwork', 'examples/series.mbox']).out);
  assert.equal(example.length, 3);
  for (const e of example) assert.ok(e.check.description.length < 255);
  assert.equal(run(['review', '--format', 'patchwork', '--target-url', 'not a url', s.bad]).code, 2);
  assert.equal(run(['review', '--format', 'text', '--target-url', url, s.bad]).code, 2);
});

test('a mail without a diff (cover letter, discussion) is nothing to review, exit 0, in every format', { skip: skipCli || needGit }, () => {
  const s = series();
  const discussion = 'From: Bob <bob@example.org>\nSubject: Re: [PATCH 1/2] lib/dmirror: count frees\nMessage-ID: <r1@example.org>\n\nLooks fine to me.\n';
  for (const input of [fs.readFileSync(s.cover, 'utf8'), discussion]) {
    for (const format of ['text', 'json', 'sarif', 'checkpatch', 'b4', 'patchwork']) {
      const r = run(['review', '--format', format, '-'], input);
      assert.equal(r.code, 0, `${format}: ${r.err}`);
      if (format === 'checkpatch') assert.equal(r.out, '');
      if (format === 'patchwork') assert.deepEqual(JSON.parse(r.out), []);
      if (format === 'sarif') assert.deepEqual(JSON.parse(r.out).runs[0].results, []);
    }
  }
  const text = run(['review', s.cover]);
  assert.match(text.out, /no diff found: a cover letter, nothing to review/);
});

test('patch k/n alone: one short info problem at most; beside its series or with --series, reviewed after patches 1..k-1', { skip: skipCli || needGit }, () => {
  const s = series();
  const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-alone-'));
  fs.copyFileSync(s.bad, path.join(alone, path.basename(s.bad)));
  const a = JSON.parse(run(['review', '--format', 'json', path.join(alone, path.basename(s.bad))]).out);
  const seriesProblems = a.problems.filter((p: { message: string }) => p.message.startsWith('series:'));
  assert.equal(seriesProblems.length, 1);
  assert.equal(seriesProblems[0].severity, 'info');
  assert.ok(seriesProblems[0].message.length < 100);
  assert.doesNotMatch(seriesProblems[0].message, /\d+, \d+/, 'no list of numbers');
  // Beside its series (format-patch output folder): patch 1 is found, no problem.
  const beside = JSON.parse(run(['review', '--format', 'json', s.bad]).out);
  assert.deepEqual(beside.problems.filter((p: { message: string }) => p.message.startsWith('series:')), []);
  assert.equal(beside.patches.length, 1, 'only the patch given is reported');
  // --series with an mbox of the whole series: the same findings as in the whole series.
  const mbox = path.join(alone, 'whole.mbox');
  fs.writeFileSync(mbox, [s.cover, s.clean, s.bad].map((f) => fs.readFileSync(f, 'utf8')).join(''));
  const withSeries = JSON.parse(run(['review', '--format', 'json', '--series', mbox, path.join(alone, path.basename(s.bad))]).out);
  const whole = JSON.parse(run(['review', '--format', 'json', mbox]).out);
  const rules = (p: { files: { hunks: { findings: { ruleId: string; status: string }[] }[] }[] }) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.findings.map((x) => `${x.ruleId}:${x.status}`)));
  assert.deepEqual(rules(withSeries.patches[0]), rules(whole.patches[1]));
  assert.deepEqual(withSeries.problems.filter((p: { message: string }) => p.message.startsWith('series:')), []);
  assert.equal(run(['review', '--series', path.join(alone, 'nope'), s.bad]).code, 2);
});

test('the bundled example split into files: patch 3/3 alone misses what patches 1-2 change; beside them it is reviewed as in the series', { skip: skipCli }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-split-'));
  const messages = fs.readFileSync(path.join(ROOT, 'examples', 'series.mbox'), 'utf8').split(/^(?=From [0-9a-f]{40} )/m).filter((m) => m.trim());
  messages.forEach((m, i) => fs.writeFileSync(path.join(dir, `000${i}.patch`), m));
  const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-lone-'));
  fs.copyFileSync(path.join(dir, '0003.patch'), path.join(lone, '0003.patch'));
  const rules = (out: string) => out.split('\n').filter(Boolean).map((l) => l.replace(/^[^:]+:\d+: /, '')).sort();
  const whole = rules(run(['review', '--format', 'checkpatch', 'examples/series.mbox']).out.split('\n').filter((l) => /:1[01]\d: /.test(l)).join('\n'));
  assert.ok(whole.length > 0);
  assert.deepEqual(rules(run(['review', '--format', 'checkpatch', path.join(dir, '0003.patch')]).out), whole);
  assert.deepEqual(rules(run(['review', '--format', 'checkpatch', '--series', path.join(ROOT, 'examples', 'series.mbox'), path.join(lone, '0003.patch')]).out), whole);
  assert.notDeepEqual(rules(run(['review', '--format', 'checkpatch', path.join(lone, '0003.patch')]).out), whole);
  // Every line the review names is a line of 0003.patch itself, not of the patches read before it.
  const own = fs.readFileSync(path.join(dir, '0003.patch'), 'utf8').split('\n').length;
  const j = JSON.parse(run(['review', '--format', 'json', path.join(dir, '0003.patch')]).out);
  const lines: number[] = [];
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'number' && key === 'line') lines.push(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, Array.isArray(v) ? key : k);
  };
  walk(j.patches);
  assert.ok(lines.length > 10);
  assert.deepEqual(lines.filter((l) => l < 0 || l >= own), []);
  const steps = j.patches[0].files.flatMap((f: { hunks: { findings: { trace: { line?: number; note?: string; statement: string }[] }[] }[] }) => f.hunks.flatMap((h) => h.findings.flatMap((x) => x.trace)));
  const earlier = steps.filter((t: { note?: string }) => t.note?.startsWith('in an earlier patch of the series'));
  assert.ok(earlier.length > 0 && earlier.every((t: { line?: number }) => t.line === undefined), 'steps of patch 2 keep their statement, not a line');
});
