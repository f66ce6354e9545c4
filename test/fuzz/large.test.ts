// The bad inputs that are large by definition (a 1 MB line, 100,000 hunks, a 1,000-message
// mbox, a 10,000-way switch), one each, each in a child process with a 1 GB heap (the campaign's
// child mode): an input of a few MB that needs more has failed, and says so here instead of
// taking the test process down. Time is measured by bench/campaign.mjs, not asserted here; the
// child's time limit only guards against a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/assets';
import { LARGE } from './generators';

interface Line {
  readonly start?: string;
  readonly name?: string;
  readonly crash?: string;
  readonly violations?: readonly string[];
}

for (const category of LARGE) {
  test(`bad input: ${category} (one large input, 1 GB heap)`, () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=1024', path.join(ROOT, 'bench', 'campaign.mjs'), '--child', category, '1'], {
      encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 26,
    });
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    const started = lines.find((l) => l.start)?.start ?? category;
    const died = r.stderr.split('\n').find((l) => /FATAL ERROR|Error/.test(l));
    assert.equal(r.status, 0, `${started}: the review process died (${r.signal ?? `exit ${r.status}`}): ${died ?? r.stderr.slice(-300)}`);
    const done = lines.find((l) => l.name);
    assert.ok(done, `${started}: no outcome reported`);
    assert.equal(done.crash, undefined, `${done.name}: review threw\n${done.crash}`);
    assert.deepEqual(done.violations, [], done.name);
  });
}
