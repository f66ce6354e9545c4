// The only place where core data becomes VS Code objects (ranges, diagnostics, icons, links).
import * as vscode from 'vscode';
import type { Finding, Problem, RuleId, Severity, TraceStep } from '../core';
import { SEVERITIES } from '../core';

/** From `character` (default: the first non-blank) to the end of the line, clamped to the document. */
export function lineRange(doc: vscode.TextDocument, line: number, character?: number): vscode.Range {
  const l = doc.lineAt(Math.min(Math.max(line, 0), doc.lineCount - 1));
  const start = Math.min(character ?? l.firstNonWhitespaceCharacterIndex, l.range.end.character);
  return new vscode.Range(l.lineNumber, start, l.lineNumber, Math.max(l.range.end.character, start));
}

const DIAGNOSTIC_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  info: vscode.DiagnosticSeverity.Information,
  warning: vscode.DiagnosticSeverity.Warning,
  error: vscode.DiagnosticSeverity.Error,
};

/** A hazard the patch fixes is good news: it is shown as information whatever the rule's severity. */
export function shownSeverity(f: Finding): Severity {
  return f.status === 'fixed' ? 'info' : f.severity;
}

export function atLeast(s: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(minimum);
}

function ruleDocUri(extensionUri: vscode.Uri, id: RuleId): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'src', 'core', 'rules', id, 'README.md');
}

function stepText(s: TraceStep): string {
  const rc = (n: number | null) => (n === null ? '?' : String(n));
  const change = s.before.refcount !== s.after.refcount ? `, refcount ${rc(s.before.refcount)} → ${rc(s.after.refcount)}` : '';
  return `${s.phase}: ${s.statement} (${s.types.join(',')}${change})`;
}

export function findingMessage(f: Finding): string {
  const types = f.types.join(', ');
  if (f.status === 'fixed') return `This patch fixes: ${f.message} (${types})`;
  return `${f.status === 'present' ? 'Still present: ' : ''}${f.message} (${types})`;
}

export function toDiagnostic(doc: vscode.TextDocument, f: Finding, extensionUri: vscode.Uri, maxRelated = 20): vscode.Diagnostic {
  const d = new vscode.Diagnostic(lineRange(doc, f.line, f.character), findingMessage(f), DIAGNOSTIC_SEVERITY[shownSeverity(f)]);
  d.source = 'pageref';
  d.code = { value: f.ruleId, target: ruleDocUri(extensionUri, f.ruleId) };
  const related = [
    ...(f.related ?? []).map((r) => ({ line: r.line, message: r.message })),
    ...f.trace.flatMap((s) => (s.line === undefined ? [] : [{ line: s.line, message: stepText(s) }])),
  ];
  d.relatedInformation = related.slice(0, maxRelated)
    .map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, lineRange(doc, r.line)), r.message));
  return d;
}

export function problemToDiagnostic(doc: vscode.TextDocument, p: Problem & { line: number }): vscode.Diagnostic {
  const d = new vscode.Diagnostic(lineRange(doc, p.line), p.message, DIAGNOSTIC_SEVERITY[p.severity]);
  d.source = 'pageref';
  d.code = 'input';
  return d;
}

const ICON: Record<Severity, [string, string]> = {
  error: ['error', 'problemsErrorIcon.foreground'],
  warning: ['warning', 'problemsWarningIcon.foreground'],
  info: ['info', 'problemsInfoIcon.foreground'],
};

/** Codicon of the worst severity of a node; 'ok' for nothing to report or a fix. */
export function severityIcon(s: Severity | 'ok'): vscode.ThemeIcon {
  if (s === 'ok') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  return new vscode.ThemeIcon(ICON[s][0], new vscode.ThemeColor(ICON[s][1]));
}
