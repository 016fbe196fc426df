/**
 * The RTT estimates of one table's contacts, kept apart from the bucket blocks and taking room
 * only for contacts that have one. A contact has an estimate once it has answered one of this
 * node's requests; most contacts come from requests they sent, and after a 10^4-node join only
 * ~18 % of them have answered (~25 % after four lookups per node). A 16-bit code in every slot
 * (the old layout: ceil(k / 2) words per block, 40 B at k = 20) was mostly zeros, ~420 B per
 * node; an entry here is one word, so this costs less while under ~54 % of the slots hold one.
 *
 * The area is `count` words from word `area`, right after the bucket blocks and before the
 * replacement runs (table-replacements.ts), in ascending order. An entry is
 * bucket << 24 | slot << 16 | code, the code as bucket-layout.ts packs it (never 0: 0 means
 * "unknown", and such a contact has no entry). The table keeps `count`.
 *
 * An entry follows its contact: when a contact moves to its bucket's tail, is removed, or its
 * bucket splits, the entries of that bucket are renumbered the same way. Functions that add
 * or drop a word move everything after it up to `end` (the last run of replacements' end);
 * the caller has made room for an added word and keeps `count`.
 */

/** Words the region grows by when an entry finds no room (32 bytes). */
export const RTT_ROOM = 8;
const ONE_SLOT = 0x10000;
const ONE_BUCKET = 0x1000000;
const CODE_MASK = 0xffff;
/** Scratch for a split: the upper half's entries, at most 255. */
const upper = new Uint32Array(256);

/** The entry key of (bucket, slot): a non-negative number below 2^32. */
function keyOf(bucket: number, slot: number): number {
  return bucket * ONE_BUCKET + slot * ONE_SLOT;
}

/** First index in [from, count) whose entry is at least `key`, or count. */
function lowerBound(data: Uint32Array, area: number, from: number, count: number, key: number): number {
  let lo = from;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (data[area + mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [from, count) whose entry belongs to a bucket after `bucket` (entries from `from` are `bucket`'s or later). */
function runEnd(data: Uint32Array, area: number, from: number, count: number, bucket: number): number {
  const next = keyOf(bucket + 1, 0);
  let hi = from;
  while (hi < count && data[area + hi]! < next) hi++;
  return hi;
}

/** The RTT code of slot `slot` of bucket `bucket`, 0 when it has none. */
export function rttCode(data: Uint32Array, area: number, count: number, bucket: number, slot: number): number {
  if (count === 0) return 0;
  const key = keyOf(bucket, slot);
  const i = lowerBound(data, area, 0, count, key);
  if (i === count) return 0;
  const e = data[area + i]!;
  return e - key < ONE_SLOT ? e & CODE_MASK : 0;
}

/**
 * Bucket `bucket`'s contact in `slot` moved to the tail `last`, those after it one down:
 * renumbers the bucket's entries. Returns the index of the moved contact's entry (now keyed
 * `last`), or -1 when it has none.
 */
export function rttMoved(data: Uint32Array, area: number, count: number, bucket: number, slot: number, last: number): number {
  if (count === 0) return -1;
  const key = keyOf(bucket, slot);
  const lo = lowerBound(data, area, 0, count, key);
  const hi = runEnd(data, area, lo, count, bucket);
  if (lo === hi) return -1;
  const first = data[area + lo]!;
  if (first - key >= ONE_SLOT) {
    for (let j = lo; j < hi; j++) data[area + j] = data[area + j]! - ONE_SLOT;
    return -1;
  }
  for (let j = lo; j < hi - 1; j++) data[area + j] = data[area + j + 1]! - ONE_SLOT;
  data[area + hi - 1] = keyOf(bucket, last) + (first & CODE_MASK);
  return hi - 1;
}

/** The code of the entry at index `i` (from rttMoved). */
export function rttCodeAt(data: Uint32Array, area: number, i: number): number {
  return data[area + i]! & CODE_MASK;
}

/** Sets the code of the entry at index `i` (from rttMoved). */
export function setRttCode(data: Uint32Array, area: number, i: number, code: number): void {
  data[area + i] = (data[area + i]! & ~CODE_MASK) + code;
}

/**
 * Adds the entry of (bucket, slot) with `code` (not 0), the slot having none; the words from its
 * place to `end` move up one (the caller has made room and counts one entry more).
 */
export function addRtt(data: Uint32Array, area: number, count: number, bucket: number, slot: number, code: number, end: number): void {
  const key = keyOf(bucket, slot);
  const i = lowerBound(data, area, 0, count, key);
  data.copyWithin(area + i + 1, area + i, end);
  data[area + i] = key + code;
}

/**
 * Bucket `bucket`'s contact in `slot` was removed, those after it one down: drops its entry (the
 * words after it, up to `end`, move down one) and renumbers the rest. Returns the change of
 * count, -1 or 0.
 */
export function rttRemoved(data: Uint32Array, area: number, count: number, bucket: number, slot: number, end: number): number {
  if (count === 0) return 0;
  const key = keyOf(bucket, slot);
  const lo = lowerBound(data, area, 0, count, key);
  const next = keyOf(bucket + 1, 0);
  let i = lo;
  let dropped = 0;
  if (i < count && data[area + i]! - key < ONE_SLOT) {
    data.copyWithin(area + i, area + i + 1, end);
    data[end - 1] = 0;
    dropped = 1;
  }
  for (; i < count - dropped && data[area + i]! < next; i++) data[area + i] = data[area + i]! - ONE_SLOT;
  return -dropped;
}

/**
 * Bucket `bucket` split into itself and `bucket + 1`. `moved[i]` says where its old slot i went:
 * the new slot, plus 256 for the upper half. Rekeys the bucket's entries (the lower half's first,
 * each half in slot order) and moves every later bucket's entries up one bucket.
 */
export function rttSplit(data: Uint32Array, area: number, count: number, bucket: number, moved: Uint16Array): void {
  if (count === 0) return;
  const lo = lowerBound(data, area, 0, count, keyOf(bucket, 0));
  const hi = runEnd(data, area, lo, count, bucket);
  let low = 0;
  let high = 0;
  for (let j = lo; j < hi; j++) {
    const e = data[area + j]!;
    const to = moved[(e >>> 16) & 0xff]!;
    if (to >= 256) upper[high++] = keyOf(bucket + 1, to - 256) + (e & CODE_MASK);
    else data[area + lo + low++] = keyOf(bucket, to) + (e & CODE_MASK);
  }
  data.set(upper.subarray(0, high), area + lo + low);
  for (let j = hi; j < count; j++) data[area + j] = data[area + j]! + ONE_BUCKET;
}
