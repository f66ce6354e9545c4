// The series tree (Explorer view "PageRef Series"): patches -> files -> hunks -> findings of the
// active patch document, with counts and severity icons; selecting a node reveals it.
import * as vscode from 'vscode';
import type { FileReport, Finding, HunkReport, PatchReport, Severity } from '../core';
import { SEVERITIES } from '../core';
import { hunkSummary } from '../shared/summary';
import type { Analysis, DocumentAnalysis } from './analysis';
import { findingMessage, severityIcon, shownSeverity } from './convert';

type Node =
  | { kind: 'patch'; patch: PatchReport }
  | { kind: 'file'; file: FileReport }
  | { kind: 'hunk'; hunk: HunkReport }
  | { kind: 'finding'; finding: Finding };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function worst(findings: readonly Finding[]): Severity | 'ok' {
  let w: Severity | 'ok' = 'ok';
  for (const f of findings) {
    if (f.status === 'fixed') continue;
    if (w === 'ok' || SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(w)) w = f.severity;
  }
  return w;
}

const hunksOf = (n: Node): readonly HunkReport[] =>
  n.kind === 'patch' ? n.patch.files.flatMap((f) => f.hunks) : n.kind === 'file' ? n.file.hunks : n.kind === 'hunk' ? [n.hunk] : [];

export function activate(ctx: vscode.ExtensionContext, analysis: Analysis): void {
  let doc: vscode.TextDocument | undefined;
  const changed = new vscode.EventEmitter<void>();
  const reveal = (line: number) => ({ title: 'Reveal', command: 'pageref.reveal', arguments: [doc?.uri, line] });

  const provider: vscode.TreeDataProvider<Node> = {
    onDidChangeTreeData: changed.event,
    getChildren(n?: Node): Node[] {
      const a: DocumentAnalysis | undefined = doc && analysis.latest(doc.uri);
      if (!n) return a ? a.report.patches.map((patch) => ({ kind: 'patch', patch })) : [];
      if (n.kind === 'patch') return n.patch.files.map((file) => ({ kind: 'file', file }));
      if (n.kind === 'file') return n.file.hunks.map((hunk) => ({ kind: 'hunk', hunk }));
      if (n.kind === 'hunk') return n.hunk.findings.map((finding) => ({ kind: 'finding', finding }));
      return [];
    },
    getTreeItem(n: Node): vscode.TreeItem {
      if (n.kind === 'finding') {
        const f = n.finding;
        const item = new vscode.TreeItem(findingMessage(f), vscode.TreeItemCollapsibleState.None);
        item.description = f.ruleId;
        item.tooltip = `${f.ruleId} (${f.status}), line ${f.line + 1}`;
        item.iconPath = severityIcon(f.status === 'fixed' ? 'ok' : shownSeverity(f));
        item.command = reveal(f.line);
        item.contextValue = 'finding';
        return item;
      }
      const hunks = hunksOf(n);
      const findings = hunks.flatMap((h) => h.findings);
      const state = (n.kind === 'hunk' ? findings.length : hunks.length) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
      let item: vscode.TreeItem;
      if (n.kind === 'patch') {
        const p = n.patch;
        const label = `${p.index !== undefined ? `[${p.index}/${p.total ?? '?'}] ` : ''}${p.subject || '(diff)'}`;
        item = new vscode.TreeItem(label, state);
        item.description = `${plural(p.files.length, 'file')} · ${plural(findings.length, 'finding')}`;
        item.command = reveal(p.startLine);
      } else if (n.kind === 'file') {
        item = new vscode.TreeItem(n.file.path, state);
        item.description = `${plural(hunks.length, 'hunk')} · ${plural(findings.length, 'finding')}`;
        item.resourceUri = vscode.Uri.file(n.file.path);
        if (hunks.length) item.command = reveal(hunks[0].range.start.line);
      } else {
        item = new vscode.TreeItem(n.hunk.header.replace(/^(@@[^@]*@@).*$/, '$1') + (n.hunk.function ? ` ${n.hunk.function}` : ''), state);
        item.description = hunkSummary(n.hunk);
        item.command = reveal(n.hunk.range.start.line);
      }
      item.iconPath = severityIcon(worst(findings));
      item.contextValue = n.kind;
      return item;
    },
  };

  const view = vscode.window.createTreeView('pageref.series', { treeDataProvider: provider, showCollapseAll: true });
  const describe = () => {
    const a = doc && analysis.latest(doc.uri);
    view.description = doc && a ? `${vscode.workspace.asRelativePath(doc.uri)} · ${a.report.era}` : undefined;
  };
  const follow = (editor: vscode.TextEditor | undefined) => {
    if (!editor || !analysis.isPatch(editor.document) || editor.document === doc) return;
    doc = editor.document;
    changed.fire();
    describe();
  };
  follow(vscode.window.activeTextEditor);
  ctx.subscriptions.push(
    changed,
    view,
    vscode.window.onDidChangeActiveTextEditor(follow),
    analysis.onDidAnalyse((d) => {
      if (d === doc) {
        if (d.isClosed) doc = undefined;
        changed.fire();
      }
      if (!doc) follow(vscode.window.activeTextEditor);
      describe();
    }),
  );
}
