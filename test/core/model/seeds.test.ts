// Goldens of the whole JSON report of each seed thread (era E2, as the threads' kernels).
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../../src/core';
import { loadAssets, ROOT } from '../../helpers/assets';
import { checkGolden, redactCopied } from '../../helpers/golden';
import { needSeeds, seedFiles } from '../../helpers/inputs';

/** Fields that would copy the thread's text (code lines, headers, subjects) into the repository. */
const COPIED = new Set(['subject', 'header', 'statement', 'message', 'explanation', 'note', 'guards']);

test('seed reports match their goldens', { skip: needSeeds }, async (t) => {
  const analyzer = await createAnalyzer(loadAssets());
  for (const file of seedFiles()) {
    await t.test(path.basename(file), async () => {
      const report = await analyzer.review([{ name: path.basename(file), content: fs.readFileSync(file) }], { era: 'E2' });
      checkGolden(path.join(ROOT, 'test', 'core', 'model', 'golden', path.basename(file, '.txt') + '.json'), redactCopied(report, COPIED));
    });
  }
  analyzer.dispose();
});
