// The status bar: the era the active patch is reviewed in, and where it comes from (the setting,
// or the evidence inference used); a click runs "Choose kernel era".
import * as vscode from 'vscode';
import type { Server } from './extension';
import { COMMANDS } from './manifest';

export function activate(ctx: vscode.ExtensionContext, server: Server): void {
  const item = vscode.window.createStatusBarItem('pageref.era', vscode.StatusBarAlignment.Right, 100);
  item.name = 'PageRef kernel era';
  item.command = COMMANDS.chooseEra.id;
  const render = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const r = doc && server.isPatch(doc) ? server.reviewed.get(doc.uri.toString()) : undefined;
    if (!r) {
      item.hide();
      return;
    }
    item.text = `$(references) ${r.era}`;
    item.accessibilityInformation = { label: `PageRef kernel era ${r.era}: ${r.eraSource}` };
    item.tooltip = new vscode.MarkdownString(`**PageRef kernel era: ${r.era}**\n\n${r.eraSource}${r.partial ? '\n\n(large document: reviewed patch by patch)' : ''}\n\nClick to choose another era.`);
    item.show();
  };
  render();
  ctx.subscriptions.push(item, vscode.window.onDidChangeActiveTextEditor(render), server.onDidReview(render));
}
