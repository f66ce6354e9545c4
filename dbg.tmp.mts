import fs from 'node:fs';
import { parseDocument } from './src/core/patch';
import { createReviewer } from './src/core/model/review';
import { getSyntax } from './test/core/sim/helpers';
const readme = fs.readFileSync(process.argv[2]!, 'utf8');
const which = process.argv[3] === 'ok' ? '### OK' : process.argv[3] === 'case' ? '' : '### Flagged';
const text = which ? /```diff\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(which)))![1]! : readme;
const series = (await parseDocument({ name: 'x', content: text })).value;
const r = createReviewer(await getSyntax()).review([series], { era: (process.argv[4] ?? 'E2') as any, includePresent: true });
for (const h of r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks))) {
  console.log('calls', h.calls.map((c) => c.callee + ':' + c.side).join(' '));
  for (const e of h.effects) console.log('effect', e.aspect, e.types.join('/'), e.before, '->', e.after, e.line);
  for (const f of h.findings) console.log('finding', f.ruleId, f.status, f.types.join('/'), f.line, f.message, process.env.V ? JSON.stringify(f.trace.map((s) => [s.phase, s.function, s.statement, s.before.refcount, s.after.refcount, s.note]), null, 0) : '');
}
console.log(r.problems);
