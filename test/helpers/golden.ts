// Golden files: compared whole; regenerated with UPDATE_GOLDEN=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

export function checkGolden(file: string, actual: string | object): void {
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file missing: ${file} (run with UPDATE_GOLDEN=1 to create it)`);
  assert.equal(text, fs.readFileSync(file, 'utf8'), `output differs from ${file} (UPDATE_GOLDEN=1 regenerates it)`);
}
