// The PageRef language server: the core's review of any open document (whatever its languageId)
// as diagnostics, hovers, code lenses, inlay hints and a document outline, plus the commands and
// custom requests of src/shared/protocol.ts. Reviews are debounced and superseded ones dropped
// (reviews.ts); every request waits for the review of the document's current version, and gives
// up when the client cancels it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeLens, Connection, Diagnostic, DiagnosticSeverity, DocumentSymbol, InlayHint, LSPErrorCodes, ResponseError,
  SymbolKind, TextDocumentSyncKind, TextDocuments, type CancellationToken, type InitializeResult, type Range,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { PENDING_DOCUMENTS } from './text';
import { composeReply, createAnalyzer, PGMAP_TYPES, RULES, apiEntry, effectFor, toSarif, type Analyzer, type Finding, type KernelTree, type ReviewReport, type RuleId, type Severity, type ReviewOptions } from '../core';
import { loadAssets, readRuleDocs } from '../node/assets';
import { diskKernelTree, looksLikeKernelTree } from '../node/kernel-tree';
import { callHoverMarkdown } from '../shared/hover-markdown';
import {
  DEFAULT_SETTINGS, IdleRequest, ReviewedNotification, SERVER_COMMANDS, SeriesOutlineRequest, SimulationRequest,
  type DraftReply, type EraChoice, type SeriesOutline, type ServerSettings,
} from '../shared/protocol';
import { atLeast, findingMessage, hunkSummary, lineAnnotations, shownSeverity, stepText } from '../shared/summary';
import { buildTimelines } from '../shared/timeline';
import type { SimulationView } from '../shared/webview-protocol';
import { review, simulate, type Cancel, type HunkEntry, type Review } from './reviews';

/** A document's current review as the report the CLI would print for it (SARIF export, review reply). */
const reportOf = (r: Review): ReviewReport => ({ version: 1, era: r.era as ReviewReport['era'], eraSource: r.eraSource, patches: r.patches, problems: r.problems });

const SEVERITY: Record<Severity, DiagnosticSeverity> = { info: DiagnosticSeverity.Information, warning: DiagnosticSeverity.Warning, error: DiagnosticSeverity.Error };
const MAX_RELATED = 20;
/** Diagnostics published per document at most (a huge mbox can hold hundreds of thousands of findings). */
const MAX_DIAGNOSTICS = 1000;
/** Patches of a large document listed in the outline and the series tree, at most. */
const MAX_OUTLINE_PATCHES = 1000;

interface DocState {
  timer?: ReturnType<typeof setTimeout>;
  running?: Cancel;
  result?: Review;
  /** Requests waiting for the review of the current version. */
  waiting: (() => void)[];
  simulations: Map<number, Promise<Awaited<ReturnType<typeof simulate>>>>;
  simulationsOf?: number;
}

/** Settings as a client sends them: the `pageref` section, or the section's keys at the top. */
function readSettings(base: ServerSettings, raw: unknown): ServerSettings {
  const section = raw && typeof raw === 'object' && 'pageref' in raw ? (raw as { pageref: unknown }).pageref : raw;
  if (!section || typeof section !== 'object') return base;
  const s = section as Record<string, unknown>;
  const pick = <K extends keyof ServerSettings>(k: K, ok: (v: unknown) => boolean): ServerSettings[K] => (ok(s[k]) ? s[k] as ServerSettings[K] : base[k]);
  const str = (v: unknown) => typeof v === 'string';
  const num = (v: unknown) => typeof v === 'number' && v >= 0;
  return {
    era: pick('era', str),
    kernelTree: pick('kernelTree', str),
    minimumSeverity: pick('minimumSeverity', (v) => v === 'info' || v === 'warning' || v === 'error'),
    inlineAnnotations: pick('inlineAnnotations', (v) => typeof v === 'boolean'),
    largeDocumentSize: pick('largeDocumentSize', num),
    debounceMs: pick('debounceMs', num),
  };
}

