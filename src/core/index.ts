// The façade of the pure core: the CLI and the VS Code extension talk to this file only.
// Strings and bytes in, plain data out; problems are returned, never thrown.
import type { Era, InputDocument, Problem } from './types';
import type { HunkReport, PatchReport, ReviewReport, ScanReport, TraceStep } from './report/types';
import { CONTEXT_LINE, createParseMemo, parseDocument, withSeriesContext, type ParseMemo } from './patch';
import type { Patch, Series } from './patch/types';
import { createCSyntax, type CSyntax, type SyntaxAssets } from './syntax';
import { API_NAMES, inferEra, parseEraOption, type GitFacts } from './api';
import { createReviewer, readsAnyHunk, type PreImage, type ReviewResult, type SimulateResult } from './model/pipeline';

export type { SyntaxAssets as Assets } from './syntax';
export * from './types';
export * from './report/types';
export type { Series, Patch, FileDiff, Hunk, HunkLine } from './patch/types';

/** Read access to a kernel source tree, provided by the adapter (the core does no IO). A git tree
 * also gives the blobs that patches name (`preImage`) and the facts that date a base (`GitFacts`). */
export interface KernelTree extends GitFacts {
  readFile(path: string): string | undefined;
  /** The pre-image of `path` named by a patch's index line (`blob`, abbreviated as written); undefined when absent. */
  preImage?(path: string, blob: string): PreImage | undefined;
}

export interface ReviewOptions {
  /** 'auto' (default), an era (E0-E5) or a kernel version ("v6.12"). */
  readonly era?: string;
  readonly kernelTree?: KernelTree;
  /** Also report findings present both before and after the patch. */
  readonly includePresent?: boolean;
  /** Other documents of the series (mails, format-patch files): a patch k of n is reviewed after
   * the patches 1..k-1 found among them, as it would be in the whole series. Only those are read. */
  readonly series?: readonly InputDocument[];
  /** Called after each patch is reviewed (series order) and awaited: an editor shows the first
   * patches' findings while the rest are reviewed. `report()` is the report of those done so far. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number; report(): ReviewReport }) => void | Promise<void>;
}

export type { SimulateResult, PreImage } from './model/pipeline';
export type { GitFacts } from './api';
export { toSarif, type SarifOptions } from './report/sarif';
export { toCheckpatch, toB4, toPatchwork, verdict, PATCHWORK_DESCRIPTION_MAX, type B4Check, type PatchworkCheck, type PatchworkEntry, type CheckVerdict } from './report/checks';
export { composeReply, type Reply, type ReplyOptions } from './report/reply';
export { pageStateText, statusPrefix } from './report/common';
// What the adapters show besides reports: the API table's account of a function per era (hovers),
// and the rules' meta data (documentation links, SARIF descriptors).
export { apiEntry, effectFor } from './api';
export type { ApiEntry, EraEffect, RefAmount, RefOp } from './api';
export { RULES } from './rules';
export type { RuleMeta } from './rules';

export interface Analyzer {
  parse(doc: InputDocument): Promise<Series>;
  review(docs: readonly InputDocument[], options?: ReviewOptions): Promise<ReviewReport>;
  /** Full traces (every scenario, before and after, per type) of the hunk number `hunk` (1-based, document order). */
  simulate(doc: InputDocument, hunk: number, options?: ReviewOptions): Promise<SimulateResult | { error: string }>;
  scan(files: readonly { path: string; text: string }[]): Promise<ScanReport>;
  dispose(): void;
}

/** Documents whose last read an analyzer keeps (an editor's open documents), up to a size (bytes or
 * UTF-16 units; the memo holds a copy of each message's text). */
const MAX_MEMOS = 16;
const MEMO_MAX_SIZE = 8_000_000;

