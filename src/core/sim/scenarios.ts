// Scenarios: the life of one page of one pgmap type in one era, as a sequence of phases, each a few
// calls. A call resolves to the patch's body when the patch provides one, else to the API table.
// A patched function no phase calls is placed into the phase its role (or its calls' roles) names.
import type { Era, PgmapType } from '../types';
import type { Expr, Stmt } from '../syntax/ir';
import type { Role } from '../api/types';
import type { Trace, TraceStep } from '../report/types';
import { INITIAL_STATE, type SimState } from './state';
import { execStmts, freePathAtZero, newBudget, record, startPath, stepsOf, type ApiView, type Bodies, type Body, type Frame, type Names, type Path, type SimEnv } from './interp';

export const SCENARIOS = ['page-life', 'teardown', 'gup', 'longterm-pin', 'break-layouts'] as const;
/** The page life of a large folio: order 1, and PMD order (a device-private PMD entry that is forked,
 * write-protected and zapped; an FS DAX PMD entry, split when its last share goes). Rules reading
 * 'page-life' read these too (their names extend it). */
export const LARGE_SCENARIOS = ['page-life:order-1', 'page-life:pmd', 'page-life:former-tail'] as const;
export type ScenarioName = (typeof SCENARIOS)[number] | (typeof LARGE_SCENARIOS)[number];

/** PMD order on 4 KiB pages (HPAGE_PMD_ORDER on x86-64). */
export const PMD_ORDER = 9;

/** Folio order of a scenario's page. */
export function orderOf(scenario: ScenarioName): number {
  return scenario === 'page-life:order-1' ? 1 : scenario === 'page-life:pmd' ? PMD_ORDER : 0;
}

/** Where a scenario's page starts. 'page-life:former-tail' (E5): an order-0 page the driver hands out
 * again after it was a tail of a large folio that was freed whole: free (refcount 0), memmap long
 * initialised, its compound head still pointing at the earlier folio's head. */
function startOf(scenario: ScenarioName): SimState {
  if (scenario === 'page-life:former-tail') return { ...INITIAL_STATE, refcount: 0, staleHead: true };
  const order = orderOf(scenario);
  return order === 0 ? INITIAL_STATE : { ...INITIAL_STATE, order };
}

interface Phase {
  readonly name: string;
  readonly stmts: readonly Stmt[];
  /** Roles whose patched functions take this phase's place. */
  readonly roles: readonly Role[];
  /** Run only when the page is pinned (the release of a GUP reference). */
  readonly ifPinned?: boolean;
  /** A function placed here releases a user's reference: the user takes it first. */
  readonly userRef?: boolean;
  /** Free phase of a life whose pages rest at 0 (the large-folio lives, E3+): a page still at 1 here
   * leaked a reference; there is no resting one to drop. */
  readonly noRestingRef?: boolean;
}


const NOWHERE = { line: -1, character: 0 };
const NONE: Names = new Set<string>();

function arg(text: string): Expr {
  return /^\d+$/.test(text) ? { k: 'number', value: Number(text), text, loc: NOWHERE } : { k: 'ident', name: text, text, loc: NOWHERE };
}

export function callExpr(name: string, ...args: string[]): Extract<Expr, { k: 'call' }> {
  return { k: 'call', callee: name, args: args.map(arg), text: `${name}(${args.join(', ')})`, loc: NOWHERE };
}

function call(name: string, ...args: string[]): Stmt {
  return { k: 'expr', expr: callExpr(name, ...args), loc: NOWHERE };
}

/** `if (cond) return -EINVAL;` */
function refuseIf(cond: Expr): Stmt {
  return { k: 'if', cond, then: { k: 'return', value: arg('EINVAL'), loc: NOWHERE }, loc: NOWHERE };
}

function not(e: Expr): Expr {
  return { k: 'unary', op: '!', arg: e, text: `!${e.text}`, loc: NOWHERE };
}

const E2_PLUS: readonly Era[] = ['E2', 'E3', 'E4', 'E5'];
const E3_PLUS: readonly Era[] = ['E3', 'E4', 'E5'];

/** P2PDMA pages are mapped to user space by p2pmem_alloc_mmap() (v6.2+); a tree without it (before
 * v6.2, or a side of the patch that lacks it) only hands them out in the kernel: pci_alloc_p2pmem(). */
