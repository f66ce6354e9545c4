// The command table: everything the palette, code lenses, the series tree and the status bar can
// run, keyed by the ids of manifest.ts. The work is the server's (workspace/executeCommand and the
// custom requests); the commands pick the document and hunk and show the result.
import * as vscode from 'vscode';
import { SERVER_COMMANDS, SeriesOutlineRequest, type DraftReply, type EraChoice } from '../shared/protocol';
import { config } from './config';
import type { Server } from './extension';
import { COMMANDS, type CommandName } from './manifest';
import type { SimulationPanel } from './simulation-panel';

const ERA_CHOICES: readonly { label: string; description: string }[] = [
  { label: 'auto', description: "infer the patch's base era from the mail and what its pre-image uses" },
  { label: 'E0', description: '≤ v5.17: extra ZONE_DEVICE reference, devmap-managed puts' },
  { label: 'E1', description: 'v5.18 – v6.0: device-private pages go 1 → 0, free path resets to 1' },
  { label: 'E2', description: 'v6.1 – v6.14: PRIVATE/COHERENT free at 0, pgmap ref per allocation' },
  { label: 'E3', description: 'v6.15 – v6.16: FS DAX and P2PDMA 0-based, DAX mappings refcounted' },
  { label: 'E4', description: 'v6.17 –: no devmap PTE bit, no pfn_t, GUP takes no pgmap ref' },
  { label: 'E5', description: 'large device-private folios' },
];
const VERSION_CHOICE = { label: 'Kernel version…', description: 'e.g. v6.12; mapped to its era' };

export function activate(ctx: vscode.ExtensionContext, server: Server, panel: SimulationPanel): void {
  const activePatch = (): vscode.TextDocument | undefined => {
    const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
    return editors.find((e) => e && server.isPatch(e.document))?.document;
  };
  const needPatch = (): vscode.TextDocument | undefined => {
    const doc = activePatch();
    if (!doc) void vscode.window.showInformationMessage('PageRef: open a patch (.patch, .diff, .mbox, .eml) first.');
    return doc;
  };
  const outline = (doc: vscode.TextDocument) => server.client.sendRequest(SeriesOutlineRequest, { uri: doc.uri.toString() });
  const hunks = async (doc: vscode.TextDocument) => (await outline(doc))?.patches.flatMap((p) => p.files.flatMap((f) => f.hunks)) ?? [];
  const run = <T>(command: string, ...args: unknown[]) => server.client.sendRequest<T>('workspace/executeCommand', { command, arguments: args });

  const commands: Record<CommandName, (...args: never[]) => Promise<unknown>> = {
    simulateHunk: async (uri?: vscode.Uri, number?: number) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : needPatch();
      if (!doc) return;
      if (number === undefined) {
        const line = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor.selection.active.line : 0;
        const all = await hunks(doc);
        const at = all.find((h) => h.line <= line && line <= h.endLine) ?? all.find((h) => h.line > line);
        if (!at) {
          void vscode.window.showInformationMessage('PageRef: no hunk at or after the cursor.');
          return;
        }
        number = at.number;
      }
      await panel.show(doc, number);
    },
    simulateSeries: async () => {
      const doc = needPatch();
      if (!doc) return;
      const all = await hunks(doc);
      if (!all.length) {
        void vscode.window.showInformationMessage('PageRef: this document has no hunks to simulate.');
        return;
      }
      await panel.show(doc, (all.find((h) => !h.summary.includes('no refcount')) ?? all[0]).number);
    },
    chooseEra: async () => {
      const current = config.era();
      const doc = activePatch();
      // The inferred era and why come first (when a patch is open).
      const choice = doc ? await run<EraChoice>(SERVER_COMMANDS.chooseEra, doc.uri.toString()).catch(() => undefined) : undefined;
      const items: (vscode.QuickPickItem & { value?: string })[] = [...ERA_CHOICES, VERSION_CHOICE].map((c) => ({
        ...c, picked: c.label === current, detail: c.label === current ? 'current setting' : undefined,
      }));
      if (choice?.inferred) {
        items[0] = {
          label: 'auto', description: `inferred: ${choice.inferred.era}${current === 'auto' ? ' (current setting)' : ''}`,
          detail: choice.inferred.why, picked: current === 'auto',
        };
      }
      const pick = await vscode.window.showQuickPick(items, { title: 'PageRef: kernel era of the patch base', placeHolder: `current: ${current}`, matchOnDescription: false });
      if (!pick) return;
      let value: string | undefined = pick.label;
      if (pick.label === VERSION_CHOICE.label) {
        value = await vscode.window.showInputBox({
          title: 'PageRef: kernel version',
          prompt: 'A kernel version such as v6.12 or 6.1',
          validateInput: (s) => (/^v?\d+\.\d+/.test(s.trim()) ? undefined : 'Write a version like v6.12'),
        });
      }
      if (value) await config.setEra(value.trim());
    },
    exportSarif: async () => {
      const doc = needPatch();
      if (!doc) return;
      const log = await run<{ runs: { results?: unknown[] }[] }>(SERVER_COMMANDS.exportSarif, doc.uri.toString());
      const target = await vscode.window.showSaveDialog({
        defaultUri: doc.uri.with({ path: `${doc.uri.path}.sarif` }),
        filters: { SARIF: ['sarif', 'json'] },
        title: 'PageRef: export SARIF',
      });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(log, null, 2) + '\n'));
      void vscode.window.showInformationMessage(`PageRef: wrote ${vscode.workspace.asRelativePath(target)} (${log.runs[0].results?.length ?? 0} results).`);
    },
    draftReply: async () => {
      const doc = needPatch();
      if (!doc) return;
      // The patch under the cursor (its k of [PATCH k/n], else its position); none: the server picks
      // the first patch with a finding it introduces or leaves.
      const line = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor.selection.active.line : undefined;
      const patches = (await outline(doc))?.patches ?? [];
      let at = -1;
      if (line !== undefined) patches.forEach((p, i) => { if (p.startLine <= line) at = i; });
      const number = at < 0 ? undefined : patches[at].index ?? at + 1;
      const reply = await run<DraftReply>(SERVER_COMMANDS.draftReply, doc.uri.toString(), ...(number === undefined ? [] : [number]));
      if ('error' in reply) {
        void vscode.window.showWarningMessage(`PageRef: ${reply.error}`);
        return;
      }
      const draft = await vscode.workspace.openTextDocument({ language: 'plaintext', content: reply.text });
      await vscode.window.showTextDocument(draft, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    },
    reveal: async (uri?: vscode.Uri, line?: number) => {
      if (!uri || line === undefined) return;
      const editor = await vscode.window.showTextDocument(uri);
      const pos = new vscode.Position(line, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    },
  };
  for (const [name, command] of Object.entries(commands)) {
    ctx.subscriptions.push(vscode.commands.registerCommand(COMMANDS[name as CommandName].id, command));
  }
}
