// `pageref`: the command-line adapter over the core façade (model-contract.md, "CLI").
// Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  composeReply, createAnalyzer, PGMAP_TYPES, SEVERITIES, toB4, toCheckpatch, toPatchwork, toSarif,
  type Analyzer, type InputDocument, type ReviewReport, type Severity,
} from '../core';
import { loadAssets, readRuleDocs } from '../node/assets';
import { diskKernelTree } from '../node/kernel-tree';
import { reviewToText, scanToText, simulateToText } from './format/text';
import { jsonPieces } from './format/json';

const VERSION = '0.1.0';
const FORMATS = ['text', 'json', 'sarif', 'checkpatch', 'b4', 'patchwork'] as const;
const USAGE = `usage:
  pageref review   [--era E0..E5|vX.Y|auto] [--format ${FORMATS.join('|')}] [--kernel-tree DIR]
                   [--fail-on info|warning|error] [--include-present] [--series DIR|MBOX]
                   [--target-url URL] FILE... | -
  pageref reply    FILE [--patch N] [--series DIR|MBOX] [--era ...] [--kernel-tree DIR]
  pageref simulate FILE --hunk N [--type ${PGMAP_TYPES.join('|')}] [--era ...] [--kernel-tree DIR] [--format text|json]
  pageref scan     [--format text|json] PATH...
  pageref lsp      --stdio   (the language server, for editors)`;

class UsageError extends Error {}

function readInput(file: string): InputDocument {
  // A Buffer is a Uint8Array: handed over as it is (a copy would double a large input's memory).
  if (file === '-') return { name: '-', content: fs.readFileSync(0) };
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  if (st.isDirectory()) throw new UsageError(`${file} is a directory; review takes patch files (scan takes directories)`);
  return { name: file, content: fs.readFileSync(file) };
}

/** JSON.stringify(value, null, 2) and a newline, written in pieces of about a megabyte as stdout takes
 * them: the report of a large diff is tens of MB, and holding it as one string (and its encoded copy,
 * or a pipe's queue of them) would double the peak memory. */
async function writeJson(value: unknown): Promise<void> {
  let pending = '';
  for (const chunk of jsonPieces(value)) {
    pending += chunk;
    if (pending.length >= 1 << 20) {
      if (!process.stdout.write(pending)) await once(process.stdout, 'drain');
      pending = '';
    }
  }
  process.stdout.write(pending + '\n');
}

/** Larger files are not read as series context. */
const CONTEXT_MAX_BYTES = 16 << 20;
const CONTEXT_MAX_FILES = 2000;

/** The documents --series names: an mbox (or one patch file), or every file of a folder (git am's
 * rebase-apply, a format-patch output folder). */
function seriesDocs(p: string): InputDocument[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UsageError(`--series ${p}: no such file or directory`);
  }
  if (!st.isDirectory()) return [readInput(p)];
  return contextFiles(p, () => true);
}

function contextFiles(dir: string, want: (name: string) => boolean): InputDocument[] {
  const docs: InputDocument[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isFile() || !want(e.name) || docs.length >= CONTEXT_MAX_FILES) continue;
    const f = path.join(dir, e.name);
    if (fs.statSync(f).size <= CONTEXT_MAX_BYTES) docs.push({ name: f, content: fs.readFileSync(f) });
  }
  return docs;
}

/** A patch k > 1 of a series given alone (a git hook passes one file): the patches before it are
 * looked for beside it, in the format-patch and mail files of its folder. */
function siblingDocs(docs: readonly InputDocument[]): InputDocument[] {
  const dirs = new Set<string>();
  for (const d of docs) {
    if (d.name === '-') continue;
    const head = Buffer.from(d.content.slice(0, 64 << 10)).toString('latin1');
    const m = /^Subject:[^\n]*\[[^\]]*?\b0*(\d+)\/\d+\]/im.exec(head);
    if (m && Number(m[1]) > 1) dirs.add(path.dirname(d.name));
  }
  const own = new Set(docs.map((d) => path.resolve(d.name)));
  return [...dirs].flatMap((dir) => contextFiles(dir, (n) => /\.(patch|eml|mbox|diff|txt)$/.test(n))).filter((d) => !own.has(path.resolve(d.name)));
}

