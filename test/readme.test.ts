// README's two commands are what a newcomer runs; .ci/run must run exactly the second one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/assets';

const shBlocks = (md: string) => [...md.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());

test('README opens with the example command and the test command; .ci/run runs the latter', () => {
  const blocks = shBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  assert.ok(blocks.length >= 2, 'README needs two sh blocks first');
  assert.match(blocks[0], /npm ci && npm run example/);
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  assert.equal(ci.at(-1), blocks[1]);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.ok(pkg.scripts.example.includes('examples/'), 'npm run example reviews a bundled example');
});

test('README rules table matches the rule registry', async () => {
  const { RULES } = await import('../src/core/rules');
  const md = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = md.split('<!-- rules:start')[1]?.split('<!-- rules:end -->')[0] ?? '';
  const rows = table.split('\n').filter((l) => l.startsWith('| [`'));
  const expected = [...RULES.values()].map((r) => `| [\`${r.meta.id}\`](${r.meta.docs}) | ${r.meta.severity} | ${r.meta.summary} |`);
  assert.deepEqual(rows, expected);
});
