// Text output in the form kernel developers already read (gcc, sparse, coccicheck):
//   path:line:col: severity: [ruleId] message
// Lines and columns are 1-based here (the JSON is 0-based, for editors).
import { pageStateText as state, statusPrefix as status, type ReviewReport, type ScanReport, type SimulateResult, type Trace, type TraceStep } from '../../core';

export function reviewToText(report: ReviewReport): string {
  const out: string[] = [`era ${report.era} (${report.eraSource})`];
  let findings = 0;
  let effects = 0;
  let hunks = 0;
  for (const p of report.patches) {
    const where = `${p.source}:${p.startLine + 1}`;
    const title = p.index !== undefined ? `[${p.index}/${p.total ?? '?'}] ${p.subject}` : p.subject || '(diff)';
    out.push('', `${title}  (${where})${p.era ? `  era ${p.era}` : ''}`);
    for (const f of p.files) {
      for (const h of f.hunks) {
        hunks++;
        out.push(`  ${f.path} ${h.header}  [${h.source}]`);
        if (h.calls.length) out.push(`    calls: ${h.calls.map((c) => `${c.callee}@${c.line + 1}${c.side === 'both' ? '' : `(${c.side})`}`).join(' ')}`);
        for (const e of h.effects) {
          effects++;
          out.push(`${p.source}:${e.line + 1}:1: note: [${e.aspect}] ${e.types.join(',')}: ${e.explanation}`);
        }
        for (const x of h.findings) {
          findings++;
          out.push(`${p.source}:${x.line + 1}:${(x.character ?? 0) + 1}: ${x.severity}: [${x.ruleId}] ${status(x)}${x.message}`);
        }
      }
    }
  }
  if (report.problems.length) {
    out.push('');
    for (const pr of report.problems) out.push(`${pr.source ?? '-'}:${(pr.line ?? 0) + 1}:1: ${pr.severity}: [input] ${pr.message}`);
  }
  out.push('', `${report.patches.length} patch(es), ${hunks} hunk(s), ${effects} effect(s), ${findings} finding(s), ${report.problems.length} problem(s)`);
  return out.join('\n') + '\n';
}

export function scanToText(report: ScanReport): string {
  const out = report.calls.map((c) => `${c.path}:${c.line + 1}:${c.character + 1}: ${c.callee}${c.function ? ` in ${c.function}()` : ''}`);
  for (const pr of report.problems) out.push(`${pr.source ?? '-'}:${(pr.line ?? 0) + 1}:1: ${pr.severity}: ${pr.message}`);
  out.push(`${report.calls.length} call site(s) in ${report.files} file(s)`);
  return out.join('\n') + '\n';
}

function stepToText(s: TraceStep, i: number): string {
  const where = s.line !== undefined ? `line ${s.line + 1}` : 'table';
  return `  ${String(i + 1).padStart(3)}. [${s.phase}] ${s.function}: ${s.statement}  (${where})\n       ${state(s.before)}  ->  ${state(s.after)}${s.note ? `\n       ${s.note}` : ''}`;
}

export function simulateToText(r: SimulateResult, onlyType?: string): string {
  const out = [`hunk ${r.hunkNumber}: ${r.path} ${r.hunk.header}  [${r.hunk.source}]`];
  const traces: Trace[] = r.traces.filter((t) => !onlyType || t.type === onlyType);
  for (const t of traces) {
    out.push('', `${t.scenario} — ${t.type} — ${t.side}${t.truncated ? ` (truncated: ${t.truncated})` : ''}`);
    t.steps.forEach((s, i) => out.push(stepToText(s, i)));
  }
  if (r.hunk.effects.length) out.push('', 'effects:', ...r.hunk.effects.map((e) => `  [${e.aspect}] ${e.types.join(',')}: ${e.before} -> ${e.after}`));
  if (r.hunk.findings.length) out.push('', 'findings:', ...r.hunk.findings.map((f) => `  ${f.severity}: [${f.ruleId}] ${status(f)}${f.message}`));
  return out.join('\n') + '\n';
}
