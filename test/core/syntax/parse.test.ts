import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Language, Parser, Query } from 'web-tree-sitter';
import type { Expr, Stmt } from '../../../src/core/syntax/ir';
import { loadAssets } from '../../helpers/assets';
import { awaitsStatement, blockLevels, firstCodeLevel } from '../../../src/core/syntax/fragment';
import { getSyntax, NAMES } from './shared';

/** Statement kinds of a tree, depth first, for compact assertions. */
function kinds(s: Stmt): string[] {
  switch (s.k) {
    case 'block':
      return ['block', ...s.body.flatMap(kinds)];
    case 'if':
      return ['if', ...kinds(s.then), ...(s.else ? ['else', ...kinds(s.else)] : [])];
    case 'loop':
      return ['loop', ...kinds(s.body)];
    case 'switch':
      return ['switch', ...s.cases.flatMap((c) => [`case(${c.labels.map((l) => l.text).join(',')}${c.isDefault ? 'default' : ''})`, ...c.body.flatMap(kinds)])];
    default:
      return [s.k];
  }
}

function firstExpr(s: Stmt): Expr {
  if (s.k === 'block') return firstExpr(s.body[0]);
  if (s.k === 'expr') return s.expr;
  if (s.k === 'return' && s.value) return s.value;
  throw new Error(`no expression in ${s.k}`);
}

test('query files compile against tree-sitter-c', async () => {
  const assets = loadAssets();
  await Parser.init({ wasmBinary: assets.treeSitterWasm });
  const c = await Language.load(assets.languageWasm);
  // One capture per match: the callee, arguments, declarator and body are read from the node's fields.
  for (const [file, captures] of [['calls.scm', ['call']], ['functions.scm', ['function']]] as const) {
    const q = new Query(c, assets.queries[file]);
    assert.deepEqual(q.captureNames, captures, `${file} captures`);
    q.delete();
  }
});

test('every statement kind is lowered', async () => {
  const src = `int f(struct page *page, int n)
{
	int a = get(page), b;
	if (a)
		x();
	else
		y();
	switch (n) {
	case 1:
	case 2:
		z();
		/* fall through */
	case 3:
		break;
	default:
		w();
	}
	for (i = 0; i < n; i++)
		continue;
	while (n--) {
		;
	}
	do {
		v();
	} while (n);
	do {
		once();
	} while (0);
	goto out;
out:
	return a;
}
`;
  const r = (await getSyntax()).parse(src);
  assert.equal(r.errorNodes, 0);
  assert.deepEqual(r.problems, []);
  const [f] = r.functions;
  assert.equal(f.name, 'f');
  assert.deepEqual(f.params, ['page', 'n']);
  assert.equal(f.startLine, 0);
  assert.equal(f.endLine, 31);
  assert.deepEqual(kinds(f.body), [
    'block', 'decl', 'if', 'expr', 'else', 'expr',
    'switch', 'case(1,2)', 'expr', 'case(3)', 'break', 'case(default)', 'expr',
    'loop', 'continue', 'loop', 'block', 'block', 'loop', 'block', 'expr', 'block', 'expr',
    'goto', 'label', 'return',
  ]);
  const body = f.body.k === 'block' ? f.body.body : [];
  const decl = body[0];
  assert.ok(decl.k === 'decl');
  assert.deepEqual(decl.names, ['a', 'b']);
  assert.equal(decl.inits[0].k === 'call' && decl.inits[0].callee, 'get');
  const loop = body[3];
  assert.ok(loop.k === 'loop' && loop.cond?.k === 'binary' && loop.cond.op === '<');
  assert.equal(loop.k === 'loop' && loop.text, 'for (i = 0; i < n; i++)');
});

test('ERROR nodes become unknown statements and a warning', async () => {
  const r = (await getSyntax()).parse('void f(void)\n{\n\tx = ) (;\n\ty();\n}\n');
  assert.ok(r.errorNodes > 0);
  assert.equal(r.problems[0].severity, 'warning');
  assert.equal(r.problems[0].line, 2);
  assert.match(r.problems[0].message, /first at line 3/);
  assert.ok(JSON.stringify(r.functions[0].body).includes('"k":"unknown"'));
});

