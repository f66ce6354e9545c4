// --kernel-tree on a git repository built at test time from Debian's linux-6.12 (a handful of files,
// committed with real dates): the patch's index line names the pre-image blob, which is read with
// git whatever the working tree holds; without the blob, the working tree is read with offset and fuzz.
// Runs the built CLI (dist/cli.js) as a user does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/assets';
import { kernelDir, needKernels } from '../helpers/inputs';
import { diskKernelTree, looksLikeKernelTree } from '../../src/node/kernel-tree';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const hasGit = spawnSync('git', ['--version']).status === 0;
const skip = needKernels || (!hasGit && 'needs git') || (!fs.existsSync(CLI) && 'needs dist/cli.js (npm run build)');
const FILES = ['Makefile', 'mm/memremap.c', 'include/linux/memremap.h'];
// The FS DAX / device DAX / P2PDMA free path of linux-6.12's free_zone_device_folio(): the patch drops the type guard.
const GUARD = /\tif \(folio->page\.pgmap->type != MEMORY_DEVICE_PRIVATE &&[\s\S]*?\t\tput_dev_pagemap\(folio->page\.pgmap\);\n/;

function git(cwd: string, args: string[], date = '2024-11-20T12:00:00Z'): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const r = spawnSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A repository holding FILES of linux-6.12 at one commit (tagged v6.12), in a fresh temp dir. */
function kernelRepo(): string {
  const src = kernelDir('6.12')!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-git-'));
  for (const f of FILES) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.copyFileSync(path.join(src, f), path.join(dir, f));
  }
  git(dir, ['init', '-q']);
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '-m', 'linux-6.12 files']);
  git(dir, ['tag', 'v6.12']);
  return dir;
}

function edit(dir: string, rel: string, f: (t: string) => string): void {
  const p = path.join(dir, rel);
  fs.writeFileSync(p, f(fs.readFileSync(p, 'utf8')));
}

function review(patch: string, tree: string) {
  const r = spawnSync(process.execPath, [CLI, 'review', '--format', 'json', '--kernel-tree', tree, patch], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout) as { era: string; eraSource: string; patches: { files: { hunks: { source: string; effects: { aspect: string; types: string[]; before: string; after: string }[]; findings: { ruleId: string; status: string }[] }[] }[] }[]; problems: { severity: string; message: string }[] };
}

test('git tree: the pre-image is the blob the index line names, though the working tree moved on', { skip }, () => {
  const repo = kernelRepo();
  try {
    const base = git(repo, ['rev-parse', 'HEAD']).trim();
    edit(repo, 'mm/memremap.c', (t) => {
      assert.match(t, GUARD, 'the 6.12 free path has the type guard');
      return t.replace(GUARD, '\tput_dev_pagemap(folio->page.pgmap);\n');
    });
    git(repo, ['commit', '-q', '-am', 'mm/memremap: drop the type guard'], '2024-12-03T09:00:00Z');
    const patch = path.join(repo, '..', `${path.basename(repo)}.patch`);
    fs.writeFileSync(patch, git(repo, ['format-patch', '-1', '--stdout', `--base=${base}`, 'HEAD']));
    // The tree moves on: the hunk's own lines change (the guard is rewritten), so the patch no longer applies to the working file.
    git(repo, ['reset', '-q', '--hard', base]);
    edit(repo, 'mm/memremap.c', (t) => t.replace(GUARD, (m) => m.replaceAll('folio->page.pgmap', 'page_pgmap(&folio->page)')));
    git(repo, ['commit', '-q', '-am', 'later change of the same lines'], '2025-01-10T09:00:00Z');
    assert.doesNotMatch(fs.readFileSync(path.join(repo, 'mm/memremap.c'), 'utf8'), GUARD);

    const r = review(patch, repo);
    const hunks = r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks));
    assert.equal(hunks.length, 1);
    const h = hunks[0]!;
    assert.equal(h.source, 'git-blob');
    // Whole free_zone_device_folio() from the blob: the guard removal frees FS_DAX/GENERIC/P2PDMA pages at 0.
    const free = h.effects.find((e) => e.aspect === 'free-refcount' && e.before === '1' && e.after === '0');
    assert.ok(free, JSON.stringify(h.effects));
    assert.deepEqual([...free.types].sort(), ['FS_DAX', 'GENERIC', 'P2PDMA']);
    assert.ok(h.findings.some((f) => f.ruleId === 'pgmap-ref-imbalance' && f.status === 'introduced'));
    assert.ok(!r.problems.some((p) => /does not apply|fuzz/.test(p.message)), JSON.stringify(r.problems));
    // The era: Date: 2024-12-03 (v6.13-rc) and the base commit (tag v6.12) say E2; the blob is not dated then.
    assert.equal(r.era, 'E2', r.eraSource);
    assert.match(r.eraSource, /base-commit [0-9a-f]{12} \(v6\.12\) \(E2; weight 5\)/);
    assert.doesNotMatch(r.eraSource, /blob /);
    // Without the trailer, the pre-image blob's commit date (2024-11-20, v6.13 merge window) is a lower bound.
    fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace(/^base-commit: .*\n/m, ''));
    const dated = review(patch, repo);
    assert.equal(dated.era, 'E2', dated.eraSource);
    assert.match(dated.eraSource, /blob [0-9a-f]+ of mm\/memremap\.c \(committed 2024-11-20\) \(>= E2; weight 4\)/);
    assert.equal(dated.patches[0]!.files[0]!.hunks[0]!.source, 'git-blob');
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(`${repo}.patch`, { force: true });
  }
});

