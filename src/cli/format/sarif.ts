// SARIF 2.1.0 of a review: one result per finding, ruleId = the rule folder's id.
// Pure function of the report; the CLI and the VS Code "Export SARIF" command both use it.
import type * as Sarif from 'sarif';
import type { Finding, ReviewReport, RuleId } from '../../core';
import { RULE_IDS } from '../../core';

const LEVEL: Record<Finding['severity'], Sarif.Result.level> = { info: 'note', warning: 'warning', error: 'error' };
const BASELINE: Record<Finding['status'], Sarif.Result.baselineState> = { introduced: 'new', fixed: 'absent', present: 'unchanged' };

export interface SarifOptions {
  readonly toolVersion: string;
  /** Short description of each rule, by id. */
  readonly ruleSummaries: Readonly<Partial<Record<RuleId, string>>>;
  /** Where a rule's documentation lives, by id (absolute or relative URI). */
  readonly ruleHelpUri: (id: RuleId) => string;
}

export function toSarif(report: ReviewReport, opts: SarifOptions): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULE_IDS.map((id) => ({
    id,
    shortDescription: { text: opts.ruleSummaries[id] ?? id },
    helpUri: opts.ruleHelpUri(id),
  }));
  const results: Sarif.Result[] = [];
  for (const p of report.patches) {
    for (const f of p.files) {
      for (const h of f.hunks) {
        for (const x of h.findings) {
          results.push({
            ruleId: x.ruleId,
            ruleIndex: RULE_IDS.indexOf(x.ruleId),
            level: LEVEL[x.severity],
            baselineState: BASELINE[x.status],
            message: { text: `${x.status === 'fixed' ? 'fixed by this patch: ' : ''}${x.message} (${x.types.join(', ')})` },
            locations: [{
              physicalLocation: {
                artifactLocation: { uri: p.source },
                region: { startLine: x.line + 1, startColumn: (x.character ?? 0) + 1 },
              },
              logicalLocations: [{ name: h.function, fullyQualifiedName: `${f.path}:${h.function}`, kind: 'function' }],
            }],
            relatedLocations: x.related?.map((r, i) => ({
              id: i,
              message: { text: r.message },
              physicalLocation: { artifactLocation: { uri: p.source }, region: { startLine: r.line + 1 } },
            })),
            properties: { status: x.status, pgmapTypes: [...x.types], kernelFile: f.path, hunk: h.header, era: report.era },
          });
        }
      }
    }
  }
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'PageRef Lens', version: opts.toolVersion, rules } },
      results,
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: report.problems.map((pr) => ({
          level: pr.severity === 'info' ? 'note' : pr.severity,
          message: { text: pr.message },
          locations: pr.source ? [{ physicalLocation: { artifactLocation: { uri: pr.source }, region: { startLine: (pr.line ?? 0) + 1 } } }] : undefined,
        })),
      }],
      properties: { era: report.era, eraSource: report.eraSource },
    }],
  };
}
