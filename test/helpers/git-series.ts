// A small series made with real git at test time, from a C file written for these tests (no kernel
// text): a cover letter, a clean patch and a patch that brings in an error-level finding
// (refcount-underflow: the allocator drops the reference zone_device_page_init() gave it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './assets';

export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const HOOKS = path.join(ROOT, 'scripts', 'hooks');
/** The hooks run `${PAGEREF:-pageref}`: here, the built CLI. */
export const PAGEREF = `${process.execPath} ${CLI}`;

const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout ?? '';
const sendEmail = spawnSync('git', ['send-email', '-h'], { encoding: 'utf8' });
/** `skip` option for tests that need real git (and git send-email: Debian's git-email). */
export const needGit = !gitVersion.startsWith('git version') ? 'needs git' : false;
export const needSendEmail = needGit || (/send-email/.test(sendEmail.stdout + sendEmail.stderr) && !/not a git command/.test(sendEmail.stderr) ? false : 'needs git send-email (Debian package git-email)');

const C_FILE = `// SPDX-License-Identifier: GPL-2.0
/* A device-private page allocator, written for PageRef Lens's tests. */
#include <linux/memremap.h>
#include <linux/mm.h>

struct dmirror_device {
\tstruct page *free_pages;
\tunsigned long calloc;
\tunsigned long cfree;
};

static struct page *dmirror_devmem_alloc_page(struct dmirror_device *mdevice)
{
\tstruct page *dpage;

\tdpage = mdevice->free_pages;
\tif (!dpage)
\t\treturn NULL;
\tmdevice->free_pages = dpage->zone_device_data;
\tmdevice->calloc++;
\tzone_device_page_init(dpage);
\treturn dpage;
}

static void dmirror_devmem_free(struct page *page, struct dmirror_device *mdevice)
{
\tpage->zone_device_data = mdevice->free_pages;
\tmdevice->free_pages = page;
\tmdevice->cfree++;
}
`;

export function git(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, PAGEREF, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function must(cwd: string, ...args: string[]): string {
  const r = git(cwd, ...args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.err}`);
  return r.out;
}

export interface GitSeries {
  readonly repo: string;
  /** The base commit (before the two patches). */
  readonly base: string;
  /** format-patch output: cover letter, clean patch, bad patch. */
  readonly cover: string;
  readonly clean: string;
  readonly bad: string;
  /** The bad patch made again with -U1 and -U10. */
  readonly badU1: string;
  readonly badU10: string;
}

export function makeGitSeries(): GitSeries {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-git-'));
  must(repo, 'init', '-q');
  must(repo, 'config', 'user.name', 'Test Author');
  must(repo, 'config', 'user.email', 'author@example.org');
  fs.mkdirSync(path.join(repo, 'lib'));
  const file = path.join(repo, 'lib', 'dmirror.c');
  fs.writeFileSync(file, C_FILE);
  must(repo, 'add', '.');
  must(repo, 'commit', '-qm', 'lib: dmirror allocator');
  const base = must(repo, 'rev-parse', 'HEAD').trim();
  fs.writeFileSync(file, C_FILE.replace('\tmdevice->cfree++;', '\tmdevice->cfree += 1;'));
  must(repo, 'commit', '-qam', 'lib/dmirror: count frees with +=');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('\tzone_device_page_init(dpage);\n', '\tzone_device_page_init(dpage);\n\tput_page(dpage);\n'));
  must(repo, 'commit', '-qam', 'lib/dmirror: drop the allocation reference');
  const out = path.join(repo, 'out');
  const files = must(repo, 'format-patch', '--cover-letter', '--thread', '-o', out, 'HEAD~2').trim().split('\n').map((f) => path.resolve(repo, f));
  // The cover letter as a sender fills it in (send-email refuses the template subject).
  fs.writeFileSync(files[0], fs.readFileSync(files[0], 'utf8').replace('*** SUBJECT HERE ***', 'lib/dmirror: two changes').replace('*** BLURB HERE ***', 'Two small changes.'));
  const one = (ctx: string) => path.resolve(repo, must(repo, 'format-patch', ctx, '-o', path.join(repo, ctx.slice(1)), 'HEAD~1').trim());
  return { repo, base, cover: files[0], clean: files[1], bad: files[2], badU1: one('-U1'), badU10: one('-U10') };
}
