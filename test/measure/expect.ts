// What a case is expected to show, and how a review is scored against it. Shared by every corpus
// the measure runs (real mail, mutations, the cut corpus, rule cases).
import type { Effect, Finding } from '../../src/core/index';
import type { ExpectedEffect, ExpectedFinding } from '../corpus/cases';

export interface Expectation {
  /** 'neutral': no effect and no finding; 'semantic': the effects and findings below. */
  readonly kind: 'neutral' | 'semantic';
  readonly effects: readonly ExpectedEffect[];
  /** `types: []` matches a finding of any type. */
  readonly findings: readonly ExpectedFinding[];
}

export interface Outcome {
  /** Expected items (effects and findings) of a semantic case, and how many the review showed. */
  readonly expected: number;
  readonly matched: number;
  /** The expected items not found, as `aspect TYPES` / `rule status TYPES`. */
  readonly missing: readonly string[];
  /** Findings (introduced or fixed) nobody expected. For a neutral case any finding is one. */
  readonly unexpected: readonly string[];
  /** For the status file: one line a reader can diff. */
  readonly status: string;
}

const overlap = (a: readonly string[], b: readonly string[]): boolean => a.length === 0 || b.length === 0 || a.some((t) => b.includes(t));

const effectKey = (e: { aspect: string; types: readonly string[] }): string => `${e.aspect} ${e.types.join(',')}`;
const findingKey = (f: { ruleId: string; status: string; types: readonly string[] }): string => `${f.ruleId} ${f.status} ${f.types.join(',') || '(any type)'}`;

/**
 * Findings match by rule id, status and overlapping types; effects by aspect and overlapping types
 * (before/after are not compared: a model that finds the change but words its values differently
 * still found it). `present` findings only count when the expectation asks for them.
 */
export function score(expect: Expectation, effects: readonly Effect[], findings: readonly Finding[]): Outcome {
  const missing: string[] = [];
  let matched = 0;
  for (const e of expect.effects) {
    if (effects.some((x) => x.aspect === e.aspect && overlap(e.types, x.types))) matched++;
    else missing.push(effectKey(e));
  }
  for (const f of expect.findings) {
    if (findings.some((x) => x.ruleId === f.ruleId && x.status === f.status && overlap(f.types, x.types))) matched++;
    else missing.push(findingKey(f));
  }
  const unexpected = [...new Set(findings
    .filter((x) => x.status !== 'present')
    .filter((x) => !expect.findings.some((f) => f.ruleId === x.ruleId && f.status === x.status && overlap(f.types, x.types)))
    .map(findingKey))].sort();
  const expected = expect.effects.length + expect.findings.length;
  let status: string;
  if (expect.kind === 'neutral') {
    const fx = [...new Set(effects.map(effectKey))].sort();
    status = unexpected.length ? `noisy: ${unexpected.join('; ')}` : 'clean';
    if (fx.length) status += ` (effects: ${fx.join('; ')})`;
  } else {
    status = `${matched === expected ? 'hit' : matched ? 'partial' : 'miss'} ${matched}/${expected}`;
    if (missing.length) status += ` missing: ${missing.join('; ')}`;
    if (unexpected.length) status += ` extra: ${unexpected.join('; ')}`;
  }
  return { expected, matched, missing, unexpected, status };
}