test('expressions: calls, field chains, operators, numbers, assignments, other', async () => {
  const s = await getSyntax();
  const e = (code: string) => firstExpr(s.parse(`void f(void) { ${code}; }`).functions[0].body);
  const call = e('page->pgmap->ops->page_free(page, 0x10)');
  assert.ok(call.k === 'call');
  assert.equal(call.callee, 'page->pgmap->ops->page_free');
  assert.deepEqual(call.args.map((a) => a.k), ['ident', 'number']);
  assert.equal(call.args[1].k === 'number' && call.args[1].value, 16);
  const cmp = e('page->pgmap->type == MEMORY_DEVICE_PRIVATE && !folio_test(f)');
  assert.ok(cmp.k === 'binary' && cmp.op === '&&');
  assert.ok(cmp.left.k === 'binary' && cmp.left.op === '==' && cmp.left.left.k === 'field' && cmp.left.left.path === 'page->pgmap->type');
  assert.ok(cmp.right.k === 'unary' && cmp.right.op === '!' && cmp.right.arg.k === 'call');
  const asg = e('ret = vmf_insert_mixed(vma, addr, pfn)');
  assert.ok(asg.k === 'assign' && asg.op === '=' && asg.target.k === 'ident' && asg.value.k === 'call');
  const cast = e('(void)put_page(p), get_page(q)');
  assert.ok(cast.k === 'other');
  assert.deepEqual(JSON.stringify(cast).match(/"callee":"\w+"/g), ['"callee":"put_page"', '"callee":"get_page"']);
  const cond = e('x ? a() : b()');
  assert.ok(cond.k === 'cond' && cond.then.k === 'call' && cond.else.k === 'call');
});

test('calls carry their guards, outermost first', async () => {
  const src = `void f(struct page *page)
{
	if (!page)
		return;
	if (page->pgmap->type == MEMORY_DEVICE_PRIVATE) {
		a(page);
	} else {
		switch (page->pgmap->type) {
		case MEMORY_DEVICE_FS_DAX:
			b(page);
			break;
		default:
			c(page);
		}
	}
	if (err)
		goto err_put;
	d(page);
	return;
err_put:
	put_dev_pagemap(pgmap);
}
`;
  const r = (await getSyntax()).parse(src, { names: new Set(['a', 'b', 'c', 'd', 'put_dev_pagemap']) });
  const guards = Object.fromEntries(r.calls.map((c) => [c.callee, c.guards]));
  assert.deepEqual(guards, {
    a: ['after early return if (!page)', 'if (page->pgmap->type == MEMORY_DEVICE_PRIVATE)'],
    b: ['after early return if (!page)', 'else of if (page->pgmap->type == MEMORY_DEVICE_PRIVATE)', 'case MEMORY_DEVICE_FS_DAX'],
    c: ['after early return if (!page)', 'else of if (page->pgmap->type == MEMORY_DEVICE_PRIVATE)', 'default'],
    d: ['after early return if (!page)', 'after early goto err_put if (err)'],
    put_dev_pagemap: ['in goto label err_put'],
  });
  assert.deepEqual(r.calls.map((c) => [c.callee, c.loc.line, c.loc.character, c.function, c.args.join()]), [
    ['a', 5, 2, 'f', 'page'],
    ['b', 9, 3, 'f', 'page'],
    ['c', 12, 3, 'f', 'page'],
    ['d', 17, 1, 'f', 'page'],
    ['put_dev_pagemap', 20, 1, 'f', 'pgmap'],
  ]);
});

test('comments and strings never produce calls', async () => {
  const r = (await getSyntax()).parse('void f(void)\n{\n\t/* put_page(p); */\n\t// get_page(p);\n\tpr_info("put_page(%p)", p);\n}\n');
  assert.deepEqual(r.calls.map((c) => c.callee), ['pr_info']);
});

test('a fragment that starts and ends inside a function keeps its own positions', async () => {
  const frag = '\t\tput_page(page);\n\t}\n\tif (x)\n\t\tget_page(page);\n}\n\nstatic void g(void)\n{\n\tfolio_put(folio);\n';
  const r = (await getSyntax()).parse(frag, { fragment: true, enclosingFunction: 'free_zone_device_page' });
  assert.equal(r.errorNodes, 0);
  assert.deepEqual(r.calls.map((c) => [c.callee, c.loc.line, c.loc.character, c.function]), [
    ['put_page', 0, 2, 'free_zone_device_page'],
    ['get_page', 3, 2, 'free_zone_device_page'],
    ['folio_put', 8, 1, 'g'],
  ]);
  assert.deepEqual(r.calls[1].guards, ['if (x)']);
  assert.deepEqual(r.functions.map((f) => [f.name, f.startLine, f.endLine]), [
    ['free_zone_device_page', 0, 4],
    ['g', 6, 8],
  ]);
});