test('git tree without the blob: the working file, located with fuzz', { skip }, () => {
  const repo = kernelRepo();
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-git-'));
  try {
    edit(repo, 'mm/memremap.c', (t) => t.replace(GUARD, '\tput_dev_pagemap(folio->page.pgmap);\n'));
    git(repo, ['commit', '-q', '-am', 'mm/memremap: drop the type guard'], '2024-12-03T09:00:00Z');
    const patchText = git(repo, ['format-patch', '-1', '--stdout', 'HEAD']);
    const hunk = /^@@ -(\d+),\d+ /m.exec(patchText)!;
    // Another repository whose history never held the pre-image blob: the working file differs in the
    // hunk's first context line (fuzz 1 drops it), so the blob named by the index line is absent.
    for (const f of FILES) {
      fs.mkdirSync(path.join(other, path.dirname(f)), { recursive: true });
      fs.copyFileSync(path.join(kernelDir('6.12')!, f), path.join(other, f));
    }
    const lines = fs.readFileSync(path.join(other, 'mm/memremap.c'), 'utf8').split('\n');
    lines[Number(hunk[1]) - 1] += ' /* moved on */';
    fs.writeFileSync(path.join(other, 'mm/memremap.c'), lines.join('\n'));
    git(other, ['init', '-q']);
    git(other, ['add', '.']);
    git(other, ['commit', '-q', '-m', 'other history']);
    const patch = path.join(other, '..', `${path.basename(other)}.patch`);
    fs.writeFileSync(patch, patchText);
    const r = review(patch, other);
    const h = r.patches[0]!.files[0]!.hunks[0]!;
    assert.equal(h.source, 'kernel-tree');
    assert.ok(r.problems.some((p) => /is not in the kernel tree's git: its working file is used/.test(p.message)), JSON.stringify(r.problems));
    assert.ok(r.problems.some((p) => /applied at line \d+ \(.*fuzz 1/.test(p.message)), JSON.stringify(r.problems));
    assert.ok(h.effects.some((e) => e.aspect === 'free-refcount' && e.before === '1' && e.after === '0'), JSON.stringify(h.effects));
    // A tree that is not a git checkout (an unpacked tarball) has no blobs to miss: no problem names one.
    fs.rmSync(path.join(other, '.git'), { recursive: true, force: true });
    const plain = review(patch, other);
    assert.equal(plain.patches[0]!.files[0]!.hunks[0]!.source, 'kernel-tree');
    assert.ok(!plain.problems.some((p) => /git/.test(p.message)), JSON.stringify(plain.problems));
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
    fs.rmSync(`${other}.patch`, { force: true });
  }
});

test('diskKernelTree: a plain directory answers for its files only; abbreviated ids resolve as git does', { skip }, () => {
  const repo = kernelRepo();
  try {
    assert.ok(looksLikeKernelTree(repo));
    const tree = diskKernelTree(repo);
    assert.equal(tree.readFile('../etc/passwd'), undefined);
    const full = git(repo, ['rev-parse', 'HEAD:mm/memremap.c']).trim();
    const blob = tree.preImage!('mm/memremap.c', full.slice(0, 7));
    assert.equal(blob?.source, 'git-blob');
    assert.equal(blob?.text, fs.readFileSync(path.join(repo, 'mm/memremap.c'), 'utf8'));
    assert.equal(tree.preImage!('mm/memremap.c', '0123456'), undefined);
    assert.equal(tree.preImage!('mm/memremap.c', 'zz'), undefined);
    assert.equal(tree.blobSince!('mm/memremap.c', full.slice(0, 10)), '2024-11-20T12:00:00+00:00');
    assert.equal(tree.commit!(git(repo, ['rev-parse', 'HEAD']).trim())?.describe, 'v6.12');
    fs.rmSync(path.join(repo, '.git'), { recursive: true, force: true });
    const plain = diskKernelTree(repo);
    assert.equal(plain.preImage, undefined, 'a tree that is not a git checkout answers for no blob');
    assert.match(plain.readFile('mm/memremap.c')!, /free_zone_device_folio/);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
