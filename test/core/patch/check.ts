// Shared checks for the patch tests: parse a string, and verify that every position the
// parser reports points at the very text it claims, in the document as an editor splits it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseDocument } from '../../../src/core/patch';
import type { Series } from '../../../src/core/patch/types';
import { KERNELS } from '../../helpers/inputs';

export async function parse(text: string | Uint8Array, name = 'test.patch'): Promise<Series> {
  return (await parseDocument({ name, content: text })).value;
}

/** Document lines as VS Code numbers them ("\r\n", "\n" and a lone "\r" all end a line). */
export function docLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/**
 * For plain (not encoded) inputs: each hunk line's text sits at (line, character), the header
 * is at headerLine, the range ends at the last line's end, and before/after agree with the lines.
 */
export function assertPositions(series: Series, text: string): void {
  const lines = docLines(text);
  for (const p of series.patches) {
    for (const f of p.files) {
      for (const h of f.hunks) {
        assert.equal(lines[h.headerLine], h.header, `header at line ${h.headerLine}`);
        assert.deepEqual(h.range.start, { line: h.headerLine, character: 0 });
        for (const l of h.lines) {
          assert.equal(lines[l.line].slice(l.character), l.text, `line ${l.line} of ${f.path}`);
        }
        const last = h.lines.length > 0 ? Math.max(...h.lines.map((l) => l.line)) : h.headerLine;
        assert.ok(h.range.end.line >= last, 'range covers the last hunk line');
      }
    }
  }
}

export function messages(series: Series): string[] {
  return series.problems.map((p) => p.message);
}

/**
 * `git diff --no-index --no-prefix` of two paths under the kernel sources directory
 * ("linux-6.1/mm/x.c" vs "linux-6.12/mm/x.c"), as a kernel developer's diff -p1 looks.
 * git exits 1 when the inputs differ: that is its normal output.
 */
export function gitDiff(a: string, b: string): string {
  try {
    return execFileSync('git', ['diff', '--no-index', '--no-color', '--no-prefix', a, b], { cwd: KERNELS, encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    if (typeof out === 'string' && out !== '') return out;
    throw e;
  }
}
