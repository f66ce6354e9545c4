// The lives of a device page, as data: per scenario, era and pgmap type, the phases and the kernel calls
// each makes (the sequence the kernel runs when a page is initialised, handed out, mapped, released,
// unmapped, freed, torn down, pinned). The simulator (src/core/sim/scenarios.ts) runs them; a call
// resolves to the patch's body where the patch has one, else to the table entry of the same name.
import type { Era, PgmapType } from '../types';
import type { Role } from './types';

export const SCENARIOS = ['page-life', 'teardown', 'gup', 'longterm-pin', 'break-layouts'] as const;
/** The page life of a large folio: order 1, and PMD order (a device-private PMD entry that is forked,
 * write-protected and zapped; an FS DAX PMD entry, split when its last share goes). Rules reading
 * 'page-life' read these too (their names extend it). */
export const LARGE_SCENARIOS = ['page-life:order-1', 'page-life:pmd', 'page-life:former-tail'] as const;
/** The other life of a P2PDMA page once user space can map it (v6.2+): allocated and freed in the
 * kernel (pci_alloc_p2pmem() / pci_free_p2pmem(), NVMe target, RDMA), as before v6.2. */
export const IN_KERNEL_LIFE = 'page-life:in-kernel';
export type ScenarioName = (typeof SCENARIOS)[number] | (typeof LARGE_SCENARIOS)[number] | typeof IN_KERNEL_LIFE;

/** PMD order on 4 KiB pages (HPAGE_PMD_ORDER on x86-64). */
export const PMD_ORDER = 9;

/** Folio order of a scenario's page. */
export function orderOf(scenario: ScenarioName): number {
  return scenario === 'page-life:order-1' ? 1 : scenario === 'page-life:pmd' ? PMD_ORDER : 0;
}

/** A call: the function and its arguments (names of the page-life's variables, or numbers). */
export type CallSpec = readonly [fn: string, ...args: string[]];
/** A statement of a phase: a call, or `if (cond) return -EINVAL;` on a call's value (negated or not;
 * `failed`: the condition is the call returning an error, `call(...) < 0`). */
export type StepSpec = CallSpec | { readonly refuseIf: CallSpec; readonly negate?: boolean; readonly failed?: boolean };

export interface PhaseSpec {
  readonly name: string;
  readonly steps: readonly StepSpec[];
  /** Roles whose patched functions take this phase's place. */
  readonly roles: readonly Role[];
  /** Run only when the page is pinned (the release of a GUP reference). */
  readonly ifPinned?: boolean;
  /** A function placed here releases a user's reference: the user takes it first (USER_REF). */
  readonly userRef?: boolean;
  /** Free phase of a life whose pages rest at 0 (the large-folio lives, E3+): a page still at 1 here
   * leaked a reference; there is no resting one to drop. */
  readonly noRestingRef?: boolean;
  /** Free phase of a life whose page keeps its resting reference (in-kernel P2PDMA memory goes back to
   * the gen_pool, never to the page's free path): its pgmap references are judged here, unfreed. */
  readonly keepsResting?: boolean;
  /** The phase runs only when this predicate, as the patch writes it, finds the page busy (returns
   * something other than NULL / 0 / false) on its primary path. Without the patch's body the phase is
   * skipped: the table's predicate and the table's wait agree by construction. */
  readonly ifBusy?: CallSpec;
  /** The pgmap references this phase takes or drops are the pgmap's own per-page ones, not a user's:
   * from E1 memremap_pages() takes one per page (pagemap_range(): percpu_ref_get_many(), not for
   * PRIVATE/COHERENT from E2) and memunmap_pages() drops them (percpu_ref_put_many()) before it waits
   * for the users' references; E0 pages own theirs (their final put drops it). */
  readonly pgmapStatic?: boolean;
}

/** Names a side of the patch does not have (the patch adds or removes them). */
export interface Absent {
  has(name: string): boolean;
}

