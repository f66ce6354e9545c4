// The extension's one analysis service: owns the core analyzer, reviews patch documents off the
// typing path (debounced), keeps the latest report per document version, and tells the features
// when a report changes. Every feature reads reports from here; none calls the core itself.
import * as vscode from 'vscode';
import type { FileReport, HunkReport, PatchReport, ReviewReport, SimulateResult } from '../core';
import type { ReviewService, WorkerOptions } from './worker-client';
import { config } from './config';

/** VS Code's built-in language of .patch/.diff files, and ours for mail (.mbox, .eml, format-patch text). */
const MAIL_LANGUAGE = 'patch-mail';
export const PATCH_SELECTOR: vscode.DocumentSelector = [{ language: 'diff' }, { language: MAIL_LANGUAGE }];
const FORMAT_PATCH_FIRST_LINE = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001/;

export interface HunkEntry {
  /** 1-based number in document order: what `simulate` takes. */
  readonly number: number;
  readonly patch: PatchReport;
  readonly file: FileReport;
  readonly hunk: HunkReport;
}

export interface DocumentAnalysis {
  readonly version: number;
  readonly report: ReviewReport;
  readonly hunks: readonly HunkEntry[];
  readonly millis: number;
}

interface Pending {
  timer?: ReturnType<typeof setTimeout>;
  readonly promise: Promise<DocumentAnalysis | undefined>;
  readonly resolve: (a: DocumentAnalysis | undefined) => void;
}

export class Analysis implements vscode.Disposable {
  private readonly results = new Map<string, DocumentAnalysis>();
  private readonly pending = new Map<string, Pending>();
  private readonly simulations = new Map<string, { version: number; result: Promise<SimulateResult | { error: string }> }>();
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** A document has a new report (or lost it, when it was closed). */
  readonly onDidAnalyse = this.changed.event;
  /** The kernel tree in use (null: none), found once per configuration. */
  private kernelTree: string | null | undefined;

  constructor(
    private readonly analyzer: ReviewService,
    private readonly log: vscode.OutputChannel,
    private readonly debounceMs = 250,
  ) {}

  isPatch(doc: vscode.TextDocument): boolean {
    return vscode.languages.match(PATCH_SELECTOR, doc) > 0;
  }

  /** Gives plain-text documents that start like `git format-patch` output the mail language. */
  async claim(doc: vscode.TextDocument): Promise<void> {
    if (doc.languageId === 'plaintext' && doc.lineCount > 0 && FORMAT_PATCH_FIRST_LINE.test(doc.lineAt(0).text)) {
      await vscode.languages.setTextDocumentLanguage(doc, MAIL_LANGUAGE);
    }
  }

  /** The report of the document's current version, if it is ready. */
  current(doc: vscode.TextDocument): DocumentAnalysis | undefined {
    const a = this.results.get(doc.uri.toString());
    return a && a.version === doc.version ? a : undefined;
  }

  /** The last report of the document, possibly of an older version (for views that tolerate lag). */
  latest(uri: vscode.Uri): DocumentAnalysis | undefined {
    return this.results.get(uri.toString());
  }

  /** The current report, waiting for a scheduled analysis rather than starting a second one. */
  get(doc: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    const cur = this.current(doc);
    if (cur) return Promise.resolve(cur);
    return this.pending.get(doc.uri.toString())?.promise ?? this.schedule(doc, 0);
  }

  /** (Re)starts the document's debounce timer; resolves with the analysis it leads to. */
  schedule(doc: vscode.TextDocument, delay = this.debounceMs): Promise<DocumentAnalysis | undefined> {
    const key = doc.uri.toString();
    let p = this.pending.get(key);
    if (p) clearTimeout(p.timer);
    else {
      let resolve!: Pending['resolve'];
      const promise = new Promise<DocumentAnalysis | undefined>((r) => (resolve = r));
      p = { promise, resolve };
      this.pending.set(key, p);
    }
    const entry = p;
    entry.timer = setTimeout(() => {
      this.pending.delete(key);
      this.analyse(doc).then(entry.resolve, (e) => {
        this.log.appendLine(`review of ${doc.uri.fsPath} failed: ${e instanceof Error ? e.stack : e}`);
        entry.resolve(undefined);
      });
    }, delay);
    return entry.promise;
  }

  /** Drops every report (the era, the kernel tree or the workspace folders changed) and re-reviews the open patches. */
  invalidateAll(): void {
    this.results.clear();
    this.simulations.clear();
    this.kernelTree = undefined;
    for (const doc of vscode.workspace.textDocuments) if (this.isPatch(doc)) void this.schedule(doc, 0);
  }

  forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const p = this.pending.get(key);
    if (p) {
      clearTimeout(p.timer);
      p.resolve(undefined);
      this.pending.delete(key);
    }
    this.results.delete(key);
    for (const k of [...this.simulations.keys()]) if (k.startsWith(`${key}#`)) this.simulations.delete(k);
    this.changed.fire(doc);
  }

  /** Full traces of hunk `number` of the document's current version (cached per version). */
  simulate(doc: vscode.TextDocument, number: number): Promise<SimulateResult | { error: string }> {
    const key = `${doc.uri.toString()}#${number}`;
    const hit = this.simulations.get(key);
    if (hit && hit.version === doc.version) return hit.result;
    const result = this.analyzer.simulate(this.input(doc), number, this.options());
    this.simulations.set(key, { version: doc.version, result });
    return result;
  }

  hunkAt(a: DocumentAnalysis, line: number): HunkEntry | undefined {
    return a.hunks.find((h) => h.hunk.range.start.line <= line && line <= h.hunk.range.end.line);
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.changed.dispose();
    this.analyzer.dispose();
  }

  private input(doc: vscode.TextDocument) {
    return { name: vscode.workspace.asRelativePath(doc.uri, false), content: doc.getText() };
  }

  private options(): WorkerOptions {
    if (this.kernelTree === undefined) {
      const dir = config.kernelTree();
      this.kernelTree = dir ?? null;
      this.log.appendLine(dir ? `kernel tree: ${dir} (whole functions are read from it)` : 'no kernel tree: hunks are reviewed as fragments');
    }
    return { era: config.era(), kernelTreeDir: this.kernelTree ?? undefined };
  }

  private async analyse(doc: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    if (doc.isClosed) return undefined;
    const version = doc.version;
    const t0 = performance.now();
    const report = await this.analyzer.review([this.input(doc)], this.options());
    const millis = performance.now() - t0;
    if (doc.isClosed || doc.version !== version) return this.get(doc);
    const all = report.patches.flatMap((patch) => patch.files.flatMap((file) => file.hunks.map((hunk) => ({ patch, file, hunk }))));
    all.sort((a, b) => a.hunk.range.start.line - b.hunk.range.start.line);
    const analysis: DocumentAnalysis = { version, report, hunks: all.map((h, i) => ({ ...h, number: i + 1 })), millis };
    this.results.set(doc.uri.toString(), analysis);
    this.log.appendLine(`${vscode.workspace.asRelativePath(doc.uri)} v${version}: era ${report.era} (${report.eraSource}), ` +
      `${all.length} hunks, ${report.problems.length} problems, ${millis.toFixed(1)} ms`);
    for (const p of report.problems) if (p.line === undefined) this.log.appendLine(`  ${p.severity}: ${p.message}`);
    this.changed.fire(doc);
    return analysis;
  }
}