function p2pdmaInKernel(era: Era, absent: Names): boolean {
  return !E2_PLUS.includes(era) || absent.has('p2pmem_alloc_mmap');
}

function allocation(era: Era, type: PgmapType, absent: Names, order = 0): Stmt[] {
  switch (type) {
    case 'PRIVATE':
    case 'COHERENT':
      if (era === 'E0') return [call('get_page', 'page'), call('lock_page', 'page')];
      if (era === 'E1') return [call('lock_page', 'page')];
      // E5: zone_device_page_init(page, order) (linux-next; the mail of corpus item 19 calls it so).
      if (era === 'E5') return [call('zone_device_page_init', 'page', String(order))];
      return [call('zone_device_page_init', 'page')];
    case 'FS_DAX':
      return [call('dax_associate_entry', 'entry', 'mapping', 'vma', 'address', 'shared')];
    case 'GENERIC':
      return [];
    case 'P2PDMA':
      return p2pdmaInKernel(era, absent) ? [call('pci_alloc_p2pmem', 'pdev', 'size')] : [call('p2pmem_alloc_mmap', 'pdev', 'vma')];
  }
}

/** The user's release of its page (page-life's put phase), when it is not a put placed by the patch. */
function release(era: Era, type: PgmapType, absent: Names): Stmt[] {
  return type === 'P2PDMA' && p2pdmaInKernel(era, absent) ? [call('pci_free_p2pmem', 'pdev', 'addr', 'size')] : [];
}

function mapping(era: Era, type: PgmapType): Stmt[] {
  switch (type) {
    case 'PRIVATE':
    case 'COHERENT':
      return [call('migrate_vma_pages', 'migrate')];
    case 'FS_DAX':
      return E3_PLUS.includes(era)
        ? [call('folio_ref_inc', 'folio'), call('vmf_insert_page_mkwrite', 'vmf', 'page', 'write'), call('folio_put', 'folio')]
        : [call('vmf_insert_mixed', 'vma', 'addr', 'pfn')];
    case 'GENERIC':
      return E3_PLUS.includes(era) ? [call('vmf_insert_page_mkwrite', 'vmf', 'page', 'write')] : [call('vmf_insert_mixed', 'vma', 'addr', 'pfn')];
    case 'P2PDMA':
      return [];
  }
}

const INIT: Phase = {
  name: 'init',
  stmts: [call('memremap_pages', 'pgmap', 'nid'), call('__init_single_page', 'page'), call('__init_zone_device_page', 'page', 'pfn', 'zone_idx', 'nid', 'pgmap')],
  roles: ['memmap-init'],
};

const UNPIN: Phase = { name: 'unpin', stmts: [call('gup_put_folio', 'folio', '1', 'FOLL_PIN')], roles: ['put'], ifPinned: true };

/** The first LIFE_START phases of every scenario. */
function lifeStart(era: Era, type: PgmapType, absent: Names, order = 0): Phase[] {
  return [
    INIT,
    { name: 'alloc', stmts: allocation(era, type, absent, order), roles: ['alloc'] },
    { name: 'map', stmts: order === PMD_ORDER ? pmdMapping(type) : mapping(era, type), roles: ['map'] },
  ];
}

/** A PMD-order folio mapped by one PMD entry: device-private (migrate_vma_pages() installs the
 * device-private PMD swap entry, E5) or FS DAX (vmf_insert_folio_pmd() under a temporary reference, E3+). */
function pmdMapping(type: PgmapType): Stmt[] {
  return type === 'FS_DAX'
    ? [call('folio_ref_inc', 'folio'), call('vmf_insert_folio_pmd', 'vmf', 'folio', 'write'), call('folio_put', 'folio')]
    : [call('migrate_vma_pages', 'migrate')];
}

