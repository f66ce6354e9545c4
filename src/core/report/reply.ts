// The reply a reviewer sends: the patch quoted as mail clients quote it ("> "), each finding
// written under the hunk lines it concerns (the predicted transition and the trace in a few
// lines), hunks without findings trimmed to "[...]". Only what the patch and the review say:
// no From (the reviewer's client adds it), no greeting, no sign-off. Pure.
import type { InputDocument, Problem } from '../types';
import type { Effect, Finding, HunkReport, PatchReport, ReviewReport, TraceStep } from './types';
import type { FileDiff, Hunk, Series } from '../patch/types';
import { decodeInput } from '../patch/text';
import { pageStateText, patchOf, statusPrefix } from './common';

export interface ReplyOptions {
  /** The patch to answer: its k of "[PATCH k/n]", else its position (1-based). Default: the first
   * patch with a finding the patch introduces or leaves, else the first patch. */
  readonly patch?: number;
}

export interface Reply {
  /** The reply as an RFC 5322 message (headers, blank line, body), lines ending in "\n". */
  readonly text?: string;
  /** The patch it answers. */
  readonly patch?: PatchReport;
  readonly problems: readonly Problem[];
}

const WIDTH = 72;
const TRACE_LINES = 5;

/** The reply to one patch of a reviewed document; `series` and `doc` are what the review read. */
export function composeReply(doc: InputDocument, series: Series, report: ReviewReport, options: ReplyOptions = {}): Reply {
  const own = report.patches.filter((p) => p.source === doc.name);
  const chosen = pick(own, options.patch);
  if ('error' in chosen) return { problems: [{ severity: 'error', message: chosen.error }] };
  const pr = chosen.patch;
  const patch = patchOf([series], pr);
  if (!patch) return { problems: [{ severity: 'error', message: `patch "${pr.subject}" not found in ${doc.name}` }] };
  const lines = decodeInput(doc.content).lines;
  const effects = pr.files.flatMap((f) => f.hunks.flatMap((h) => h.effects));

  const body: string[] = [];
  if (patch.from) body.push(`On ${patch.date ? `${patch.date}, ` : ''}${patch.from} wrote:`);
  let trimmed = false;
  const trim = () => {
    if (!trimmed) body.push('[...]', '');
    trimmed = true;
  };
  // The commit message is trimmed: the reply is about the code.
  trim();
  for (const file of patch.files) {
    const reports = pr.files.find((f) => f.path === file.path)?.hunks ?? [];
    let headerQuoted = false;
    for (const hunk of file.hunks) {
      const hr = reports.find((r) => r.range.start.line === hunk.range.start.line);
      if (!hr || hr.findings.length === 0) {
        trim();
        continue;
      }
      if (!headerQuoted) body.push(...fileHeader(lines, file, hunk).map(quote));
      headerQuoted = true;
      trimmed = false;
      body.push(...quoteHunk(hunk, hr, effects));
    }
  }
  while (body.at(-1) === '' || body.at(-1) === '[...]') body.pop();

  const subject = /^re:/i.test(patch.rawSubject) ? patch.rawSubject : `Re: ${patch.rawSubject || pr.subject}`;
  const headers = [`Subject: ${subject}`];
  if (patch.from) headers.push(`To: ${patch.from}`);
  if (patch.messageId) {
    headers.push(`In-Reply-To: <${patch.messageId}>`);
    headers.push(`References: ${[patch.inReplyTo, patch.messageId].filter(Boolean).map((id) => `<${id}>`).join(' ')}`);
  }
  headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
  const problems: Problem[] = patch.messageId ? [] : [{ severity: 'warning', message: 'the patch has no Message-ID: the reply cannot name it in In-Reply-To' }];
  return { text: `${headers.join('\n')}\n\n${body.join('\n')}\n`, patch: pr, problems };
}

