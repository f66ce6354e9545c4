// The façade of the pure core: the CLI and the VS Code extension talk to this file only.
// Strings and bytes in, plain data out; problems are returned, never thrown.
import type { Era, InputDocument, Problem } from './types';
import type { ReviewReport, ScanReport } from './model/types';
import { parseDocument } from './patch';
import type { Patch, Series } from './patch/types';
import { createCSyntax, type CSyntax, type SyntaxAssets } from './syntax';
import { API_NAMES, inferEra, parseEraOption, type GitFacts } from './api';
import { createReviewer, type PreImage, type SimulateResult } from './model/review';

export type { SyntaxAssets as Assets } from './syntax';
export * from './types';
export * from './model/types';
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
}

export type { SimulateResult, PreImage } from './model/review';
export type { GitFacts } from './api';

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
    return { era: parsed.era, eraSource: parsed.from ? `flag: ${parsed.from}` : 'flag', problems: [] };
  }

  return {
    async parse(doc) {
      return (await parseDocument(doc)).value;
    },
    async review(docs, options = {}) {
      const { series, problems } = await parseAll(docs);
      const era = decideEra(series, options.era, options.kernelTree);
      const r = reviewer.review(series, { era: era.era, kernelTree: options.kernelTree, includePresent: options.includePresent ?? false, ...(era.patchEras && { patchEras: era.patchEras }) });
      return { version: 1, era: era.era, eraSource: era.eraSource, patches: r.patches, problems: [...problems, ...era.problems, ...r.problems] };
    },
    async simulate(doc, hunk, options = {}) {
      const { series } = await parseAll([doc]);
      const era = decideEra(series, options.era, options.kernelTree);
      return reviewer.simulate(series, hunk, { era: era.era, kernelTree: options.kernelTree, includePresent: true, ...(era.patchEras && { patchEras: era.patchEras }) });
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
