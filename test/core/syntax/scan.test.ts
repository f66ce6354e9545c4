import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { candidateText, topLevelItems } from '../../../src/core/syntax/scan';
import { classify } from '../../../src/core/syntax/lexer';
import { checkGolden } from '../../helpers/golden';
import { kernelDir, needKernels } from '../../helpers/inputs';
import { getSyntax, NAMES } from './shared';

const GOLDEN = path.join(__dirname, 'golden');

const SNIPPET = `// put_page(x) in a comment
#define PUT(p) put_page(p)
static const char *s = "get_page(";

void put_page(struct page *page);

static void a(struct page *page)
{
	if (is_device_private_page(page))
		put_page(page);
}

struct ops o = {
	.f = b,
};

static int b(void)
{
	return 0;
}

static void c(struct folio *folio)
{
	list_for_each_entry(folio, &l, lru)
		folio_put(folio);
}
`;

test('scan finds the calls of the names, with their functions, and nothing in comments, strings, macros or prototypes', async () => {
  const r = (await getSyntax()).scan('x.c', SNIPPET, NAMES);
  assert.deepEqual(r.calls, [
    { path: 'x.c', line: 8, character: 5, callee: 'is_device_private_page', function: 'a' },
    { path: 'x.c', line: 9, character: 2, callee: 'put_page', function: 'a' },
    { path: 'x.c', line: 24, character: 2, callee: 'folio_put', function: 'c' },
  ]);
  assert.deepEqual(r.problems, []);
});

test('only the items that call a name are kept, at their lines and columns', () => {
  const cand = candidateText(SNIPPET, NAMES)!;
  const lines = cand.split('\n');
  const orig = SNIPPET.split('\n');
  assert.equal(lines[6], orig[6]); // static void a(...)
  assert.equal(lines[9], orig[9]);
  assert.equal(lines[23], orig[23]); // list_for_each_entry
  assert.equal(lines[4], orig[4]); // a prototype is an item that mentions a name: kept, the parse finds no call in it
  for (const l of [0, 1, 2, 12, 16, 18]) assert.equal(lines[l].trim(), '', `line ${l + 1} dropped`);
});

test('a file that never calls a name is not parsed', () => {
  assert.equal(candidateText('int f(void) { return g(1); }\n/* put_page(p) */\n', NAMES), undefined);
  assert.equal(candidateText('int f(void) { return g(1); }\n', NAMES), undefined);
});

test('top-level items: functions end at their closing brace, initialisers at their semicolon', () => {
  const text = 'int x = 1;\nstruct s v = {\n\t.a = 1,\n};\nvoid f(void)\n{\n}\nstatic int g(void) { return 0; }\n';
  const items = topLevelItems(text, classify(text));
  const spans: string[] = [];
  for (let i = 0; i < items.length; i += 2) spans.push(text.slice(items[i], items[i + 1]));
  assert.deepEqual(spans, ['int x = 1;', 'struct s v = {\n\t.a = 1,\n};', 'void f(void)\n{\n}', 'static int g(void) { return 0; }']);
});

const GOLDEN_FILES = ['mm/memremap.c', 'drivers/dax/device.c', 'fs/dax.c'];

test('scan of real 6.12 files matches the golden', { skip: needKernels }, async () => {
  const syntax = await getSyntax();
  const root = kernelDir('6.12')!;
  for (const f of GOLDEN_FILES) {
    const r = syntax.scan(f, fs.readFileSync(path.join(root, f), 'utf8'), NAMES);
    checkGolden(path.join(GOLDEN, `scan-${path.basename(f, '.c')}.json`), r);
  }
});

test('scan of real files finds what a full parse finds', { skip: needKernels }, async () => {
  const syntax = await getSyntax();
  const root = kernelDir('6.12')!;
  for (const f of [...GOLDEN_FILES, 'mm/gup.c', 'mm/huge_memory.c', 'lib/test_hmm.c']) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    const scanned = syntax.scan(f, text, NAMES).calls.map((c) => `${c.line}:${c.character} ${c.callee} ${c.function ?? ''}`);
    const parsed = syntax.parse(text, { names: NAMES }).calls.map((c) => `${c.loc.line}:${c.loc.character} ${c.callee} ${c.function}`);
    assert.ok(scanned.length > 0, `${f} has calls`);
    assert.deepEqual(scanned, parsed, f);
  }
});
