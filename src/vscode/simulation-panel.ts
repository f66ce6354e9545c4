// The simulation webview: one panel that steps through a hunk's traces (every scenario, before
// and after the patch, one column per pgmap type) and highlights the current step's lines in
// the editor. The page itself is media/simulation.js; messages are src/shared/webview-protocol.ts.
// The view's data comes from the server (SimulationRequest).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { SimulationRequest } from '../shared/protocol';
import type { FromWebview, ToWebview } from '../shared/webview-protocol';
import type { Server } from './extension';

export class SimulationPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri: vscode.Uri; number: number } | undefined;
  private lastMessage: ToWebview | undefined;
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.rangeHighlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px 0',
    overviewRulerColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly server: Server) {
    this.subscriptions.push(this.highlight, server.onDidReview((r) => {
      if (this.panel && this.target && r.uri === this.target.uri.toString()) void this.refresh();
    }));
  }

  /** Opens (or reuses) the panel on hunk `number` of `doc`. */
  async show(doc: vscode.TextDocument, number: number): Promise<void> {
    this.target = { uri: doc.uri, number };
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('pageref.simulation', 'PageRef simulation', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
      });
      this.panel.webview.html = this.html(this.panel.webview);
      this.panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m), undefined, this.subscriptions);
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.lastMessage = undefined;
        this.highlightLines([]);
      }, undefined, this.subscriptions);
    } else this.panel.reveal(vscode.ViewColumn.Beside, false);
    await this.refresh();
  }

  dispose(): void {
    this.panel?.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  private async refresh(): Promise<void> {
    if (!this.target) return;
    const target = this.target;
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.uri.toString());
    const view = open
      ? await this.server.client.sendRequest(SimulationRequest, { uri: target.uri.toString(), hunk: target.number }).catch((e: Error) => ({ error: e.message }))
      : { error: `${target.uri.path} is closed.` };
    if (target !== this.target) return;
    const message: ToWebview = 'error' in view ? { kind: 'error', message: view.error } : { kind: 'show', view };
    if (this.panel) this.panel.title = `Simulate hunk ${this.target.number}`;
    this.lastMessage = message;
    void this.panel?.webview.postMessage(message);
  }

  private receive(m: FromWebview): void {
    if (m.kind === 'ready') {
      if (this.lastMessage) void this.panel?.webview.postMessage(this.lastMessage);
    } else if (m.kind === 'step') this.highlightLines(m.lines);
    else if (m.kind === 'hunk' && this.target) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.target?.uri.toString());
      if (doc) void this.show(doc, m.number);
    }
  }

  private highlightLines(lines: readonly number[]): void {
    const uri = this.target?.uri.toString();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      const ranges = lines.filter((l) => l < editor.document.lineCount).map((l) => new vscode.Range(l, 0, l, 0));
      editor.setDecorations(this.highlight, ranges);
      if (ranges.length) editor.revealRange(ranges[0], vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', f));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('simulation.css')}">
<title>PageRef simulation</title>
</head>
<body>
<main id="app" aria-live="polite"><p id="status">Simulating…</p></main>
<script nonce="${nonce}" src="${media('simulation.js')}"></script>
</body>
</html>`;
  }
}

export function activate(ctx: vscode.ExtensionContext, server: Server): SimulationPanel {
  const panel = new SimulationPanel(ctx.extensionUri, server);
  ctx.subscriptions.push(panel);
  return panel;
}
