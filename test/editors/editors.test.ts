// The README's editor configurations, as written, in real editors: Neovim 0.7's built-in client
// (nvim.lua), Emacs 28 with eglot (eglot.el), plain Vim's quickfix (quickfix.vim), each started on
// a patch file as a user would, with `pageref` on the PATH; what they receive is checked against
// the CLI's review of the same file. Skipped, visibly, where an editor or the seeds are missing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReviewReport } from '../../src/core';
import { effectLabel } from '../../src/shared/summary';
import { ROOT } from '../helpers/assets';
import { SEEDS } from '../helpers/inputs';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function cli(args: string[], cwd: string): unknown {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `pageref ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The server's drafted review reply is what `pageref reply` writes for the file (same default patch). */
function assertDraftReply(got: unknown, name: string, dir: string): void {
  const reply = spawnSync(process.execPath, [CLI, 'reply', name], { cwd: dir, encoding: 'utf8' });
  assert.equal(reply.status, 0, reply.stderr);
  assert.equal((got as { text?: string } | undefined)?.text, reply.stdout);
}

const hunksOf = (r: ReviewReport) => r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks)).sort((a, b) => a.range.start.line - b.range.start.line);

/** The README's configuration block in `lang` (one each for Neovim, Emacs and Vim). */
function readmeBlock(lang: string): string {
  const blocks = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))];
  assert.equal(blocks.length, 1, `README has ${blocks.length} ${lang} blocks`);
  return blocks[0][1];
}

/** A scratch directory with `pageref` on a PATH of its own and the input as a .patch file. */
function scratch(input: string): { dir: string; file: string; env: NodeJS.ProcessEnv } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-editor-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'pageref'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  const file = path.join(dir, `${path.basename(input).replace(/\..*$/, '')}.patch`);
  fs.copyFileSync(input, file);
  return { dir, file, env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, HOME: dir } };
}

/** The file's review by the CLI, and the recognised call a hover is asked on (after the patch, if any). */
function expected(file: string) {
  const dir = path.dirname(file);
  const report = cli(['review', '--format', 'json', path.basename(file)], dir) as ReviewReport;
  const hunks = hunksOf(report);
  const calls = hunks.flatMap((h) => h.calls);
  assert.ok(calls.length, `the CLI recognises no call in ${file}`);
  return { dir, report, hunks, call: calls.find((c) => c.side !== 'before') ?? calls[0] };
}

/** Runs an editor on the scratch file with the README block as its configuration; returns what it wrote. */
function runEditor(argv: string[], s: ReturnType<typeof scratch>, config: { ext: string; text: string }, hover = { line: 0, character: 0 }): Record<string, unknown> {
  const out = path.join(s.dir, 'out.json');
  const configFile = path.join(s.dir, `config.${config.ext}`);
  fs.writeFileSync(configFile, config.text);
  fs.rmSync(out, { force: true });
  const r = spawnSync(argv[0], [...argv.slice(1), path.basename(s.file)], {
    cwd: s.dir, encoding: 'utf8', timeout: 150_000,
    env: { ...s.env, PAGEREF_OUT: out, PAGEREF_CONFIG: configFile, PAGEREF_HOVER: `${hover.line},${hover.character}` },
  });
  assert.ok(fs.existsSync(out), `${argv[0]} wrote nothing (status ${r.status}): ${r.stderr}`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(result.error, undefined, `${argv[0]}: ${result.error}`);
  return result;
}

const inputs = () => {
  const files = [path.join(ROOT, 'examples', 'series.mbox')];
  const seed = fs.existsSync(SEEDS) ? fs.readdirSync(SEEDS).find((f) => f.startsWith('001_')) : undefined;
  if (seed) files.push(path.join(SEEDS, seed));
  return { files, skipSeed: seed ? false : `no seeds at ${SEEDS}` };
};

/** Neovim's client decodes JSON nulls in objects as absent keys (vim.json.decode's luanil). */
const dropNulls = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (x === null ? undefined : x)));

interface LspDiagnostic { code: string; source: string; severity: number; codeDescription?: { href: string }; relatedInformation?: unknown[]; range: { start: { line: number } } }
interface Lens { command: { title: string; command: string; arguments?: unknown[] } }

for (const input of inputs().files) {
  const s = scratch(input);
  const name = path.basename(s.file);
  test(`Neovim 0.7, README's Lua, on ${name}: diagnostics, hover, code lenses, inlay hints, outline, simulate, SARIF, draft reply`, { skip: has('nvim') ? false : 'nvim is not installed' }, () => {
    const { dir, report, hunks, call } = expected(s.file);
    const got = runEditor(['nvim', '--headless', '--clean', '-c', `luafile ${path.join(ROOT, 'test', 'editors', 'nvim.lua')}`], s, { ext: 'lua', text: readmeBlock('lua') }, call);
    assert.ok(['diff', 'mail', 'gitsendemail'].includes(String(got.filetype)), `filetype ${got.filetype}`);

    const findings = hunks.flatMap((h) => h.findings);
    const diagnostics = got.diagnostics as LspDiagnostic[];
    const ruleDiagnostics = diagnostics.filter((d) => d.code !== 'input');
    assert.deepEqual(ruleDiagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort(), findings.map((f) => `${f.ruleId}@${f.line}`).sort());
    assert.equal(got.shown, diagnostics.length, 'Neovim shows every diagnostic it received');
    for (const d of ruleDiagnostics) {
      assert.equal(d.source, 'pageref');
      const readme = new URL(d.codeDescription!.href);
      assert.equal(readme.protocol, 'file:');
      assert.ok(fs.existsSync(readme.pathname) && readme.pathname.endsWith(`/${d.code}/README.md`), readme.href);
    }
    const fixed = findings.filter((f) => f.status === 'fixed').length;
    assert.equal(ruleDiagnostics.filter((d) => d.severity === 3).length >= fixed, true, 'fixed hazards are information');
    assert.ok(ruleDiagnostics.some((d) => (d.relatedInformation ?? []).length > 0), 'trace steps as related information');

    const hover = got.hover as { contents: { value: string } };
    assert.match(hover.contents.value, new RegExp(`^\\*\\*${call.callee}\\*\\* · PageRef Lens, era ${report.era}`));
    assert.match(hover.contents.value, /\| type \| scenario \| before the patch \| after the patch \|/);

    const lenses = got.codeLens as Lens[];
    assert.equal(lenses.length, 2 * hunks.length);
    assert.deepEqual(lenses.filter((l) => l.command.title === 'Simulate this hunk').map((l) => l.command.arguments?.[1]), hunks.map((_, i) => i + 1));

    const hints = got.inlayHints as { label: string; position: { line: number } }[];
    for (const e of hunks.flatMap((h) => h.effects)) {
      assert.ok(hints.some((h) => h.position.line === e.line && h.label === effectLabel(e)), `no inlay hint "${effectLabel(e)}" on line ${e.line}`);
    }

    const symbols = got.symbols as { name: string; children: { name: string; children: unknown[] }[] }[];
    assert.equal(symbols.length, report.patches.length);
    assert.equal(symbols.flatMap((p) => p.children.flatMap((f) => f.children)).length, hunks.length);

    const sim = cli(['simulate', name, '--hunk', '1', '--format', 'json'], dir) as { traces: unknown[] };
    const gotSim = got.simulate as { traces: { steps: unknown[] }[] };
    assert.ok(gotSim.traces.some((t) => t.steps.length > 0), 'the simulate command returns steps');
    assert.deepEqual(gotSim.traces, dropNulls(sim.traces));
    assert.deepEqual(got.sarif, dropNulls(cli(['review', '--format', 'sarif', name], dir)));
    assertDraftReply(got.reply, name, dir);
  });

  test(`Emacs 28 + eglot, README's eglot-server-programs entry, on ${name}: diagnostics, hover and draft reply`, { skip: has('emacs') ? false : 'emacs is not installed' }, () => {
    const { dir, hunks, call } = expected(s.file);
    const got = runEditor(['emacs', '-Q', '--batch', '-l', path.join(ROOT, 'test', 'editors', 'eglot.el')], s, { ext: 'el', text: readmeBlock('elisp') }, call);
    const findings = hunks.flatMap((h) => h.findings);
    // eglot formats a diagnostic as "source [code]: message".
    const texts = (got.diagnostics as { text: string; line: number }[]).filter((d) => !/\[input\]/.test(d.text));
    assert.deepEqual(texts.map((d) => `${/^pageref \[([a-z-]+)\]/.exec(d.text)?.[1]}@${d.line - 1}`).sort(), findings.map((f) => `${f.ruleId}@${f.line}`).sort());
    const hover = got.hover as { contents: { value: string } };
    assert.match(hover.contents.value, new RegExp(`^\\*\\*${call.callee}\\*\\*`));
    assert.match(hover.contents.value, /before the patch \| after the patch/);
    assertDraftReply(got.reply, name, dir);
  });

  test(`Vim, README's errorformat and pageref review, on ${name}: the quickfix list`, { skip: has('vim') ? false : 'vim is not installed' }, () => {
    const { hunks } = expected(s.file);
    const got = runEditor(['vim', '-u', 'NONE', '-i', 'NONE', '-N', '-es', '-S', path.join(ROOT, 'test', 'editors', 'quickfix.vim')], s, { ext: 'vim', text: readmeBlock('vim') });
    const list = got as unknown as { lnum: number; col: number; type: string; text: string }[];
    const type = { error: 'e', warning: 'w', info: 'i' } as const;
    const findings = hunks.flatMap((h) => h.findings);
    assert.ok(findings.length > 0);
    for (const f of findings) {
      assert.ok(list.some((e) => e.lnum === f.line + 1 && e.type === type[f.severity] && e.text.startsWith(`[${f.ruleId}]`)), `no quickfix entry for ${f.ruleId} at line ${f.line + 1}`);
    }
  });
}

test('the seed thread is checked in the editors', { skip: inputs().skipSeed }, () => {
  assert.equal(inputs().files.length, 2);
});
