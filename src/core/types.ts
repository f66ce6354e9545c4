// Plain data shared by every layer. Positions are 0-based lines and UTF-16 columns of the
// input document (model-contract.md), so an editor can use them directly.

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'info' | 'warning' | 'error';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

/** Something the core could not read, repaired, or gave up on. Never thrown: returned. */
export interface Problem {
  readonly severity: Severity;
  readonly message: string;
  /** 0-based line in the input document, when the problem has a place. */
  readonly line?: number;
  /** Name of the input document (file path or "-"), when there are several. */
  readonly source?: string;
}

export interface Result<T> {
  readonly value: T;
  readonly problems: Problem[];
}

export const PGMAP_TYPES = ['PRIVATE', 'COHERENT', 'FS_DAX', 'GENERIC', 'P2PDMA'] as const;
export type PgmapType = (typeof PGMAP_TYPES)[number];

/** Kernel constant of each pgmap type, as written in C. */
export const PGMAP_TYPE_CONSTANTS: Readonly<Record<string, PgmapType>> = {
  MEMORY_DEVICE_PRIVATE: 'PRIVATE',
  MEMORY_DEVICE_COHERENT: 'COHERENT',
  MEMORY_DEVICE_FS_DAX: 'FS_DAX',
  MEMORY_DEVICE_GENERIC: 'GENERIC',
  MEMORY_DEVICE_PCI_P2PDMA: 'P2PDMA',
};

export const ERAS = ['E0', 'E1', 'E2', 'E3', 'E4', 'E5'] as const;
export type Era = (typeof ERAS)[number];

/** Input document: a name for messages and its raw bytes or text. */
export interface InputDocument {
  readonly name: string;
  readonly content: Uint8Array | string;
  /** One message of a larger document its caller splits (a language server's large mbox): whether the
   * series around it is whole is the caller's to say, not this piece's (its patch k/n is not "read
   * without" the patches before it). */
  readonly piece?: boolean;
}
