// Two code lenses on every hunk header: the hunk's one-line summary and "Simulate this hunk".
import * as vscode from 'vscode';
import { hunkSummary } from '../shared/summary';
import { PATCH_SELECTOR, type Analysis } from './analysis';

export function activate(ctx: vscode.ExtensionContext, analysis: Analysis): void {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(doc) {
      const a = await analysis.get(doc);
      if (!a || a.version !== doc.version) return [];
      return a.hunks.flatMap(({ hunk, number }) => {
        const at = new vscode.Range(hunk.range.start.line, 0, hunk.range.start.line, 0);
        return [
          new vscode.CodeLens(at, { title: hunkSummary(hunk), command: '' }),
          new vscode.CodeLens(at, { title: 'Simulate this hunk', command: 'pageref.simulateHunk', arguments: [doc.uri, number] }),
        ];
      });
    },
  };
  ctx.subscriptions.push(changed, analysis.onDidAnalyse(() => changed.fire()), vscode.languages.registerCodeLensProvider(PATCH_SELECTOR, provider));
}
