// SARIF that validates: Microsoft's SARIF multitool (rule kinds Sarif and Gh, as GitHub code
// scanning checks) reports 0 errors and 0 warnings, ajv accepts it against the 2.1.0 schema, and
// the fingerprints hold across runs and context sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ROOT } from '../helpers/assets';
import { CLI, makeGitSeries, needGit } from '../helpers/git-series';
import { readRuleDocs } from '../../src/node/assets';
import { RULE_IDS } from '../../src/core/report/types';

const require = createRequire(import.meta.url);
const skipCli = fs.existsSync(CLI) ? false : 'needs dist/cli.js (npm run build)';
/** The multitool's Linux build (an optional dependency of @microsoft/sarif-multitool); it also ships the 2.1.0 schema. */
const toolDir = (() => {
  try {
    return path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
  } catch {
    return undefined;
  }
})();
const needTool = toolDir && process.platform === 'linux' ? false : 'needs @microsoft/sarif-multitool-linux';

function sarif(args: string[], input?: string | Buffer): string {
  const r = spawnSync(process.execPath, [CLI, 'review', '--format', 'sarif', ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

/** The multitool's own findings on a log: [level, rule id, message] of each. */
function multitool(log: string): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-sarif-'));
  fs.writeFileSync(path.join(dir, 'in.sarif'), log);
  // Run directly, not through its bin.js: that one goes through a shell, which splits "Sarif;Gh".
  const r = spawnSync(path.join(toolDir!, 'Sarif.Multitool'), ['validate', '--rule-kind', 'Sarif;Gh', path.join(dir, 'in.sarif'), '-o', path.join(dir, 'out.sarif'), '--log', 'ForceOverwrite'], {
    encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8'));
  return (out.runs[0].results ?? []).map((x: { level?: string; ruleId: string; message: { text?: string; id?: string } }) => [x.level ?? 'warning', x.ruleId, x.message.text ?? x.message.id ?? '']);
}

let git: ReturnType<typeof makeGitSeries> | undefined;
const series = () => (git ??= makeGitSeries());

test('the multitool (Sarif;Gh) finds no error and no warning: the bundled example, a git series, stdin, a cover letter', { skip: skipCli || needTool || needGit }, () => {
  const s = series();
  const logs = [sarif(['examples/series.mbox']), sarif([s.clean, s.bad]), sarif(['-'], fs.readFileSync(s.bad)), sarif([s.cover])];
  for (const log of logs) {
    const found = multitool(log).filter(([level]) => level === 'error' || level === 'warning');
    assert.deepEqual(found, []);
  }
  assert.ok(JSON.parse(logs[0]).runs[0].results.length > 5);
  // What the tool said of the earlier output (a relative helpUri, no help) is still caught.
  const old = JSON.parse(logs[0]);
  old.runs[0].tool.driver.rules[0] = { id: old.runs[0].tool.driver.rules[0].id, helpUri: 'src/core/rules/x/README.md' };
  const ids = multitool(JSON.stringify(old)).filter(([level]) => level === 'error').map(([, id]) => id);
  assert.ok(ids.includes('SARIF1005') && ids.includes('GH2012'), ids.join(' '));
});

test('the log is valid against the SARIF 2.1.0 JSON schema (ajv)', { skip: skipCli || needTool }, () => {
  const schema = JSON.parse(fs.readFileSync(path.join(toolDir!, 'sarif-2.1.0.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const log = JSON.parse(sarif(['examples/series.mbox'])) as { runs: object[] };
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
  // A broken log is refused: the check can fail.
  assert.equal(validate({ ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 1 }] }] }), false);
});

test('rules carry fullDescription and help (text and Markdown) from their README; URIs are relative to SRCROOT', { skip: skipCli }, () => {
  const log = JSON.parse(sarif(['examples/series.mbox']));
  const run = log.runs[0];
  const docs = readRuleDocs(path.join(ROOT, 'dist'));
  assert.deepEqual(run.tool.driver.rules.map((r: { id: string }) => r.id), [...RULE_IDS]);
  for (const r of run.tool.driver.rules) {
    const readme = docs[r.id as keyof typeof docs]!;
    const checks = readme.split('## What it checks')[1].trim().split('\n\n')[0].replace(/\s*\n\s*/g, ' ');
    assert.ok(r.fullDescription.text.startsWith(checks.slice(0, 40)), r.id);
    assert.ok(r.help.markdown.includes('## Why it matters') && r.help.text.length > 200);
    assert.equal(r.helpUri, undefined);
  }
  assert.equal(run.originalUriBaseIds.SRCROOT.uri, `file://${ROOT}/`);
  const loc = run.results[0].locations[0].physicalLocation.artifactLocation;
  assert.deepEqual(loc, { uri: 'examples/series.mbox', uriBaseId: 'SRCROOT' });
  // The trace as a code flow with the state per pgmap type.
  const flow = run.results.find((r: { codeFlows?: unknown }) => r.codeFlows).codeFlows[0].threadFlows[0].locations;
  assert.ok(flow.length > 1);
  for (const l of flow) for (const [type, st] of Object.entries(l.state as Record<string, { text: string }>)) {
    assert.match(type, /^(PRIVATE|COHERENT|FS_DAX|GENERIC|P2PDMA)$/);
    assert.match(st.text, /^rc=\S+ .* -> rc=/);
  }
});

test('partialFingerprints are stable across runs and across context sizes (-U1 and -U10)', { skip: skipCli || needGit }, () => {
  const s = series();
  const prints = (file: string) => JSON.parse(sarif([file])).runs[0].results.map((r: { ruleId: string; partialFingerprints: Record<string, string> }) => `${r.ruleId} ${Object.values(r.partialFingerprints)[0]}`).sort();
  const u1 = prints(s.badU1);
  assert.ok(u1.length > 0);
  assert.deepEqual(prints(s.badU1), u1);
  assert.deepEqual(prints(s.badU10), u1);
  const lines = (file: string) => JSON.parse(sarif([file])).runs[0].results.map((r: { locations: { physicalLocation: { region: { startLine: number } } }[] }) => r.locations[0].physicalLocation.region.startLine);
  assert.notDeepEqual(lines(s.badU1), lines(s.badU10), 'the lines differ, the fingerprints do not');
  const all = JSON.parse(sarif(['examples/series.mbox'])).runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => Object.values(r.partialFingerprints)[0]);
  assert.equal(new Set(all).size, all.length, 'one fingerprint per result');
});
