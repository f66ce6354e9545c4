// The real-mail expectations cover every mbox of ../shared/corpus and every seed, name only
// files that exist, use the model's vocabulary, and hold no mail text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ASPECTS, RULE_IDS } from '../../src/core/report/types';
import { PGMAP_TYPES } from '../../src/core/types';
import { SHARED } from '../helpers/inputs';
import { REAL_MAIL } from '../measure/harness';

const corpusMissing = fs.existsSync(path.join(SHARED, 'corpus')) ? false : `needs ${SHARED}/corpus`;

test('one expectation per real mail and per seed', { skip: corpusMissing }, () => {
  const files = ['corpus', 'seeds'].flatMap((d) => fs.readdirSync(path.join(SHARED, d)).filter((f) => /\.(mbox|txt)$/.test(f)).map((f) => `${d}/${f}`)).sort();
  assert.deepEqual(REAL_MAIL.map((i) => i.file).sort(), files);
});

test('expectations use the vocabulary: aspects, rules, types, statuses, eras, trees', () => {
  for (const i of REAL_MAIL) {
    assert.match(i.era, /^E[0-5]$/, i.file);
    assert.ok(i.reason.length > 20, `${i.file}: a reason`);
    assert.ok(i.tree === undefined || i.tree === '6.1' || i.tree === '6.12', i.file);
    assert.equal(i.kind === 'neutral', i.effects.length + i.findings.length === 0, `${i.file}: neutral means nothing expected`);
    for (const e of i.effects) {
      assert.ok((ASPECTS as readonly string[]).includes(e.aspect), `${i.file}: ${e.aspect}`);
      assert.ok(e.types.length && e.types.every((t) => (PGMAP_TYPES as readonly string[]).includes(t)), i.file);
    }
    for (const f of i.findings) {
      assert.ok((RULE_IDS as readonly string[]).includes(f.ruleId), `${i.file}: ${f.ruleId}`);
      assert.ok(f.status === 'introduced' || f.status === 'fixed', i.file);
      assert.ok(f.types.length && f.types.every((t) => (PGMAP_TYPES as readonly string[]).includes(t)), i.file);
    }
  }
});