test('a balanced fragment of statements belongs to the enclosing function, or to ""', async () => {
  const s = await getSyntax();
  const frag = '\tpgmap = get_dev_pagemap(pfn, NULL);\n\tif (!pgmap)\n\t\treturn -ENOMEM;\n\tput_dev_pagemap(pgmap);\n';
  const named = s.parse(frag, { fragment: true, enclosingFunction: 'dax_probe' });
  assert.equal(named.errorNodes, 0);
  assert.deepEqual(named.functions.map((f) => f.name), ['dax_probe']);
  assert.deepEqual(named.calls.map((c) => [c.callee, c.loc.line, c.loc.character, c.function, c.guards.join()]), [
    ['get_dev_pagemap', 0, 9, 'dax_probe', ''],
    ['put_dev_pagemap', 3, 1, 'dax_probe', 'after early return if (!pgmap)'],
  ]);
  const anonymous = s.parse(frag, { fragment: true });
  assert.deepEqual(anonymous.functions.map((f) => f.name), ['']);
  assert.deepEqual(anonymous.calls.map((c) => c.function), ['', '']);
});

test('a fragment that opens a function and stops inside it is closed', async () => {
  const r = (await getSyntax()).parse('void f(struct page *page)\n{\n\tif (a) {\n\t\tput_page(page);\n', { fragment: true });
  assert.equal(r.errorNodes, 0);
  assert.deepEqual(r.calls.map((c) => [c.callee, c.loc.line, c.function]), [['put_page', 3, 'f']]);
  assert.deepEqual(r.functions.map((f) => [f.name, f.startLine, f.endLine]), [['f', 0, 3]]);
});

test('a fragment that ends in a comment opened on a #define line parses clean', async () => {
  const s = await getSyntax();
  const r = s.parse('#define DEMO_CHUNK (2UL << 20) /* one chunk is\n', { fragment: true, enclosingFunction: '' });
  assert.deepEqual(r.problems, []);
  const t = s.parse('\tput_page(page);\n#define DEMO_CHUNK (2UL << 20) /* one chunk is', { fragment: true, enclosingFunction: 'demo' });
  assert.deepEqual([t.problems, t.calls.map((c) => c.callee)], [[], ['put_page']]);
});

test('#ifdef inside a body is an if on the directive', async () => {
  const r = (await getSyntax()).parse('void f(void)\n{\n#ifdef CONFIG_ZONE_DEVICE\n\ta();\n#else\n\tb();\n#endif\n}\n');
  assert.equal(r.errorNodes, 0);
  assert.deepEqual(r.calls.map((c) => [c.callee, c.guards]), [
    ['a', ['#ifdef CONFIG_ZONE_DEVICE']],
    ['b', ['#else of #ifdef CONFIG_ZONE_DEVICE']],
  ]);
  assert.deepEqual(kinds(r.functions[0].body), ['block', 'if', 'expr', 'else', 'expr']);
});

test('a fragment that starts or ends in the middle of a statement or comment is completed', async () => {
  const s = await getSyntax();
  const cases: [string, string[]][] = [
    // starts in an if condition, ends inside a call
    ['\t    pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\tput_dev_pagemap(pgmap);\n\tfolio_put(folio,\n', ['put_dev_pagemap@1', 'folio_put@2']],
    // starts in a comment and in the arguments of a call, ends after an operator
    [' * the end of a comment */\n\t\t\t\tPHYS_PFN(x)));\n\tif (a &&\n\t    put_page(p) &&\n', ['PHYS_PFN@1', 'put_page@3']],
    // starts in a parameter list, ends inside a comment
    ['\t\tint range_id, int nid)\n{\n\tget_page(p);\n\t/* more to\n', ['get_page@2']],
  ];
  for (const [frag, calls] of cases) {
    const r = s.parse(frag, { fragment: true, enclosingFunction: 'pagemap_range' });
    assert.equal(r.errorNodes, 0, frag);
    assert.deepEqual(r.calls.map((c) => `${c.callee}@${c.loc.line}`), calls, frag);
  }
});

/** Calls in a function's statements, in order, with their 0-based lines. */
function stmtCalls(s: Stmt): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as { k?: string; callee?: string; loc?: { line: number } };
      if (o.k === 'call') out.push(`${o.callee}@${o.loc!.line}`);
      Object.values(o).forEach(visit);
    }
  };
  visit(s);
  return out;
}

