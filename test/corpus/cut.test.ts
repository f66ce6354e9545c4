import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CASES } from './cases';
import { cutSymbols, makeDiff, topLevelSymbols } from './cut';
import { kernelDir, needKernels } from '../helpers/inputs';

// Our own C, written to trip a naive brace matcher.
const SNIPPET = `/* a comment with a brace { and a fake(void) { */
#define BRACES(x) { (x) }
static const char *msg = "}";
static int
helper(int a) /* helper(void) { */
{
	char c = '}';
	// } not a closing brace
	if (a) {
		return c == '{';
	}
	return 0;
}

int decl_only(int b);

struct ops {
	void (*free)(int);
};

static const struct ops my_ops = {
	.free = NULL,
};

#ifdef CONFIG_X
static void twice(void)
{
	helper(1);
}
#else
static void twice(void)
{
}
#endif
`;

test('topLevelSymbols finds functions and brace-initialised objects, not declarations, comments, strings or scalars', () => {
  const names = topLevelSymbols(SNIPPET).map((s) => s.name);
  assert.deepEqual(names, ['helper', 'my_ops', 'twice', 'twice']);
});

test('cutSymbols takes whole definitions from their first line, in file order', () => {
  const r = cutSymbols(SNIPPET, ['my_ops', 'helper']);
  assert.deepEqual(r.missing, []);
  assert.ok(r.text.startsWith('static int\nhelper(int a)'), r.text);
  assert.ok(r.text.includes("\treturn c == '{';\n\t}\n\treturn 0;\n}\n"));
  assert.ok(r.text.trimEnd().endsWith('.free = NULL,\n};'));
  assert.ok(!r.text.includes('decl_only'));
});

test('cutSymbols picks the N-th definition with #N and reports missing names', () => {
  assert.match(cutSymbols(SNIPPET, ['twice#1']).text, /helper\(1\)/);
  assert.equal(cutSymbols(SNIPPET, ['twice#2']).text, 'static void twice(void)\n{\n}\n');
  assert.deepEqual(cutSymbols(SNIPPET, ['decl_only', 'twice#3']).missing, ['decl_only', 'twice#3']);
});

test('every corpus case cuts from the real trees and gives a non-empty diff', { skip: needKernels }, () => {
  const ids = new Set<string>();
  for (const c of CASES) {
    assert.ok(!ids.has(c.id), `duplicate id ${c.id}`);
    ids.add(c.id);
    const [from, to] = c.from === '6.12' ? ['6.12', '6.1'] as const : ['6.1', '6.12'] as const;
    const { diff, missing } = makeDiff(kernelDir(from)!, kernelDir(to)!, c.files);
    assert.deepEqual(missing, [], c.id);
    assert.match(diff, /^diff --git a\/\S+ b\/\S+\n/, c.id);
    for (const f of c.files) assert.ok(diff.includes(`--- a/${f.old.path}\n+++ b/${f.new.path}\n`), `${c.id}: ${f.old.path}`);
    assert.match(diff, /\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@/, c.id);
  }
  assert.ok(CASES.length >= 15);
});
