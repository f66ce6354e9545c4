// JSON output in pieces: exactly JSON.stringify(value, null, 2), cut at the containers of the top
// `depth` levels so that a report of tens of MB never exists as one string. Our own rather than
// @discoveryjs/json-ext's stringifyChunked: that one is about ten times slower than JSON.stringify
// on our reports (60 ms against 6 ms on the 2.5 MB report of the mm/ diff), and this stringifies
// everything below `depth` with JSON.stringify itself.

/** An array longer than this is cut at its elements at any depth (and so is an object that holds one):
 * one file of 100,000 hunks (each with a finding) was one 75 MB piece, stringified and then indented
 * again as a copy. */
const LONG = 1000;
const isLong = (v: unknown): boolean => Array.isArray(v) && v.length > LONG;
const holdsLong = (v: object): boolean => isLong(v) || (!Array.isArray(v) && Object.values(v).some(isLong));

/** The pieces of JSON.stringify(value, null, 2) for plain data (no toJSON, no cycles). The default
 * depth makes a review report's file (with its hunks) one piece, a SARIF result one: cut finer, the
 * 38 MB diff's 21 MB report took twice as long (about 170 against 90 ms). */
export function* jsonPieces(value: unknown, depth = 4, indent = ''): Generator<string> {
  if (value === null || typeof value !== 'object' || (depth <= 0 && !holdsLong(value))) {
    const text = JSON.stringify(value, null, 2) ?? 'null';
    yield indent ? text.replace(/\n/g, `\n${indent}`) : text;
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      const v: unknown = value[i];
      yield* jsonPieces(v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v, depth - 1, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{';
  for (let i = 0; i < entries.length; i++) {
    yield `${i ? ',' : ''}\n${inner}${JSON.stringify(entries[i]![0])}: `;
    yield* jsonPieces(entries[i]![1], depth - 1, inner);
  }
  yield `\n${indent}}`;
}
