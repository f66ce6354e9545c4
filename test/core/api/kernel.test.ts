// The table's existence claims checked against Debian's linux-6.1 and linux-6.12 sources (both E2):
// an entry whose source cites one of them must be named there, and an entry that does not exist
// in E2 must be named in neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { API_TABLE } from '../../../src/core/api';
import { kernelDir, needKernels } from '../../helpers/inputs';

/** The table names that occur as words in the C sources of a tree. */
function namesIn(dir: string): Set<string> {
  const r = spawnSync('grep', ['-rhowF', '--include=*.c', '--include=*.h', '-f', '-', dir], {
    input: API_TABLE.map((e) => e.name).join('\n'), encoding: 'utf8', maxBuffer: 256 << 20,
  });
  assert.ok(r.status === 0 || r.status === 1, `grep failed: ${r.stderr}`);
  return new Set(r.stdout.split('\n').filter(Boolean));
}

test('entries citing linux-6.1 / linux-6.12 are named there; entries absent from E2 are named in neither', { skip: needKernels }, () => {
  const in61 = namesIn(kernelDir('6.1')!);
  const in612 = namesIn(kernelDir('6.12')!);
  const cites = (src: string, v: '6.1' | '6.12') => new RegExp(`linux-${v.replace('.', '\\.')}(?!\\d)`).test(src);
  const missing: string[] = [];
  const unexpected: string[] = [];
  for (const e of API_TABLE) {
    if (cites(e.source, '6.1') && !in61.has(e.name)) missing.push(`${e.name} (6.1)`);
    if (cites(e.source, '6.12') && !in612.has(e.name)) missing.push(`${e.name} (6.12)`);
    if (!e.exists.includes('E2') && (in61.has(e.name) || in612.has(e.name))) unexpected.push(e.name);
  }
  assert.deepEqual(missing, [], 'cited but not found');
  assert.deepEqual(unexpected, [], 'not E2 but present in an E2 tree');
  assert.ok(API_TABLE.filter((e) => cites(e.source, '6.12')).length > 80, 'most entries are checked');
});
