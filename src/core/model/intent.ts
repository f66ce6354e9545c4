// Intent: the pgmap types a patch means to change, read from what it touches (driver files of given
// types), its subject, and, when the subject names no type, the type constants on the lines it adds
// (a guard it writes names the types it is about). A change of an intended type is an effect to report; a change of another type,
// guard or not, is the hazard pgmap-type-guard-changed and its relatives look for.
import { PGMAP_TYPES, PGMAP_TYPE_CONSTANTS, type PgmapType } from '../types';
import { eachLine, hunkText } from '../patch';
import type { Patch } from '../patch/types';
import { typesForPath } from '../api';
import { typesNamed } from './relevance';

const CONSTANTS = Object.entries(PGMAP_TYPE_CONSTANTS);
/** What every constant starts with: a line without it names none (one look per added line). */
const COMMON = CONSTANTS.reduce((p, [c]) => {
  let i = 0;
  while (i < p.length && p[i] === c[i]) i++;
  return p.slice(0, i);
}, CONSTANTS[0]?.[0] ?? '');

export function intendedTypes(patch: Patch): ReadonlySet<PgmapType> {
  const out = new Set<PgmapType>();
  // A file of every type (core mm) says nothing about which one is meant.
  const add = (types: readonly PgmapType[]) => {
    if (types.length < PGMAP_TYPES.length) for (const t of types) out.add(t);
  };
  // Prose spells the concepts as the code does, give or take case and separators ("device private");
  // words every type shares (pgmap, zone_device) say nothing.
  const said = typesNamed(patch.subject.toLowerCase().replace(/[\s-]+/g, '_').replace(/zone_device|dev_pagemap|pgmap/g, ''));
  add(said);
  // A subject that names types says which the patch means: a constant it writes for another type (a
  // type added to a guard) is a change it does not announce.
  const bySubject = said.length > 0 && said.length < PGMAP_TYPES.length;
  for (const file of patch.files) {
    add(typesForPath(file.path));
    if (bySubject) continue;
    for (const hunk of file.hunks) {
      if (!hunkText(hunk).includes(COMMON)) continue;
      eachLine(hunk, (kind, text) => {
        // A constant the patch writes (a guard it adds or rewrites) names a type it means; one it only
        // deletes (a type dropped from a guard) does not: that is the hazard to report.
        if (kind !== 'add' || !text.includes(COMMON)) return;
        for (const [c, t] of CONSTANTS) if (text.includes(c)) out.add(t);
      });
    }
  }
  return out;
}
