// The measure: every corpus (real mail, mutations, the cut corpus, rule cases) reviewed in every
// mode it allows (fragment, kernel tree) and context size, scored against expectations written
// from the kernel source (expect.ts). Semantic recall: expected behaviour changes found.
// Negative precision: neutral cases left without a finding. Used by bench/measure.ts (table, JSON)
// and test/measure/measure.test.ts (per-case status against status.json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Analyzer, Era, InputDocument, KernelTree } from '../../src/core/index';
import { diskKernelTree } from '../../src/node/kernel-tree';
import { CASES } from '../corpus/cases';
import { makeDiff } from '../corpus/cut';
import { ROOT } from '../helpers/assets';
import { kernelDir, SHARED } from '../helpers/inputs';
import { diffFiles, generate, mail } from '../mutations/generate';
import { MUTATIONS } from '../mutations/mutations';
import { score, type Expectation, type Outcome } from './expect';

export type Mode = 'fragment' | 'kernel-tree';

/** One review to run: a case of a corpus in one mode and context. */
export interface Run {
  readonly corpus: 'real-mail' | 'mutations' | 'corpus' | 'rule-cases';
  readonly id: string;
  readonly mode: Mode;
  /** 'U3', 'U10', 'series U3', 'posted' (real mail as sent), 'as written' (rule cases). */
  readonly context: string;
  readonly expect: Expectation;
  readonly era: Era | 'auto';
  readonly docs: readonly InputDocument[];
  readonly tree?: KernelTree;
  readonly includePresent?: boolean;
}

export interface Result extends Outcome {
  readonly corpus: Run['corpus'];
  readonly id: string;
  readonly mode: Mode;
  readonly context: string;
  readonly kind: Expectation['kind'];
}

interface RealMailItem extends Expectation {
  readonly file: string;
  readonly era: Era;
  readonly tree?: '6.1' | '6.12';
  readonly reason: string;
}

export const REAL_MAIL: readonly RealMailItem[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'real-mail', 'expectations.json'), 'utf8')).items;

/** Context sizes of the mutation patches; the series is made at -U3. */
export const MUTATION_CONTEXTS = [1, 3, 10] as const;
const trees = new Map<string, KernelTree>();
/** One reader per tree, so what it caches is shared by every review. */
const treeAt = (dir: string): KernelTree => trees.get(dir) ?? trees.set(dir, diskKernelTree(dir)).get(dir)!;

/** Context sizes real mail with a tree is re-diffed at, besides the posted one. */
export const REDIFF_CONTEXTS = [1, 10] as const;


