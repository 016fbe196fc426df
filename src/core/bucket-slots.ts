/**
 * The contact list inside one bucket block: find, append, move to the tail,
 * remove, replace (the replacement caches and the RTT estimates live apart, in
 * table-replacements.ts and table-rtts.ts, and the table renumbers the estimates after each
 * change here). Each function takes the table's array, the block's first word `at` and the
 * bucket capacity k (layout in bucket-layout.ts); none knows about the tree or the other buckets.
 *
 * Contacts are kept least-recently seen first; every removal shifts the rest
 * down so the order survives.
 */
import { FAILS_SHIFT, FLAG_STALE, HANDLE_MASK, HDR, SLOTS } from './bucket-layout.js';

/** Slot of contact `handle` in the block at `at`, or -1. From the tail: the recently seen are heard from most. */
export function findContact(data: Uint32Array, at: number, handle: number): number {
  const base = at + SLOTS;
  const count = (data[at + HDR]! >>> 8) & 0xff;
  for (let i = count - 1; i >= 0; i--) if ((data[base + i]! & HANDLE_MASK) === handle) return i;
  return -1;
}

/** First contact marked stale (failures > 0), or -1. */
export function firstStaleContact(data: Uint32Array, at: number, k: number): number {
  if ((data[at + HDR]! & (FLAG_STALE << 24)) === 0) return -1;
  const base = at + SLOTS;
  const count = (data[at + HDR]! >>> 8) & 0xff;
  for (let i = 0; i < count; i++) if (data[base + i]! >>> FAILS_SHIFT !== 0) return i;
  return -1;
}

/** Sets the block's FLAG_STALE exactly when one of its contacts has failures (layout in bucket-layout.ts). */
export function refreshStaleFlag(data: Uint32Array, at: number, k: number): void {
  const hdrAt = at + HDR;
  const base = at + SLOTS;
  const count = (data[hdrAt]! >>> 8) & 0xff;
  let stale = false;
  for (let i = 0; i < count && !stale; i++) stale = data[base + i]! >>> FAILS_SHIFT !== 0;
  data[hdrAt] = stale ? (data[hdrAt]! | (FLAG_STALE << 24)) >>> 0 : data[hdrAt]! & ~(FLAG_STALE << 24);
}

/** Adds `handle` (no failures) as the most recently seen contact; the block must have room. */
export function appendContact(data: Uint32Array, at: number, k: number, handle: number): void {
  const hdrAt = at + HDR;
  const count = (data[hdrAt]! >>> 8) & 0xff;
  data[at + SLOTS + count] = handle;
  data[hdrAt] = (data[hdrAt]! & ~(0xff << 8)) | ((count + 1) << 8);
}

/** The contact in `slot` was heard from: no longer stale, moved to the tail (the table feeds its RTT apart). */
export function moveContactToTail(data: Uint32Array, at: number, k: number, slot: number): void {
  const base = at + SLOTS;
  const last = ((data[at + HDR]! >>> 8) & 0xff) - 1;
  const d = data;
  const word = d[base + slot]!;
  if (slot === last && word >>> FAILS_SHIFT === 0) return; // the tail already, nothing to clear
  for (let i = slot; i < last; i++) d[base + i] = d[base + i + 1]!;
  d[base + last] = word & HANDLE_MASK; // heard from: no longer stale
  if (word >>> FAILS_SHIFT !== 0) refreshStaleFlag(d, at, k);
}

export function removeContact(data: Uint32Array, at: number, k: number, slot: number): void {
  const hdrAt = at + HDR;
  const base = at + SLOTS;
  const count = (data[hdrAt]! >>> 8) & 0xff;
  const d = data;
  for (let i = slot; i < count - 1; i++) d[base + i] = d[base + i + 1]!;
  d[hdrAt] = (d[hdrAt]! & ~(0xff << 8)) | ((count - 1) << 8);
  if ((d[hdrAt]! & (FLAG_STALE << 24)) !== 0) refreshStaleFlag(d, at, k);
}

/** Replaces the contact in `slot` by `newcomer` (a replacement taken from the cache), at the tail and not stale. */
export function replaceContact(data: Uint32Array, at: number, k: number, slot: number, newcomer: number): void {
  removeContact(data, at, k, slot);
  appendContact(data, at, k, newcomer);
}
