// Entry of dist/lsp.js: `pageref lsp --stdio` (or `node dist/lsp.js --stdio`). The transport is
// chosen from the command line (--stdio, --node-ipc, --socket=N), as vscode-languageserver reads it.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all), __dirname);
