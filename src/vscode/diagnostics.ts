// Findings as diagnostics: one per finding on its hunk line, with the trace as related
// information and the rule id linking to the rule's README. Input problems that have a line too.
import * as vscode from 'vscode';
import type { Analysis } from './analysis';
import { config } from './config';
import { atLeast, problemToDiagnostic, shownSeverity, toDiagnostic } from './convert';

export function activate(ctx: vscode.ExtensionContext, analysis: Analysis): void {
  const collection = vscode.languages.createDiagnosticCollection('pageref');
  const update = (doc: vscode.TextDocument) => {
    const a = analysis.current(doc);
    if (!a) {
      if (doc.isClosed) collection.delete(doc.uri);
      return;
    }
    const minimum = config.minimumSeverity();
    const diagnostics: vscode.Diagnostic[] = [];
    for (const { hunk } of a.hunks) {
      for (const f of hunk.findings) if (atLeast(shownSeverity(f), minimum)) diagnostics.push(toDiagnostic(doc, f, ctx.extensionUri));
    }
    for (const p of a.report.problems) {
      if (p.line !== undefined && atLeast(p.severity, minimum)) diagnostics.push(problemToDiagnostic(doc, { ...p, line: p.line }));
    }
    collection.set(doc.uri, diagnostics);
  };
  ctx.subscriptions.push(
    collection,
    analysis.onDidAnalyse(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pageref.minimumSeverity')) vscode.workspace.textDocuments.forEach(update);
    }),
  );
}
