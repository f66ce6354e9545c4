import fs from 'node:fs';
import { loadAssets } from './test/helpers/assets';
import { createCSyntax } from './src/core/syntax';
import { parseDocument } from './src/core/patch';
const syn = await createCSyntax(loadAssets());
const s = (await parseDocument({ name: 'x', content: fs.readFileSync(process.argv[2]!) })).value;
const h = s.patches[0]!.files[Number(process.argv[3] ?? 1)]!.hunks[0]!;
for (const side of ['before', 'after'] as const) {
  console.log('----', side, JSON.stringify(h[side]));
  const p = syn.parse(h[side], { fragment: true, enclosingFunction: h.function });
  console.log(p.errorNodes, JSON.stringify(p.functions.map((f) => ({ name: f.name, body: f.body })), null, 0).slice(0, 1500));
}