/** Parses a fragment of function `f` that must read clean as one function; its body. */
async function fragmentReader(): Promise<(frag: string) => Stmt> {
  const syntax = await getSyntax();
  return (frag) => {
    const r = syntax.parse(frag, { fragment: true, enclosingFunction: 'f', names: NAMES });
    assert.equal(r.errorNodes, 0, frag);
    assert.equal(r.functions.length, 1, frag);
    return r.functions[0]!.body;
  };
}

test('a fragment gets what it needs above it: the if of a dangling else, of a closed block, the switch of its case labels, the loop of a bare break', async () => {
  const read = await fragmentReader();
  // `} else {` at the start: the block above is an if's, the else branch its alternative.
  const elseBlock = read('\t} else {\n\t\tret = vm_insert_page(vma, addr, page);\n\t\tput_page(page);\n\t}\n\treturn ret;\n}\n');
  assert.deepEqual(kinds(elseBlock).slice(0, 4), ['block', 'if', 'block', 'else']);
  assert.deepEqual(stmtCalls(elseBlock), ['vm_insert_page@1', 'put_page@2']);
  // It shows nothing of the if's own arm: the else arm it shows is the usual path (the test reads `!__above`).
  assert.match(JSON.stringify(elseBlock), /"text":"!__above"/);
  // `else` first: the if and its statement are above.
  const bare = read('\telse\n\t\tget_page(page);\n\tput_page(page);\n');
  assert.deepEqual(kinds(bare), ['block', 'if', 'block', 'else', 'expr', 'expr']);
  // A hunk after `goto out; }`: the block closed is an if's body, the statements after it run.
  const afterGoto = read('\t\tgoto out;\n\t}\n\n\tret = vm_insert_page(vma, addr, page);\n\tput_page(page);\n\treturn ret;\n');
  assert.deepEqual(kinds(afterGoto), ['block', 'if', 'block', 'goto', 'expr', 'expr', 'return']);
  assert.doesNotMatch(JSON.stringify(afterGoto), /!__above/);
  // A switch arm without its case: the switch is above, every arm is kept.
  const arm = read('\t\tput_dev_pagemap(folio->pgmap);\n\t\tbreak;\n\t\tfolio_set_count(folio, 0);\n\tcase MEMORY_DEVICE_GENERIC:\n\t\tfolio_set_count(folio, 1);\n\t\tbreak;\n');
  assert.deepEqual(kinds(arm), ['block', 'switch', 'case(__above)', 'expr', 'break', 'expr', 'case(MEMORY_DEVICE_GENERIC)', 'expr', 'break']);
  assert.deepEqual(stmtCalls(arm), ['put_dev_pagemap@0', 'folio_set_count@2', 'folio_set_count@4']);
  // A bare break leaves a loop above; what follows the loop still runs.
  const loop = read('\t\tput_page(page);\n\t\tbreak;\n\t}\n\tput_dev_pagemap(pgmap);\n');
  assert.deepEqual(kinds(loop), ['block', 'loop', 'block', 'expr', 'break', 'expr']);
});

test('a fragment is in the blocks its indentation says: those it does not close are ifs above it; brace-less bodies open none', async () => {
  const read = await fragmentReader();
  // Three tabs deep and never closed (a loop's failure branch whose heads are above): two ifs on a
  // value the hunk does not show, the inner one a guard clause.
  const deep = read('\t\t\tgen_pool_free(pool, addr, len);\n\t\t\tpercpu_ref_put(ref);\n\t\t\treturn ret;\n');
  assert.deepEqual(kinds(deep), ['block', 'if', 'block', 'if', 'block', 'expr', 'expr', 'return']);
  assert.deepEqual(blockLevels('\t\t\tput(ref);\n\t\t\treturn ret;\n'), { entry: 2, exit: 2 });
  // A brace-less `if` body, then the close of the block around it: one block, not two.
  const braceless = read('\t\t\tgoto error;\n\t}\n\n\tzone_device_page_init(dpage);\n\treturn dpage;\n');
  assert.deepEqual(kinds(braceless), ['block', 'if', 'block', 'goto', 'expr', 'return']);
  assert.deepEqual(blockLevels('\t\t\tgoto error;\n\t}\n\tinit(dpage);\n'), { entry: 1, exit: 0 });
  // The end of a function (a `}` in column 0) after a brace-less `else` body: no block stays open.
  assert.deepEqual(blockLevels('\t\tput_dev_pagemap(pgmap);\n}\n\nvoid g(void)\n{\n'), { entry: 0, exit: 0 });
  // An `else` after the hunk's first statement: that statement is the body of an if above the hunk.
  const dangling = read('\t\tfolio_set_count(folio, 1);\n\telse\n\t\tput_dev_pagemap(folio->page.pgmap);\n');
  assert.deepEqual(kinds(dangling), ['block', 'if', 'expr', 'else', 'expr']);
  assert.deepEqual(stmtCalls(dangling), ['folio_set_count@0', 'put_dev_pagemap@2']);
  // The same statement with its else removed, before the function's end: still the if's statement.
  const lastArm = read('\t\tfolio_set_count(folio, 1);\n}\n');
  assert.deepEqual(kinds(lastArm), ['block', 'if', 'expr']);
});

