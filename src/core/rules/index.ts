// The rule registry (sorted by id) and the comparison that turns per-side instances into findings.
import type { PgmapType, Problem } from '../types';
import type { Finding, FindingStatus, RuleId } from '../report/types';
import type { DiffInstance, Instance, Rule, RuleContext, SideView } from './types';
import { rule as folioPutSkipsDevmapHook } from './folio-put-skips-devmap-hook/rule';
import { rule as freePageNonzeroRefcount } from './free-page-nonzero-refcount/rule';
import { rule as longtermPinFsdax } from './longterm-pin-fsdax/rule';
import { rule as mappingWithoutReference } from './mapping-without-reference/rule';
import { rule as pgmapRefImbalance } from './pgmap-ref-imbalance/rule';
import { rule as pgmapTeardownRace } from './pgmap-teardown-race/rule';
import { rule as pgmapTypeGuardChanged } from './pgmap-type-guard-changed/rule';
import { rule as refcountUnderflow } from './refcount-underflow/rule';
import { rule as refcountedMappingSpecial } from './refcounted-mapping-special/rule';
import { rule as reservedTreatedAsUnrefcounted } from './reserved-treated-as-unrefcounted/rule';
import { rule as unsafeSetPageCount } from './unsafe-set-page-count/rule';
import { rule as waitWakeMismatch } from './wait-wake-mismatch/rule';
import { rule as warnContradictsState } from './warn-contradicts-state/rule';

export type { Rule, RuleMeta, RuleContext, SideView } from './types';

export const RULES: ReadonlyMap<RuleId, Rule> = new Map<RuleId, Rule>([
  ['folio-put-skips-devmap-hook', folioPutSkipsDevmapHook],
  ['free-page-nonzero-refcount', freePageNonzeroRefcount],
  ['longterm-pin-fsdax', longtermPinFsdax],
  ['mapping-without-reference', mappingWithoutReference],
  ['pgmap-ref-imbalance', pgmapRefImbalance],
  ['pgmap-teardown-race', pgmapTeardownRace],
  ['pgmap-type-guard-changed', pgmapTypeGuardChanged],
  ['refcount-underflow', refcountUnderflow],
  ['refcounted-mapping-special', refcountedMappingSpecial],
  ['reserved-treated-as-unrefcounted', reservedTreatedAsUnrefcounted],
  ['unsafe-set-page-count', unsafeSetPageCount],
  ['wait-wake-mismatch', waitWakeMismatch],
  ['warn-contradicts-state', warnContradictsState],
]);

/** Runs every rule on both sides of a hunk; `fallbackLine` places findings whose steps have no line. */
export function runRules(before: SideView, after: SideView, ctx: RuleContext, includePresent: boolean, fallbackLine: number): Finding[] {
  const out: Finding[] = [];
  for (const [id, rule] of RULES) {
    const diffs: DiffInstance[] = [];
    if (rule.check) {
      const b = rule.check(before, ctx);
      const a = rule.check(after, ctx);
      const has = (xs: readonly { key: string; type: PgmapType }[], x: Instance) => xs.some((y) => y.key === x.key && y.type === x.type);
      // Gone after the patch because the path it needs no longer runs: masked, not fixed. (Newly on a
      // path that did not run before is still introduced: the patch makes that path run.)
      const masked = rule.unjudged?.(after, ctx) ?? [];
      for (const x of a) diffs.push({ ...x, status: has(b, x) ? 'present' : 'introduced' });
      for (const x of b) if (!has(a, x) && !has(masked, x)) diffs.push({ ...x, status: 'fixed' });
    }
    if (rule.diff) diffs.push(...rule.diff(before, after, ctx));
    out.push(...group(id, rule, diffs.filter((d) => includePresent || d.status !== 'present'), fallbackLine));
  }
  return out;
}

/** What the rules cannot judge from the input (Rule.undecided), as information, each once. */
export function undecidedOf(before: SideView, after: SideView, ctx: RuleContext, fallbackLine: number): Problem[] {
  const out = new Map<string, Problem>();
  for (const [, rule] of RULES) {
    for (const u of rule.undecided?.(before, after, ctx) ?? []) out.set(`${u.line}|${u.message}`, { severity: 'info', message: u.message, line: u.line ?? fallbackLine });
  }
  return [...out.values()];
}

/** One finding per (line, status, message without the type), listing the types it holds for: the same
 * hazard seen by several scenarios (or instance keys) at one line is one finding. */
function group(id: RuleId, rule: Rule, xs: DiffInstance[], fallbackLine: number): Finding[] {
  const groups = new Map<string, { x: DiffInstance; types: PgmapType[] }>();
  for (const x of xs) {
    const k = `${x.line ?? fallbackLine}|${x.status}|${x.message.replace(typeWord(x.type), '*')}`;
    const g = groups.get(k);
    if (!g) groups.set(k, { x, types: [x.type] });
    else if (!g.types.includes(x.type)) g.types.push(x.type);
  }
  return [...groups.values()].map(({ x, types }) => ({
    ruleId: id, status: x.status as FindingStatus, types, severity: x.severity ?? rule.meta.severity, line: x.line ?? fallbackLine,
    message: types.length > 1 ? x.message.replace(typeWord(x.type), types.join('/')) : x.message,
    trace: x.trace, ...(x.related?.length ? { related: x.related } : {}),
  }));
}

/** The type's name as a word of a message (not inside MEMORY_DEVICE_FS_DAX, which a quoted condition may hold). */
const typeWord = (t: PgmapType): RegExp => new RegExp(`(?<![A-Za-z0-9_])${t}(?![A-Za-z0-9_])`, 'g');
