// The server's review of a large document (src/lsp/reviews.ts): patch by patch, and past the findings
// an editor is shown only counted, so its memory does not grow with the document's findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../src/core';
import { review, splitPatches } from '../../src/lsp/reviews';
import { shownSeverity } from '../../src/shared/summary';
import { loadAssets, ROOT } from '../helpers/assets';

test('a large document keeps its first findings whole and counts the rest; the two add up to a review of every piece', async () => {
  const base = fs.readFileSync(path.join(ROOT, 'examples', 'series.mbox'), 'utf8');
  const copies = 200;
  const text = Array.from({ length: copies }, (_, i) => base.replace(/^Subject: \[PATCH/gm, `Subject: [PATCH copy ${i}`)).join('');
  const assets = loadAssets();
  const analyzer = await createAnalyzer(assets);
  try {
    // Each message of a large document is reviewed alone (no series context): so is each of the example's.
    const alone = await Promise.all(splitPatches(base).map((piece) => analyzer.review([{ name: 'one.mbox', content: piece.text }], { era: 'E2' })));
    const hunksPerCopy = alone.flatMap((one) => one.patches.flatMap((p) => p.files.flatMap((f) => f.hunks)));
    const perCopy = hunksPerCopy.flatMap((h) => h.findings);
    assert.ok(perCopy.length > 0, 'the example has findings');
    const r = await review(analyzer, 'big.mbox', text, 1, { era: 'E2' }, 10_000, { cancelled: false }, () => createAnalyzer(assets));
    assert.ok(r?.parts, 'reviewed patch by patch');
    const kept = r.hunks.flatMap((h) => h.hunk.findings);
    const omitted = r.omitted!;
    assert.ok(kept.length <= 2000 && kept.length > 1000, `kept ${kept.length}: more than an editor shows, at most the bound`);
    assert.equal(kept.length + omitted.error + omitted.warning + omitted.info, perCopy.length * copies, 'kept and counted: every finding once');
    for (const s of ['error', 'warning', 'info'] as const) {
      const each = perCopy.filter((f) => shownSeverity(f) === s).length;
      assert.equal(kept.filter((f) => shownSeverity(f) === s).length + omitted[s], each * copies, s);
    }
    assert.equal(r.hunks.length, copies * hunksPerCopy.length, 'every hunk is kept (outline, simulate)');
    assert.match(r.problems[0]!.message, /reviewed message by message/);
    // Every patch of the series is in the document: none is reported read without those before it.
    assert.deepEqual(r.problems.filter((p) => /read without/.test(p.message)), []);
  } finally {
    analyzer.dispose();
  }
});
