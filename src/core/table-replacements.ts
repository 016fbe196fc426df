/**
 * The replacement caches of all buckets of one table, kept after the bucket blocks in the
 * table's region of the table slab and taking room only when used: after a join most tables hold a handful of
 * replacements, if any, so a fixed area of r words in every bucket block (the old layout) was
 * mostly empty (~0.75 KB per node at r = 20), and a second typed array per table would cost
 * ~200 B of JS objects for a few words.
 *
 * The area starts at word `area`, after the bucket blocks and the RTT entries (table-rtts.ts:
 * `base + buckets × blk + rtts`, the table's replacementArea), and holds each bucket's
 * replacements as one run of handles, oldest first, the runs in reverse bucket order (the
 * farthest bucket's first); the words after the last run are spare room.
 * How many a bucket holds stays in its header (bucket-layout.ts), so a run starts at the sum of
 * the counts of the buckets after it, and closest(), the views and the admission rules read
 * the counts without touching the runs. Why reverse: the far buckets (the last ones) are where
 * most newcomers land — half of all random IDs fall in the farthest — and there the start is
 * found reading no other bucket's header (only a cache not yet full sums the nearer buckets'
 * counts, for the room after its run); in bucket order each such newcomer read every other
 * header, a block apart (measured: addReplacement was 28 % of observe's time for a sender new to
 * a full bucket; `npm run bench`'s "observe, random pool peer" 127.7 → 106.4 ns, medians of five). A split cuts one run in two in place (the upper half's bucket
 * comes right after the lower half's, so its run comes first; no other run moves).
 *
 * Every function takes the table's region (table-slab.ts): `buckets` blocks of `blk` words from
 * word `base` of `data`, and where the area starts.
 */
import { HDR } from './bucket-layout.js';

/** Words the area grows by when a replacement finds no room (64 bytes). */
export const REPLACEMENT_ROOM = 16;
/** Scratch for a split: the upper half's handles, at most 255. */
const upper = new Uint32Array(256);

/** Replacements the header of bucket `bucket` counts. */
export function replacementCount(data: Uint32Array, base: number, blk: number, bucket: number): number {
  return (data[base + bucket * blk + HDR]! >>> 16) & 0xff;
}

function setCount(data: Uint32Array, base: number, blk: number, bucket: number, n: number): void {
  const at = base + bucket * blk + HDR;
  data[at] = (data[at]! & ~(0xff << 16)) | (n << 16);
}

/** Where bucket `bucket`'s run starts, in words after the area's start (the sum of the runs of the `buckets` − 1 − bucket buckets after it). */
export function replacementStart(data: Uint32Array, base: number, blk: number, buckets: number, bucket: number): number {
  return replacementsIn(data, base, blk, bucket + 1, buckets);
}

/** The word after the last replacement run of a table of `buckets` blocks whose area starts at `area`. */
export function replacementsEnd(data: Uint32Array, base: number, blk: number, buckets: number, area: number): number {
  return area + replacementsIn(data, base, blk, 0, buckets);
}

/** Replacements held by buckets [from, to). */
function replacementsIn(data: Uint32Array, base: number, blk: number, from: number, to: number): number {
  let s = 0;
  for (let b = from; b < to; b++) s += (data[base + b * blk + HDR]! >>> 16) & 0xff;
  return s;
}

/** Position of `handle` in bucket `bucket`'s run (0 = oldest), or -1. */
export function findReplacement(data: Uint32Array, base: number, blk: number, buckets: number, area: number, bucket: number, handle: number): number {
  const count = replacementCount(data, base, blk, bucket);
  if (count === 0) return -1; // the common case (a contact just added): no need to find where the run would be
  const s = area + replacementStart(data, base, blk, buckets, bucket);
  for (let i = 0; i < count; i++) if (data[s + i] === handle) return i;
  return -1;
}

/** Bucket `bucket`'s replacements, oldest first. */
export function listReplacements(data: Uint32Array, base: number, blk: number, buckets: number, area: number, bucket: number): number[] {
  const s = area + replacementStart(data, base, blk, buckets, bucket);
  return Array.from(data.subarray(s, s + replacementCount(data, base, blk, bucket)));
}

/**
 * Puts `handle` into bucket `bucket`'s cache of at most `r` as its newest replacement: moved
 * there when cached already, else the bucket's oldest gives way when its cache is full. Returns
 * false, changing nothing, when the handle would take a new word and the area has no room before
 * word `limit` (the region's end): the caller grows the region by REPLACEMENT_ROOM words and asks again.
 */
export function addReplacement(data: Uint32Array, base: number, blk: number, buckets: number, area: number, bucket: number, r: number, handle: number, limit: number): boolean {
  const s = area + replacementStart(data, base, blk, buckets, bucket);
  const count = replacementCount(data, base, blk, bucket);
  let i = -1;
  for (let j = 0; j < count; j++) {
    if (data[s + j] === handle) {
      i = j;
      break;
    }
  }
  if (i < 0 && count === r) i = 0; // the oldest gives way
  if (i >= 0) {
    // Within the run: the rest moves down one, the handle goes last; no other run moves.
    const last = s + count - 1;
    for (let j = s + i; j < last; j++) data[j] = data[j + 1]!;
    data[last] = handle;
    return true;
  }
  const end = s + count;
  const used = end + replacementsIn(data, base, blk, 0, bucket); // the runs after it: the nearer buckets'
  if (used >= limit) return false;
  data.copyWithin(end + 1, end, used);
  data[end] = handle;
  setCount(data, base, blk, bucket, count + 1);
  return true;
}

/** Takes `handle` out of bucket `bucket`'s cache if it is there. */
export function dropReplacement(data: Uint32Array, base: number, blk: number, buckets: number, area: number, bucket: number, handle: number): void {
  const i = findReplacement(data, base, blk, buckets, area, bucket, handle);
  if (i >= 0) removeAt(data, base, blk, buckets, area, bucket, i);
}

/** Takes out and returns bucket `bucket`'s newest replacement; the bucket must have one. */
export function takeNewestReplacement(data: Uint32Array, base: number, blk: number, buckets: number, area: number, bucket: number): number {
  const i = replacementCount(data, base, blk, bucket) - 1;
  const handle = data[area + replacementStart(data, base, blk, buckets, bucket) + i]!;
  removeAt(data, base, blk, buckets, area, bucket, i);
  return handle;
}

/**
 * Bucket `bucket` splits; its run starts at word `s` and holds `count`. The run is cut into the
 * upper half's handles (those `goesHigh` picks: the upper half is the next bucket, whose run
 * comes first) then the lower half's, each in its old order.
 * Returns how many went high; the caller writes both headers.
 */
export function splitReplacements(data: Uint32Array, s: number, count: number, goesHigh: (handle: number) => boolean): number {
  let low = 0;
  let high = 0;
  for (let i = 0; i < count; i++) {
    const h = data[s + i]!;
    if (goesHigh(h)) upper[high++] = h;
    else data[s + low++] = h;
  }
  data.copyWithin(s + high, s, s + low);
  data.set(upper.subarray(0, high), s);
  return high;
}

function removeAt(data: Uint32Array, base: number, blk: number, buckets: number, area: number, bucket: number, i: number): void {
  const at = area + replacementStart(data, base, blk, buckets, bucket) + i;
  const used = at - i + replacementsIn(data, base, blk, 0, bucket + 1); // its run and the nearer buckets' after it
  data.copyWithin(at, at + 1, used);
  setCount(data, base, blk, bucket, replacementCount(data, base, blk, bucket) - 1);
}
