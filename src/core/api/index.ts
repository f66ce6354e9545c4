// The API table: one declarative entry per kernel function (its roles and its effect per era and
// pgmap type), plus era handling and the driver-file map. The simulator interprets these entries.
import type { Era, PgmapType } from '../types';
import type { ApiEntry, EraEffect, Role } from './types';
import { PAGE_REF } from './page-ref';
import { FREE } from './free';
import { MEMMAP } from './memmap';
import { PGMAP } from './pgmap';
import { MAPPING } from './mapping';
import { PREDICATES } from './predicates';
import { FSDAX } from './fsdax';
import { GUP } from './gup';
import { RESERVED } from './reserved';
import { RMAP } from './rmap';
import { UNMAP } from './unmap';
import { FOLIO } from './folio';

export type { ApiEntry, EraEffect, Role, RefOp, RefAmount, PgmapOp, DriverFile } from './types';
export { parseEraOption, inferEra, eraOfVersion, formatEras, mailDay, ERA_EVIDENCE, type EraEvidence, type EraOption, type EraInference, type GitFacts, type Clue } from './era';
export { RELEASES, releaseAt, type Release } from './releases';
export { DRIVER_FILES, reachesOnlyWhereNamed, typesForPath } from './drivers';

export const API_TABLE: readonly ApiEntry[] = [
  ...PAGE_REF, ...FREE, ...MEMMAP, ...PGMAP, ...MAPPING, ...RMAP, ...UNMAP, ...GUP, ...FSDAX, ...PREDICATES, ...RESERVED, ...FOLIO,
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const BY_NAME: ReadonlyMap<string, ApiEntry> = new Map(API_TABLE.map((e) => [e.name, e]));

/** Names whose calls make a hunk relevant and that `scan` lists: every entry but the helpers. */
export const API_NAMES: ReadonlySet<string> = new Set(API_TABLE.filter((e) => !e.helper).map((e) => e.name));

export function apiEntry(name: string): ApiEntry | undefined {
  return BY_NAME.get(name);
}

/** The entry's effect in `era` for pages of `type`; undefined when the function does not exist in that era
 * or does nothing for that type (p2pdma_page_free() for a PRIVATE page). Effects never overlap (tested). */
export function effectFor(entry: ApiEntry, era: Era, type: PgmapType): EraEffect | undefined {
  return entry.effects.find((e) => e.eras.includes(era) && (!e.types || e.types.includes(type)));
}

/** Entries with `role` that exist in `era`. The FS DAX idle roles count only where the entry has an idle
 * effect in that era (free_zone_device_folio() wakes idle waiters from E3 on, not in E2). */
export function functionsWithRole(role: Role, era: Era): ApiEntry[] {
  const idleRole = role === 'fsdax-idle-wait' || role === 'fsdax-wake';
  return API_TABLE.filter(
    (e) => e.roles.includes(role) && e.exists.includes(era) && (!idleRole || e.effects.some((f) => f.eras.includes(era) && f.idle)),
  );
}
