// Small builders that keep the family files declarative: era spans, type groups, one effect.
import { ERAS, PGMAP_TYPES, type Era, type PgmapType } from '../types';
import type { EraEffect } from './types';

/** Eras from `from` to `to` inclusive, in ERAS order (E5 comes after E4). */
export function span(from: Era, to: Era = 'E5'): Era[] {
  return ERAS.slice(ERAS.indexOf(from), ERAS.indexOf(to) + 1);
}

export const ALL_ERAS: readonly Era[] = ERAS;
export const ALL_TYPES: readonly PgmapType[] = PGMAP_TYPES;
export const PRIV_COH: readonly PgmapType[] = ['PRIVATE', 'COHERENT'];
export const DAX: readonly PgmapType[] = ['FS_DAX', 'GENERIC'];
/** Every type except `types`. */
export function others(...types: PgmapType[]): PgmapType[] {
  return PGMAP_TYPES.filter((t) => !types.includes(t));
}

/** One era effect: eras, note, then the fields. */
export function fx(eras: readonly Era[], note: string, fields: Omit<EraEffect, 'eras' | 'note'> = {}): EraEffect {
  return { eras, note, ...fields };
}

/** `effects` restricted to the eras in `exists`; effects left without an era are dropped. */
export function within(exists: readonly Era[], effects: readonly EraEffect[]): EraEffect[] {
  return effects.map((e) => ({ ...e, eras: e.eras.filter((era) => exists.includes(era)) })).filter((e) => e.eras.length > 0);
}
