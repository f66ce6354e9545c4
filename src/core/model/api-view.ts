// The simulator's view of the API table (sim/interp.ts takes it injected).
import type { Era } from '../types';
import type { Role } from '../api/types';
import { apiEntry, effectFor, functionsWithRole } from '../api';
import type { ApiView } from '../sim/interp';

const roleCache = new Map<string, readonly string[]>();

export const TABLE_VIEW: ApiView = {
  entry: apiEntry,
  effect: effectFor,
  withRole(role: Role, era: Era) {
    const k = `${role}|${era}`;
    let names = roleCache.get(k);
    if (!names) roleCache.set(k, (names = functionsWithRole(role, era).map((e) => e.name)));
    return names;
  },
};
