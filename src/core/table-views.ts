/**
 * What the routing table shows of itself without changing anything: where a
 * distance falls (bucketOfDistance), counts and lists for reports, the REPL and
 * tests, and the bucket facts the refresh job needs. Each function reads the
 * table's bucket blocks (`buckets` blocks of `blk` words from `base` in `data`,
 * capacity k; layout in bucket-layout.ts).
 */
import { ID_WORDS, compareWords } from './id.js';
import { FAILS_SHIFT, HANDLE_MASK, HDR, SLOTS, loWords } from './bucket-layout.js';

/** Scratch for every bucket's full lo (bucket-layout.ts keeps only the first word): deep tables and randomIdInBlock. */
const los = new Uint32Array(256 * ID_WORDS);

/**
 * Index of the bucket whose range holds the distance at dist[at..]: a binary search over the
 * buckets' lo, which are kept sorted. `maxDepth` is the deepest bucket's depth.
 */
export function bucketOfDistance(data: Uint32Array, base: number, blk: number, buckets: number, maxDepth: number, dist: Uint32Array, at: number): number {
  let lo = 0;
  let hi = buckets - 1;
  if (maxDepth <= 32) {
    // No bucket deeper than 32 bits: every lo is zero past its first word, so lo <= distance
    // exactly when that word is <= the distance's first word.
    const d0 = dist[at]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (data[base + mid * blk]! <= d0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  loWords(data, base, blk, buckets, los);
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (compareWords(los, mid * ID_WORDS, dist, at) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface BucketView {
  depth: number;
  contacts: number;
  replacements: number;
  stale: number;
}

/** Contacts in all buckets, stale ones included. */
export function countContacts(data: Uint32Array, base: number, blk: number, buckets: number): number {
  let n = 0;
  for (let i = 0; i < buckets; i++) n += (data[base + i * blk + HDR]! >>> 8) & 0xff;
  return n;
}

/** Every contact handle (stale ones included), bucket by bucket. */
export function listContacts(data: Uint32Array, base: number, blk: number, buckets: number): number[] {
  const all: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const at = base + b * blk;
    const count = (data[at + HDR]! >>> 8) & 0xff;
    for (let i = 0; i < count; i++) all.push(data[at + SLOTS + i]! & HANDLE_MASK);
  }
  return all;
}

export function describeBuckets(data: Uint32Array, base: number, blk: number, k: number, buckets: number): BucketView[] {
  const out = [];
  for (let b = 0; b < buckets; b++) {
    const hdr = data[base + b * blk + HDR]!;
    const count = (hdr >>> 8) & 0xff;
    let stale = 0;
    for (let i = 0; i < count; i++) if (data[base + b * blk + SLOTS + i]! >>> FAILS_SHIFT !== 0) stale++;
    out.push({ depth: hdr & 0xff, contacts: count, replacements: (hdr >>> 16) & 0xff, stale });
  }
  return out;
}

/** Index of the first non-empty bucket, which holds the nearest known contact; -1 when all are empty. */
export function nearestNonEmptyBucket(data: Uint32Array, base: number, blk: number, buckets: number): number {
  for (let b = 0; b < buckets; b++) {
    if (((data[base + b * blk + HDR]! >>> 8) & 0xff) > 0) return b;
  }
  return -1;
}

/**
 * Writes into out (words) a random ID whose distance from the own ID (at
 * `selfAt` in `ids`) falls in the range of bucket `bucket` of `buckets` blocks
 * of `blk` words: the bucket's prefix kept, the free bits from `rand32`.
 */
export function randomIdInBlock(
  data: Uint32Array,
  base: number,
  blk: number,
  buckets: number,
  bucket: number,
  ids: Uint32Array,
  selfAt: number,
  out: Uint32Array,
  rand32: () => number,
): void {
  loWords(data, base, blk, bucket + 1, los);
  const at = bucket * ID_WORDS;
  const depth = data[base + bucket * blk + HDR]! & 0xff;
  for (let w = 0; w < ID_WORDS; w++) {
    const bitsKept = Math.min(32, Math.max(0, depth - w * 32));
    const mask = bitsKept === 0 ? 0 : bitsKept === 32 ? 0xffffffff : (0xffffffff << (32 - bitsKept)) >>> 0;
    const dist = ((los[at + w]! & mask) | (rand32() & ~mask)) >>> 0;
    out[w] = (dist ^ ids[selfAt + w]!) >>> 0;
  }
}
