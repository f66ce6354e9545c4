// What must hold for every input, whatever its format: the review resolves (nothing escapes),
// gives the same JSON twice, keeps every position inside the document, uses only the contract's
// vocabulary, reports broken structure in `problems`, and still reviews the well-formed files.
import type { Analyzer, ReviewReport } from '../../src/core/index';
import { ASPECTS, ERAS, PGMAP_TYPES, RULE_IDS, SEVERITIES } from '../../src/core/index';
import type { Case } from './generators';

export interface Outcome {
  /** The exception that escaped review(), with its stack: must never happen. */
  readonly crash?: string;
  /** Broken promises of the contract (empty when all is well). */
  readonly violations: readonly string[];
  readonly problems: number;
  /** Wall time of the first review, in milliseconds. */
  readonly ms: number;
  readonly bytes: number;
  readonly json?: string;
}

/** Lines of the document as an editor counts them (\r\n, \r and \n all end a line). */
function lineCount(content: string | Uint8Array): number {
  let n = 1;
  const at = (i: number): number => (typeof content === 'string' ? content.charCodeAt(i) : content[i]);
  for (let i = 0; i < content.length; i++) {
    const c = at(i);
    if (c === 10 || (c === 13 && at(i + 1) !== 10)) n++;
  }
  return n;
}

const has = (list: readonly string[], x: unknown): boolean => typeof x === 'string' && list.includes(x);

/** Contract checks of one report against the document it came from. */
export function violationsOf(report: ReviewReport, c: Case): string[] {
  const v: string[] = [];
  const lines = lineCount(c.content);
  const line = (where: string, l: unknown, optional = false): void => {
    if (optional && l === undefined) return;
    if (!Number.isInteger(l) || (l as number) < 0 || (l as number) >= lines) v.push(`${where}: line ${String(l)} outside 0..${lines - 1}`);
  };
  if (report.version !== 1) v.push(`version ${String(report.version)}`);
  if (!has(ERAS, report.era)) v.push(`era ${String(report.era)}`);
  for (const p of report.problems) {
    if (!has(SEVERITIES, p.severity)) v.push(`problem severity ${String(p.severity)}`);
    if (typeof p.message !== 'string' || p.message.trim() === '') v.push('problem without a message');
    line(`problem "${p.message}"`, p.line, true);
  }
  for (const patch of report.patches) {
    for (const file of patch.files) {
      for (const h of file.hunks) {
        const where = `${file.path} ${h.header.slice(0, 40)}`;
        line(`${where} range start`, h.range.start.line);
        line(`${where} range end`, h.range.end.line);
        if (h.range.end.line < h.range.start.line) v.push(`${where}: range ends before it starts`);
        for (const call of h.calls) line(`${where} call ${call.callee}`, call.line);
        for (const e of h.effects) {
          if (!has(ASPECTS, e.aspect)) v.push(`${where}: aspect ${String(e.aspect)}`);
          line(`${where} effect ${e.aspect}`, e.line);
        }
        for (const f of h.findings) {
          if (!has(RULE_IDS, f.ruleId)) v.push(`${where}: ruleId ${String(f.ruleId)}`);
          if (!has(SEVERITIES, f.severity)) v.push(`${where}: severity ${String(f.severity)}`);
          if (!has(['introduced', 'fixed', 'present', 'cannot-fire'], f.status)) v.push(`${where}: status ${String(f.status)}`);
          if (!f.types.every((t) => has(PGMAP_TYPES, t))) v.push(`${where}: types ${f.types.join(',')}`);
          line(`${where} finding ${f.ruleId}`, f.line);
          for (const s of f.trace) line(`${where} trace step`, s.line, true);
        }
      }
    }
  }
  if (c.malformed && report.problems.length === 0) v.push('malformed input but no problem reported');
  for (const i of c.intact) {
    const hunks = report.patches.flatMap((p) => p.files.filter((f) => f.path === i.path).flatMap((f) => f.hunks));
    if (hunks.length === 0) v.push(`well-formed file ${i.path} not reviewed`);
    else if (!hunks.some((h) => h.calls.some((call) => call.callee === i.callee))) v.push(`well-formed file ${i.path}: call ${i.callee} not recognised`);
  }
  return v;
}

/** Reviews a case twice (the second time from the analyzer's warm cache) and checks both. */
export async function examine(analyzer: Analyzer, c: Case): Promise<Outcome> {
  const doc = { name: `${c.category}.patch`, content: c.content };
  const bytes = typeof c.content === 'string' ? new TextEncoder().encode(c.content).length : c.content.length;
  const t0 = performance.now();
  let report: ReviewReport;
  let again: ReviewReport;
  let ms: number;
  try {
    report = await analyzer.review([doc]);
    ms = performance.now() - t0;
    again = await analyzer.review([doc]);
  } catch (e) {
    return { crash: e instanceof Error ? (e.stack ?? e.message) : String(e), violations: [], problems: 0, ms: performance.now() - t0, bytes };
  }
  const json = JSON.stringify(report);
  const violations = violationsOf(report, c);
  if (JSON.stringify(again) !== json) violations.push('a second review of the same input gave different JSON');
  return { violations, problems: report.problems.length, ms, bytes, json };
}