/** How a user takes the reference that a placed release drops. */
export const USER_REF: CallSpec = ['get_page', 'page'];
/** The function that maps P2PDMA pages to user space (v6.2+). */
export const P2PDMA_MMAP = 'p2pmem_alloc_mmap';
/** The placed functions a phase runs before the patch's own: init keeps its first two calls. */
export const INIT_KEEPS = 2;
/** The first phases of every scenario (init, alloc, map): run once per input and shared. */
export const LIFE_START = 3;

const E2_PLUS: readonly Era[] = ['E2', 'E3', 'E4', 'E5'];
const E3_PLUS: readonly Era[] = ['E3', 'E4', 'E5'];

/** P2PDMA pages are mapped to user space by p2pmem_alloc_mmap() (v6.2+); a tree without it (before
 * v6.2, or a side of the patch that lacks it) only hands them out in the kernel: pci_alloc_p2pmem(). */
function p2pdmaInKernel(era: Era, absent: Absent): boolean {
  return !E2_PLUS.includes(era) || absent.has(P2PDMA_MMAP);
}

/** `absent` as a side without p2pmem_alloc_mmap() sees it: the in-kernel P2PDMA life. */
const withoutMmap = (absent: Absent): Absent => ({ has: (name) => name === P2PDMA_MMAP || absent.has(name) });

function allocation(era: Era, type: PgmapType, absent: Absent, order = 0): CallSpec[] {
  switch (type) {
    case 'PRIVATE':
    case 'COHERENT':
      if (era === 'E0') return [['get_page', 'page'], ['lock_page', 'page']];
      if (era === 'E1') return [['lock_page', 'page']];
      // E5: zone_device_page_init(page, order) (v6.19; the mail of corpus item 19 calls it so).
      if (era === 'E5') return [['zone_device_page_init', 'page', String(order)]];
      return [['zone_device_page_init', 'page']];
    case 'FS_DAX':
      return [['dax_associate_entry', 'entry', 'mapping', 'vma', 'address', 'shared']];
    case 'GENERIC':
      return [];
    case 'P2PDMA':
      return p2pdmaInKernel(era, absent) ? [['pci_alloc_p2pmem', 'pdev', 'size']] : [[P2PDMA_MMAP, 'pdev', 'vma']];
  }
}

/** The user's release of its page (page-life's put phase), when it is not a put placed by the patch. */
function release(era: Era, type: PgmapType, absent: Absent): CallSpec[] {
  return type === 'P2PDMA' && p2pdmaInKernel(era, absent) ? [['pci_free_p2pmem', 'pdev', 'addr', 'size']] : [];
}

function mapping(era: Era, type: PgmapType): CallSpec[] {
  switch (type) {
    case 'PRIVATE':
    case 'COHERENT':
      return [['migrate_vma_pages', 'migrate']];
    case 'FS_DAX':
      return E3_PLUS.includes(era)
        ? [['folio_ref_inc', 'folio'], ['vmf_insert_page_mkwrite', 'vmf', 'page', 'write'], ['folio_put', 'folio']]
        : [['vmf_insert_mixed', 'vma', 'addr', 'pfn']];
    case 'GENERIC':
      return E3_PLUS.includes(era) ? [['vmf_insert_page_mkwrite', 'vmf', 'page', 'write']] : [['vmf_insert_mixed', 'vma', 'addr', 'pfn']];
    case 'P2PDMA':
      return [];
  }
}

const INIT: PhaseSpec = {
  name: 'init',
  steps: [['memremap_pages', 'pgmap', 'nid'], ['__init_single_page', 'page'], ['__init_zone_device_page', 'page', 'pfn', 'zone_idx', 'nid', 'pgmap']],
  roles: ['memmap-init'],
};

const UNPIN: PhaseSpec = { name: 'unpin', steps: [['gup_put_folio', 'folio', '1', 'FOLL_PIN']], roles: ['put'], ifPinned: true };
const GUP: PhaseSpec = { name: 'gup', steps: [['get_user_pages', 'addr', '1', 'FOLL_WRITE', 'pages']], roles: ['gup'] };

