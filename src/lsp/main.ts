// Entry of dist/lsp.js: `pageref lsp --stdio` (or `node dist/lsp.js --stdio`). The transport is
// chosen from the command line (--stdio, --node-ipc, --socket=N), as vscode-languageserver reads it.
import os from 'node:os';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// Reviews are background work: the editor the user types in goes first when the cores are busy.
try {
  os.setPriority(os.constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Not permitted here: the server runs at the editor's priority.
}
startServer(createConnection(ProposedFeatures.all), __dirname);
