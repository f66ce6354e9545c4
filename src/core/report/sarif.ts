// SARIF 2.1.0 of a review: one result per finding, ruleId = the rule folder's id. Pure: the CLI
// (`review --format sarif`) and the editor's "Export SARIF" both call it and write
// JSON.stringify(log, null, 2) + "\n", so the two give the same bytes for the same review.
// Checked by @microsoft/sarif-multitool (rule kinds Sarif;Gh) and the 2.1.0 schema in the tests.
import type * as Sarif from 'sarif';
import type { InputDocument, Severity } from '../types';
import type { Finding, ReviewReport, RuleId, TraceStep } from './types';
import { RULE_IDS } from './types';
import { decodeInput } from '../patch/text';
import { findingsOf, hash64, pageStateText, ruleDescription, ruleSeverity, ruleSummary, stripLinks } from './common';

const LEVEL: Record<Severity, Sarif.Result.level> = { info: 'note', warning: 'warning', error: 'error' };
const BASELINE: Record<Finding['status'], Sarif.Result.baselineState> = { introduced: 'new', fixed: 'absent', present: 'unchanged', 'cannot-fire': 'new' };
/** The tool has no web home yet: a URN names it (SARIF wants an absolute URI here). */
const INFORMATION_URI = 'urn:pageref-lens';
/** uriBaseId of the documents' directory. */
const ROOT_ID = 'SRCROOT';
/** partialFingerprints key: versioned, as GitHub code scanning keys its own. */
const FINGERPRINT = 'pagerefFinding/v1';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Each rule's README (Markdown), by id: fullDescription and help are made from it. */
  readonly ruleDocs: Readonly<Partial<Record<RuleId, string>>>;
  /** Absolute POSIX path of the directory relative document names start from (the CLI's working
   * directory, the editor's workspace folder): SRCROOT's URI. Without it SRCROOT is left unresolved. */
  readonly sourceRoot?: string;
}

/** The log of `report`; `docs` are the reviewed documents (the text of each finding's line is part
 * of its fingerprint, so the fingerprint does not move with line numbers or context size). */