/** The first LIFE_START phases of every scenario. */
function lifeStart(era: Era, type: PgmapType, absent: Absent, order = 0): PhaseSpec[] {
  return [
    era === 'E0' ? INIT : { ...INIT, pgmapStatic: true },
    { name: 'alloc', steps: allocation(era, type, absent, order), roles: ['alloc'] },
    { name: 'map', steps: order === PMD_ORDER ? pmdMapping(type) : mapping(era, type), roles: ['map'] },
  ];
}

/** A PMD-order folio mapped by one PMD entry: device-private (migrate_vma_pages() installs the
 * device-private PMD swap entry, E5) or FS DAX (vmf_insert_folio_pmd() under a temporary reference, E3+). */
function pmdMapping(type: PgmapType): CallSpec[] {
  return type === 'FS_DAX'
    ? [['folio_ref_inc', 'folio'], ['vmf_insert_folio_pmd', 'vmf', 'folio', 'write'], ['folio_put', 'folio']]
    : [['migrate_vma_pages', 'migrate']];
}

/** Truncate of an FS DAX file whose page is idle (dax_delete_mapping_entry() -> __dax_invalidate_entry(...,
 * true)): the entry leaves the file; from E3 the last share splits the folio back to order 0. */
const TRUNCATE: PhaseSpec = { name: 'disassociate', steps: [['dax_disassociate_entry', 'entry', 'mapping', 'true']], roles: [] };

function largeLife(scenario: ScenarioName, era: Era, type: PgmapType, absent: Absent): PhaseSpec[] {
  const order = orderOf(scenario);
  const start = lifeStart(era, type, absent, order);
  if (scenario === 'page-life:former-tail') return [{ ...INIT, steps: [] }, ...start.slice(1), ...pageLifeEnd(era, type, absent, true)];
  if (order !== PMD_ORDER) return [...start, ...pageLifeEnd(era, type, absent, true)];
  const zap: CallSpec = ['zap_huge_pmd', 'tlb', 'vma', 'pmd', 'addr'];
  if (type === 'FS_DAX') {
    return [
      ...start,
      { name: 'put', steps: [], roles: ['put'], userRef: true },
      { name: 'unmap', steps: [zap], roles: ['unmap'] },
      { name: 'free', steps: [], roles: ['free-path'], noRestingRef: true },
      TRUNCATE,
    ];
  }
  return [
    ...start,
    // fork(): the child gets the device-private PMD entry (a reference and a mapcount), the parent's
    // writable entry turns read-only; mprotect() on it changes no count; a migration of it that is
    // given up restores it.
    { name: 'fork', steps: [['copy_huge_pmd', 'dst_mm', 'src_mm', 'dst_pmd', 'src_pmd', 'addr', 'dst_vma', 'src_vma']], roles: [] },
    { name: 'change-prot', steps: [['change_huge_pmd', 'tlb', 'vma', 'pmd', 'addr', 'newprot', 'cp_flags']], roles: [] },
    // migrate_vma on the PMD, given up (the destination was not copied): the collect reference, a PMD
    // migration entry in place of the device-private one, the entry restored, the reference dropped.
    {
      name: 'migrate',
      steps: [['folio_get', 'folio'], ['set_pmd_migration_entry', 'pvmw', 'page'], ['remove_migration_pmd', 'pvmw', 'page'], ['folio_put', 'folio']],
      roles: [],
    },
    { name: 'put', steps: [], roles: ['put'], userRef: true },
    // The child exits, then the parent unmaps.
    { name: 'unmap', steps: [zap, zap], roles: ['unmap'] },
    { name: 'free', steps: [], roles: ['free-path'], noRestingRef: true },
  ];
}

