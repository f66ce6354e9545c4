// PageRef Lens for VS Code: wires the feature modules to one analysis service over the pure core.
// Each feature file has an activate(ctx, ...) that registers its providers and disposables.
import * as vscode from 'vscode';
import { WorkerReviewService } from './worker-client';
import { Analysis } from './analysis';
import { REANALYSE_ON } from './config';
import * as annotations from './annotations';
import * as codeLens from './code-lens';
import * as commands from './commands';
import * as diagnostics from './diagnostics';
import * as hovers from './hovers';
import * as seriesTree from './series-tree';
import * as simulationPanel from './simulation-panel';

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('PageRef Lens');
  ctx.subscriptions.push(log);
  const analyzer = new WorkerReviewService(vscode.Uri.joinPath(ctx.extensionUri, 'dist').fsPath);
  try {
    await analyzer.ready;
  } catch (e) {
    // Only a broken installation gets here (the core returns problems, it does not throw).
    analyzer.dispose();
    log.appendLine(`cannot load the C parser from dist/: ${e instanceof Error ? e.stack : e}`);
    void vscode.window.showErrorMessage('PageRef Lens could not load its C parser; see the "PageRef Lens" output.');
    return;
  }
  const analysis = new Analysis(analyzer, log);
  ctx.subscriptions.push(analysis);

  diagnostics.activate(ctx, analysis);
  annotations.activate(ctx, analysis);
  codeLens.activate(ctx, analysis);
  hovers.activate(ctx, analysis);
  seriesTree.activate(ctx, analysis);
  commands.activate(ctx, analysis, simulationPanel.activate(ctx, analysis));

  const open = (doc: vscode.TextDocument) => {
    if (analysis.isPatch(doc)) void analysis.schedule(doc, 0);
    else void analysis.claim(doc);
  };
  ctx.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(open),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && analysis.isPatch(e.document)) void analysis.schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => analysis.forget(doc)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (REANALYSE_ON.some((s) => e.affectsConfiguration(s))) analysis.invalidateAll();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => analysis.invalidateAll()),
  );
  vscode.workspace.textDocuments.forEach(open);
  // The series view is contributed with `when: pageref.active`, so it never activates us by itself.
  void vscode.commands.executeCommand('setContext', 'pageref.active', true);
  log.appendLine(`PageRef Lens ${ctx.extension.packageJSON.version} active`);
}

export function deactivate(): void {}
