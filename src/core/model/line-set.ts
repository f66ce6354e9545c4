// Document lines as one sorted array of numbers.

/** A set of document lines kept as one sorted array: a large diff changes a million lines, which a
 * Set holds in about 40 MB and this in 8. */
export class LineSet implements ReadonlySet<number> {
  private readonly lines: Float64Array;
  constructor(lines: Float64Array) {
    // Hunks come in document order; a sort is needed only when they do not.
    let sorted = true;
    for (let i = 1; i < lines.length && sorted; i++) sorted = lines[i - 1]! < lines[i]!;
    this.lines = sorted ? lines : Float64Array.from(new Set(lines)).sort();
  }
  get size(): number {
    return this.lines.length;
  }
  has(line: number): boolean {
    const a = this.lines;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! < line) lo = mid + 1;
      else if (a[mid]! > line) hi = mid - 1;
      else return true;
    }
    return false;
  }
  *values(): IterableIterator<number> {
    for (const l of this.lines) yield l;
  }
  keys(): IterableIterator<number> {
    return this.values();
  }
  *entries(): IterableIterator<[number, number]> {
    for (const l of this.lines) yield [l, l];
  }
  [Symbol.iterator](): IterableIterator<number> {
    return this.values();
  }
  forEach(visit: (value: number, key: number, set: ReadonlySet<number>) => void): void {
    for (const l of this.lines) visit(l, l, this);
  }
}
