// Golden Series of real inputs: the seed threads, the bundled examples, and diffs made at test
// time from the Debian kernel sources. UPDATE_GOLDEN=1 regenerates the JSON files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { applyFileDiff, hunkSide } from '../../../src/core/patch';
import type { Series } from '../../../src/core/patch/types';
import { ROOT } from '../../helpers/assets';
import { checkGolden, redactCopied } from '../../helpers/golden';
import { KERNELS, SEEDS, needKernels, needSeeds, seedFiles } from '../../helpers/inputs';
import { assertPositions, gitDiff, parse } from './check';

/** Fields that would copy a seed thread's text (its lines, subject, headers) into the repository. */
const COPIED = new Set(['text', 'before', 'after', 'header', 'section', 'subject', 'rawSubject', 'from', 'date', 'messageId', 'inReplyTo', 'message']);

const GOLDEN = path.join(ROOT, 'test', 'core', 'patch', 'golden');

test('seed threads', { skip: needSeeds }, async (t) => {
  const files = seedFiles();
  assert.ok(files.length > 0, `no seeds in ${SEEDS}`);
  for (const file of files) {
    await t.test(path.basename(file), async () => {
      const text = fs.readFileSync(file, 'utf8');
      const s = await parse(fs.readFileSync(file), path.basename(file));
      assertPositions(s, text);
      checkGolden(path.join(GOLDEN, `seed-${path.basename(file, '.txt')}.json`), redactCopied(s, COPIED));
    });
  }
});

test('seed 001: the whitespace-damaged reply is recovered as patch -l would', { skip: needSeeds }, async () => {
  const file = path.join(SEEDS, '001_9b44d1dd41821ba6.txt');
  const s = await parse(fs.readFileSync(file));
  assert.equal(s.format, 'web-archive');
  const p = s.patches[0];
  assert.deepEqual([p.subject, p.index, p.total, p.fromReply], ['mm: Free device private pages have zero refcount', 2, 7, true]);
  assert.deepEqual(p.files.map((f) => [f.path, f.hunks[0].function, f.hunks[0].oldCount, f.hunks[0].newCount]), [
    ['mm/memremap.c', 'free_zone_device_page', 15, 7],
    ['mm/page_alloc.c', '__init_zone_device_page', 9, 7],
  ]);
  const h = p.files[0].hunks[0];
  assert.ok(h.lines.some((l) => l.repaired));
  assert.equal(h.lines.filter((l) => l.kind === 'del').length, 9);
  assert.deepEqual(s.problems.map((x) => x.message), [
    'hunk @@ -507,15 +507,7 @@: 6 context lines had lost their leading space',
    'hunk @@ -6816,9 +6816,7 @@: 6 context lines had lost their leading space',
  ]);
});

test('seed 001 against linux 6.1: the damaged memremap.c hunk is found ignoring whitespace', { skip: needSeeds || needKernels }, async () => {
  const s = await parse(fs.readFileSync(path.join(SEEDS, '001_9b44d1dd41821ba6.txt')));
  const f = s.patches[0].files[0];
  const pre = fs.readFileSync(path.join(KERNELS, 'linux-6.1', f.path), 'utf8');
  const r = applyFileDiff(pre, f);
  assert.deepEqual(r.problems.map((p) => p.message), ['hunk @@ -507,15 +507,7 @@ of mm/memremap.c applied at line 508 (offset 1 line, ignoring whitespace)']);
  const removed = r.value.before.split('\n').filter((_, i) => r.value.beforeDocLines[i] !== undefined && !r.value.after.includes(_));
  assert.ok(removed.some((l) => l.includes('set_page_count(page, 1);')), 'the tree\'s set_page_count(page, 1) is among the deleted lines');
});

test('examples/: the bundled series and single patch', async () => {
  for (const name of ['series.mbox', 'single.patch']) {
    const file = path.join(ROOT, 'examples', name);
    const text = fs.readFileSync(file, 'utf8');
    const s = await parse(text, `examples/${name}`);
    assert.deepEqual(s.problems, [], name);
    assertPositions(s, text);
    checkGolden(path.join(GOLDEN, `examples-${name.replace('.', '-')}.json`), s);
  }
});

/** The parts of a Series worth pinning for a large diff: files, hunks, repairs, problems. */
function summary(s: Series) {
  return {
    format: s.format,
    files: s.patches.flatMap((p) =>
      p.files.map((f) => ({
        path: f.path,
        oldPath: f.oldPath,
        newPath: f.newPath,
        binary: f.binary,
        hunks: f.hunks.map((h) => `${h.headerLine}: ${h.header.slice(0, h.header.indexOf('@@', 2) + 2)} ${h.function} (${h.lines.length} lines${h.repairs.length ? `; ${h.repairs.join('; ')}` : ''})`),
      })),
    ),
    problems: s.problems,
  };
}

test('kernel diffs made at test time (6.1 -> 6.12)', { skip: needKernels }, async (t) => {
  for (const rel of ['mm/memremap.c', 'drivers/dax', 'drivers/nvdimm']) {
    await t.test(rel, async () => {
      const diff = gitDiff(`linux-6.1/${rel}`, `linux-6.12/${rel}`);
      const s = await parse(diff, rel);
      assert.equal(s.format, 'unified-diff');
      assertPositions(s, diff);
      const hunks = s.patches[0].files.flatMap((f) => f.hunks);
      for (const h of hunks) {
        assert.equal(hunkSide(h, 'before').lines.length, h.oldCount, h.header);
        assert.equal(hunkSide(h, 'after').lines.length, h.newCount, h.header);
      }
      checkGolden(path.join(GOLDEN, `kernel-${rel.replace(/\//g, '-')}.json`), summary(s));
    });
  }
});
