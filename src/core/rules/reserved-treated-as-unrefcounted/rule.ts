// Hazard 11: PG_reserved is taken to mean "no refcount" for ZONE_DEVICE pages: a PageReserved()
// (or kvm_is_reserved_pfn()) test decides whether a page reference is taken or dropped, with no
// ZONE_DEVICE exception in the same condition.
import type { Expr, Stmt } from '../../syntax/ir';
import { PGMAP_TYPES } from '../../types';
import type { Instance, Rule } from '../types';
import { meta } from '../util';
import { REFCOUNTING_CALL as REF_CALL, RESERVED_TEST as RESERVED, ZONE_DEVICE_TEST as EXCEPTION } from '../../api/concepts';


function calls(e: Expr | Stmt | undefined, out: string[]): string[] {
  if (!e) return out;
  switch (e.k) {
    case 'call': out.push(e.callee.replace(/\s+/g, '')); e.args.forEach((a) => calls(a, out)); break;
    case 'binary': calls(e.left, out); calls(e.right, out); break;
    case 'unary': calls(e.arg, out); break;
    case 'assign': calls(e.value, out); break;
    case 'cond': calls(e.then, out); calls(e.else, out); break;
    case 'field': calls(e.base, out); break;
    case 'other': e.parts.forEach((p) => calls(p, out)); break;
    case 'block': e.body.forEach((s) => calls(s, out)); break;
    case 'expr': calls(e.expr, out); break;
    case 'decl': e.inits.forEach((i) => calls(i, out)); break;
    case 'if': calls(e.then, out); calls(e.else, out); break;
    case 'switch': e.cases.forEach((c) => c.body.forEach((s) => calls(s, out))); break;
    case 'loop': calls(e.body, out); break;
    case 'return': calls(e.value, out); break;
    default: break;
  }
  return out;
}

function walk(s: Stmt, visit: (s: Stmt) => void): void {
  visit(s);
  if (s.k === 'block') s.body.forEach((b) => walk(b, visit));
  else if (s.k === 'if') { walk(s.then, visit); if (s.else) walk(s.else, visit); }
  else if (s.k === 'loop') walk(s.body, visit);
  else if (s.k === 'switch') s.cases.forEach((c) => c.body.forEach((b) => walk(b, visit)));
}

export const rule: Rule = {
  meta: meta('reserved-treated-as-unrefcounted', 'PG_reserved is taken to mean "no refcount" for ZONE_DEVICE pages', 'warning', 'medium'),
  check(side, ctx) {
    const out: Instance[] = [];
    for (const body of side.functions) {
      walk(body.fn.body, (s) => {
        if (s.k !== 'if' || !RESERVED.test(s.cond.text) || EXCEPTION.test(s.cond.text)) return;
        const guarded = [...calls(s.then, []), ...calls(s.else, [])].filter((c) => REF_CALL.test(c));
        const returns = s.then.k === 'return' || (s.then.k === 'block' && s.then.body.some((b) => b.k === 'return'));
        if (guarded.length === 0 && !returns) return;
        const line = body.docLine(s.loc.line);
        for (const type of ctx.types.length ? ctx.types : PGMAP_TYPES) {
          out.push({ key: 'reserved-test', type, line, trace: [],
            message: `${s.cond.text.trim()} decides whether ${guarded.length ? guarded.join(', ') : 'the reference handling'} runs, but ZONE_DEVICE pages are PG_reserved and still refcounted: their references leak or are dropped wrongly` });
        }
      });
    }
    return out;
  },
};
