// The mutation corpus is what the brief asks of it (size, types, rules, shapes), every anchor
// still matches the Debian trees, and the generator does what it says on our own C.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULE_IDS } from '../../src/core/report/types';
import { PGMAP_TYPES } from '../../src/core/types';
import { kernelDir, needKernels } from '../helpers/inputs';
import { applyEdits, diffFiles, generate } from './generate';
import { MUTATIONS, type Shape } from './mutations';

test('at least 40 mutations, 30 semantic, unique ids, every pgmap type and every rule expected somewhere', () => {
  assert.ok(MUTATIONS.length >= 40, `${MUTATIONS.length} mutations`);
  assert.ok(MUTATIONS.filter((m) => m.expect.kind === 'semantic').length >= 30);
  assert.equal(new Set(MUTATIONS.map((m) => m.id)).size, MUTATIONS.length);
  const types = new Set(MUTATIONS.flatMap((m) => [...m.expect.effects, ...m.expect.findings].flatMap((x) => x.types)));
  assert.deepEqual(PGMAP_TYPES.filter((t) => !types.has(t)), []);
  const rules = new Set(MUTATIONS.flatMap((m) => m.expect.findings.map((f) => f.ruleId)));
  assert.deepEqual(RULE_IDS.filter((r) => !rules.has(r)), []);
  for (const m of MUTATIONS) {
    const items = m.expect.effects.length + m.expect.findings.length;
    assert.equal(m.expect.kind === 'neutral', items === 0, `${m.id}: neutral means nothing expected`);
  }
});

test('every shape the brief names is present', () => {
  const shapes = new Set(MUTATIONS.map((m) => m.shape));
  const wanted: Shape[] = ['acquire-removed', 'release-removed', 'release-added-error-goto', 'release-removed-error-return', 'release-removed-error-goto',
    'guard-narrowed', 'guard-widened', 'guard-removed', 'guard-capability', 'producer-consumer-compensated', 'producer-consumer-uncompensated',
    'refusal-removed', 'wait-removed', 'wait-moved', 'helper-ref-special', 'helper-ref-devmap', 'helper-clean-twin', 'verbatim-move', 'rename',
    'extract-helper', 'inline-helper', 'if-to-switch'];
  assert.deepEqual(wanted.filter((s) => !shapes.has(s)), []);
  assert.ok(MUTATIONS.some((m) => m.id === 'p2pdma-mmap-insert-fail-no-put' && m.tree === '6.12'), "the issue's named case");
});

test('applyEdits: scoped, counted, moved; problems instead of throws', () => {
  const files = new Map([['a.c', 'static int f(int x)\n{\n\tget(x);\n\treturn put(x);\n}\n\nstatic int g(int x)\n{\n\treturn put(x);\n}\n'], ['b.c', 'int h(void)\n{\n\treturn 0;\n}\n']]);
  const scoped = applyEdits(files, [{ file: 'a.c', fn: 'g', find: 'put(x)', replace: 'put2(x)' }]);
  assert.deepEqual(scoped.problems, []);
  assert.match(scoped.files.get('a.c')!, /return put\(x\);\n\}\n\nstatic int g\(int x\)\n\{\n\treturn put2\(x\);/);
  assert.match(applyEdits(files, [{ file: 'a.c', find: 'put(x)', replace: 'p' }]).problems[0]!, /found 2 times/);
  assert.equal(applyEdits(files, [{ file: 'a.c', find: 'put(x)', replace: 'p', all: true }]).files.get('a.c')!.split('p;').length, 3);
  const moved = applyEdits(files, [{ file: 'a.c', moveFn: 'g', toFile: 'b.c', before: 'h' }]);
  assert.ok(!moved.files.get('a.c')!.includes('g(int x)'));
  assert.ok(moved.files.get('b.c')!.startsWith('static int g(int x)\n{\n\treturn put(x);\n}\n\nint h(void)'));
  assert.match(applyEdits(files, [{ file: 'c.c', find: 'x', replace: 'y' }]).problems[0]!, /c\.c: not read/);
  const diff = diffFiles(files, scoped.files, 1);
  assert.match(diff, /^diff --git a\/a\.c b\/a\.c\n/);
  assert.match(diff, /\n-\treturn put\(x\);\n\+\treturn put2\(x\);\n/);
});

test('every mutation applies to its Debian tree and yields a patch at -U1, -U3, -U10 (and a two-patch series when it has two edits)', { skip: needKernels }, () => {
  for (const m of MUTATIONS) {
    const g = generate(m, kernelDir(m.tree)!, [1, 3, 10]);
    assert.deepEqual(g.problems, [], m.id);
    for (const [c, text] of g.patches) {
      assert.match(text, /\nSubject: \[PATCH\] /, m.id);
      assert.match(text, /\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@/, `${m.id} -U${c}`);
    }
    const u1 = g.patches.get(1)!.split('\n').length;
    assert.ok(g.patches.get(10)!.split('\n').length > u1, `${m.id}: -U10 shows more than -U1`);
    if (g.series) assert.equal(g.series.match(/^Subject: \[PATCH [12]\/2\] /gm)?.length, 2, m.id);
  }
});
