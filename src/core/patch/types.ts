import type { Problem, Range } from '../types';

export type LineKind = 'context' | 'add' | 'del';

/** One line of a hunk, with its exact place in the input document. */
export interface HunkLine {
  readonly kind: LineKind;
  /** The line's text without the diff prefix (' ', '+', '-'). */
  readonly text: string;
  /** 0-based document line. */
  readonly line: number;
  /** UTF-16 column in the document where `text` starts (after the prefix, if any). */
  readonly character: number;
  /** True when the line was recovered from whitespace damage (lost prefix, lost tabs). */
  readonly repaired?: boolean;
  /** True when the line was followed by "\ No newline at end of file". */
  readonly noNewline?: boolean;
}

export interface Hunk {
  /** The header line as written, e.g. "@@ -501,11 +501,6 @@ void free_zone_device_page(struct page *page)". */
  readonly header: string;
  readonly headerLine: number;
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  /** Function name from the header's section text, "" when there is none. */
  readonly function: string;
  /** The header's section text as written after the second "@@". */
  readonly section: string;
  readonly lines: readonly HunkLine[];
  /** From the header line to the last hunk line. (Its pre- and post-image: `hunkSide` in ./diff.) */
  readonly range: Range;
  /** What was repaired in this hunk (whitespace damage, wrong counts). Empty when clean. */
  readonly repairs: readonly string[];
}

export interface FileDiff {
  readonly oldPath: string;
  readonly newPath: string;
  /** The path reviewers name the file by: newPath, or oldPath for a deletion. */
  readonly path: string;
  readonly headerLine: number;
  readonly binary: boolean;
  readonly hunks: readonly Hunk[];
  /** The blob ids of git's "index <old>..<new>" line, as written (abbreviated; all zeros for a side that is absent). */
  readonly oldBlob?: string;
  readonly newBlob?: string;
}

export interface Patch {
  /** Subject without the "[PATCH ...]" prefix; "" for a bare diff. */
  readonly subject: string;
  /** The subject line as written (decoded). */
  readonly rawSubject: string;
  readonly index?: number;
  readonly total?: number;
  readonly version?: number;
  readonly rfc: boolean;
  /** "[PATCH v3 0/6]": a cover letter, no diff expected. */
  readonly isCover: boolean;
  readonly from?: string;
  readonly date?: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  /** What the message says about its base: format-patch's trailers and the cover letter's words. */
  readonly base?: BaseHints;
  /** True when the diff came from a reply (a diff after "---" in a web-archived reply). */
  readonly fromReply: boolean;
  readonly files: readonly FileDiff[];
  /** Document lines this patch (message) spans. */
  readonly startLine: number;
  readonly endLine: number;
}

export interface BaseHints {
  /** "base-commit: <sha>" (git format-patch --base). */
  readonly commit?: string;
  /** "prerequisite-patch-id: <id>" lines: the series sits on patches not in the base commit. */
  readonly prerequisites: number;
  /** A tree or version named as the base in prose: "based on v6.15-rc3", "applies on mm-unstable", "next-20250110". */
  readonly named?: string;
}

export type InputFormat = 'unified-diff' | 'format-patch' | 'mbox' | 'web-archive';

export interface Series {
  readonly source: string;
  readonly format: InputFormat;
  readonly cover?: Patch;
  /** Patches in series order (by index when the subjects carry one, else document order). */
  readonly patches: readonly Patch[];
  /** Document lines that hold diffs quoted in replies ("> +foo"): recognised, not reviewed. */
  readonly quotedDiffLines: readonly number[];
  readonly problems: readonly Problem[];
}
