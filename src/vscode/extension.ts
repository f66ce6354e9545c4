// PageRef Lens for VS Code: a client of the PageRef language server (dist/lsp.js), in the shape of
// rust-analyzer's and clangd's clients. Diagnostics, hovers, code lenses, inlay hints and the
// outline come from the server as standard LSP; the series tree, the simulation view and the
// status bar use the typed custom requests of src/shared/protocol.ts. A crashed server is
// restarted a bounded number of times, with a message.
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, State, TransportKind, type LanguageClientOptions } from 'vscode-languageclient/node';
import { IdleRequest, ReviewedNotification, SERVER_COMMANDS, type ReviewedParams } from '../shared/protocol';
import { config } from './config';
import { ACTIVE_CONTEXT, COMMANDS, FORMAT_PATCH_FIRST_LINE, MAIL_LANGUAGE, PATCH_LANGUAGES } from './manifest';
import * as commands from './commands';
import * as seriesTree from './series-tree';
import * as simulationPanel from './simulation-panel';
import * as status from './status';

/** Restarts after a crash, within RESTART_WINDOW_MS, before the client gives up. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;
const SERVER_HEAP_MB = 256;

export interface PagerefApi {
  /** Resolves once the server has no review scheduled or running (and the client has what it published). */
  whenIdle(): Promise<void>;
}

/** The running client and what the features share. */
export interface Server {
  readonly client: LanguageClient;
  /** Fires after each review the server published. */
  readonly onDidReview: vscode.Event<ReviewedParams>;
  /** The latest review notice per document URI. */
  readonly reviewed: ReadonlyMap<string, ReviewedParams>;
  isPatch(doc: vscode.TextDocument): boolean;
}

export async function activate(ctx: vscode.ExtensionContext): Promise<PagerefApi> {
  const log = vscode.window.createOutputChannel('PageRef Lens', { log: true });
  ctx.subscriptions.push(log);
  const module = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'lsp.js').fsPath;
  const selector = PATCH_LANGUAGES.flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }]);
  const crashes: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannel: log,
    initializationOptions: () => ({ pageref: config.settings() }),
    synchronize: { configurationSection: 'pageref' },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        crashes.push(now);
        while (crashes.length && crashes[0] < now - RESTART_WINDOW_MS) crashes.shift();
        if (crashes.length > MAX_RESTARTS) {
          return { action: CloseAction.DoNotRestart, message: `PageRef Lens: the language server stopped ${crashes.length} times in 3 minutes and will not be restarted; see the "PageRef Lens" output. Reload the window to try again.` };
        }
        void vscode.window.showWarningMessage(`PageRef Lens: the language server stopped; restarting it (${crashes.length} of ${MAX_RESTARTS}).`);
        return { action: CloseAction.Restart, handled: true };
      },
    },
    middleware: {
      // The server's "Simulate this hunk" lens runs the extension's command, which opens the view.
      provideCodeLenses: async (doc, token, next) => (await next(doc, token))?.map((lens) => {
        if (lens.command?.command !== SERVER_COMMANDS.simulateHunk) return lens;
        lens.command = { ...lens.command, command: COMMANDS.simulateHunk.id, arguments: [doc.uri, lens.command.arguments?.[1]] };
        return lens;
      }),
    },
  };
  // The server's heap is bounded: V8 then collects the 40 MB strings an edit of a huge mbox leaves
  // behind before it grows, instead of after (reviews of large documents keep lean reports).
  const server = { module, transport: TransportKind.stdio, options: { execArgv: [`--max-old-space-size=${SERVER_HEAP_MB}`] } };
  const client = new LanguageClient('pageref', 'PageRef Lens', { run: server, debug: server }, clientOptions);

  const changed = new vscode.EventEmitter<ReviewedParams>();
  const reviewed = new Map<string, ReviewedParams>();
  const api: Server = {
    client,
    onDidReview: changed.event,
    reviewed,
    isPatch: (doc) => vscode.languages.match(selector, doc) > 0,
  };
  ctx.subscriptions.push(changed, client.onNotification(ReviewedNotification, (p) => {
    reviewed.set(p.uri, p);
    changed.fire(p);
  }));

  // Plain-text documents that start like `git format-patch` output get the mail language.
  const claim = (doc: vscode.TextDocument) => {
    if (doc.languageId === 'plaintext' && doc.lineCount > 0 && FORMAT_PATCH_FIRST_LINE.test(doc.lineAt(0).text)) {
      void vscode.languages.setTextDocumentLanguage(doc, MAIL_LANGUAGE);
    }
  };
  ctx.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(claim),
    vscode.workspace.onDidCloseTextDocument((doc) => reviewed.delete(doc.uri.toString())),
    { dispose: () => void client.stop() },
  );
  vscode.workspace.textDocuments.forEach(claim);

  try {
    await client.start();
  } catch (e) {
    log.error(`the language server did not start: ${e instanceof Error ? e.stack : e}`);
    void vscode.window.showErrorMessage('PageRef Lens could not start its language server; see the "PageRef Lens" output.');
  }
  seriesTree.activate(ctx, api);
  status.activate(ctx, api);
  commands.activate(ctx, api, simulationPanel.activate(ctx, api));
  // The series view is contributed with `when: pageref.active`, so it never activates us by itself.
  void vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, true);
  log.info(`PageRef Lens ${ctx.extension.packageJSON.version} active`);

  return {
    async whenIdle() {
      // Across a restart: wait until the client runs again.
      while (client.state !== State.Running) {
        await new Promise<void>((resolve) => {
          const d = client.onDidChangeState(() => {
            d.dispose();
            resolve();
          });
        });
      }
      await client.sendRequest(IdleRequest);
    },
  };
}

export function deactivate(): void {}
