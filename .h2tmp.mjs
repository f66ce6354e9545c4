import { Parser, Language } from 'web-tree-sitter';
import fs from 'node:fs';
await Parser.init();
const C = await Language.load('node_modules/tree-sitter-c/tree-sitter-c.wasm');
const p = new Parser(); p.setLanguage(C);
const dir = process.argv[2];
let bad = 0, n = 0; const t0 = Date.now();
for (const f of fs.readdirSync(dir).filter(f => f.endsWith('.c'))) {
  const src = fs.readFileSync(dir + '/' + f, 'utf8'); n++;
  const t = p.parse(src);
  if (t.rootNode.hasError) { bad++;
    const e = t.rootNode.descendantsOfType('ERROR')[0];
    const line = e ? e.startPosition.row : -1;
    console.log(f, line+1, JSON.stringify(src.split('\n')[line]?.slice(0,100)));
  }
  t.delete();
}
console.log(bad, 'of', n, Date.now() - t0, 'ms');