export function startServer(connection: Connection, distDir: string): void {
  const documents = new TextDocuments(PENDING_DOCUMENTS);
  const states = new Map<string, DocState>();
  const idleWaiters: (() => void)[] = [];
  const root = path.resolve(distDir, '..');
  const toolVersion = (() => {
    try {
      return String(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
    } catch {
      return '0.0.0';
    }
  })();
  let settings = DEFAULT_SETTINGS;
  let folders: string[] = [];
  let analyzer: Analyzer | undefined;
  const assets = loadAssets(distDir);
  let canRefresh = { codeLens: false, inlayHint: false, configuration: false, folders: false };
  let kernelTree: { tree: KernelTree | undefined } | undefined;

  const log = (m: string) => connection.console.log(m);
  const state = (uri: string): DocState => {
    let s = states.get(uri);
    if (!s) states.set(uri, (s = { waiting: [], simulations: new Map() }));
    return s;
  };

  /** The name reviews and SARIF give the document: its path inside the workspace folder, as the CLI run there names it. */
  const docName = (uri: string): string => {
    if (!uri.startsWith('file:')) return uri.replace(/^.*\//, '');
    const p = fileURLToPath(uri);
    const folder = folders.find((f) => p.startsWith(f + path.sep));
    return folder ? path.relative(folder, p) : p;
  };

  const options = (): ReviewOptions => {
    if (!kernelTree) {
      const dir = settings.kernelTree.trim() || folders.find(looksLikeKernelTree);
      // One tree object per folder: it keeps what git told it (blobs by id) across reviews.
      kernelTree = { tree: dir ? diskKernelTree(dir) : undefined };
      log(dir ? `kernel tree: ${dir} (whole functions are read from it)` : 'no kernel tree: hunks are reviewed as fragments');
    }
    return { era: settings.era.trim() || 'auto', kernelTree: kernelTree.tree };
  };

  const busy = () => [...states.values()].some((s) => s.timer !== undefined || s.running !== undefined);
  const checkIdle = () => {
    if (!busy()) idleWaiters.splice(0).forEach((r) => r());
  };

  function schedule(uri: string, delay: number): void {
    const s = state(uri);
    clearTimeout(s.timer);
    // A running review of an older text is superseded: its result is dropped when it ends.
    if (s.running) s.running.cancelled = true;
    s.running = undefined;
    // No request is answered from an older version's review: let it go before the next one is built.
    if (s.result && s.result.version !== documents.get(uri)?.version) s.result = undefined;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void run(uri, s);
    }, delay);
  }

  async function run(uri: string, s: DocState): Promise<void> {
    const doc = documents.get(uri);
    if (!doc || !analyzer) {
      checkIdle();
      return;
    }
    const cancel: Cancel = { cancelled: false };
    s.running = cancel;
    const version = doc.version;
    let r: Review | undefined;
    try {
      // A long review shows its first patches' findings while it goes on.
      const partial = (p: Review) => {
        if (!cancel.cancelled && documents.get(uri)?.version === version) publish(uri, p);
      };
      r = await review(analyzer, docName(uri), doc.getText(), version, options(), settings.largeDocumentSize, cancel, () => createAnalyzer(assets), partial);
    } catch (e) {
      log(`review of ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
    if (s.running === cancel) s.running = undefined;
    if (r && !cancel.cancelled && documents.get(uri)?.version === version) {
      s.result = r;
      log(`${docName(uri)} v${version}: era ${r.era} (${r.eraSource}), ${r.hunks.length} hunks, ${r.problems.length} problems, ${r.millis.toFixed(1)} ms`);
      publish(uri);
      void connection.sendNotification(ReviewedNotification, {
        uri, version, era: r.era, eraSource: r.eraSource, hunks: r.hunks.length, millis: r.millis, partial: r.parts !== undefined,
      });
      if (canRefresh.codeLens) void connection.sendRequest('workspace/codeLens/refresh').catch(() => {});
      if (canRefresh.inlayHint) void connection.languages.inlayHint.refresh().catch(() => {});
      s.waiting.splice(0).forEach((w) => w());
    }
    checkIdle();
  }

  function reviewAll(): void {
    for (const s of states.values()) s.result = undefined;
    for (const doc of documents.all()) schedule(doc.uri, 0);
  }

  /** The review of the document's current version: waits for the scheduled one; undefined if the request is cancelled or the document closed. */
  async function current(uri: string, token?: CancellationToken): Promise<{ doc: TextDocument; r: Review } | undefined> {
    for (;;) {
      const doc = documents.get(uri);
      if (!doc) return undefined;
      const s = state(uri);
      if (s.result?.version === doc.version) return { doc, r: s.result };
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      if (s.timer === undefined && s.running === undefined) schedule(uri, 0);
      await new Promise<void>((resolve) => {
        s.waiting.push(resolve);
        token?.onCancellationRequested(() => resolve());
        // A review dropped because of a newer edit wakes nobody: look again now and then.
        setTimeout(resolve, 1000);
      });
    }
  }

  function simulation(uri: string, doc: TextDocument, r: Review, number: number) {
    const s = state(uri);
    if (s.simulationsOf !== r.version) {
      s.simulations.clear();
      s.simulationsOf = r.version;
    }
    let p = s.simulations.get(number);
    if (!p) {
      p = analyzer ? simulate(analyzer, docName(uri), doc.getText(), r, number, options()) : Promise.resolve({ error: 'the server is not initialised' });
      s.simulations.set(number, p);
    }
    return p;
  }

  /** From the first non-blank character (or `character`) to the end of the line. */
  function lineRange(doc: TextDocument, line: number, character?: number): Range {
    const l = Math.min(Math.max(line, 0), doc.lineCount - 1);
    const text = doc.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\r?\n$/, '');
    const start = Math.min(character ?? text.search(/\S|$/), text.length);
    return { start: { line: l, character: start }, end: { line: l, character: Math.max(text.length, start) } };
  }

  const ruleDoc = (id: RuleId) => pathToFileURL(path.join(root, RULES.get(id)?.meta.docs ?? `src/core/rules/${id}/README.md`)).href;

  function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
    const related = [
      ...(f.related ?? []).map((r) => ({ line: r.line, message: r.message })),
      ...f.trace.flatMap((s) => (s.line === undefined ? [] : [{ line: s.line, message: stepText(s) }])),
    ];
    return {
      range: lineRange(doc, f.line, f.character),
      message: findingMessage(f),
      severity: SEVERITY[shownSeverity(f)],
      source: 'pageref',
      code: f.ruleId,
      codeDescription: { href: ruleDoc(f.ruleId) },
      relatedInformation: related.slice(0, MAX_RELATED).map((x) => ({ location: { uri: doc.uri, range: lineRange(doc, x.line) }, message: x.message })),
    };
  }

  function publish(uri: string, r = states.get(uri)?.result): void {
    const doc = documents.get(uri);
    if (!doc || !r) return;
    const diagnostics: Diagnostic[] = [];
    let left = 0;
    for (const p of r.problems) {
      if (p.line === undefined || !atLeast(p.severity, settings.minimumSeverity)) continue;
      if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push({ range: lineRange(doc, p.line), message: p.message, severity: SEVERITY[p.severity], source: 'pageref', code: 'input' });
      else left++;
    }
    for (const { hunk } of r.hunks) {
      for (const f of hunk.findings) {
        if (!atLeast(shownSeverity(f), settings.minimumSeverity)) continue;
        if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(toDiagnostic(doc, f));
        else left++;
      }
    }
    // A large document's findings past the kept ones were only counted.
    for (const [severity, n] of Object.entries(r.omitted ?? {}) as [Severity, number][]) if (atLeast(severity, settings.minimumSeverity)) left += n;
    if (left) {
      diagnostics.push({
        range: lineRange(doc, 0), severity: DiagnosticSeverity.Information, source: 'pageref', code: 'input',
        message: `${left} more findings and problems are not shown (at most ${MAX_DIAGNOSTICS} per document): \`pageref review\` lists them all.`,
      });
    }
    void connection.sendDiagnostics({ uri, version: r.version, diagnostics });
  }

  const hunkAt = (r: Review, line: number): HunkEntry | undefined => {
    // Hunks are in document order: binary search on the start line.
    let lo = 0, hi = r.hunks.length - 1, found: HunkEntry | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (r.hunks[mid].hunk.range.start.line <= line) {
        found = r.hunks[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && line <= found.hunk.range.end.line ? found : undefined;
  };

  async function readConfiguration(raw: unknown): Promise<void> {
    let next = readSettings(settings, raw);
    if (next === settings && canRefresh.configuration) {
      next = readSettings(settings, await connection.workspace.getConfiguration('pageref').catch(() => undefined));
    }
    const before = settings;
    settings = next;
    if (before.era !== next.era || before.kernelTree !== next.kernelTree || before.largeDocumentSize !== next.largeDocumentSize) {
      kernelTree = undefined;
      reviewAll();
    } else if (before.minimumSeverity !== next.minimumSeverity) for (const d of documents.all()) publish(d.uri);
    if (before.inlineAnnotations !== next.inlineAnnotations && canRefresh.inlayHint) void connection.languages.inlayHint.refresh().catch(() => {});
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    settings = readSettings(DEFAULT_SETTINGS, params.initializationOptions);
    folders = (params.workspaceFolders ?? []).map((f) => f.uri).concat(params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : [])
      .filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const ws = params.capabilities.workspace;
    canRefresh = { codeLens: !!ws?.codeLens?.refreshSupport, inlayHint: !!ws?.inlayHint?.refreshSupport, configuration: !!ws?.configuration, folders: !!ws?.workspaceFolders };
    analyzer = await createAnalyzer(assets);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        documentSymbolProvider: true,
        executeCommandProvider: { commands: Object.values(SERVER_COMMANDS) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'pageref', version: toolVersion },
    };
  });

  connection.onInitialized(() => {
    if (canRefresh.configuration) void readConfiguration(undefined);
    if (canRefresh.folders) connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => fileURLToPath(f.uri)));
      folders = folders.filter((f) => !removed.has(f)).concat(e.added.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri)));
      kernelTree = undefined;
      reviewAll();
    });
  });

  connection.onDidChangeConfiguration((p) => void readConfiguration(p.settings));

  // didOpen also fires a content change: the open is reviewed at once, later changes after the quiet time.
  const opened = new Map<string, number>();
  documents.onDidOpen((e) => {
    opened.set(e.document.uri, e.document.version);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (opened.get(e.document.uri) !== e.document.version) schedule(e.document.uri, settings.debounceMs);
  });
  documents.onDidClose((e) => {
    const s = states.get(e.document.uri);
    if (s) {
      clearTimeout(s.timer);
      if (s.running) s.running.cancelled = true;
      s.waiting.splice(0).forEach((w) => w());
    }
    states.delete(e.document.uri);
    opened.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    checkIdle();
  });

  connection.onHover(async (p, token) => {
    const cur = await current(p.textDocument.uri, token);
    const at = cur && hunkAt(cur.r, p.position.line);
    const call = at?.hunk.calls.find((c) => c.line === p.position.line && c.character <= p.position.character && p.position.character <= c.character + c.callee.length);
    if (!cur || !at || !call) return null;
    const entry = apiEntry(call.callee);
    const era = cur.r.era as Parameters<typeof effectFor>[1];
    const sim = await simulation(p.textDocument.uri, cur.doc, cur.r, at.number);
    const value = callHoverMarkdown({
      callee: call.callee, entry, era,
      effects: PGMAP_TYPES.map((type) => ({ type, effect: entry && effectFor(entry, era, type) })),
      traces: 'error' in sim ? undefined : sim.traces,
      line: call.line,
    });
    return { contents: { kind: 'markdown', value }, range: { start: { line: call.line, character: call.character }, end: { line: call.line, character: call.character + call.callee.length } } };
  });

  connection.onCodeLens(async (p, token) => {
    const cur = await current(p.textDocument.uri, token);
    if (!cur) return null;
    // A large document gets none: tens of thousands of lenses (view zones) would slow the editor down.
    const hunks = cur.r.parts ? [] : cur.r.hunks;
    return hunks.flatMap(({ hunk, number }): CodeLens[] => {
      const range = { start: { line: hunk.range.start.line, character: 0 }, end: { line: hunk.range.start.line, character: 0 } };
      return [
        { range, command: { title: hunkSummary(hunk), command: '' } },
        { range, command: { title: 'Simulate this hunk', command: SERVER_COMMANDS.simulateHunk, arguments: [p.textDocument.uri, number] } },
      ];
    });
  });

  connection.languages.inlayHint.on(async (p, token) => {
    if (!settings.inlineAnnotations) return [];
    const cur = await current(p.textDocument.uri, token);
    if (!cur) return null;
    const hints: InlayHint[] = [];
    for (const { hunk } of cur.r.hunks) {
      if (hunk.range.end.line < p.range.start.line || hunk.range.start.line > p.range.end.line) continue;
      for (const [line, text] of lineAnnotations(hunk)) {
        if (line >= cur.doc.lineCount) continue;
        // One hint per transition: editors shorten long hints one by one.
        const position = lineRange(cur.doc, line).end;
        for (const label of text.split(' · ')) hints.push({ position, label, paddingLeft: true });
      }
    }
    return hints;
  });

  connection.onDocumentSymbol(async (p, token) => {
    const cur = await current(p.textDocument.uri, token);
    if (!cur) return null;
    const last = cur.doc.lineCount - 1;
    const span = (from: number, to: number): Range => ({ start: { line: from, character: 0 }, end: lineRange(cur.doc, Math.max(from, to)).end });
    // A large document's outline: its first patches, without their files and hunks.
    const patches = cur.r.parts ? cur.r.patches.slice(0, MAX_OUTLINE_PATCHES) : cur.r.patches;
    return patches.map((patch, i): DocumentSymbol => {
      const end = (cur.r.patches[i + 1]?.startLine ?? last + 1) - 1;
      const head = span(patch.startLine, patch.startLine);
      return {
        name: `${patch.index !== undefined ? `[${patch.index}/${patch.total ?? '?'}] ` : ''}${patch.subject || '(diff)'}`,
        kind: SymbolKind.Module, range: span(patch.startLine, end), selectionRange: head,
        children: cur.r.parts ? [] : patch.files.filter((f) => f.hunks.length).map((file): DocumentSymbol => {
          const range = span(file.hunks[0].range.start.line, file.hunks[file.hunks.length - 1].range.end.line);
          return {
            name: file.path, kind: SymbolKind.File, range, selectionRange: span(range.start.line, range.start.line),
            children: file.hunks.map((hunk): DocumentSymbol => ({
              name: hunk.header.replace(/^(@@[^@]*@@).*$/, '$1') + (hunk.function ? ` ${hunk.function}` : ''),
              detail: hunkSummary(hunk), kind: SymbolKind.Function,
              range: span(hunk.range.start.line, hunk.range.end.line), selectionRange: span(hunk.range.start.line, hunk.range.start.line),
            })),
          };
        }),
      };
    });
  });

  connection.onExecuteCommand(async (p, token) => {
    const [uri, arg] = (p.arguments ?? []) as [unknown, unknown];
    if (typeof uri !== 'string') return new ResponseError(-32602, `${p.command} takes the document URI as its first argument`);
    switch (p.command) {
      case SERVER_COMMANDS.simulateHunk: {
        const cur = await current(uri, token);
        if (!cur) return { error: `${uri} is not open` };
        if (typeof arg !== 'number') return { error: 'simulateHunk takes [uri, hunk number]' };
        const r = await simulation(uri, cur.doc, cur.r, arg);
        return 'error' in r ? r : { version: 1, ...r };
      }
      case SERVER_COMMANDS.chooseEra: {
        if (typeof arg === 'string' && arg.trim()) await readConfiguration({ ...settings, era: arg.trim() });
        const cur = await current(uri, token);
        const choice: EraChoice = { setting: settings.era, era: cur?.r.era, eraSource: cur?.r.eraSource };
        if (!cur || !analyzer) return choice;
        if (settings.era.trim().toLowerCase() === 'auto') return { ...choice, inferred: { era: cur.r.era, why: cur.r.eraSource } };
        if (cur.r.parts) return choice;
        const auto = await analyzer.review([{ name: docName(uri), content: cur.doc.getText() }], { ...options(), era: 'auto' });
        return { ...choice, inferred: { era: auto.era, why: auto.eraSource } };
      }
      case SERVER_COMMANDS.exportSarif: {
        const cur = await current(uri, token);
        if (!cur) return new ResponseError(-32602, `${uri} is not open`);
        const report = reportOf(cur.r);
        // As `pageref review --format sarif` run in the workspace folder that holds the document.
        const name = docName(uri);
        const folder = uri.startsWith('file:') ? folders.find((f) => fileURLToPath(uri).startsWith(f + path.sep)) : undefined;
        return toSarif(report, [{ name, content: cur.doc.getText() }], { toolVersion, ruleDocs: readRuleDocs(distDir), sourceRoot: folder ?? process.cwd() });
      }
      case SERVER_COMMANDS.draftReply: {
        const cur = await current(uri, token);
        if (!cur || !analyzer) return { error: `${uri} is not open` } satisfies DraftReply;
        if (cur.r.parts) return { error: 'this document was reviewed patch by patch (it is large): draft the reply with `pageref reply --patch N FILE`' } satisfies DraftReply;
        if (arg !== undefined && (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 1)) return new ResponseError(-32602, 'draftReply takes [uri, patch number?]');
        const doc = { name: docName(uri), content: cur.doc.getText() };
        const reply = composeReply(doc, await analyzer.parse(doc), reportOf(cur.r), { patch: arg as number | undefined });
        const error = reply.problems.find((x) => x.severity === 'error');
        if (error || reply.text === undefined || !reply.patch) return { error: error?.message ?? 'no reply' } satisfies DraftReply;
        return { text: reply.text, subject: reply.patch.subject } satisfies DraftReply;
      }
      default:
        return new ResponseError(-32601, `unknown command ${p.command}`);
    }
  });

  connection.onRequest(SeriesOutlineRequest, async ({ uri }, token): Promise<SeriesOutline | null> => {
    const cur = await current(uri, token);
    if (!cur) return null;
    const number = new Map(cur.r.hunks.map((h) => [h.hunk, h.number]));
    return {
      version: cur.r.version, era: cur.r.era, eraSource: cur.r.eraSource,
      // A large document's tree: its first patches (the outline's bound).
      patches: (cur.r.parts ? cur.r.patches.slice(0, MAX_OUTLINE_PATCHES) : cur.r.patches).map((p) => ({
        subject: p.subject, index: p.index, total: p.total, startLine: p.startLine,
        files: p.files.map((f) => ({
          path: f.path,
          hunks: f.hunks.map((h) => ({
            number: number.get(h) ?? 0, header: h.header, function: h.function, line: h.range.start.line, endLine: h.range.end.line, summary: hunkSummary(h),
            findings: h.findings.map((x) => ({ ruleId: x.ruleId, status: x.status, severity: shownSeverity(x), line: x.line, message: findingMessage(x) })),
          })),
        })),
      })),
    };
  });

  connection.onRequest(SimulationRequest, async ({ uri, hunk }, token): Promise<SimulationView | { error: string }> => {
    const cur = await current(uri, token);
    const entry = cur?.r.hunks[hunk - 1];
    if (!cur || !entry) return { error: `Hunk ${hunk} is no longer in ${uri}.` };
    const sim = await simulation(uri, cur.doc, cur.r, hunk);
    if ('error' in sim) return sim;
    return {
      path: entry.file.path, header: entry.hunk.header, hunkNumber: hunk, era: cur.r.era,
      hunks: cur.r.hunks.map((h) => ({ number: h.number, label: `#${h.number} ${h.file.path} ${h.hunk.header}` })),
      timelines: buildTimelines(sim.traces),
    };
  });

  connection.onRequest(IdleRequest, () => (busy() ? new Promise<null>((r) => idleWaiters.push(() => r(null))) : null));

  connection.onShutdown(() => {
    for (const s of states.values()) clearTimeout(s.timer);
    analyzer?.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
