// The CLI as a user runs it: the built dist/cli.js in a child process (npm test builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/assets';
import { checkGolden } from '../helpers/golden';
import { RULE_IDS } from '../../src/core/report/types';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const skip = fs.existsSync(CLI) ? false : 'needs dist/cli.js (npm run build)';
const EXAMPLE = 'examples/series.mbox';
const GOLDEN = path.join(ROOT, 'test', 'cli', 'golden');

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tmp(name: string, content: string | Buffer): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-cli-'));
  const f = path.join(d, name);
  fs.writeFileSync(f, content);
  return f;
}

/** A usage or input error: exit 2, exactly one line on stderr, no stack trace. */
function assertUsageError(r: ReturnType<typeof run>, pattern: RegExp) {
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, pattern);
  assert.equal(r.err.trim().split('\n').length, 1, `one-line message expected, got: ${r.err}`);
  assert.doesNotMatch(r.err, /\n\s+at /);
}

test('review of the bundled example: text in path:line:col form, exit 1 on findings', { skip }, () => {
  const r = run(['review', EXAMPLE]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^examples\/series\.mbox:\d+:\d+: (warning|error): \[[a-z-]+\] /m);
  checkGolden(path.join(GOLDEN, 'series.txt'), r.out);
});

test('review --format json follows the contract (version 1, 0-based positions) and is deterministic', { skip }, () => {
  const a = run(['review', '--format', 'json', EXAMPLE]);
  const b = run(['review', '--format', 'json', EXAMPLE]);
  assert.equal(a.out, b.out);
  const j = JSON.parse(a.out);
  assert.equal(j.version, 1);
  assert.match(j.era, /^E[0-5]$/);
  assert.match(j.eraSource, /^(flag|inferred: )/);
  assert.equal(j.patches.length, 3);
  assert.deepEqual(j.patches.map((p: { index: number; total: number }) => [p.index, p.total]), [[1, 3], [2, 3], [3, 3]]);
  const hunk = j.patches[0].files[0].hunks[0];
  assert.equal(j.patches[0].files[0].path, 'mm/memremap.c');
  assert.equal(hunk.function, 'free_zone_device_page');
  const lines = fs.readFileSync(path.join(ROOT, EXAMPLE), 'utf8').split('\n');
  assert.ok(lines[hunk.range.start.line].startsWith('@@ '), 'hunk range starts at its header (0-based)');
  checkGolden(path.join(GOLDEN, 'series.json'), a.out);
});

test('review --format sarif: SARIF 2.1.0 with rule ids as ruleId', { skip }, () => {
  const r = run(['review', '--format', 'sarif', EXAMPLE]);
  const log = JSON.parse(r.out);
  assert.equal(log.version, '2.1.0');
  const run0 = log.runs[0];
  assert.deepEqual(run0.tool.driver.rules.map((x: { id: string }) => x.id), [...RULE_IDS]);
  assert.ok(run0.results.length > 0);
  for (const res of run0.results) {
    assert.ok((RULE_IDS as readonly string[]).includes(res.ruleId));
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.ok(['new', 'absent', 'unchanged'].includes(res.baselineState));
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, EXAMPLE);
    assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
  }
});

test('--fail-on sets the threshold; fixed findings never fail', { skip }, () => {
  const j = JSON.parse(run(['review', '--format', 'json', EXAMPLE]).out);
  const sev = new Set<string>();
  for (const p of j.patches) for (const f of p.files) for (const h of f.hunks) for (const x of h.findings) if (x.status !== 'fixed') sev.add(x.severity);
  assert.equal(run(['review', '--fail-on', 'error', EXAMPLE]).code, sev.has('error') ? 1 : 0);
  assert.equal(run(['review', '--fail-on', 'info', EXAMPLE]).code, sev.size ? 1 : 0);
});

test('review reads stdin with -', { skip }, () => {
  const r = run(['review', '--format', 'json', '-'], fs.readFileSync(path.join(ROOT, EXAMPLE)));
  const j = JSON.parse(r.out);
  assert.equal(j.patches.length, 3);
  assert.equal(j.patches[0].source, '-');
});

test('--era accepts eras and kernel versions and says where the era came from', { skip }, () => {
  const e = JSON.parse(run(['review', '--format', 'json', '--era', 'v6.16', EXAMPLE]).out);
  assert.equal(e.era, 'E3');
  assert.match(e.eraSource, /^flag/);
  const auto = JSON.parse(run(['review', '--format', 'json', EXAMPLE]).out);
  assert.match(auto.eraSource, /^inferred: /);
});

