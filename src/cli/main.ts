// `pageref`: the command-line adapter over the core façade (model-contract.md, "CLI").
// Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createAnalyzer, PGMAP_TYPES, SEVERITIES, type InputDocument, type ReviewReport, type Severity, type RuleId } from '../core';
import { loadAssets } from './assets';
import { diskKernelTree } from '../node/kernel-tree';
import { reviewToText, scanToText, simulateToText } from './format/text';
import { toSarif } from './format/sarif';
import { jsonPieces } from './format/json';
import { RULES } from '../core/rules';

const VERSION = '0.1.0';
const USAGE = `usage:
  pageref review   [--era E0..E5|vX.Y|auto] [--format text|json|sarif] [--kernel-tree DIR]
                   [--fail-on info|warning|error] [--include-present] FILE... | -
  pageref simulate FILE --hunk N [--type ${PGMAP_TYPES.join('|')}] [--era ...] [--kernel-tree DIR] [--format text|json]
  pageref scan     [--format text|json] PATH...`;

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

const ruleSummaries = Object.fromEntries([...RULES.values()].map((r) => [r.meta.id, r.meta.summary])) as Partial<Record<RuleId, string>>;
const ruleDocs = (id: RuleId) => RULES.get(id)?.meta.docs ?? `src/core/rules/${id}/README.md`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!command) throw new UsageError('missing command: review, simulate or scan (see pageref --help for usage)');
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
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
    },
  });
  const analyzer = await createAnalyzer(loadAssets(__dirname));
  try {
    switch (command) {
      case 'review': {
        if (!positionals.length) throw new UsageError('review needs at least one FILE (or - for stdin)');
        const format = option(values.format, ['text', 'json', 'sarif'] as const, 'format', 'text');
        const failOn = option(values['fail-on'], SEVERITIES, 'fail-on', 'warning');
        const docs = positionals.map(readInput);
        const report = await analyzer.review(docs, {
          era: values.era,
          kernelTree: kernelTreeOption(values['kernel-tree']),
          includePresent: values['include-present'] ?? false,
        });
        const eraError = report.problems.find((p) => p.message.startsWith('unknown era'));
        if (eraError) throw new UsageError(eraError.message);
        if (format === 'json') await writeJson(report);
        else if (format === 'sarif') {
          const log = toSarif(report, { toolVersion: VERSION, ruleSummaries, ruleHelpUri: ruleDocs });
          await writeJson(log);
        } else process.stdout.write(reviewToText(report));
        const reviewed = report.patches.some((p) => p.files.some((f) => f.hunks.length > 0));
        const worst = [...report.problems].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))[0];
        if (!reviewed && worst && worst.severity !== 'info') {
          process.stderr.write(`pageref: nothing reviewable: ${worst.message}\n`);
          return 2;
        }
        return countAtOrAbove(report, failOn) > 0 ? 1 : 0;
      }
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
        const report = analyzer.scan(files.map((f) => ({ path: f, text: fs.readFileSync(f, 'utf8') })));
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
