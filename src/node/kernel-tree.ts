// A kernel source tree on disk, for the CLI and the VS Code extension: the working files, and when
// the tree is a git checkout, the blobs that patches name in their index lines (so a patch is read
// against its exact pre-image whatever the working tree holds) and the dates that place a base in
// the release calendar. Git runs as a child process; every answer is cached for the tree's life.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { KernelTree, PreImage } from '../core';

/** Runs git in `cwd`; its stdout, or undefined when git is missing or fails. */
function git(cwd: string, args: readonly string[]): string | undefined {
  const r = spawnSync('git', ['-c', 'core.quotepath=off', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 && typeof r.stdout === 'string' ? r.stdout : undefined;
}

function memo<T>(f: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, f(key));
    return cache.get(key)!;
  };
}

/** A kernel source tree on disk, read lazily, one file at a time; a git checkout also answers for blobs. */
export function diskKernelTree(root: string): KernelTree {
  const top = path.resolve(root);
  /** The full id of an abbreviated blob id, resolved as git does (undefined when absent or ambiguous). */
  const resolve = memo((abbrev: string) => (/^[0-9a-f]{4,64}$/.test(abbrev) ? git(top, ['rev-parse', '--verify', '--quiet', `${abbrev}^{blob}`])?.trim() : undefined) || undefined);
  const blobText = memo((full: string) => git(top, ['cat-file', 'blob', full]));
  const since = memo((key: string) => {
    const [rel, full] = key.split('\u0000') as [string, string];
    // Commits that add or remove the blob, newest first; the walk stops at the second one (a blob that
    // a later commit replaced shows its removal first). The introducing commit holds the blob at `rel`.
    const out = git(top, ['log', '-n', '2', '--format=%H %cI', `--find-object=${full}`, '--', rel]);
    for (const line of out?.split('\n') ?? []) {
      const [commit, date] = line.split(' ');
      if (commit && date && git(top, ['rev-parse', '--verify', '--quiet', `${commit}:${rel}`])?.trim() === full) return date;
    }
    return undefined;
  });
  const commit = memo((sha: string) => {
    if (!/^[0-9a-f]{7,64}$/.test(sha)) return undefined;
    const date = git(top, ['log', '-1', '--format=%cI', `${sha}^{commit}`])?.trim();
    if (!date) return undefined;
    const describe = git(top, ['describe', '--tags', '--abbrev=0', `${sha}^{commit}`])?.trim();
    return { date, ...(describe && { describe }) };
  });
  const readFile = (rel: string) => {
    const p = path.resolve(top, rel);
    if (!p.startsWith(top + path.sep)) return undefined;
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  // A tree that is not a git checkout answers for working files only (and names no missing blob).
  if (git(top, ['rev-parse', '--is-inside-work-tree'])?.trim() !== 'true') return { readFile };
  return {
    readFile,
    preImage(_rel: string, blob: string): PreImage | undefined {
      const full = resolve(blob);
      const text = full ? blobText(full) : undefined;
      return text === undefined ? undefined : { text, source: 'git-blob' };
    },
    blobSince(rel: string, blob: string) {
      const full = resolve(blob);
      return full ? since(`${rel}\u0000${full}`) : undefined;
    },
    commit,
  };
}

/** Does `dir` look like a Linux kernel tree (mm/ and a top Makefile with VERSION)? */
export function looksLikeKernelTree(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, 'mm')).isDirectory() && /^VERSION\s*=/m.test(fs.readFileSync(path.join(dir, 'Makefile'), 'utf8'));
  } catch {
    return false;
  }
}
