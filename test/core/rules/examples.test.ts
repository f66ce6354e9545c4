// Executes every rule's README examples (flagged must introduce the rule, OK must not) and its
// cases (the `expect:` status for the rule, and a golden of all findings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RULE_IDS, type Finding } from '../../../src/core/report/types';
import type { Era } from '../../../src/core/types';
import { parseDocument } from '../../../src/core/patch';
import { createReviewer } from '../../../src/core/model/pipeline';
import { ROOT } from '../../helpers/assets';
import { checkGolden } from '../../helpers/golden';
import { getSyntax } from '../sim/helpers';

const DIR = path.join(ROOT, 'src', 'core', 'rules');

async function findings(text: string, era: Era): Promise<Finding[]> {
  const series = (await parseDocument({ name: 'example.patch', content: text })).value;
  const r = createReviewer(await getSyntax()).review([series], { era, includePresent: true });
  return r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.findings)));
}

function block(readme: string, heading: string): string {
  const at = readme.indexOf(heading);
  const m = /```diff\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(at >= 0 && m, `${heading} has a diff block`);
  return m[1]!;
}

for (const id of RULE_IDS) {
  test(`${id}: README examples`, async () => {
    const readme = fs.readFileSync(path.join(DIR, id, 'README.md'), 'utf8');
    const era = (/^Era: (E[0-5])$/m.exec(readme)?.[1] ?? 'E2') as Era;
    const flagged = await findings(block(readme, '### Flagged'), era);
    assert.ok(flagged.some((f) => f.ruleId === id && f.status === 'introduced'), `flagged example introduces ${id}: ${JSON.stringify(flagged.map((f) => [f.ruleId, f.status]))}`);
    const ok = await findings(block(readme, '### OK'), era);
    assert.ok(!ok.some((f) => f.ruleId === id && f.status === 'introduced'), `OK example does not introduce ${id}`);
  });

  test(`${id}: cases`, async () => {
    const dir = path.join(DIR, id, 'cases');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.patch')).sort()) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const era = /^era: (E[0-5])$/m.exec(text)?.[1] as Era | undefined;
      const expect = /^expect: (introduced|fixed|present|cannot-fire|none)$/m.exec(text)?.[1];
      assert.ok(era && expect, `${file}: era and expect lines`);
      const all = await findings(text, era);
      const mine = [...new Set(all.filter((f) => f.ruleId === id).map((f) => f.status))];
      if (expect === 'none') assert.deepEqual(mine, [], `${file}: no ${id}`);
      else assert.ok((mine as string[]).includes(expect), `${file}: ${id} ${expect}, got ${mine.join(', ')}`);
      const compact = all.map((f) => ({ ruleId: f.ruleId, status: f.status, types: f.types, line: f.line, message: f.message }));
      checkGolden(path.join(dir, file.replace(/\.patch$/, '.expected.json')), compact);
    }
  });
}