function largeLife(scenario: ScenarioName, era: Era, type: PgmapType, absent: Names): Phase[] {
  const order = orderOf(scenario);
  const start = lifeStart(era, type, absent, order);
  if (scenario === 'page-life:former-tail') return [{ ...INIT, stmts: [] }, ...start.slice(1), ...pageLifeEnd(era, type, absent, true)];
  if (order !== PMD_ORDER) return [...start, ...pageLifeEnd(era, type, absent, true)];
  const zap = call('zap_huge_pmd', 'tlb', 'vma', 'pmd', 'addr');
  if (type === 'FS_DAX') {
    return [
      ...start,
      { name: 'put', stmts: [], roles: ['put'], userRef: true },
      { name: 'unmap', stmts: [zap], roles: ['unmap'] },
      { name: 'free', stmts: [], roles: ['free-path'], noRestingRef: true },
      // Truncate: the entry leaves the file; the last share splits the folio back to order 0.
      { name: 'disassociate', stmts: [call('dax_disassociate_entry', 'entry', 'mapping', 'trunc')], roles: [] },
    ];
  }
  return [
    ...start,
    // fork(): the child gets the device-private PMD entry (a reference and a mapcount), the parent's
    // writable entry turns read-only; mprotect() on it changes no count; a migration of it that is
    // given up restores it.
    { name: 'fork', stmts: [call('copy_huge_pmd', 'dst_mm', 'src_mm', 'dst_pmd', 'src_pmd', 'addr', 'dst_vma', 'src_vma')], roles: [] },
    { name: 'change-prot', stmts: [call('change_huge_pmd', 'tlb', 'vma', 'pmd', 'addr', 'newprot', 'cp_flags')], roles: [] },
    // migrate_vma on the PMD, given up (the destination was not copied): the collect reference, a PMD
    // migration entry in place of the device-private one, the entry restored, the reference dropped.
    {
      name: 'migrate',
      stmts: [call('folio_get', 'folio'), call('set_pmd_migration_entry', 'pvmw', 'page'), call('remove_migration_pmd', 'pvmw', 'page'), call('folio_put', 'folio')],
      roles: [],
    },
    { name: 'put', stmts: [], roles: ['put'], userRef: true },
    // The child exits, then the parent unmaps.
    { name: 'unmap', stmts: [zap, zap], roles: ['unmap'] },
    { name: 'free', stmts: [], roles: ['free-path'], noRestingRef: true },
  ];
}

function pageLifeEnd(era: Era, type: PgmapType, absent: Names, noRestingRef = false): Phase[] {
  return [
    { name: 'put', stmts: release(era, type, absent), roles: ['put'], userRef: true },
    { name: 'unmap', stmts: [call('zap_pte_range', 'tlb', 'vma', 'pmd', 'addr', 'end', 'details')], roles: ['unmap'] },
    { name: 'free', stmts: [], roles: ['free-path'], ...(noRestingRef ? { noRestingRef } : {}) },
  ];
}

function phasesOf(scenario: ScenarioName, era: Era, type: PgmapType, absent: Names = NONE): Phase[] {
  switch (scenario) {
    case 'page-life:order-1':
    case 'page-life:pmd':
    case 'page-life:former-tail':
      return largeLife(scenario, era, type, absent);
    case 'page-life':
      return [...lifeStart(era, type, absent), ...pageLifeEnd(era, type, absent)];
    case 'teardown':
      return [...lifeStart(era, type, absent), { name: 'teardown', stmts: [call('memunmap_pages', 'pgmap')], roles: ['teardown'] }];
    case 'gup':
      return [...lifeStart(era, type, absent), { name: 'gup', stmts: [call('get_user_pages', 'addr', '1', 'FOLL_WRITE', 'pages')], roles: ['gup'] }, UNPIN];
    case 'longterm-pin':
      return [
        ...lifeStart(era, type, absent),
        {
          name: 'longterm-pin',
          stmts: [
            ...(E3_PLUS.includes(era) ? [] : [refuseIf(callExpr('vma_is_fsdax', 'vma'))]),
            refuseIf(not(callExpr('folio_is_longterm_pinnable', 'folio'))),
            call('pin_user_pages', 'addr', '1', 'FOLL_LONGTERM', 'pages'),
          ],
          roles: [],
        },
      ];
    case 'break-layouts':
      return [
        ...lifeStart(era, type, absent),
        { name: 'gup', stmts: [call('get_user_pages', 'addr', '1', 'FOLL_WRITE', 'pages')], roles: ['gup'] },
        { name: 'break-layouts', stmts: [call('dax_layout_busy_page', 'mapping'), call('ext4_break_layouts', 'inode')], roles: ['fsdax-idle-wait', 'unmap'] },
        UNPIN,
      ];
  }
}

/** Scenarios that apply to a type (break-layouts is FS DAX only), and in `era` its large folios:
 * device-private folios of order 1 and PMD order in E5 (zone_device_page_init(page, order)), FS DAX
 * PMD folios from E3 (dax_folio_init()). Without an era, the order-0 scenarios only. */
