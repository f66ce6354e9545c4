// The server's open documents. vscode-languageserver-textdocument applies each incremental change at
// once, and every change copies the whole text (a substring of the previous concatenation flattens
// it): 20-40 ms per keystroke in a 40 MB mbox, the CPU the editor itself needs while the user types.
// Here changes are kept until the text is next read (a review after the quiet time, a hover), and
// keystrokes that edit the text the previous ones typed are merged into one change first, so a burst
// of typing costs one copy.
import { TextDocument, type Position, type Range, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

type Incremental = { range: Range; text: string };

class PendingDocument implements TextDocument {
  private pending: TextDocumentContentChangeEvent[] = [];
  private current: number;

  constructor(private doc: TextDocument) {
    this.current = doc.version;
  }

  get uri(): string {
    return this.doc.uri;
  }

  get languageId(): string {
    return this.doc.languageId;
  }

  get version(): number {
    return this.current;
  }

  get lineCount(): number {
    return this.applied().lineCount;
  }

  getText(range?: Range): string {
    return this.applied().getText(range);
  }

  positionAt(offset: number): Position {
    return this.applied().positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.applied().offsetAt(position);
  }

  getLineRange(line: number): Range {
    return this.applied().getLineRange(line);
  }

  getEOLCharacters(line: number): string {
    return this.applied().getEOLCharacters(line);
  }

  keep(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const c of changes) {
      if (!('range' in c)) this.pending = [c];
      else {
        const last = this.pending[this.pending.length - 1];
        const merged = last && 'range' in last ? mergedInto(last, c) : undefined;
        if (merged) this.pending[this.pending.length - 1] = merged;
        else this.pending.push({ range: c.range, text: c.text });
      }
    }
    this.current = version;
  }

  private applied(): TextDocument {
    if (this.pending.length) {
      this.doc = TextDocument.update(this.doc, this.pending, this.current);
      this.pending = [];
    }
    return this.doc;
  }
}

/** `next` folded into `prev` when both stay on one line and `next` edits only what `prev` typed
 * (`next`'s range is in the coordinates after `prev`): typing, and deleting what was just typed. */
function mergedInto(prev: Incremental, next: Incremental): Incremental | undefined {
  const { start, end } = prev.range;
  const { start: s, end: e } = next.range;
  if (start.line !== end.line || s.line !== start.line || e.line !== start.line || /[\r\n]/.test(prev.text + next.text)) return undefined;
  const from = s.character - start.character;
  const to = e.character - start.character;
  if (from < 0 || to < from || to > prev.text.length) return undefined;
  return { range: prev.range, text: prev.text.slice(0, from) + next.text + prev.text.slice(to) };
}

/** For `new TextDocuments(PENDING_DOCUMENTS)`. */
export const PENDING_DOCUMENTS = {
  create: (uri: string, languageId: string, version: number, content: string): TextDocument => new PendingDocument(TextDocument.create(uri, languageId, version, content)),
  update: (doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument => {
    if (doc instanceof PendingDocument) {
      doc.keep(changes, version);
      return doc;
    }
    return TextDocument.update(doc, changes, version);
  },
};