function pageLifeEnd(era: Era, type: PgmapType, absent: Absent, noRestingRef = false): PhaseSpec[] {
  return [
    { name: 'put', steps: release(era, type, absent), roles: ['put'], userRef: true },
    { name: 'unmap', steps: [['zap_pte_range', 'tlb', 'vma', 'pmd', 'addr', 'end', 'details']], roles: ['unmap'] },
    { name: 'free', steps: [], roles: ['free-path'], ...(noRestingRef ? { noRestingRef } : {}) },
    ...(type === 'FS_DAX' ? [TRUNCATE] : []),
  ];
}

/** The phases of `scenario` for one era and type, as a side without the `absent` functions runs them. */
export function lifePhases(scenario: ScenarioName, era: Era, type: PgmapType, absent: Absent): PhaseSpec[] {
  switch (scenario) {
    case 'page-life:order-1':
    case 'page-life:pmd':
    case 'page-life:former-tail':
      return largeLife(scenario, era, type, absent);
    case 'page-life':
      return [...lifeStart(era, type, absent), ...pageLifeEnd(era, type, absent)];
    case IN_KERNEL_LIFE:
      // It calls the in-kernel pair by name: the patch's other functions take their place in 'page-life'.
      return [
        ...lifeStart(era, type, withoutMmap(absent)).map((phase) => (phase.name === 'init' ? phase : { ...phase, roles: [] })),
        { name: 'put', steps: release(era, type, withoutMmap(absent)), roles: [] },
        { name: 'free', steps: [], roles: [], keepsResting: true },
      ];
    case 'teardown':
      return [...lifeStart(era, type, absent), { name: 'teardown', steps: [['memunmap_pages', 'pgmap']], roles: ['teardown'], ...(era === 'E0' ? {} : { pgmapStatic: true }) }];
    case 'gup':
      return [...lifeStart(era, type, absent), GUP, UNPIN];
    case 'longterm-pin':
      return [
        ...lifeStart(era, type, absent),
        {
          name: 'longterm-pin',
          steps: [
            { refuseIf: ['folio_is_longterm_pinnable', 'folio'], negate: true },
            // GUP itself refuses some pins: check_vma_flags() (FS DAX files until E3), the page grab.
            { refuseIf: ['pin_user_pages', 'addr', '1', 'FOLL_LONGTERM', 'pages'], failed: true },
          ],
          roles: [],
        },
      ];
    case 'break-layouts':
      return [
        ...lifeStart(era, type, absent),
        GUP,
        { name: 'break-layouts', steps: [['dax_layout_busy_page', 'mapping'], ['ext4_break_layouts', 'inode']], roles: ['fsdax-idle-wait', 'unmap'] },
        UNPIN,
        // The loop's next round once woken: dax_layout_busy_page_range() runs the per-entry busy test
        // again; a page it still finds busy is waited for again (ext4_break_layouts(): do { page =
        // dax_layout_busy_page(); if (!page) return 0; ___wait_var_event(...); } while (!error)).
        { name: 'recheck', steps: [['ext4_break_layouts', 'inode']], roles: [], ifBusy: ['dax_busy_page', 'entry'] },
      ];
  }
}

/** Scenarios that apply to a type (break-layouts is FS DAX only), and in `era` its large folios:
 * device-private folios of order 1 and PMD order in E5 (zone_device_page_init(page, order)), FS DAX
 * PMD folios from E3 (dax_folio_init()), P2PDMA's in-kernel allocations from E2 (beside its mmap). Without an era,
 * the order-0 scenarios only. */
export function scenariosFor(type: PgmapType, era?: Era): readonly ScenarioName[] {
  const base = type === 'FS_DAX' ? SCENARIOS : SCENARIOS.filter((s) => s !== 'break-layouts');
  if (type === 'PRIVATE' && era === 'E5') return [...base, ...LARGE_SCENARIOS];
  if (type === 'FS_DAX' && era && E3_PLUS.includes(era)) return [...base, 'page-life:pmd'];
  if (type === 'P2PDMA' && era && E2_PLUS.includes(era)) return [...base, IN_KERNEL_LIFE];
  return base;
}