export function scenariosFor(type: PgmapType, era?: Era): readonly ScenarioName[] {
  const base = type === 'FS_DAX' ? SCENARIOS : SCENARIOS.filter((s) => s !== 'break-layouts');
  return [...base, ...largeScenarios(type, era)];
}

function largeScenarios(type: PgmapType, era: Era | undefined): ScenarioName[] {
  if (type === 'PRIVATE' && era === 'E5') return [...LARGE_SCENARIOS];
  if (type === 'FS_DAX' && era && E3_PLUS.includes(era)) return ['page-life:pmd'];
  return [];
}

export interface PhaseEnd {
  readonly phase: string;
  readonly state: SimState;
}

export interface ScenarioRun {
  readonly scenario: ScenarioName;
  readonly side: 'before' | 'after';
  readonly type: PgmapType;
  /** The primary path: every undecidable condition false. */
  readonly trace: Trace;
  /** State at the end of each phase of the primary path. */
  readonly ends: readonly PhaseEnd[];
  /** Paths that left the primary one (error branches), with the phase they ended in and its start state. */
  readonly alternatives: readonly { readonly phase: string; readonly start: SimState; readonly end: SimState; readonly steps: readonly TraceStep[]; readonly ret?: string; readonly forkLine?: number }[];
  /** The longterm pin was refused (a refusing check returned). */
  readonly refused?: boolean;
}

export interface ScenarioInput {
  readonly era: Era;
  readonly type: PgmapType;
  readonly side: 'before' | 'after';
  readonly api: ApiView;
  readonly bodies: Bodies;
  /** Functions this side does not have: the patch adds (before) or removes (after) them. */
  readonly absent?: Names;
  /** Patched functions to place by role (those no phase calls), with their role. */
  readonly placed: readonly { readonly name: string; readonly role: Role }[];
  /** Where runs are remembered across inputs; none: every run is made afresh. */
  readonly memo?: RunMemo;
}

const SCENARIO_FRAME: Frame = { name: 'scenario', depth: 0, stack: [] };

type Alternative = ScenarioRun['alternatives'][number];

/** Where a scenario stands after some phases; every scenario starts with the same life (init, alloc,
 * map), which is run once per input and shared. */
interface Progress {
  readonly cur: Path;
  readonly ends: readonly PhaseEnd[];
  readonly alternatives: readonly Alternative[];
  readonly steps: number;
  readonly truncated?: string;
}

const LIFE_START = 3;
/** Roles whose placed functions run in the life start. */
const LIFE_ROLES: readonly Role[] = ['memmap-init', 'alloc', 'map'];

/** What a run asked of the patch: the bodies it looked for (found, by their signature, or not), and
 * which names it asked whether this side lacks. A run depends on the patch through these answers only,
 * so its result serves every input that gives the same answers: most runs of a large diff (a hunk's
 * functions take part in few of the 42 scenario runs of its types and sides), and the runs of one side
 * that meet only functions the hunk leaves as they are on the other. */
interface Lookups {
  readonly missing: Set<string>;
  readonly found: Map<string, string>;
  readonly absent: Map<string, boolean>;
}

const signatures = new WeakMap<Body, string>();

/** What the simulator can see of a body: its name, parameters and statements, every position as the
 * document line it maps to. Equal signatures run alike, whichever side or hunk they come from. */
function signature(body: Body): string {
  let sig = signatures.get(body);
  if (sig === undefined) {
    const ir = JSON.stringify(body.fn.body, (k, v: unknown) => (k === 'loc' ? `${body.docLine((v as { line: number }).line)}:${(v as { character: number }).character}` : v));
    signatures.set(body, (sig = `${body.fn.name}(${body.fn.params.join(',')})${ir}`));
  }
  return sig;
}

function tracked(input: ScenarioInput, log: Lookups): { bodies: Bodies; absent: Names } {
  return {
    bodies: {
      get(name) {
        const b = input.bodies.get(name);
        if (b) log.found.set(name, signature(b));
        else log.missing.add(name);
        return b;
      },
    },
    absent: {
      has(name) {
        const v = input.absent?.has(name) ?? false;
        log.absent.set(name, v);
        return v;
      },
    },
  };
}

const newLookups = (from?: Lookups): Lookups => ({ missing: new Set(from?.missing), found: new Map(from?.found), absent: new Map(from?.absent) });