test('usage and input errors: exit 2 with a one-line message', { skip }, () => {
  assertUsageError(run([]), /usage/);
  assertUsageError(run(['frobnicate']), /unknown command 'frobnicate'/);
  assertUsageError(run(['review']), /needs at least one FILE/);
  assertUsageError(run(['review', 'no/such/file.patch']), /cannot read no\/such\/file\.patch/);
  assertUsageError(run(['review', 'examples']), /is a directory/);
  assertUsageError(run(['review', '--era', 'v9', EXAMPLE]), /unknown era 'v9'/);
  assertUsageError(run(['review', '--format', 'xml', EXAMPLE]), /--format must be one of text, json, sarif/);
  assertUsageError(run(['review', '--bogus', EXAMPLE]), /bogus/);
  assertUsageError(run(['review', '--kernel-tree', 'no/such/dir', EXAMPLE]), /not a directory/);
  assertUsageError(run(['simulate', EXAMPLE]), /--hunk N/);
  assertUsageError(run(['simulate', EXAMPLE, '--hunk', '99']), /no hunk 99/);
  assertUsageError(run(['review', tmp('empty.patch', '')]), /nothing reviewable: empty/);
  assertUsageError(run(['review', tmp('garbage.bin', Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7, 8]))]), /nothing reviewable: binary/);
  assertUsageError(run(['review', tmp('prose.txt', 'just some words\nno diff here\n')]), /nothing reviewable: .*no diff/);
});

test('damaged input gives a partial result with problems, not an error', { skip }, () => {
  const text = fs.readFileSync(path.join(ROOT, 'examples', 'single.patch'), 'utf8');
  const crlf = run(['review', '--format', 'json', tmp('crlf.patch', text.replace(/\n/g, '\r\n'))]);
  assert.notEqual(crlf.code, 2, crlf.err);
  const plain = JSON.parse(run(['review', '--format', 'json', path.join(ROOT, 'examples', 'single.patch')]).out);
  const fromCrlf = JSON.parse(crlf.out);
  assert.deepEqual(fromCrlf.patches[0].files.map((f: { path: string }) => f.path), plain.patches[0].files.map((f: { path: string }) => f.path));
  const cut = text.slice(0, text.indexOf('@@') + Math.floor((text.length - text.indexOf('@@')) / 2));
  const trunc = run(['review', '--format', 'json', tmp('cut.patch', cut)]);
  assert.notEqual(trunc.code, 2, trunc.err);
  const j = JSON.parse(trunc.out);
  assert.ok(j.problems.some((p: { message: string }) => /truncated/.test(p.message)), JSON.stringify(j.problems));
  assert.equal(j.patches[0].files[0].hunks.length, 1, 'the truncated hunk is still reviewed');
  const latin1 = run(['review', '--format', 'json', tmp('latin1.patch', Buffer.from(text.replace('Subject: ', 'Subject: caf\u00e9 '), 'latin1'))]);
  assert.notEqual(latin1.code, 2, latin1.err);
  assert.ok(JSON.parse(latin1.out).problems.some((p: { message: string }) => /Latin-1|UTF-8/.test(p.message)));
});

test('simulate prints the step-by-step trace of a hunk', { skip }, () => {
  const r = run(['simulate', EXAMPLE, '--hunk', '1', '--type', 'FS_DAX']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^hunk 1: mm\/memremap\.c @@ /);
  assert.match(r.out, /page-life — FS_DAX — before/);
  assert.match(r.out, /page-life — FS_DAX — after/);
  assert.doesNotMatch(r.out, /— PRIVATE —/);
  assert.match(r.out, /set_page_count\(page, 1\)/);
  const j = JSON.parse(run(['simulate', EXAMPLE, '--hunk', '1', '--format', 'json']).out);
  assert.equal(j.version, 1);
  assert.ok(j.traces.length >= 10);
  assert.ok(j.traces.every((t: { steps: unknown[] }) => t.steps.length > 0));
});

test('scan lists call sites of the API table in C files and trees', { skip }, () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-scan-'));
  fs.mkdirSync(path.join(d, 'mm'));
  fs.writeFileSync(path.join(d, 'mm', 'a.c'), 'static void f(struct page *page)\n{\n\t/* put_page(page) in a comment */\n\tif (page)\n\t\tput_page(page);\n}\n');
  fs.writeFileSync(path.join(d, 'mm', 'b.txt'), 'put_page(page);\n');
  const j = JSON.parse(run(['scan', '--format', 'json', d]).out);
  assert.equal(j.version, 1);
  assert.equal(j.files, 1);
  assert.deepEqual(j.calls, [{ path: path.join(d, 'mm', 'a.c'), line: 4, character: 2, callee: 'put_page', function: 'f' }]);
  const t = run(['scan', d]);
  assert.match(t.out, /a\.c:5:3: put_page in f\(\)/);
});
