// The editor path, in-process through the core façade: one analyzer, one review to warm the
// per-hunk cache, then a one-line edit and a review, and the same text reviewed again, many times.
// Each edit writes a new comment into the same added line, so the edited hunk is new to the cache
// every time. The first RUNS edits give the figure, the next 5 x RUNS the steady state. bench.mjs runs
// it bundled, as the language server runs the core.
// Then the same cold review and edit through the language server (dist/lsp.js, built first, over
// stdio as an editor runs it), each until the server is idle: the time, and the longest stall of
// this thread's event loop, which is what an editor's client would feel.
// Last, a large mbox (MBOX, 1,000 patches) opened cold in a fresh server: the time until its first
// diagnostics arrive, and until the server is idle.
//   node --import tsx bench/editor.ts SERIES [RUNS] [MBOX]   -> one JSON line (or its bundle: bench.mjs)
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, ExitNotification,
  InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { createAnalyzer } from '../src/core/index';
import { IdleRequest } from '../src/shared/protocol';
import { PENDING_DOCUMENTS } from '../src/lsp/text';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadAssets } from '../test/helpers/assets';

const [file, runsArg, bigMbox] = process.argv.slice(2);
const runs = Number(runsArg ?? 50);
const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n');
// The added line to edit: a statement inside a function, near the middle of the series.
const candidates = lines.flatMap((l, i) => (/^\+\t+[a-z_][a-z0-9_]*\(.*\);$/.test(l) ? [i] : []));
const target = candidates[Math.floor(candidates.length / 2)];
if (target === undefined) {
  console.error(`editor: no added statement line to edit in ${file}`);
  process.exit(2);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 100) / 100;

/** Time (ms) of `work`, and the longest stall (ms) of this thread's event loop meanwhile. */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const tick = setInterval(() => {}, 1); // keep the loop busy, as an editor would be
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  clearInterval(tick);
  h.disable();
  return { ms, stallMs: h.max / 1e6 };
}

/** A language server (dist/lsp.js, built first) started and initialised, as an editor starts it. */
async function startServer() {
  const child = spawn(process.execPath, [path.resolve('dist', 'lsp.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { pageref: { debounceMs: 0 } } });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    async stop(): Promise<void> {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      conn.dispose();
    },
  };
}

/** `mbox` opened cold (the server started and initialised first): until its first diagnostics, and until idle. */
async function coldOpen(mbox: string): Promise<{ firstMs: number; idleMs: number; diagnostics: number; notifications: number }> {
  const server = await startServer();
  const uri = pathToFileURL(path.resolve(mbox)).href;
  let first: number | undefined;
  let diagnostics = 0;
  let notifications = 0;
  server.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.uri !== uri) return;
    first ??= performance.now();
    diagnostics = p.diagnostics.length;
    notifications++;
  });
  const t0 = performance.now();
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'diff', version: 1, text: fs.readFileSync(mbox, 'utf8') } });
  await server.conn.sendRequest(IdleRequest);
  const idleMs = performance.now() - t0;
  await server.stop();
  return { firstMs: first === undefined ? -1 : first - t0, idleMs, diagnostics, notifications };
}

/** The series opened in the language server, then the one-line edit, each until the server is idle. */
async function throughServer(): Promise<{ cold: { ms: number; stallMs: number }; edit: { ms: number; stallMs: number } }> {
  const { conn, stop } = await startServer();
  const uri = pathToFileURL(path.resolve(file)).href;
  const cold = await timed(async () => {
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'diff', version: 1, text } });
    await conn.sendRequest(IdleRequest);
  });
  const at = { line: target, character: lines[target].length };
  const edit = await timed(async () => {
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: at, end: at }, text: ' /* server edit */' }] });
    await conn.sendRequest(IdleRequest);
  });
  await stop();
  return { cold, edit };
}

/** Per keystroke, what the server's document does with an edit of a 40 MB text (ours, src/lsp/text.ts,
 * beside the library's TextDocument as the anchor); and the first read after 31 keystrokes. */
function keystrokes(): { oursMs: number; libraryMs: number; readMs: number } {
  const text = `${'x'.repeat(79)}\n`.repeat(500_000);
  const perKey = (make: (t: string) => TextDocument, update: typeof TextDocument.update) => {
    let d = make(text);
    d.positionAt(1);
    const t0 = performance.now();
    for (let i = 0; i < 31; i++) d = update(d, [{ range: { start: { line: 1, character: 79 + i }, end: { line: 1, character: 79 + i } }, text: 'a' }], i + 2);
    const t1 = performance.now();
    d.getText();
    return { key: (t1 - t0) / 31, read: performance.now() - t1 };
  };
  const library = perKey((t) => TextDocument.create('file:///k', 'x', 1, t), TextDocument.update);
  const ours = perKey((t) => PENDING_DOCUMENTS.create('file:///k', 'x', 1, t), PENDING_DOCUMENTS.update);
  return { oursMs: ours.key, libraryMs: library.key, readMs: ours.read };
}

async function main(): Promise<void> {
  const analyzer = await createAnalyzer(loadAssets());
  const doc = (t: string) => [{ name: file, content: t }];

  let t0 = performance.now();
  const first = await analyzer.review(doc(text));
  const coldMs = performance.now() - t0;

  const unchanged: number[] = [];
  const edited: number[] = [];
  let findings = 0;
  // The first RUNS edits (the JIT still warming the edit path), then five times as many: a server's
  // steady state after a minute of typing.
  for (let i = 0; i < runs * 6; i++) {
    const copy = [...lines];
    copy[target] = `${lines[target]} /* edit ${i} */`;
    const edit = copy.join('\n');
    t0 = performance.now();
    const r = await analyzer.review(doc(edit));
    edited.push(performance.now() - t0);
    findings = r.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.reduce((k, h) => k + h.findings.length, 0), 0), 0);

    // The same text again (a save, a focus change): nothing to redo.
    t0 = performance.now();
    await analyzer.review(doc(edit));
    unchanged.push(performance.now() - t0);
  }
  analyzer.dispose();

  const server = await throughServer();
  const big = bigMbox ? await coldOpen(bigMbox) : undefined;
  const keys = keystrokes();

  console.log(JSON.stringify({
    lines: lines.length,
    editedLine: target,
    runs,
    coldMs: round(coldMs),
    unchangedMedianMs: round(median(unchanged.slice(0, runs))),
    editMedianMs: round(median(edited.slice(0, runs))),
    editMaxMs: round(Math.max(...edited.slice(0, runs))),
    editSteadyMedianMs: round(median(edited.slice(runs))),
    hunks: first.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0),
    findings,
    serverColdMs: round(server.cold.ms),
    serverColdStallMs: round(server.cold.stallMs),
    serverEditMs: round(server.edit.ms),
    serverEditStallMs: round(server.edit.stallMs),
    keystrokeMs: round(keys.oursMs), keystrokeLibraryMs: round(keys.libraryMs), keystrokeReadMs: round(keys.readMs),
    ...(big && { mboxFirstDiagnosticsMs: round(big.firstMs), mboxIdleMs: round(big.idleMs), mboxDiagnostics: big.diagnostics, mboxPublished: big.notifications }),
  }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
