/**
 * The contact list and the replacement cache inside one bucket block: find,
 * append, move to the tail, remove, replace. Each function takes the table's
 * array, the block's first word `at` and the bucket capacity k (layout in
 * bucket-layout.ts); none knows about the tree or the other buckets.
 *
 * Contacts are kept least-recently seen first, replacements oldest first;
 * every removal shifts the rest down so both orders survive.
 */
import { HDR, SLOTS, updateRtt } from './bucket-layout.js';

/** Slot of contact `handle` in the block at `at`, or -1. */
export function findContact(data: Uint32Array, at: number, handle: number): number {
  const base = at + SLOTS;
  const count = (data[at + HDR]! >>> 8) & 0xff;
  for (let i = 0; i < count; i++) if (data[base + i] === handle) return i;
  return -1;
}

/** Index of `handle` in the block's replacement cache, or -1. */
export function findReplacement(data: Uint32Array, at: number, k: number, handle: number): number {
  const base = at + SLOTS + 2 * k;
  const count = (data[at + HDR]! >>> 16) & 0xff;
  for (let i = 0; i < count; i++) if (data[base + i] === handle) return i;
  return -1;
}

/** First contact marked stale (failures > 0), or -1. */
export function firstStaleContact(data: Uint32Array, at: number, k: number): number {
  const base = at + SLOTS + k;
  const count = (data[at + HDR]! >>> 8) & 0xff;
  for (let i = 0; i < count; i++) if ((data[base + i]! & 0xff) !== 0) return i;
  return -1;
}

/** Adds `handle` with meta word `meta` as the most recently seen contact; the block must have room. */
export function appendContact(data: Uint32Array, at: number, k: number, handle: number, meta: number): void {
  const hdrAt = at + HDR;
  const count = (data[hdrAt]! >>> 8) & 0xff;
  const base = at + SLOTS;
  data[base + count] = handle;
  data[base + k + count] = meta;
  data[hdrAt] = (data[hdrAt]! & ~(0xff << 8)) | ((count + 1) << 8);
}

/** The contact in `slot` was heard from: no longer stale, RTT fed with `rttMs` (if >= 0), moved to the tail. */
export function moveContactToTail(data: Uint32Array, at: number, k: number, slot: number, rttMs: number): void {
  const base = at + SLOTS;
  const count = (data[at + HDR]! >>> 8) & 0xff;
  const d = data;
  const handle = d[base + slot]!;
  let meta = d[base + k + slot]!;
  meta = meta & ~0xff; // heard from: no longer stale
  if (rttMs >= 0) meta = updateRtt(meta, rttMs);
  for (let i = slot; i < count - 1; i++) {
    d[base + i] = d[base + i + 1]!;
    d[base + k + i] = d[base + k + i + 1]!;
  }
  d[base + count - 1] = handle;
  d[base + k + count - 1] = meta;
}

export function removeContact(data: Uint32Array, at: number, k: number, slot: number): void {
  const hdrAt = at + HDR;
  const base = at + SLOTS;
  const count = (data[hdrAt]! >>> 8) & 0xff;
  const d = data;
  for (let i = slot; i < count - 1; i++) {
    d[base + i] = d[base + i + 1]!;
    d[base + k + i] = d[base + k + i + 1]!;
  }
  d[hdrAt] = (d[hdrAt]! & ~(0xff << 8)) | ((count - 1) << 8);
}

/**
 * Replaces the contact in `slot` by the most recently seen replacement, at the
 * tail and not stale; the cache must not be empty.
 */
export function replaceContact(data: Uint32Array, at: number, k: number, slot: number): void {
  const hdrAt = at + HDR;
  const reps = (data[hdrAt]! >>> 16) & 0xff;
  const newcomer = data[at + SLOTS + 2 * k + reps - 1]!;
  data[hdrAt] = (data[hdrAt]! & ~(0xff << 16)) | ((reps - 1) << 16);
  removeContact(data, at, k, slot);
  appendContact(data, at, k, newcomer, 0);
}

/**
 * Puts `handle` into a cache of at most `r` replacements as the most recent
 * one: moved there when it is cached already, else the oldest gives way when
 * the cache is full.
 */
export function addReplacement(data: Uint32Array, at: number, k: number, r: number, handle: number): void {
  if (r === 0) return;
  const hdrAt = at + HDR;
  const base = at + SLOTS + 2 * k;
  let reps = (data[hdrAt]! >>> 16) & 0xff;
  const i = findReplacement(data, at, k, handle);
  if (i >= 0) {
    removeReplacement(data, at, k, i);
    reps--;
  } else if (reps === r) {
    removeReplacement(data, at, k, 0); // the oldest gives way
    reps--;
  }
  data[base + reps] = handle;
  data[hdrAt] = (data[hdrAt]! & ~(0xff << 16)) | ((reps + 1) << 16);
}

/** Takes `handle` out of the replacement cache if it is there. */
export function dropReplacement(data: Uint32Array, at: number, k: number, handle: number): void {
  const i = findReplacement(data, at, k, handle);
  if (i >= 0) removeReplacement(data, at, k, i);
}

function removeReplacement(data: Uint32Array, at: number, k: number, i: number): void {
  const hdrAt = at + HDR;
  const base = at + SLOTS + 2 * k;
  const reps = (data[hdrAt]! >>> 16) & 0xff;
  for (let j = i; j < reps - 1; j++) data[base + j] = data[base + j + 1]!;
  data[hdrAt] = (data[hdrAt]! & ~(0xff << 16)) | ((reps - 1) << 16);
}
