// The messages between the simulation panel (src/vscode/simulation-panel.ts) and its webview
// script (media/simulation.js, which uses these types through JSDoc `import()`). Plain data only.
import type { PageState } from '../core/model/types';
import type { PgmapType } from '../core/types';

/** One pgmap type's step in a timeline row. */
export interface StepCell {
  readonly statement: string;
  readonly function: string;
  /** 0-based document line of the step, when it comes from the patch. */
  readonly line?: number;
  readonly phase: string;
  readonly before: PageState;
  readonly after: PageState;
  readonly note?: string;
}

/**
 * Step `i` of every pgmap type's trace, side by side. `cells` follows `Timeline.types`; a cell is
 * null when that type's trace has already ended.
 */
export interface TimelineRow {
  /** The statement when every type ran the same one, else "" (each cell then names its own). */
  readonly statement: string;
  /** Distinct document lines of the row's steps, for highlighting in the editor. */
  readonly lines: readonly number[];
  readonly cells: readonly (StepCell | null)[];
}

export interface Timeline {
  readonly scenario: string;
  readonly side: 'before' | 'after';
  readonly types: readonly PgmapType[];
  readonly rows: readonly TimelineRow[];
  /** Why the simulation stopped early, per type, when a budget was hit. */
  readonly truncated: readonly string[];
}

export interface HunkChoice {
  /** 1-based hunk number in document order (what `simulate` takes). */
  readonly number: number;
  readonly label: string;
}

export interface SimulationView {
  readonly path: string;
  readonly header: string;
  readonly hunkNumber: number;
  readonly era: string;
  readonly hunks: readonly HunkChoice[];
  /** Every (scenario, side) pair the core simulated, scenarios in the core's order. */
  readonly timelines: readonly Timeline[];
}

export type ToWebview =
  | { readonly kind: 'show'; readonly view: SimulationView }
  | { readonly kind: 'error'; readonly message: string };

export type FromWebview =
  | { readonly kind: 'ready' }
  /** The current step changed: highlight these document lines. */
  | { readonly kind: 'step'; readonly lines: readonly number[] }
  | { readonly kind: 'hunk'; readonly number: number };
