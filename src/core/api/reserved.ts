// PG_reserved on ZONE_DEVICE pages and the KVM code that read it as "not refcounted"
// (include/linux/page-flags.h, virt/kvm, a78986aae9b2).
import type { ApiEntry } from './types';
import { ALL_ERAS, ALL_TYPES, fx, span } from './build';

export const RESERVED: readonly ApiEntry[] = [
  {
    name: 'PageReserved', roles: ['reserved', 'predicate'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'true for every ZONE_DEVICE page (set at memmap init); says nothing about refcounting', { trueFor: ALL_TYPES })],
    doc: 'Tests PG_reserved. Every ZONE_DEVICE page has it (set by __init_zone_device_page()), yet ZONE_DEVICE pages are refcounted: code that reads PG_reserved as "no refcount, do not put" leaks references and hangs memunmap_pages() (hazard 11, a78986aae9b2).',
    source: 'include/linux/page-flags.h; mm/mm_init.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'SetPageReserved', roles: ['reserved'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'sets PG_reserved; refcount untouched')],
    doc: 'Sets PG_reserved. For ZONE_DEVICE pages it has no refcount meaning (the historical "wait for onlining" comment is wrong: device pages are never onlined).',
    source: 'include/linux/page-flags.h (linux-6.1, linux-6.12)',
  },
  {
    name: '__SetPageReserved', roles: ['reserved'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'non-atomic PG_reserved set during memmap init')],
    doc: 'Non-atomic SetPageReserved() used by __init_zone_device_page() on every ZONE_DEVICE page.',
    source: 'mm/mm_init.c (linux-6.1, linux-6.12)',
  },
  {
    name: 'kvm_is_reserved_pfn', roles: ['reserved', 'predicate'], exists: span('E0', 'E1'),
    effects: [fx(span('E0', 'E1'), 'false for ZONE_DEVICE pfns since a78986aae9b2 (DAX pages were treated as MMIO and never put)', { trueFor: [] })],
    doc: 'KVM: decides whether a pfn is refcounted, i.e. whether KVM must put the reference GUP gave it. It used PageReserved(), so DAX pages looked like MMIO and their GUP references leaked (dev_pagemap_cleanup() hang) until a78986aae9b2 excluded ZONE_DEVICE. Gone by linux-6.1 (kvm_pfn_to_refcounted_page()).',
    source: 'virt/kvm/kvm_main.c (a78986aae9b2)',
  },
  {
    name: 'kvm_is_zone_device_pfn', roles: ['reserved', 'type-test'], exists: span('E0', 'E1'),
    effects: [fx(span('E0', 'E1'), 'true for any ZONE_DEVICE pfn', { trueFor: ALL_TYPES })],
    doc: 'KVM (a78986aae9b2): true for ZONE_DEVICE pfns, so kvm_is_reserved_pfn() does not treat them as MMIO and accessed/dirty tracking skips them. Became kvm_is_zone_device_page() (present in linux-6.1).',
    source: 'virt/kvm/kvm_main.c (a78986aae9b2)',
  },
  {
    name: 'kvm_is_zone_device_page', roles: ['reserved', 'type-test'], exists: span('E1'),
    effects: [fx(span('E1'), 'true for any ZONE_DEVICE page', { trueFor: ALL_TYPES })],
    doc: 'KVM: page form of kvm_is_zone_device_pfn(); keeps ZONE_DEVICE pages out of accessed/dirty tracking.',
    source: 'include/linux/kvm_host.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'kvm_set_pfn_accessed', roles: ['reserved'], exists: span('E0', 'E2'),
    effects: [fx(span('E0', 'E2'), 'mark_page_accessed() for refcounted pfns; ZONE_DEVICE skipped since a78986aae9b2')],
    doc: 'KVM: marks the page behind a pfn accessed (mark_page_accessed()). a78986aae9b2 keeps ZONE_DEVICE pages out, since they are not on LRU lists.',
    source: 'virt/kvm/kvm_main.c; include/linux/kvm_host.h (linux-6.1, linux-6.12)',
  },
  {
    name: 'mark_page_accessed', roles: ['reserved'], exists: ALL_ERAS,
    effects: [fx(ALL_ERAS, 'LRU aging only; refcount untouched; not for ZONE_DEVICE pages')],
    doc: 'LRU aging hint; refcount-neutral. ZONE_DEVICE pages are never on an LRU, so KVM skips it for them since a78986aae9b2.',
    source: 'mm/swap.c (linux-6.1, linux-6.12)',
  },
];