function pick(patches: readonly PatchReport[], n: number | undefined): { patch: PatchReport } | { error: string } {
  if (patches.length === 0) return { error: 'nothing to reply to: the document has no patch' };
  if (n === undefined) return { patch: patches.find((p) => p.files.some((f) => f.hunks.some((h) => h.findings.some((x) => x.status !== 'fixed')))) ?? patches[0] };
  const byIndex = patches.find((p) => p.index === n);
  if (byIndex) return { patch: byIndex };
  if (patches.every((p) => p.index === undefined) && n >= 1 && n <= patches.length) return { patch: patches[n - 1] };
  return { error: `no patch ${n} in this document (it has ${patches.map((p, i) => p.index ?? i + 1).join(', ')})` };
}

/** The "diff --git" / "---" / "+++" lines above a file's first hunk, as the document has them. */
function fileHeader(lines: readonly string[], file: FileDiff, first: Hunk): string[] {
  const out: string[] = [];
  for (let i = file.headerLine; i < first.headerLine && i < lines.length; i++) if (/^(diff |--- |\+\+\+ )/.test(lines[i])) out.push(lines[i]);
  return out;
}

const PREFIX = { context: ' ', add: '+', del: '-' } as const;

function quoteHunk(hunk: Hunk, hr: HunkReport, effects: readonly Effect[]): string[] {
  const out = [quote(hunk.header)];
  const at = new Map<number, Finding[]>();
  const inside = new Set(hunk.lines.map((l) => l.line));
  for (const x of hr.findings) {
    const line = inside.has(x.line) ? x.line : hunk.headerLine;
    at.set(line, [...(at.get(line) ?? []), x]);
  }
  const comment = (line: number) => {
    for (const x of at.get(line) ?? []) out.push('', ...findingText(x, effects.filter((e) => e.line === x.line && e.types.some((t) => x.types.includes(t)))), '');
  };
  comment(hunk.headerLine);
  for (const l of hunk.lines) {
    out.push(quote(PREFIX[l.kind] + l.text));
    comment(l.line);
  }
  if (out.at(-1) !== '') out.push('');
  return out;
}

function findingText(x: Finding, effects: readonly Effect[]): string[] {
  const out = wrap(`${x.ruleId} (${x.status === 'fixed' ? 'fixed' : x.severity}; ${x.types.join(', ')}): ${statusPrefix(x)}${x.message}`);
  for (const e of effects) out.push(...wrap(`Predicted: ${e.explanation}`));
  const steps = x.trace.filter((s) => pageStateText(s.before) !== pageStateText(s.after));
  if (steps.length) {
    out.push(`Trace (${steps[0].types.join(', ')}):`);
    if (steps.length > TRACE_LINES) out.push(`  (${steps.length - TRACE_LINES} earlier steps)`);
    for (const s of steps.slice(-TRACE_LINES)) out.push(stepLine(s));
  }
  return out.map(safe);
}

/** "  folio_put(folio): rc 1->0" : the statement and only what it changes. */
function stepLine(s: TraceStep): string {
  const what = s.statement.length > 40 ? `${s.statement.slice(0, 39)}…` : s.statement;
  const fields: [string, unknown, unknown][] = [
    ['rc', s.before.refcount ?? '?', s.after.refcount ?? '?'], ['map', s.before.mapcount, s.after.mapcount], ['pgmap', s.before.pgmapRefs, s.after.pgmapRefs],
    ['pte', s.before.mapping + (s.before.mappingHoldsRef ? '+ref' : ''), s.after.mapping + (s.after.mappingHoldsRef ? '+ref' : '')], ['pin', s.before.pinned, s.after.pinned],
  ];
  const changed = fields.filter(([, a, b]) => a !== b).map(([k, a, b]) => `${k} ${a}->${b}`);
  return `  ${what}: ${changed.length ? changed.join(', ') : `${s.before.phase}->${s.after.phase}`}`;
}

const quote = (line: string) => (line === '' ? '>' : `> ${line}`);

/** A line we write never starts like a patch or an mbox separator (git mailinfo, b4). */
const safe = (line: string) => (/^(---|diff -|Index: |From )/.test(line) ? ` ${line}` : line);

function wrap(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
