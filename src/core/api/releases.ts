// The mainline release calendar: every release from v4.19 to the newest established, with the
// date Linus tagged it (UTC day of the announcement) and the era it belongs to. During release
// N+1's merge window a patch is based on release N; from N+1's -rc1 on, development is on N+2 and
// a patch is based on N+1's -rc (era.ts weighs both readings). Sources: the release announcements (v6.19, v7.0 and v7.1 from the
// press reports of their announcements and of the -rc1 that followed each); the era of each
// release follows model-contract.md, with E5 from v6.19 (NOTES.md, "E5").
import type { Era } from '../types';

export interface Release {
  /** "6.12" */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  /** ISO day, "2024-11-17". */
  readonly date: string;
  readonly era: Era;
}

const DATES: readonly (readonly [string, string])[] = [
  ['4.19', '2018-10-22'], ['4.20', '2018-12-23'],
  ['5.0', '2019-03-03'], ['5.1', '2019-05-05'], ['5.2', '2019-07-07'], ['5.3', '2019-09-15'], ['5.4', '2019-11-24'],
  ['5.5', '2020-01-26'], ['5.6', '2020-03-29'], ['5.7', '2020-05-31'], ['5.8', '2020-08-02'], ['5.9', '2020-10-11'],
  ['5.10', '2020-12-13'], ['5.11', '2021-02-14'], ['5.12', '2021-04-25'], ['5.13', '2021-06-27'], ['5.14', '2021-08-29'],
  ['5.15', '2021-10-31'], ['5.16', '2022-01-09'], ['5.17', '2022-03-20'], ['5.18', '2022-05-22'], ['5.19', '2022-07-31'],
  ['6.0', '2022-10-02'], ['6.1', '2022-12-11'], ['6.2', '2023-02-19'], ['6.3', '2023-04-23'], ['6.4', '2023-06-25'],
  ['6.5', '2023-08-27'], ['6.6', '2023-10-30'], ['6.7', '2024-01-07'], ['6.8', '2024-03-10'], ['6.9', '2024-05-12'],
  ['6.10', '2024-07-14'], ['6.11', '2024-09-15'], ['6.12', '2024-11-17'], ['6.13', '2025-01-19'], ['6.14', '2025-03-24'],
  ['6.15', '2025-05-25'], ['6.16', '2025-07-27'], ['6.17', '2025-09-28'], ['6.18', '2025-11-30'], ['6.19', '2026-02-08'],
  ['7.0', '2026-04-12'], ['7.1', '2026-06-14'],
];

/** First kernel version (major, minor) of each era, newest first. */
const ERA_STARTS: readonly (readonly [Era, number, number])[] = [
  ['E5', 6, 19],
  ['E4', 6, 17],
  ['E3', 6, 15],
  ['E2', 6, 1],
  ['E1', 5, 18],
];

/** Era of a kernel version: E0 <= v5.17, E1 v5.18-v6.0, E2 v6.1-v6.14, E3 v6.15-v6.16, E4 v6.17-v6.18, E5 v6.19+. */
export function eraOfVersion(major: number, minor: number): Era {
  for (const [era, ma, mi] of ERA_STARTS) if (major > ma || (major === ma && minor >= mi)) return era;
  return 'E0';
}

export const RELEASES: readonly Release[] = DATES.map(([version, date]) => {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return { version, major, minor, date, era: eraOfVersion(major, minor) };
});

/** Length of a merge window: release N+1's -rc1 comes two weeks after release N. */
export const MERGE_WINDOW_DAYS = 14;

/** Where a day falls: the newest release out then (undefined before v4.19), the one in progress
 * (undefined past the calendar's end), and whether the merge window was still open. */
export function releaseAt(day: string): { base?: Release; next?: Release; mergeWindow: boolean } {
  let i = -1;
  while (i + 1 < RELEASES.length && RELEASES[i + 1]!.date <= day) i++;
  const base = i >= 0 ? RELEASES[i] : undefined;
  const next = RELEASES[i + 1];
  const mergeWindow = base !== undefined && daysBetween(base.date, day) < MERGE_WINDOW_DAYS;
  return { ...(base && { base }), ...(next && { next }), mergeWindow };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** The release of a version string ("v6.15-rc3", "6.1.192", "7.0"), when it is a mainline version. */
export function parseVersion(s: string): { major: number; minor: number; rc?: number } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-rc(\d+))?$/i.exec(s.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), ...(m[3] !== undefined && { rc: Number(m[3]) }) };
}
