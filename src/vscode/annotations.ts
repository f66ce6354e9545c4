// Inline annotations: the predicted transitions (e.g. "FS_DAX free refcount 1 → 0") after the
// text of the lines that cause them and of hunk headers. Themable through the contributed colour
// pageref.annotationForeground; switched by pageref.inlineAnnotations.
import * as vscode from 'vscode';
import { lineAnnotations } from '../shared/summary';
import type { Analysis } from './analysis';
import { config } from './config';

export function activate(ctx: vscode.ExtensionContext, analysis: Analysis): void {
  const decoration = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('pageref.annotationForeground'), margin: '0 0 0 2em', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  const render = (editor: vscode.TextEditor) => {
    const a = analysis.current(editor.document);
    if (!analysis.isPatch(editor.document) || !a) return;
    const options: vscode.DecorationOptions[] = [];
    if (config.inlineAnnotations()) {
      for (const { hunk } of a.hunks) {
        for (const [line, text] of lineAnnotations(hunk)) {
          if (line >= editor.document.lineCount) continue;
          const end = editor.document.lineAt(line).range.end;
          options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } } });
        }
      }
    }
    editor.setDecorations(decoration, options);
  };
  const renderDoc = (doc: vscode.TextDocument) => vscode.window.visibleTextEditors.filter((e) => e.document === doc).forEach(render);
  ctx.subscriptions.push(
    decoration,
    analysis.onDidAnalyse(renderDoc),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach(render)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pageref.inlineAnnotations')) vscode.window.visibleTextEditors.forEach(render);
    }),
  );
}
