// Golden files: compared whole; regenerated with UPDATE_GOLDEN=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';

export function checkGolden(file: string, actual: string | object): void {
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file missing: ${file} (run with UPDATE_GOLDEN=1 to create it)`);
  assert.equal(text, fs.readFileSync(file, 'utf8'), `output differs from ${file} (UPDATE_GOLDEN=1 regenerates it)`);
}

/**
 * Goldens of real inputs (the seed threads, kernel sources) must not copy their text into the
 * repository: the strings at `keys` are replaced by a short digest and their length, which still
 * pins them (any change shows), without holding them.
 */
export function redactCopied<T>(value: T, keys: ReadonlySet<string>): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => {
        if (!keys.has(k)) return [k, walk(x)];
        if (typeof x === 'string') return [k, digest(x)];
        if (Array.isArray(x) && x.every((e) => typeof e === 'string')) return [k, x.map(digest)];
        return [k, walk(x)];
      }));
    }
    return v;
  };
  return walk(value) as T;
}

function digest(s: string): string {
  return `sha256:${createHash('sha256').update(s).digest('hex').slice(0, 12)} (${s.length} chars)`;
}
