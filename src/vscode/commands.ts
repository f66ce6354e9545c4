// The command table: everything the palette, code lenses and the series tree can run.
import * as vscode from 'vscode';
import { toSarif } from '../core';
import { readRuleDocs } from '../cli/assets';
import type { Analysis } from './analysis';
import { config } from './config';
import type { SimulationPanel } from './simulation-panel';

const ERA_CHOICES: readonly { label: string; description: string }[] = [
  { label: 'auto', description: "infer the patch's base era from what its pre-image uses" },
  { label: 'E0', description: '≤ v5.17: extra ZONE_DEVICE reference, devmap-managed puts' },
  { label: 'E1', description: 'v5.18 – v6.0: device-private pages go 1 → 0, free path resets to 1' },
  { label: 'E2', description: 'v6.1 – v6.14: PRIVATE/COHERENT free at 0, pgmap ref per allocation' },
  { label: 'E3', description: 'v6.15 – v6.16: FS DAX and P2PDMA 0-based, DAX mappings refcounted' },
  { label: 'E4', description: 'v6.17 –: no devmap PTE bit, no pfn_t, GUP takes no pgmap ref' },
  { label: 'E5', description: 'large device-private folios' },
];
const VERSION_CHOICE = { label: 'Kernel version…', description: 'e.g. v6.12; mapped to its era' };

export function activate(ctx: vscode.ExtensionContext, analysis: Analysis, panel: SimulationPanel): void {
  const activePatch = (): vscode.TextDocument | undefined => {
    const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
    return editors.find((e) => e && analysis.isPatch(e.document))?.document;
  };
  const needPatch = (): vscode.TextDocument | undefined => {
    const doc = activePatch();
    if (!doc) void vscode.window.showInformationMessage('PageRef: open a patch (.patch, .diff, .mbox, .eml) first.');
    return doc;
  };
  const toolVersion = String(ctx.extension.packageJSON.version);

  const commands: Record<string, (...args: never[]) => unknown> = {
    'pageref.simulateHunk': async (uri?: vscode.Uri, number?: number) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : needPatch();
      if (!doc) return;
      if (number === undefined) {
        const a = await analysis.get(doc);
        const line = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor.selection.active.line : 0;
        const at = a && (analysis.hunkAt(a, line) ?? a.hunks.find((h) => h.hunk.range.start.line > line));
        if (!at) {
          void vscode.window.showInformationMessage('PageRef: no hunk at or after the cursor.');
          return;
        }
        number = at.number;
      }
      await panel.show(doc, number);
    },
    'pageref.simulateSeries': async () => {
      const doc = needPatch();
      const a = doc && (await analysis.get(doc));
      if (!doc || !a) return;
      if (!a.hunks.length) {
        void vscode.window.showInformationMessage('PageRef: this document has no hunks to simulate.');
        return;
      }
      const first = a.hunks.find((h) => h.hunk.effects.length || h.hunk.findings.length) ?? a.hunks[0];
      await panel.show(doc, first.number);
    },
    'pageref.chooseEra': async () => {
      const current = config.era();
      const items = [...ERA_CHOICES, VERSION_CHOICE].map((c) => ({ ...c, picked: c.label === current, detail: c.label === current ? 'current setting' : undefined }));
      const pick = await vscode.window.showQuickPick(items, { title: 'PageRef: kernel era of the patch base', placeHolder: `current: ${current}` });
      if (!pick) return;
      let value: string | undefined = pick.label;
      if (pick === items[items.length - 1]) {
        value = await vscode.window.showInputBox({
          title: 'PageRef: kernel version',
          prompt: 'A kernel version such as v6.12 or 6.1',
          validateInput: (s) => (/^v?\d+\.\d+/.test(s.trim()) ? undefined : 'Write a version like v6.12'),
        });
      }
      if (value) await config.setEra(value.trim());
    },
    'pageref.exportSarif': async () => {
      const doc = needPatch();
      const a = doc && (await analysis.get(doc));
      if (!doc || !a) return;
      // As `pageref review --format sarif` run in the workspace folder: the same bytes.
      const input = { name: vscode.workspace.asRelativePath(doc.uri, false), content: doc.getText() };
      const sourceRoot = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
      const log = toSarif(a.report, [input], { toolVersion, ruleDocs: readRuleDocs(__dirname), sourceRoot });
      const target = await vscode.window.showSaveDialog({
        defaultUri: doc.uri.with({ path: `${doc.uri.path}.sarif` }),
        filters: { SARIF: ['sarif', 'json'] },
        title: 'PageRef: export SARIF',
      });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(log, null, 2) + '\n'));
      void vscode.window.showInformationMessage(`PageRef: wrote ${vscode.workspace.asRelativePath(target)} (${log.runs[0].results?.length ?? 0} results).`);
    },
    'pageref.reveal': async (uri?: vscode.Uri, line?: number) => {
      if (!uri || line === undefined) return;
      const editor = await vscode.window.showTextDocument(uri);
      const pos = new vscode.Position(line, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    },
  };
  for (const [id, run] of Object.entries(commands)) ctx.subscriptions.push(vscode.commands.registerCommand(id, run));
}
