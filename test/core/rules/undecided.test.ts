// A put the patch adds is not its own evidence: where nothing the input shows (a get, a call the table
// says runs under the function's reference, a put of the code before the patch) says a reference is
// held, pgmap-ref-imbalance does not judge the exit and an info problem says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { ROOT } from '../../helpers/assets';
import { getSyntax } from '../sim/helpers';

const CASES = path.join(ROOT, 'src', 'core', 'rules', 'pgmap-ref-imbalance', 'cases');

async function review(file: string) {
  const text = fs.readFileSync(path.join(CASES, file), 'utf8');
  const series = (await parseDocument({ name: file, content: text })).value;
  const r = createReviewer(await getSyntax()).review([series], { era: 'E2', includePresent: false });
  const findings = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.findings))).filter((f) => f.ruleId === 'pgmap-ref-imbalance');
  const notes = r.problems.filter((p) => p.severity === 'info' && p.message.startsWith('pgmap-ref-imbalance not judged'));
  return { findings, notes, lines: text.split('\n') };
}

test('an added put with no shown reason to hold a reference is not judged, and says so at the put', async () => {
  const { findings, notes, lines } = await review('p2pmem-mmap-error-put-restored-u1.patch');
  assert.deepEqual(findings, []);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!.message, /P2PDMA in p2pmem_alloc_mmap\(\)/);
  assert.match(lines[notes[0]!.line!]!, /^\+\s*percpu_ref_put\(ref\);/);
});

test('the same put judged where the input shows the call the function makes under its reference', async () => {
  const { findings, notes } = await review('p2pmem-mmap-error-put-restored.patch');
  assert.deepEqual(findings.map((f) => f.status), ['fixed']);
  assert.deepEqual(notes, []);
});

test('a put the patch deletes is the code before the patch: judged', async () => {
  const { findings, notes } = await review('p2pmem-mmap-error-put-dropped-u1.patch');
  assert.deepEqual(findings.map((f) => f.status), ['introduced']);
  assert.deepEqual(notes, []);
});