/** The files a mail's patch touches, before and after `patch -p1` applies it to `treeDir`. */
function applyMail(treeDir: string, text: string): { before: Map<string, string>; after: Map<string, string> } | undefined {
  const paths = [...new Set([...text.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]!))];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-real-mail-'));
  try {
    const before = new Map(paths.map((p) => [p, fs.readFileSync(path.join(treeDir, p), 'utf8')]));
    for (const [p, t] of before) {
      fs.mkdirSync(path.dirname(path.join(tmp, p)), { recursive: true });
      fs.writeFileSync(path.join(tmp, p), t);
    }
    const r = spawnSync('patch', ['-p1', '-s', '-f', '--no-backup-if-mismatch'], { cwd: tmp, input: text, encoding: 'utf8' });
    if (r.status !== 0) return undefined;
    return { before, after: new Map(paths.map((p) => [p, fs.readFileSync(path.join(tmp, p), 'utf8')])) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function realMailRuns(problems: string[]): Run[] {
  const runs: Run[] = [];
  for (const item of REAL_MAIL) {
    const file = path.join(SHARED, item.file);
    if (!fs.existsSync(file)) { problems.push(`real-mail ${item.file}: not found`); continue; }
    const docs = [{ name: path.basename(file), content: fs.readFileSync(file, 'utf8') }];
    const base = { corpus: 'real-mail', id: path.basename(item.file).replace(/\.(mbox|txt)$/, ''), context: 'posted', expect: item, era: item.era, docs } as const;
    runs.push({ ...base, mode: 'fragment' });
    const dir = item.tree && kernelDir(item.tree);
    if (!dir) continue;
    const t = treeAt(dir);
    runs.push({ ...base, mode: 'kernel-tree', tree: t });
    const applied = applyMail(dir, docs[0]!.content);
    if (!applied) { problems.push(`real-mail ${item.file}: does not apply to linux-${item.tree}`); continue; }
    const subject = /^Subject: (?:\[[^\]]*\] *)?(.*(?:\n[ \t].*)*)/m.exec(docs[0]!.content)?.[1]?.replace(/\n[ \t]+/g, ' ') ?? base.id;
    for (const c of REDIFF_CONTEXTS) {
      const rediffed = [{ name: `${base.id}-U${c}.mbox`, content: mail(subject, diffFiles(applied.before, applied.after, c)) }];
      for (const mode of ['fragment', 'kernel-tree'] as const) runs.push({ ...base, mode, context: `U${c}`, docs: rediffed, tree: mode === 'kernel-tree' ? t : undefined });
    }
  }
  return runs;
}

function mutationRuns(problems: string[]): Run[] {
  const runs: Run[] = [];
  for (const m of MUTATIONS) {
    const dir = kernelDir(m.tree);
    if (!dir) { problems.push(`mutation ${m.id}: linux-${m.tree} missing`); continue; }
    const g = generate(m, dir, MUTATION_CONTEXTS);
    if (g.problems.length) { problems.push(...g.problems.map((p) => `mutation ${m.id}: ${p}`)); continue; }
    const t = treeAt(dir);
    const docs = (content: string, suffix: string) => [{ name: `${m.id}${suffix}.mbox`, content }];
    for (const mode of ['fragment', 'kernel-tree'] as const) {
      const base = { corpus: 'mutations', id: m.id, mode, expect: m.expect, era: 'E2', tree: mode === 'kernel-tree' ? t : undefined } as const;
      for (const [c, text] of g.patches) runs.push({ ...base, context: `U${c}`, docs: docs(text, `-U${c}`) });
      if (g.series) runs.push({ ...base, context: 'series U3', docs: docs(g.series, '-series') });
    }
  }
  return runs;
}

function corpusRuns(problems: string[]): Run[] {
  const runs: Run[] = [];
  for (const c of CASES) {
    const [from, to] = c.from === '6.12' ? (['6.12', '6.1'] as const) : (['6.1', '6.12'] as const);
    const a = kernelDir(from);
    const b = kernelDir(to);
    if (!a || !b) { problems.push(`corpus ${c.id}: kernel trees missing`); continue; }
    const expect: Expectation = { kind: c.kind, effects: c.expect.effects, findings: c.expect.findings };
    for (const context of [3, 10]) {
      const { diff, missing } = makeDiff(a, b, c.files, context);
      if (missing.length) { problems.push(`corpus ${c.id}: ${missing.join(', ')}`); break; }
      const docs = [{ name: `${c.id}.diff`, content: diff }];
      for (const mode of ['fragment', 'kernel-tree'] as const) {
        runs.push({ corpus: 'corpus', id: c.id, mode, context: `U${context}`, expect, era: c.era, docs, tree: mode === 'kernel-tree' ? treeAt(a) : undefined });
      }
    }
  }
  return runs;
}

function ruleCaseRuns(): Run[] {
  const dir = path.join(ROOT, 'src', 'core', 'rules');
  const runs: Run[] = [];
  for (const rule of fs.readdirSync(dir).sort()) {
    const cases = path.join(dir, rule, 'cases');
    if (!fs.existsSync(cases)) continue;
    for (const file of fs.readdirSync(cases).filter((f) => f.endsWith('.patch')).sort()) {
      const text = fs.readFileSync(path.join(cases, file), 'utf8');
      const era = /^era: (E[0-5])$/m.exec(text)?.[1] as Era | undefined;
      const status = /^expect: (introduced|fixed|present|cannot-fire|none)$/m.exec(text)?.[1];
      if (!era || !status) continue;
      const expect: Expectation = status === 'none'
        ? { kind: 'neutral', effects: [], findings: [] }
        : { kind: 'semantic', effects: [], findings: [{ ruleId: rule as never, status: status as 'introduced', types: [] }] };
      runs.push({ corpus: 'rule-cases', id: `${rule}/${file.replace(/\.patch$/, '')}`, mode: 'fragment', context: 'as written', expect, era, docs: [{ name: file, content: text }], includePresent: status === 'present' });
    }
  }
  return runs;
}

export const CORPORA = ['real-mail', 'mutations', 'corpus', 'rule-cases'] as const;

/** Every run of the measure, and what could not be built (missing inputs, stale anchors). */
export function buildRuns(): { runs: Run[]; problems: string[] } {
  const problems: string[] = [];
  const runs = [...realMailRuns(problems), ...mutationRuns(problems), ...corpusRuns(problems), ...ruleCaseRuns()];
  return { runs, problems };
}

export async function measure(analyzer: Analyzer, runs: readonly Run[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const r of runs) {
    const report = await analyzer.review(r.docs, { era: r.era, kernelTree: r.tree, includePresent: r.includePresent ?? false });
    const hunks = report.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
    const outcome = score(r.expect, hunks.flatMap((h) => h.effects), hunks.flatMap((h) => h.findings));
    results.push({ corpus: r.corpus, id: r.id, mode: r.mode, context: r.context, kind: r.expect.kind, ...outcome });
  }
  return results;
}

export interface Row {
  readonly corpus: string;
  readonly mode: Mode;
  readonly context: string;
  /** Semantic cases; expected items and those found; cases with every item found. */
  readonly semantic: number;
  readonly expected: number;
  readonly matched: number;
  readonly fullHits: number;
  /** Neutral cases, and those left with no finding. */
  readonly neutral: number;
  readonly clean: number;
}

export function summarize(results: readonly Result[]): Row[] {
  const rows = new Map<string, Row>();
  for (const r of results) {
    const key = `${r.corpus}\0${r.mode}\0${r.context}`;
    const row = rows.get(key) ?? { corpus: r.corpus, mode: r.mode, context: r.context, semantic: 0, expected: 0, matched: 0, fullHits: 0, neutral: 0, clean: 0 };
    rows.set(key, r.kind === 'semantic'
      ? { ...row, semantic: row.semantic + 1, expected: row.expected + r.expected, matched: row.matched + r.matched, fullHits: row.fullHits + (r.matched === r.expected ? 1 : 0) }
      : { ...row, neutral: row.neutral + 1, clean: row.clean + (r.unexpected.length === 0 ? 1 : 0) });
  }
  return [...rows.values()];
}

const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(0)}% (${n}/${d})` : '-');

export function table(rows: readonly Row[]): string {
  const head = ['corpus', 'mode', 'context', 'semantic recall (items)', 'cases fully found', 'negative precision'];
  const body = rows.map((r) => [r.corpus, r.mode, r.context, pct(r.matched, r.expected), pct(r.fullHits, r.semantic), pct(r.clean, r.neutral)]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/**
 * Context-size independence (issue #9: -U1, -U3, -U10 must give the same effects and findings):
 * per corpus and mode, the cases reviewed at several -U sizes and those whose outcome is the same
 * at every size, with the ids of the others.
 */
export function contextStability(results: readonly Result[]): { corpus: string; mode: Mode; cases: number; stable: number; unstable: string[] }[] {
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    if (!/^U\d+$/.test(r.context)) continue;
    const key = `${r.corpus}\0${r.mode}\0${r.id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = new Map<string, { corpus: string; mode: Mode; cases: number; stable: number; unstable: string[] }>();
  for (const rs of groups.values()) {
    if (rs.length < 2) continue;
    const { corpus, mode, id } = rs[0]!;
    const row = rows.get(`${corpus}\0${mode}`) ?? { corpus, mode, cases: 0, stable: 0, unstable: [] };
    row.cases++;
    if (rs.every((r) => r.status === rs[0]!.status)) row.stable++;
    else row.unstable.push(id);
    rows.set(`${corpus}\0${mode}`, row);
  }
  return [...rows.values()];
}

/** The status file: one line per run, sorted, so a change in any case shows as a diff. */
export function statusLines(results: readonly Result[]): string {
  return results.map((r) => `${r.corpus} ${r.id} [${r.mode} ${r.context}] ${r.status}`).sort().join('\n') + '\n';
}
