// What the PageRef language server (src/lsp) and its clients say beyond standard LSP: settings,
// the server's executeCommand ids, and typed custom requests and notifications. Shared by the
// server and the VS Code client, so both sides are checked against one definition.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { Finding, Severity } from '../core';
import type { SimulationView } from './webview-protocol';

/** The server's settings (VS Code: the `pageref.*` configuration section; other clients: initializationOptions or didChangeConfiguration). */
export interface ServerSettings {
  /** 'auto', E0-E5 or a kernel version such as v6.12. */
  readonly era: string;
  /** A kernel source tree to read whole functions from; empty: a workspace folder that looks like one. */
  readonly kernelTree: string;
  readonly minimumSeverity: Severity;
  /** Inlay hints of the predicted transitions. */
  readonly inlineAnnotations: boolean;
  /** Documents larger than this (in UTF-16 units) are reviewed patch by patch. */
  readonly largeDocumentSize: number;
  /** Quiet time after an edit before the re-review starts. */
  readonly debounceMs: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  era: 'auto', kernelTree: '', minimumSeverity: 'info', inlineAnnotations: true, largeDocumentSize: 8_000_000, debounceMs: 250,
};

/** workspace/executeCommand ids the server offers. */
export const SERVER_COMMANDS = {
  /** [uri, hunk number (1-based, document order)] -> SimulateResult JSON (every trace) or { error }. */
  simulateHunk: 'pageref.server.simulateHunk',
  /** [uri, era?]: with an era, sets the server's era and re-reviews; answers EraChoice either way. */
  chooseEra: 'pageref.server.chooseEra',
  /** [uri] -> the SARIF 2.1.0 log of the document's review (as `pageref review --format sarif`). */
  exportSarif: 'pageref.server.exportSarif',
  /** [uri, patch? (k of [PATCH k/n], else 1-based position)] -> DraftReply: the review reply to that patch (as `pageref reply`). */
  draftReply: 'pageref.server.draftReply',
} as const;

/** A drafted review reply (an RFC 5322 message: headers, blank line, quoted patch with the findings) or why there is none. */
export type DraftReply = { readonly text: string; readonly subject: string } | { readonly error: string };

export interface EraChoice {
  /** The era setting in force ('auto', E0-E5 or a version). */
  readonly setting: string;
  /** The era the document is reviewed in, and why (the review's eraSource). */
  readonly era?: string;
  readonly eraSource?: string;
  /** What `auto` infers for the document, and why. */
  readonly inferred?: { readonly era: string; readonly why: string };
}

export interface UriParams {
  readonly uri: string;
}

/** A finding as the outline shows it: its message and severity as its diagnostic has them. */
export interface OutlineFinding {
  readonly ruleId: Finding['ruleId'];
  readonly status: Finding['status'];
  readonly severity: Severity;
  readonly line: number;
  readonly message: string;
}

/** The series outline of a reviewed document: what the series tree shows (no traces). */
export interface SeriesOutline {
  readonly version: number;
  readonly era: string;
  readonly eraSource: string;
  readonly patches: readonly {
    readonly subject: string;
    readonly index?: number;
    readonly total?: number;
    readonly startLine: number;
    readonly files: readonly {
      readonly path: string;
      readonly hunks: readonly {
        readonly number: number;
        readonly header: string;
        readonly function: string;
        /** First (the @@ header) and last document line. */
        readonly line: number;
        readonly endLine: number;
        readonly summary: string;
        readonly findings: readonly OutlineFinding[];
      }[];
    }[];
  }[];
}

/** The series outline of the document's current review (null: not open or not reviewed). */
export const SeriesOutlineRequest = new RequestType<UriParams, SeriesOutline | null, void>('pageref/seriesOutline');

export interface SimulationParams extends UriParams {
  readonly hunk: number;
}
/** The simulation view (timelines for the webview) of a hunk. */
export const SimulationRequest = new RequestType<SimulationParams, SimulationView | { error: string }, void>('pageref/simulation');

/** Answers once no review is scheduled or running. */
export const IdleRequest = new RequestType0<null, void>('pageref/idle');

export interface ReviewedParams {
  readonly uri: string;
  readonly version: number;
  readonly era: string;
  readonly eraSource: string;
  readonly hunks: number;
  readonly millis: number;
  /** Reviewed patch by patch (a large document). */
  readonly partial: boolean;
}
/** Sent after each review whose result was published. */
export const ReviewedNotification = new NotificationType<ReviewedParams>('pageref/reviewed');