export function toSarif(report: ReviewReport, docs: readonly InputDocument[], opts: SarifOptions): Sarif.Log {
  const root = opts.sourceRoot === undefined ? undefined : opts.sourceRoot.replace(/\/*$/, '/');
  const where = (source: string): Sarif.ArtifactLocation => artifact(source, root);
  const lineText = lineReader(docs);

  const rules: Sarif.ReportingDescriptor[] = RULE_IDS.map((id) => {
    const readme = opts.ruleDocs[id];
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: sentence(ruleSummary(id)) },
      fullDescription: { text: sentence(ruleDescription(readme, id)) },
      ...(readme && { help: { text: stripLinks(readme), markdown: stripLinks(readme) } }),
      defaultConfiguration: { level: LEVEL[ruleSeverity(id)] },
    };
  });

  const results: Sarif.Result[] = [];
  const seen = new Map<string, number>();
  for (const { patch, file, hunk, finding: x } of findingsOf(report)) {
    const key = [x.ruleId, x.status, [...x.types].sort().join(','), file.path, squash(lineText(patch.source, x.line)), x.message].join('\u0000');
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const function_ = hunk.function ? [{ name: hunk.function, fullyQualifiedName: `${file.path}:${hunk.function}`, kind: 'function' }] : undefined;
    results.push({
      ruleId: x.ruleId,
      ruleIndex: RULE_IDS.indexOf(x.ruleId),
      level: LEVEL[x.severity],
      baselineState: BASELINE[x.status],
      message: { text: sentence(`${x.status === 'fixed' ? 'Fixed by this patch: ' : ''}${x.message} (${x.types.join(', ')})`) },
      locations: [{
        physicalLocation: { artifactLocation: where(patch.source), region: { startLine: x.line + 1, startColumn: (x.character ?? 0) + 1 } },
        ...(function_ && { logicalLocations: function_ }),
      }],
      ...(x.related?.length && {
        relatedLocations: x.related.map((r, i) => ({
          id: i + 1,
          message: { text: sentence(r.message) },
          physicalLocation: { artifactLocation: where(patch.source), region: { startLine: r.line + 1 } },
        })),
      }),
      partialFingerprints: { [FINGERPRINT]: `${hash64(key)}:${n}` },
      ...(x.trace.length && { codeFlows: [codeFlow(x.trace, patch.source, where)] }),
      properties: { status: x.status, pgmapTypes: [...x.types], kernelFile: file.path, hunk: hunk.header, era: report.era },
    });
  }

  const sources = [...new Set(report.patches.map((p) => p.source))];
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'PageRef Lens', version: opts.toolVersion, informationUri: INFORMATION_URI, rules } },
      originalUriBaseIds: {
        [ROOT_ID]: root !== undefined ? { uri: fileUri(root) } : { description: { text: 'The directory the reviewed documents were named from.' } },
      },
      artifacts: sources.map((s) => ({ location: where(s), mimeType: 'text/plain' })),
      results,
      columnKind: 'utf16CodeUnits',
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: report.problems.map((pr) => ({
          level: pr.severity === 'info' ? 'note' : pr.severity,
          message: { text: sentence(pr.message) },
          ...(pr.source && { locations: [{ physicalLocation: { artifactLocation: where(pr.source), region: { startLine: (pr.line ?? 0) + 1 } } }] }),
        })),
      }],
      properties: { era: report.era, eraSource: report.eraSource },
    }],
  };
}

/** The trace as one thread flow: each step's statement, where it is, and the page state after it per pgmap type. */
function codeFlow(trace: readonly TraceStep[], source: string, where: (s: string) => Sarif.ArtifactLocation): Sarif.CodeFlow {
  return {
    threadFlows: [{
      locations: trace.map((s, i) => ({
        executionOrder: i + 1,
        location: {
          ...(s.line !== undefined && { physicalLocation: { artifactLocation: where(source), region: { startLine: s.line + 1 } } }),
          message: { text: sentence(`[${s.phase}] ${s.function}: ${s.statement}${s.note ? ` (${s.note})` : ''}`) },
          logicalLocations: [{ name: s.function, kind: 'function' }],
        },
        state: Object.fromEntries(s.types.map((t) => [t, { text: `${pageStateText(s.before)} -> ${pageStateText(s.after)}` }])),
      })),
    }],
  };
}

function artifact(source: string, root: string | undefined): Sarif.ArtifactLocation {
  if (source === '-') return { uri: 'stdin', description: { text: 'Standard input.' } };
  const posix = source.replace(/\\/g, '/');
  if (!posix.startsWith('/')) return { uri: encodePath(posix.replace(/^(\.\/)+/, '')), uriBaseId: ROOT_ID };
  if (root !== undefined && posix.startsWith(root)) return { uri: encodePath(posix.slice(root.length)), uriBaseId: ROOT_ID };
  return { uri: fileUri(posix) };
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');
const fileUri = (abs: string) => `file://${encodePath(abs)}`;

/** Lines of each document, decoded once, as the review read them. */
function lineReader(docs: readonly InputDocument[]): (source: string, line: number) => string {
  const cache = new Map<string, readonly string[]>();
  return (source, line) => {
    let lines = cache.get(source);
    if (!lines) {
      const doc = docs.find((d) => d.name === source);
      lines = doc ? decodeInput(doc.content).lines : [];
      cache.set(source, lines);
    }
    return lines[line] ?? '';
  };
}

/** A diff line's code with its prefix and whitespace runs dropped. */
const squash = (line: string) => line.replace(/^[-+ ]/, '').replace(/\s+/g, ' ').trim();
/** SARIF messages are sentences: they end with a period. */
const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);
/** "free-page-nonzero-refcount" -> "FreePageNonzeroRefcount" (SARIF's rule name style). */
const ruleName = (id: RuleId) => id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
