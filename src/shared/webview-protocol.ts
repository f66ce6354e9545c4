// The messages between the simulation panel (src/vscode/simulation-panel.ts) and its webview
// script (media/simulation.js, which uses these types through JSDoc `import()`). Plain data only.
import type { PageState, PgmapType } from '../core';

/** One pgmap type's state around a timeline row. */
export interface StepCell {
  /** False when this type's trace does not run the row's statement here (its state carries over). */
  readonly ran: boolean;
  readonly before: PageState;
  readonly after: PageState;
  readonly note?: string;
}

/**
 * One statement of a scenario, with every pgmap type's state around it. `cells` follows
 * `Timeline.types`; a cell is null for a type whose trace has no step at all.
 */
export interface TimelineRow {
  readonly statement: string;
  readonly function: string;
  /** 0-based document line, when the statement comes from the patch. */
  readonly line?: number;
  readonly phase: string;
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
