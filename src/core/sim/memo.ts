// Runs remembered across hunks and sides: a run depends on the patch only through the bodies it looked
// up (found, by their signature, or missing) and the names it asked whether its side lacks, so its result
// serves every input that gives the same answers.
import type { ApiView, Bodies, Body, Names } from './interp';
import type { LifeStart, StoredRun } from './scenarios';
import type { PathsResult } from './paths';
import type { CallOutcome, GapPlan } from './kernel';

/** What a run asked of the patch: the bodies it looked for (found, by their signature, or not), and
 * which names it asked whether this side lacks. Most runs of a large diff meet only functions the hunk
 * leaves as they are (a hunk's functions take part in few of the scenario runs of its types and sides),
 * or the same body another hunk of the same function already ran. */
export interface Lookups {
  readonly missing: Set<string>;
  readonly found: Map<string, number>;
  readonly absent: Map<string, boolean>;
}

/** The patch as a run sees it. */
export interface Seen {
  readonly bodies: Bodies;
  readonly absent?: Names;
}

interface Entry<T> {
  readonly lookups: Lookups;
  readonly value: T;
}

/** One kind of remembered run: per API view and key, the newest runs with the lookups they made. */
export interface MemoStore<T> {
  find(api: ApiView, key: string, seen: Seen): Entry<T> | undefined;
  keep(api: ApiView, key: string, lookups: Lookups, value: T): void;
}

/** At most this many runs are kept per store (about 18 KB each on the mm/ diff): then it starts over;
 * and per key the newest PER_KEY (a lookup scans its key's runs: a long list would cost more than it saves). */
const MAX_RUNS = 2000;
const PER_KEY = 32;

function createStore<T>(): MemoStore<T> {
  const byApi = new Map<ApiView, Map<string, Entry<T>[]>>();
  let size = 0;
  return {
    find(api, key, seen) {
      return byApi.get(api)?.get(key)?.find((m) => answersAlike(m.lookups, seen));
    },
    keep(api, key, lookups, value) {
      if (size >= MAX_RUNS) {
        byApi.clear();
        size = 0;
      }
      let runs = byApi.get(api);
      if (!runs) byApi.set(api, (runs = new Map()));
      const list = runs.get(key);
      if (!list) runs.set(key, [{ lookups, value }]);
      else {
        if (list.length >= PER_KEY) {
          list.shift();
          size--;
        }
        list.push({ lookups, value });
      }
      size++;
    },
  };
}

/** Owned by whoever reviews (one per reviewer), so it goes when the reviewer goes. */
export interface RunMemo {
  /** Whole scenario runs, by scenario, era, type and placements. */
  readonly runs: MemoStore<StoredRun>;
  /** Life starts (init, alloc, map): every hunk of a patch runs them in the same worlds, most with the
   * same placements. */
  readonly starts: MemoStore<LifeStart>;
  /** Every path of one body for one type (the rules' paths): each hunk of a function runs them again. */
  readonly paths: MemoStore<PathsResult>;
  /** What a partly shown body's pre-image and summary say, from one call's state (kernel.ts gapFill),
   * with the steps that cost. */
  readonly gaps: MemoStore<{ readonly plan: GapPlan | undefined; readonly steps: number }>;
  /** A body's calls, relative to the caller's path (kernel.ts callRemembered), with the steps they cost. */
  readonly calls: MemoStore<{ readonly outcomes: readonly CallOutcome[]; readonly steps: number }>;
}

export function createRunMemo(): RunMemo {
  return { runs: createStore(), starts: createStore(), paths: createStore(), gaps: createStore(), calls: createStore() };
}

/** What the simulator can see of a body: its name, parameters, whether the input shows it from its
 * start and to its end, and its statements, every position as the document line it maps to (and its
 * pre-image's, by id). Equal signatures run alike, whichever side or hunk they come from. Made once per
 * body, by signatureId. */
function signature(body: Body): string {
  const ir = JSON.stringify(body.fn.body, (k, v: unknown) => (k === 'loc' ? `${body.docLine((v as { line: number }).line)}:${(v as { character: number }).character}` : v));
  return `${body.fn.name}(${body.fn.params.join(',')})${body.fn.partial ? '~partial' : ''}${body.fn.cut ? '~cut' : ''}${ir}${body.pre ? `|pre:${signatureId(body.pre)}` : ''}`;
}

const idOf = new WeakMap<Body, number>();
const interned = new Map<string, number>();
let nextId = 0;
/** Signatures kept to be interned: past this many the table starts over (new ids: a run remembered under
 * an old one is simply not found again). */
const MAX_INTERNED = 20_000;

/** A number that stands for `signature(body)` in memo keys and lookups: equal for equal signatures
 * (a signature is as long as the body's IR; keys made of it would be hashed and compared whole). */
export function signatureId(body: Body): number {
  let id = idOf.get(body);
  if (id === undefined) {
    const sig = signature(body);
    id = interned.get(sig);
    if (id === undefined) {
      if (interned.size >= MAX_INTERNED) interned.clear();
      interned.set(sig, (id = nextId++));
    }
    idOf.set(body, id);
  }
  return id;
}

export const newLookups = (from?: Lookups): Lookups => ({ missing: new Set(from?.missing), found: new Map(from?.found), absent: new Map(from?.absent) });

/** `seen` as a run sees it, every answer logged into `log`. */
export function tracked(seen: Seen, log: Lookups): { bodies: Bodies; absent: Names } {
  return {
    bodies: {
      get(name) {
        const b = seen.bodies.get(name);
        if (b) log.found.set(name, signatureId(b));
        else log.missing.add(name);
        return b;
      },
    },
    absent: {
      has(name) {
        const v = seen.absent?.has(name) ?? false;
        log.absent.set(name, v);
        return v;
      },
    },
  };
}

function answersAlike(l: Lookups, seen: Seen): boolean {
  for (const n of l.missing) if (seen.bodies.get(n) !== undefined) return false;
  for (const [n, id] of l.found) {
    const b = seen.bodies.get(n);
    if (b === undefined || signatureId(b) !== id) return false;
  }
  for (const [n, v] of l.absent) if ((seen.absent?.has(n) ?? false) !== v) return false;
  return true;
}

/** JSON of an immutable state or variable record, made once per object. */
export function jsonOf(o: object): string {
  let j = jsonMemo.get(o);
  if (j === undefined) jsonMemo.set(o, (j = JSON.stringify(o)));
  return j;
}
const jsonMemo = new WeakMap<object, string>();
