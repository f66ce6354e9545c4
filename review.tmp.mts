import fs from 'node:fs';
import { loadAssets } from './test/helpers/assets';
import { createAnalyzer } from './src/core';
const a = await createAnalyzer(loadAssets());
const file = process.argv[2]!;
const r = await a.review([{ name: file, content: fs.readFileSync(file) }], { era: process.argv[3] ?? 'E2' });
const strip = (x: any) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'trace' ? `[${v.length} steps]` : v)));
console.log(JSON.stringify(strip(r), null, 1));
