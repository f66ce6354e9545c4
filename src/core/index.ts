// The façade of the pure core: the CLI and the VS Code extension talk to this file only.
// Strings and bytes in, plain data out; problems are returned, never thrown.
import type { Era, InputDocument, Problem } from './types';
import type { ReviewReport, ScanReport } from './model/types';
import { parseDocument } from './patch';
import type { Series } from './patch/types';
import { createCSyntax, type CSyntax, type SyntaxAssets } from './syntax';
import { API_NAMES, inferEra, parseEraOption } from './api';
import { createReviewer, type SimulateResult } from './model/review';

export type { SyntaxAssets as Assets } from './syntax';
export * from './types';
export * from './model/types';
export type { Series, Patch, FileDiff, Hunk, HunkLine } from './patch/types';

/** Read access to a kernel source tree, provided by the adapter (the core does no IO). */
export interface KernelTree {
  readFile(path: string): string | undefined;
}

export interface ReviewOptions {
  /** 'auto' (default), an era (E0-E5) or a kernel version ("v6.12"). */
  readonly era?: string;
  readonly kernelTree?: KernelTree;
  /** Also report findings present both before and after the patch. */
  readonly includePresent?: boolean;
}

export type { SimulateResult } from './model/review';

export interface Analyzer {
  parse(doc: InputDocument): Promise<Series>;
  review(docs: readonly InputDocument[], options?: ReviewOptions): Promise<ReviewReport>;
  /** Full traces (every scenario, before and after, per type) of the hunk number `hunk` (1-based, document order). */
  simulate(doc: InputDocument, hunk: number, options?: ReviewOptions): Promise<SimulateResult | { error: string }>;
  scan(files: readonly { path: string; text: string }[]): ScanReport;
  dispose(): void;
}

export async function createAnalyzer(assets: SyntaxAssets): Promise<Analyzer> {
  const syntax: CSyntax = await createCSyntax(assets);
  // Kept for the analyzer's life: re-reviews after an edit only redo the hunks that changed.
  const reviewer = createReviewer(syntax);

  async function parseAll(docs: readonly InputDocument[]): Promise<{ series: Series[]; problems: Problem[] }> {
    const series: Series[] = [];
    const problems: Problem[] = [];
    for (const doc of docs) {
      const r = await parseDocument(doc);
      series.push(r.value);
      problems.push(...r.problems.map((p) => ({ ...p, source: p.source ?? doc.name })));
    }
    return { series, problems };
  }

  function decideEra(series: readonly Series[], option: string | undefined): { era: Era; eraSource: string; problems: Problem[] } {
    const parsed = parseEraOption(option ?? 'auto');
    if ('error' in parsed) {
      const inferred = inferEra(series);
      return { era: inferred.era, eraSource: `inferred: ${inferred.why}`, problems: [{ severity: 'error', message: parsed.error }] };
    }
    if (parsed.era !== 'auto') return { era: parsed.era, eraSource: parsed.from ? `flag: ${parsed.from}` : 'flag', problems: [] };
    const inferred = inferEra(series);
    return { era: inferred.era, eraSource: `inferred: ${inferred.why}`, problems: [] };
  }

  return {
    async parse(doc) {
      return (await parseDocument(doc)).value;
    },
    async review(docs, options = {}) {
      const { series, problems } = await parseAll(docs);
      const era = decideEra(series, options.era);
      const r = reviewer.review(series, { era: era.era, kernelTree: options.kernelTree, includePresent: options.includePresent ?? false });
      return { version: 1, era: era.era, eraSource: era.eraSource, patches: r.patches, problems: [...problems, ...era.problems, ...r.problems] };
    },
    async simulate(doc, hunk, options = {}) {
      const { series } = await parseAll([doc]);
      const era = decideEra(series, options.era);
      return reviewer.simulate(series, hunk, { era: era.era, kernelTree: options.kernelTree, includePresent: true });
    },
    scan(files) {
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
      syntax.dispose();
    },
  };
}