function cFiles(p: string, out: string[]): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UsageError(`cannot read ${p}: no such file or directory`);
  }
  if (st.isFile()) {
    out.push(p);
    return;
  }
  for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const q = path.join(p, e.name);
    if (e.isDirectory()) cFiles(q, out);
    else if (/\.[ch]$/.test(e.name)) out.push(q);
  }
}

function option<T extends string>(value: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${value}')`);
  return value as T;
}

function kernelTreeOption(dir: string | undefined) {
  if (dir === undefined) return undefined;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--kernel-tree ${dir}: not a directory`);
  return diskKernelTree(dir);
}

function countAtOrAbove(report: ReviewReport, failOn: Severity): number {
  const min = SEVERITIES.indexOf(failOn);
  let n = 0;
  for (const p of report.patches) for (const f of p.files) for (const h of f.hunks) for (const x of h.findings) {
    if (x.status !== 'fixed' && SEVERITIES.indexOf(x.severity) >= min) n++;
  }
  return n;
}

/** Nothing was reviewed: a mail without a diff (a cover letter, a discussion) is nothing to review
 * (exit 0); an empty, binary or diffless non-mail input is an input error (exit 2). */
async function nothingReviewed(analyzer: Analyzer, docs: readonly InputDocument[], report: ReviewReport): Promise<string | undefined> {
  if (report.patches.some((p) => p.files.some((f) => f.hunks.length > 0))) return undefined;
  const worst = [...report.problems].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))[0];
  if (worst?.severity === 'error') return worst.message;
  for (const d of docs) if ((await analyzer.parse(d)).format === 'unified-diff') return worst && worst.severity !== 'info' ? worst.message : undefined;
  return undefined;
}

async function review(analyzer: Analyzer, positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  if (!positionals.length) throw new UsageError('review needs at least one FILE (or - for stdin)');
  const format = option(values.format as string | undefined, FORMATS, 'format', 'text');
  const failOn = option(values['fail-on'] as string | undefined, SEVERITIES, 'fail-on', 'warning');
  const targetUrl = values['target-url'] as string | undefined;
  if (targetUrl !== undefined && (format !== 'patchwork' || !/^https?:\/\/\S+$/.test(targetUrl))) {
    throw new UsageError(format !== 'patchwork' ? '--target-url goes with --format patchwork' : `--target-url must be an http(s) URL (got '${targetUrl}')`);
  }
  const docs = positionals.map(readInput);
  const seriesOption = values.series as string | undefined;
  const report = await analyzer.review(docs, {
    era: values.era as string | undefined,
    kernelTree: kernelTreeOption(values['kernel-tree'] as string | undefined),
    includePresent: (values['include-present'] as boolean | undefined) ?? false,
    series: seriesOption !== undefined ? seriesDocs(seriesOption) : siblingDocs(docs),
  });
  const eraError = report.problems.find((p) => p.message.startsWith('unknown era'));
  if (eraError) throw new UsageError(eraError.message);
  const unreadable = await nothingReviewed(analyzer, docs, report);
  if (unreadable !== undefined) {
    process.stderr.write(`pageref: nothing reviewable: ${unreadable}\n`);
    return 2;
  }
  switch (format) {
    case 'json':
      await writeJson(report);
      break;
    case 'sarif':
      await writeJson(toSarif(report, docs, { toolVersion: VERSION, ruleDocs: readRuleDocs(__dirname), sourceRoot: process.cwd() }));
      break;
    case 'checkpatch':
      // Only finding lines on stdout (b4 counts each as a warning); what could not be read goes to stderr.
      process.stdout.write(toCheckpatch(report));
      for (const pr of report.problems) if (pr.severity !== 'info') process.stderr.write(`pageref: ${pr.source ?? '-'}:${(pr.line ?? 0) + 1}: ${pr.message}\n`);
      break;
    case 'b4':
      await writeJson(toB4(report));
      break;
    case 'patchwork':
      await writeJson(toPatchwork(report, await Promise.all(docs.map((d) => analyzer.parse(d))), targetUrl));
      break;
    default:
      process.stdout.write(reviewToText(report));
  }
  return countAtOrAbove(report, failOn) > 0 ? 1 : 0;
}

async function reply(analyzer: Analyzer, positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('reply takes exactly one FILE');
  const n = values.patch === undefined ? undefined : Number(values.patch);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UsageError('--patch N takes a patch number (k of [PATCH k/n], 1-based)');
  const doc = readInput(positionals[0]);
  const seriesOption = values.series as string | undefined;
  const report = await analyzer.review([doc], {
    era: values.era as string | undefined,
    kernelTree: kernelTreeOption(values['kernel-tree'] as string | undefined),
    series: seriesOption !== undefined ? seriesDocs(seriesOption) : siblingDocs([doc]),
  });
  const eraError = report.problems.find((p) => p.message.startsWith('unknown era'));
  if (eraError) throw new UsageError(eraError.message);
  const r = composeReply(doc, await analyzer.parse(doc), report, { patch: n });
  const error = r.problems.find((p) => p.severity === 'error');
  if (error || r.text === undefined) throw new UsageError(error?.message ?? 'no reply');
  for (const pr of r.problems) process.stderr.write(`pageref: ${pr.message}\n`);
  process.stdout.write(r.text);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!command) throw new UsageError('missing command: review, reply, simulate or scan (see pageref --help for usage)');
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The language server is its own bundle beside this one; it serves stdin/stdout until the client's exit.
  if (command === 'lsp') return import(pathToFileURL(path.join(__dirname, 'lsp.js')).href).then(() => new Promise<number>(() => {}));
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      era: { type: 'string' },
      format: { type: 'string' },
      'kernel-tree': { type: 'string' },
      'fail-on': { type: 'string' },
      'include-present': { type: 'boolean' },
      hunk: { type: 'string' },
      type: { type: 'string' },
      series: { type: 'string' },
      'target-url': { type: 'string' },
      patch: { type: 'string' },
    },
  });
  const analyzer = await createAnalyzer(loadAssets(__dirname));
  try {
    switch (command) {
      case 'review':
        return await review(analyzer, positionals, values);
      case 'reply':
        return await reply(analyzer, positionals, values);
      case 'simulate': {
        if (positionals.length !== 1) throw new UsageError('simulate takes exactly one FILE');
        const n = Number(values.hunk);
        if (!Number.isInteger(n) || n < 1) throw new UsageError('simulate needs --hunk N (1-based hunk number in document order)');
        const type = values.type === undefined ? undefined : option(values.type, PGMAP_TYPES, 'type', 'PRIVATE');
        const format = option(values.format, ['text', 'json'] as const, 'format', 'text');
        const r = await analyzer.simulate(readInput(positionals[0]), n, { era: values.era, kernelTree: kernelTreeOption(values['kernel-tree']) });
        if ('error' in r) throw new UsageError(r.error);
        if (format === 'json') {
          const traces = type ? r.traces.filter((t) => t.type === type) : r.traces;
          await writeJson({ version: 1, ...r, traces });
        } else process.stdout.write(simulateToText(r, type));
        return 0;
      }
      case 'scan': {
        if (!positionals.length) throw new UsageError('scan needs at least one PATH');
        const format = option(values.format, ['text', 'json'] as const, 'format', 'text');
        const files: string[] = [];
        for (const p of positionals) cFiles(p, files);
        const report = await analyzer.scan(files.map((f) => ({ path: f, text: fs.readFileSync(f, 'utf8') })));
        if (format === 'json') await writeJson(report);
        else process.stdout.write(scanToText(report));
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${command}' (see pageref --help for usage)`);
    }
  } finally {
    analyzer.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const msg = e instanceof UsageError || (e instanceof TypeError && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      ? (e as Error).message
      : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`pageref: ${msg}\n`);
    process.exitCode = 2;
  },
);