export async function createAnalyzer(assets: SyntaxAssets): Promise<Analyzer> {
  // The grammar (two WASM modules) is loaded when an input first has a hunk the review reads: a
  // trivial input, or one whose hunks call nothing of the API table, never loads it.
  let syntax: CSyntax | undefined;
  let loading: Promise<CSyntax> | undefined;
  const grammar = async (): Promise<CSyntax> => syntax ?? (await (loading ??= createCSyntax(assets).then((s) => (syntax = s))));
  const whenRead = async (series: readonly Series[]) => {
    // Once loaded, nothing to ask: the scan of every hunk is for inputs that may never need it.
    if (!syntax && readsAnyHunk(series)) await grammar();
  };
  // Kept for the analyzer's life: re-reviews after an edit only redo the hunks that changed.
  const reviewer = createReviewer({
    parse(text, options) {
      if (!syntax) throw new Error('the C grammar is not loaded');
      return syntax.parse(text, options);
    },
  });

  // The last read of each document reviewed: its unchanged messages are not read again (ParseMemo).
  const memos = new Map<string, ParseMemo>();
  const memoOf = (name: string): ParseMemo => {
    let m = memos.get(name);
    if (!m) {
      if (memos.size >= MAX_MEMOS) memos.delete(memos.keys().next().value!);
      memos.set(name, (m = createParseMemo()));
    }
    return m;
  };

  async function parseAll(docs: readonly InputDocument[]): Promise<{ series: Series[]; problems: Problem[] }> {
    const series: Series[] = [];
    const problems: Problem[] = [];
    for (const [i, doc] of docs.entries()) {
      // A document given twice is read twice: its patches are two series' objects. A piece of a larger
      // document (each read under the document's name) has no last read of its own to start from.
      const memo = !doc.piece && doc.content.length <= MEMO_MAX_SIZE && !docs.slice(0, i).some((d) => d.name === doc.name) ? memoOf(doc.name) : undefined;
      const r = await parseDocument(doc, memo);
      series.push(r.value);
      problems.push(...r.problems.map((p) => ({ ...p, source: p.source ?? doc.name })));
    }
    return { series, problems };
  }

  async function withContext(own: readonly Series[], docs: readonly InputDocument[]): Promise<{ series: Series[]; added: number[]; problems: Problem[] }> {
    const names = new Set(own.map((s) => s.source));
    const context = (await Promise.all(docs.filter((d) => !names.has(d.name)).map((d) => parseDocument(d)))).map((r) => r.value);
    const merged = own.map((s) => withSeriesContext(s, context));
    return {
      series: merged.map((m) => m.series),
      added: merged.map((m) => m.added),
      problems: merged.flatMap((m) => m.series.problems.map((p) => ({ ...p, source: p.source ?? m.series.source }))),
    };
  }

  /** A patch reviewed after patches of other documents: lines of those documents are not lines of its
   * own (a trace step there keeps its statement, loses its line; a related place there is dropped). */
  function ownLines(p: PatchReport): PatchReport {
    const step = (t: TraceStep): TraceStep => (t.line !== undefined && t.line >= CONTEXT_LINE ? { ...t, line: undefined, note: `in an earlier patch of the series${t.note ? `; ${t.note}` : ''}` } : t);
    const steps = (ts: readonly TraceStep[]) => (ts.some((t) => t.line !== undefined && t.line >= CONTEXT_LINE) ? ts.map(step) : ts);
    const hunk = (h: HunkReport): HunkReport => {
      const at = (line: number) => (line >= CONTEXT_LINE ? h.range.start.line : line);
      return {
        ...h,
        effects: h.effects.map((e) => ({ ...e, line: at(e.line), ...(e.trace && { trace: steps(e.trace) }) })),
        findings: h.findings.map((f) => ({ ...f, line: at(f.line), trace: steps(f.trace), ...(f.related && { related: f.related.filter((x) => x.line < CONTEXT_LINE) }) })),
      };
    };
    return { ...p, files: p.files.map((f) => ({ ...f, hunks: f.hunks.map(hunk) })) };
  }

  function decideEra(series: readonly Series[], option: string | undefined, tree: KernelTree | undefined): { era: Era; eraSource: string; patchEras?: ReadonlyMap<Patch, Era>; problems: Problem[] } {
    const parsed = parseEraOption(option ?? 'auto');
    if ('error' in parsed || parsed.era === 'auto') {
      const inferred = inferEra(series, tree);
      const problems: Problem[] = 'error' in parsed ? [{ severity: 'error', message: parsed.error }] : [];
      if (inferred.noEvidence && series.some((s) => s.patches.some((p) => p.files.length > 0))) {
        problems.push({ severity: 'warning', message: `era: ${inferred.why}; pass --era (an era or the kernel version the patch is based on)` });
      }
      // Every patch whose era is not the report's carries its own (another series' base, or a later era its series moved to).
      const patchEras = new Map(inferred.patchEras);
      for (const [s, e] of inferred.seriesEras) if (e !== inferred.era) for (const p of s.patches) if (!patchEras.has(p)) patchEras.set(p, e);
      return { era: inferred.era, eraSource: `inferred: ${inferred.why}`, ...(patchEras.size > 0 && { patchEras }), problems };
    }
    // An era asked for that the patch's own evidence contradicts gives other answers than the patch's
    // kernel: said, not overruled (a backport to an older base is a reason to ask).
    const inferred = inferEra(series, tree);
    const problems: Problem[] = inferred.fits.has(parsed.era) ? []
      : [{ severity: 'warning', message: `era: ${parsed.era} as asked${parsed.from ? ` (${parsed.from})` : ''}, but the patch's own evidence fits ${[...inferred.fits].join(', ')} better: ${inferred.why}` }];
    return { era: parsed.era, eraSource: parsed.from ? `flag: ${parsed.from}` : 'flag', problems };
  }

  return {
    async parse(doc) {
      return (await parseDocument(doc)).value;
    },
    async review(docs, options = {}) {
      const parsed = await parseAll(docs);
      const { series, added, problems } = options.series?.length ? await withContext(parsed.series, options.series) : { ...parsed, added: [] };
      const era = decideEra(series, options.era, options.kernelTree);
      await whenRead(series);
      const report = (r: ReviewResult): ReviewReport => {
        // The patches taken from the context come first in each series: they are not reported.
        const patches = added.length ? series.flatMap((s, i) => r.patches.filter((p) => p.source === s.source).slice(added[i]).map(ownLines)) : r.patches;
        return { version: 1, era: era.era, eraSource: era.eraSource, patches, problems: [...problems, ...era.problems, ...r.problems] };
      };
      const steps = reviewer.reviewSteps(series, { era: era.era, kernelTree: options.kernelTree, includePresent: options.includePresent ?? false, ...(era.patchEras && { patchEras: era.patchEras }) });
      for (;;) {
        const step = steps.next();
        if (step.done) return report(step.value);
        if (options.onProgress) await options.onProgress({ done: step.value.done, total: step.value.total, report: () => report(step.value.partial()) });
      }
    },
    async simulate(doc, hunk, options = {}) {
      const { series } = await parseAll([doc]);
      const era = decideEra(series, options.era, options.kernelTree);
      await whenRead(series);
      return reviewer.simulate(series, hunk, { era: era.era, kernelTree: options.kernelTree, includePresent: true, ...(era.patchEras && { patchEras: era.patchEras }) });
    },
    async scan(files) {
      const syntax = await grammar();
      const calls = [];
      const problems: Problem[] = [];
      for (const f of files) {
        const r = syntax.scan(f.path, f.text, API_NAMES);
        calls.push(...r.calls);
        problems.push(...r.problems);
      }
      return { version: 1, calls, files: files.length, problems };
    },
    dispose() {
      syntax?.dispose();
    },
  };
}
