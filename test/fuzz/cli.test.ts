// The built CLI on bad input: a one-line error and exit 2, or a partial result (exit 0/1 with
// the problems in the JSON), never a stack trace. Needs dist/cli.js (npm run build).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/assets';
import { generate, generatedBase, type Category } from './generators';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const needCli: string | false = fs.existsSync(CLI) ? false : `needs ${path.relative(ROOT, CLI)} (run npm run build)`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-fuzz-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

function cli(args: string[], input?: string | Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  assert.equal(r.signal, null, `pageref ${args.join(' ')} was killed by ${r.signal}`);
  assert.doesNotMatch(r.stderr, STACK, `pageref ${args.join(' ')} printed a stack trace:\n${r.stderr}`);
  return r;
}

/** Exit 2 with exactly one line on stderr. */
function assertUsageError(args: string[], input?: string): void {
  const r = cli(args, input);
  assert.equal(r.status, 2, `pageref ${args.join(' ')}: exit ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `pageref ${args.join(' ')}: stderr is not one line:\n${r.stderr}`);
  assert.match(r.stderr, /^pageref: \S/);
}

/** Either a one-line error with exit 2, or exit 0/1 and a review JSON object. */
function assertErrorOrPartial(file: string): { problems: number } | undefined {
  const r = cli(['review', '--format', 'json', file]);
  if (r.status === 2) {
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${file}: stderr is not one line:\n${r.stderr}`);
    return undefined;
  }
  assert.ok(r.status === 0 || r.status === 1, `${file}: exit ${r.status}, stderr: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { version: number; problems: unknown[] };
  assert.equal(report.version, 1);
  return { problems: report.problems.length };
}

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

test('CLI: usage and input errors are one line and exit 2', { skip: needCli }, () => {
  assertUsageError(['review', path.join(tmp, 'does-not-exist.patch')]);
  assertUsageError(['review', tmp]);
  assertUsageError(['review']);
  assertUsageError(['review', '--format', 'xml', write('ok.patch', generatedBase(1).text)]);
  assertUsageError(['review', '--era', 'E9', path.join(tmp, 'ok.patch')]);
  assertUsageError(['review', '--bogus-flag', path.join(tmp, 'ok.patch')]);
  assertUsageError(['scan', path.join(tmp, 'no-such-dir')]);
});

test('CLI: bad input files give a partial result or a one-line error', { skip: needCli }, () => {
  const bases = [generatedBase(2)];
  const categories: Category[] = ['byte-flip', 'nul', 'encoding', 'line-endings', 'unterminated', 'deep-nesting', 'macro-soup'];
  for (const category of categories) for (const seed of [0, 1]) assertErrorOrPartial(write(`${category}-${seed}.patch`, generate(category, seed, bases).content));
  const random = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
  assertErrorOrPartial(write('random.bin', random));
  assertErrorOrPartial(write('empty.patch', ''));
});

test('CLI: a patch with a garbage hunk on stdin is still reviewed, the garbage reported', { skip: needCli }, () => {
  const c = generate('garbage-neighbour', 3, []);
  const r = cli(['review', '--format', 'json', '-'], c.content as string);
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}, stderr: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { problems: unknown[]; patches: { files: { path: string }[] }[] };
  assert.ok(report.problems.length > 0, 'the garbage hunk is reported');
  const paths = report.patches.flatMap((p) => p.files.map((f) => f.path));
  for (const i of c.intact) assert.ok(paths.includes(i.path), `${i.path} reviewed (got ${paths.join(', ')})`);
});

test('CLI: scan survives binary and unbalanced C files', { skip: needCli }, () => {
  const dir = path.join(tmp, 'tree');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'binary.c'), new Uint8Array(2048).map((_, i) => (i * 40503) & 0xff));
  fs.writeFileSync(path.join(dir, 'braces.c'), 'void f(struct page *page) {\n\tif (page) {\n\t\tput_page(page);\n/* never closed\n');
  fs.writeFileSync(path.join(dir, 'ok.c'), 'void g(struct page *page)\n{\n\tput_page(page);\n}\n');
  const r = cli(['scan', '--format', 'json', dir]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { files: number; calls: { path: string; callee: string }[] };
  assert.equal(report.files, 3);
  assert.ok(report.calls.some((c) => c.path.endsWith('ok.c') && c.callee === 'put_page'), 'the call in the clean file is found');
});
