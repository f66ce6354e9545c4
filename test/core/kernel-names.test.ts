// Kernel knowledge is data: no kernel identifier is spelled in a literal (string, template or regular
// expression) of the code outside src/core/api. The identifiers are the table's: every API entry's
// name, the concept vocabularies (assertion macros, fault codes, error pointers) and the pgmap type
// constants. Prose words (a bare WARN or BUG) are not identifiers; comments are not literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { API_TABLE } from '../../src/core/api';
import { ASSERTION_MACROS, ERROR_POINTER, FAULT_FAILURES, PGMAP_TYPE_PREFIX } from '../../src/core/api/concepts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const KERNEL_NAMES = new Set<string>([...API_TABLE.map((e) => e.name), ...[...ASSERTION_MACROS].filter((m) => m.includes('_')), ...FAULT_FAILURES, ERROR_POINTER]);
const isKernelName = (w: string) => KERNEL_NAMES.has(w) || w.startsWith(PGMAP_TYPE_PREFIX);

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (path.relative(ROOT, p) !== path.join('src', 'core', 'api')) sources(p, out);
    } else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Every kernel name in a literal of `text`: "file:line: name in literal". */
export function kernelLiterals(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node)) {
      // In a regular expression, an escape (\b, \s, \w) is not part of the word after it.
      const text = ts.isRegularExpressionLiteral(node) ? node.text.replace(/\\[A-Za-z]/g, ' ') : node.text;
      for (const w of text.match(/[A-Za-z_]\w*/g) ?? []) {
        if (isKernelName(w)) found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${w} in ${JSON.stringify(text.slice(0, 60))}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test('the check finds a kernel name in a string, a template and a regular expression, and not in a comment', () => {
  const name = API_TABLE[0]!.name;
  const code = `// ${name}\nconst a = '${name}';\nconst b = \`x \${a} ${name}()\`;\nconst c = /\\b${name}\\b/;\nconst d = 'put it back';\n`;
  assert.deepEqual(kernelLiterals('x.ts', code).map((f) => f.split(':')[1]), ['2', '3', '4']);
  assert.deepEqual(kernelLiterals('y.ts', `const t = '${PGMAP_TYPE_PREFIX}PRIVATE';`).length, 1);
});

test('no kernel identifier is spelled in a literal outside src/core/api', () => {
  const found = sources(path.join(ROOT, 'src')).flatMap((f) => kernelLiterals(path.relative(ROOT, f), fs.readFileSync(f, 'utf8')));
  assert.deepEqual(found, []);
});