/** Runs already made, per API view and scenario/era/type/placements, with the lookups they made.
 * Owned by whoever reviews (one per reviewer), so it goes when the reviewer goes. */
export interface RunMemo {
  readonly byApi: Map<ApiView, Map<string, { lookups: Lookups; run: Omit<ScenarioRun, 'side' | 'trace'> & { trace: Omit<Trace, 'side'> } }[]>>;
  /** Life starts (init, alloc, map) made, the same way: every hunk of a patch runs them in the same
   * worlds, most with the same placements. */
  readonly starts: Map<ApiView, Map<string, { lookups: Lookups; progress: Progress }[]>>;
  size: number;
}

/** At most this many runs are kept (about 18 KB each on the mm/ diff): then the memo starts over;
 * and per key, the newest MEMO_PER_KEY. */
const MEMO_RUNS = 2000;
const MEMO_PER_KEY = 32;

export function createRunMemo(): RunMemo {
  return { byApi: new Map(), starts: new Map(), size: 0 };
}

function answersAlike(l: Lookups, input: ScenarioInput): boolean {
  for (const n of l.missing) if (input.bodies.get(n) !== undefined) return false;
  for (const [n, sig] of l.found) {
    const b = input.bodies.get(n);
    if (b === undefined || signature(b) !== sig) return false;
  }
  for (const [n, v] of l.absent) if ((input.absent?.has(n) ?? false) !== v) return false;
  return true;
}

/** Where the shared life start stands for one input and start ('' for the order-0 scenarios, else the
 * large-folio scenario's name), and what it asked of the patch. */
const lifeStarts = new WeakMap<ScenarioInput, Map<string, { progress: Progress; lookups: Lookups }>>();

/** Runs `phases` from `from` in `env`. */
function runPhases(phases: readonly Phase[], input: ScenarioInput, env: SimEnv, from: Progress): Progress & { refused?: boolean } {
  let cur = from.cur;
  const ends = [...from.ends];
  const alternatives = [...from.alternatives];
  let refused: boolean | undefined;
  for (const phase of phases) {
    if (phase.ifPinned && cur.state.pinned === 0) continue;
    env.phase = phase.name;
    const start = cur.state;
    // A placed function missing on this side (new or deleted by the patch): the phase keeps its default.
    const placed = input.placed.filter((p) => phase.roles.includes(p.role) && env.bodies.get(p.name) !== undefined).map((p) => call(p.name, 'page'));
    const stmts = placed.length === 0 ? phase.stmts : phase.name === 'init' ? [...phase.stmts.slice(0, 2), ...placed] : phase.userRef ? [call('get_page', 'page'), ...placed] : placed;
    let paths = execStmts(stmts, env, [{ ...cur, status: 'normal' }], SCENARIO_FRAME);
    if (phase.name === 'free' && !phase.noRestingRef) paths = paths.flatMap((p) => releaseLast(env, p));
    if (phase.name === 'longterm-pin') refused = paths.some((p) => p.primary && p.status === 'return');
    const primary = paths.find((p) => p.primary) ?? paths[0] ?? cur;
    for (const p of paths) {
      if (p === primary) continue;
      alternatives.push({ phase: phase.name, start, end: p.state, steps: stepsOf(p), ret: p.ret, forkLine: p.forkLine });
    }
    cur = { ...primary, status: 'normal', primary: true };
    ends.push({ phase: phase.name, state: cur.state });
  }
  return { cur, ends, alternatives, steps: env.budget.steps, truncated: env.budget.truncated, ...(refused !== undefined ? { refused } : {}) };
}