test('a hunk that ends on a brace-less if or else awaits its statement; the first code line has a level', () => {
  assert.equal(awaitsStatement('\tfolio->mapping = NULL;\n\n\tif (folio->page.pgmap->type != MEMORY_DEVICE_PRIVATE &&\n\t    folio->page.pgmap->type != MEMORY_DEVICE_COHERENT)\n\t\t/*\n'), 1);
  assert.equal(awaitsStatement('\t\tfolio_set_count(folio, 1);\n\telse\n'), 1);
  assert.equal(awaitsStatement('\tif (x) {\n'), undefined);
  assert.equal(awaitsStatement('\tput_page(page);\n'), undefined);
  assert.equal(awaitsStatement('\tf(a, (b));\n'), undefined);
  assert.equal(firstCodeLevel('\t\t * again.\n\t\t */\n\t\tfolio_set_count(folio, 1);\n'.replace(/^[^\n]*\n[^\n]*\n/, '\n\n')), 2);
});

test('a definition the fragment opens and does not close is cut; the ones it closes are not', async () => {
  const syntax = await getSyntax();
  const r = syntax.parse('\tput_dev_pagemap(page->pgmap);\n}\n\nvoid zone_device_page_init(struct page *page)\n{\n\tpercpu_ref_tryget_live(&page->pgmap->ref);\n', { fragment: true, enclosingFunction: 'free_zone_device_page', names: NAMES });
  assert.deepEqual(r.functions.map((f) => [f.name, !!f.partial, !!f.cut]), [['free_zone_device_page', true, false], ['zone_device_page_init', false, true]]);
});

test('a fragment that starts at its function opening brace shows the body from its start', async () => {
  const syntax = await getSyntax();
  const r = syntax.parse('{\n\tput_dev_pagemap(page->pgmap);\n}\n', { fragment: true, enclosingFunction: 'f', names: NAMES });
  assert.equal(r.functions[0]?.partial, undefined);
  const cut = syntax.parse('\tput_dev_pagemap(page->pgmap);\n}\n', { fragment: true, enclosingFunction: 'f', names: NAMES });
  assert.equal(cut.functions[0]?.partial, true);
});

test('what does not parse keeps its calls after an unknown marker', async () => {
  const r = (await getSyntax()).parse('void f(void)\n{\n\tx = ) put_page(page) (;\n}\n');
  assert.ok(r.errorNodes > 0);
  assert.ok(stmtCalls(r.functions[0]!.body).includes('put_page@2'));
});

test('a fragment gets its parameters from the hunk header, as statements or inside a wrapper, positions unchanged', async () => {
  const s = await getSyntax();
  const params = 'struct vm_area_struct *vma, unsigned long gup_flags';
  const flat = '\tif ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))\n\t\treturn -EOPNOTSUPP;\n';
  const nested = '\t\tif (gup_flags & FOLL_WRITE)\n\t\t\treturn -EFAULT;\n\t}\n\treturn 0;\n';
  for (const frag of [flat, nested]) {
    const r = s.parse(frag, { fragment: true, enclosingFunction: 'check_vma_flags', enclosingParams: params });
    assert.deepEqual(r.functions.map((f) => [f.name, f.params, f.startLine]), [['check_vma_flags', ['vma', 'gup_flags'], 0]]);
    assert.equal(r.errorNodes, 0);
  }
  // A list it cannot read (a function pointer, a cut-off header) leaves the parameters unknown.
  for (const frag of [flat, nested]) {
    const odd = s.parse(frag, { fragment: true, enclosingFunction: 'f', enclosingParams: 'void (*cb)(int' });
    assert.deepEqual(odd.functions.map((f) => f.params), [[]]);
  }
});
