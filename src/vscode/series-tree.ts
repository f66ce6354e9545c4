// The series tree (Explorer view "PageRef Series"): patches -> files -> hunks -> findings of the
// active patch document, with counts and severity icons, from the server's series outline;
// selecting a node reveals it.
import * as vscode from 'vscode';
import type { Severity } from '../core';
import { SeriesOutlineRequest, type OutlineFinding, type SeriesOutline } from '../shared/protocol';
import type { Server } from './extension';
import { COMMANDS, SERIES_VIEW } from './manifest';

type Patch = SeriesOutline['patches'][number];
type File = Patch['files'][number];
type Hunk = File['hunks'][number];
type Node =
  | { kind: 'patch'; patch: Patch }
  | { kind: 'file'; file: File }
  | { kind: 'hunk'; hunk: Hunk }
  | { kind: 'finding'; finding: OutlineFinding };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const ORDER: readonly Severity[] = ['info', 'warning', 'error'];
const ICON: Record<Severity, [string, string]> = {
  error: ['error', 'problemsErrorIcon.foreground'],
  warning: ['warning', 'problemsWarningIcon.foreground'],
  info: ['info', 'problemsInfoIcon.foreground'],
};

/** Codicon of the worst open finding; a tick for nothing to report or only fixes. */
function icon(findings: readonly OutlineFinding[]): vscode.ThemeIcon {
  const open = findings.filter((f) => f.status !== 'fixed').map((f) => ORDER.indexOf(f.severity));
  if (!open.length) return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  const [name, color] = ICON[ORDER[Math.max(...open)]];
  return new vscode.ThemeIcon(name, new vscode.ThemeColor(color));
}

/** Patches shown expanded at most: VS Code fetches the children of every expanded node at once (one
 * call to the extension host each), and a large mail's outline holds up to 1,000 patches. */
const EXPANDED_PATCHES = 20;

const hunksOf = (n: Node): readonly Hunk[] =>
  n.kind === 'patch' ? n.patch.files.flatMap((f) => f.hunks) : n.kind === 'file' ? n.file.hunks : n.kind === 'hunk' ? [n.hunk] : [];

export function activate(ctx: vscode.ExtensionContext, server: Server): void {
  let doc: vscode.TextDocument | undefined;
  let outline: SeriesOutline | undefined;
  const changed = new vscode.EventEmitter<void>();
  const reveal = (line: number) => ({ title: 'Reveal', command: COMMANDS.reveal.id, arguments: [doc?.uri, line] });

  const provider: vscode.TreeDataProvider<Node> = {
    onDidChangeTreeData: changed.event,
    getChildren(n?: Node): Node[] {
      if (!n) return outline ? outline.patches.map((patch) => ({ kind: 'patch', patch })) : [];
      if (n.kind === 'patch') return n.patch.files.map((file) => ({ kind: 'file', file }));
      if (n.kind === 'file') return n.file.hunks.map((hunk) => ({ kind: 'hunk', hunk }));
      if (n.kind === 'hunk') return n.hunk.findings.map((finding) => ({ kind: 'finding', finding }));
      return [];
    },
    getTreeItem(n: Node): vscode.TreeItem {
      if (n.kind === 'finding') {
        const f = n.finding;
        const item = new vscode.TreeItem(f.message, vscode.TreeItemCollapsibleState.None);
        item.description = f.ruleId;
        item.tooltip = `${f.ruleId} (${f.status}), line ${f.line + 1}`;
        item.iconPath = icon([f]);
        item.command = reveal(f.line);
        item.contextValue = 'finding';
        return item;
      }
      const hunks = hunksOf(n);
      const findings = hunks.flatMap((h) => h.findings);
      const open = n.kind !== 'patch' || (outline?.patches.length ?? 0) <= EXPANDED_PATCHES;
      const state = !(n.kind === 'hunk' ? findings.length : hunks.length) ? vscode.TreeItemCollapsibleState.None
        : open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
      let item: vscode.TreeItem;
      if (n.kind === 'patch') {
        const p = n.patch;
        item = new vscode.TreeItem(`${p.index !== undefined ? `[${p.index}/${p.total ?? '?'}] ` : ''}${p.subject || '(diff)'}`, state);
        item.description = `${plural(p.files.length, 'file')} · ${plural(findings.length, 'finding')}`;
        item.command = reveal(p.startLine);
      } else if (n.kind === 'file') {
        item = new vscode.TreeItem(n.file.path, state);
        item.description = `${plural(hunks.length, 'hunk')} · ${plural(findings.length, 'finding')}`;
        item.resourceUri = vscode.Uri.file(n.file.path);
        if (hunks.length) item.command = reveal(hunks[0].line);
      } else {
        item = new vscode.TreeItem(n.hunk.header.replace(/^(@@[^@]*@@).*$/, '$1') + (n.hunk.function ? ` ${n.hunk.function}` : ''), state);
        item.description = n.hunk.summary;
        item.command = reveal(n.hunk.line);
      }
      item.iconPath = icon(findings);
      item.contextValue = n.kind;
      return item;
    },
  };

  const view = vscode.window.createTreeView(SERIES_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  let asked = 0;
  const load = async () => {
    const ask = ++asked;
    const next = doc && !doc.isClosed ? await server.client.sendRequest(SeriesOutlineRequest, { uri: doc.uri.toString() }).catch(() => null) : null;
    if (ask !== asked) return;
    outline = next ?? undefined;
    view.description = doc && outline ? `${vscode.workspace.asRelativePath(doc.uri)} · ${outline.era}` : undefined;
    changed.fire();
  };
  const follow = (editor: vscode.TextEditor | undefined) => {
    if (!editor || !server.isPatch(editor.document) || editor.document === doc) return;
    doc = editor.document;
    void load();
  };
  follow(vscode.window.activeTextEditor);
  ctx.subscriptions.push(
    changed,
    view,
    vscode.window.onDidChangeActiveTextEditor(follow),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d === doc) {
        doc = undefined;
        void load();
      }
    }),
    server.onDidReview((r) => {
      if (r.uri === doc?.uri.toString()) void load();
      else if (!doc) follow(vscode.window.activeTextEditor);
    }),
  );
}
