// Every rule is a complete folder: rule.ts, README.md with the required headings and examples,
// cases/; the registry, the folders and RULE_IDS agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RULE_IDS } from '../../../src/core/report/types';
import { RULES } from '../../../src/core/rules';
import { ROOT } from '../../helpers/assets';

const DIR = path.join(ROOT, 'src', 'core', 'rules');
const HEADINGS = ['## What it checks', '## Why it matters', '## Examples', '### Flagged', '### OK', '## Limitations', '## Related rules'];

test('registry, folders and RULE_IDS agree, and the registry is sorted', () => {
  const folders = fs.readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.deepEqual(folders, [...RULE_IDS].sort());
  assert.deepEqual([...RULES.keys()], [...RULE_IDS].sort());
  for (const [id, rule] of RULES) {
    assert.equal(rule.meta.id, id);
    assert.equal(rule.meta.docs, `src/core/rules/${id}/README.md`);
    assert.ok(rule.check || rule.diff, `${id} has a check`);
  }
});

for (const id of RULE_IDS) {
  test(`rule folder ${id} is complete`, () => {
    const dir = path.join(DIR, id);
    assert.ok(fs.existsSync(path.join(dir, 'rule.ts')), 'rule.ts');
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    let at = -1;
    for (const h of HEADINGS) {
      const i = readme.split('\n').findIndex((l) => l.trim() === h);
      assert.ok(i > at, `README heading "${h}" present and in order`);
      at = i;
    }
    const examples = readme.slice(readme.indexOf('## Examples'), readme.indexOf('## Limitations'));
    assert.equal((examples.match(/```diff\n/g) ?? []).length, 2, 'one diff block under Flagged and one under OK');
    assert.match(readme.slice(readme.indexOf('## Why it matters'), readme.indexOf('## Examples')), /\b[0-9a-f]{12}\b|\w+\(\)/, 'a kernel reference (commit id or function)');
    const related = readme.slice(readme.indexOf('## Related rules'));
    for (const m of related.matchAll(/\]\(\.\.\/([a-z-]+)\/README\.md\)/g)) assert.ok((RULE_IDS as readonly string[]).includes(m[1]!), `related rule ${m[1]} exists`);
    const cases = fs.readdirSync(path.join(dir, 'cases')).filter((f) => f.endsWith('.patch'));
    assert.ok(cases.length > 0, 'at least one case');
    for (const c of cases) assert.ok(fs.existsSync(path.join(dir, 'cases', c.replace(/\.patch$/, '.expected.json'))), `${c} has its expected findings`);
  });
}