export function runScenario(scenario: ScenarioName, input: ScenarioInput): ScenarioRun {
  const key = `${scenario}|${input.era}|${input.type}|${input.placed.map((p) => `${p.role}:${p.name}`).join(',')}`;
  const known = input.memo?.byApi.get(input.api)?.get(key)?.find((m) => answersAlike(m.lookups, input));
  if (known) return { ...known.run, side: input.side, trace: { ...known.run.trace, side: input.side } };

  let starts = lifeStarts.get(input);
  if (!starts) lifeStarts.set(input, (starts = new Map()));
  const startKey = scenario.startsWith('page-life:') ? scenario : '';
  let start = starts.get(startKey);
  if (!start) {
    const memoKey = `${startKey}|${input.era}|${input.type}|${input.placed.filter((p) => LIFE_ROLES.includes(p.role)).map((p) => `${p.role}:${p.name}`).join(',')}`;
    start = input.memo?.starts.get(input.api)?.get(memoKey)?.find((m) => answersAlike(m.lookups, input));
    if (!start) {
      const lookups = newLookups();
      const env: SimEnv = { era: input.era, type: input.type, api: input.api, ...tracked(input, lookups), budget: newBudget(), phase: 'init' };
      const progress = runPhases(phasesOf(scenario, input.era, input.type, env.absent).slice(0, LIFE_START), input, env, { cur: startPath(startOf(scenario)), ends: [], alternatives: [], steps: 0 });
      start = { progress, lookups };
      const m = input.memo;
      if (m) {
        let byKey = m.starts.get(input.api);
        if (!byKey) m.starts.set(input.api, (byKey = new Map()));
        if (byKey.size >= MEMO_RUNS) byKey.clear();
        const list = byKey.get(memoKey) ?? [];
        if (list.length >= MEMO_PER_KEY) list.shift();
        byKey.set(memoKey, [...list, start]);
      }
    }
    starts.set(startKey, start);
  }
  const lookups = newLookups(start.lookups);
  const env: SimEnv = { era: input.era, type: input.type, api: input.api, ...tracked(input, lookups), budget: newBudget(), phase: 'init' };
  env.budget.steps = start.progress.steps;
  if (start.progress.truncated) env.budget.truncated = start.progress.truncated;
  const phases = phasesOf(scenario, input.era, input.type, env.absent);
  const { cur, ends, alternatives, refused } = runPhases(phases.slice(LIFE_START), input, env, start.progress);
  const trace: Trace = { scenario, side: input.side, type: input.type, steps: stepsOf(cur), ...(env.budget.truncated ? { truncated: env.budget.truncated } : {}) };
  const run: ScenarioRun = { scenario, side: input.side, type: input.type, trace, ends, alternatives, ...(refused !== undefined ? { refused } : {}) };
  const m = input.memo;
  if (m) {
    if (m.size >= MEMO_RUNS) {
      m.byApi.clear();
      m.size = 0;
    }
    let runs = m.byApi.get(input.api);
    if (!runs) m.byApi.set(input.api, (runs = new Map()));
    const list = runs.get(key);
    if (!list) runs.set(key, [{ lookups, run }]);
    else {
      // A lookup scans its key's runs: a long list would cost more than it saves.
      if (list.length >= MEMO_PER_KEY) {
        list.shift();
        m.size--;
      }
      list.push({ lookups, run });
    }
    m.size++;
  }
  return run;
}

/** A page whose users are gone but whose resting reference keeps it above 0 reaches the free path only
 * when that reference is dropped (teardown, or a stray put): the scenario drops it to show that path. */
function releaseLast(env: SimEnv, p: Path): Path[] {
  const s = p.state;
  if (s.freed > 0 || s.refcount !== 1) return [p];
  const q = record(env, SCENARIO_FRAME, p, 'last reference dropped', { ...s, refcount: 0 }, undefined, 'a 1-based page only reaches its free path when its resting reference goes (teardown or a stray put)');
  return freePathAtZero(env, SCENARIO_FRAME, q);
}

const WITHOUT_MMAP: Names = new Set(['p2pmem_alloc_mmap']);
const calleeCache = new Map<string, ReadonlySet<string>>();

/** Functions the scenarios call by name (for one era and type, or for all). */
export function scenarioCallees(era?: Era, type?: PgmapType): ReadonlySet<string> {
  const k = `${era ?? '*'}|${type ?? '*'}`;
  let set = calleeCache.get(k);
  if (set) return set;
  const names = new Set<string>();
  const eras: readonly Era[] = era ? [era] : ['E0', 'E1', 'E2', 'E3', 'E4', 'E5'];
  const types: readonly PgmapType[] = type ? [type] : ['PRIVATE', 'COHERENT', 'FS_DAX', 'GENERIC', 'P2PDMA'];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.k === 'call' && typeof o.callee === 'string') names.add(o.callee);
      Object.values(o).forEach(visit);
    }
  };
  for (const e of eras) for (const t of types) for (const s of scenariosFor(t, e)) for (const absent of [NONE, WITHOUT_MMAP]) visit(phasesOf(s, e, t, absent));
  calleeCache.set(k, (set = names));
  return set;
}
