/**
 * How the routing table's tree grows: the relaxed split rule's measure (the
 * depth of the smallest subtree holding the k nearest contacts) and the split
 * of one bucket block into two. The table decides when to split (canSplit in
 * routing-table.ts); these functions read and rewrite its bucket blocks
 * (layout in bucket-layout.ts).
 */
import { ID_BITS, ID_WORDS } from './id.js';
import { FAILS_SHIFT, FLAG_STALE, HANDLE_MASK, HDR, LAST, LAST_PING, LO, SLOTS, loWords } from './bucket-layout.js';
import { replacementsEnd, replacementStart, splitReplacements } from './table-replacements.js';
import { rttSplit } from './table-rtts.js';

// Scratch space shared by every table in the thread: the core is single-threaded
// and no method re-enters another, so one buffer serves all nodes.
/** Contacts per common-prefix length with the own ID. */
const cplCounts = new Uint16Array(ID_BITS + 1);
/** Where each old slot of a splitting bucket went: its new slot, plus 256 in the upper half (table-rtts.ts). */
const moved = new Uint16Array(256);

/**
 * Depth m of the smallest own-ID subtree holding the k nearest known contacts
 * of the table (`buckets` blocks of `blk` words from `base` in `data`; own ID at `selfAt` in
 * `ids`), counting also a newcomer whose distance has `newcomerZeros` leading
 * zero bits (-1: no newcomer).
 *
 * Only bucket 0's contacts are measured one by one: every other bucket's range
 * lies below the first set bit of its lo, so all its contacts share exactly
 * lo's leading zeros with the own ID (a count per bucket, not ~200 IDs read).
 */
export function nearestSubtreeDepth(
  data: Uint32Array,
  base: number,
  blk: number,
  k: number,
  buckets: number,
  ids: Uint32Array,
  selfAt: number,
  newcomerZeros: number,
): number {
  cplCounts.fill(0);
  if (newcomerZeros >= 0) cplCounts[newcomerZeros]!++;
  const count0 = (data[base + HDR]! >>> 8) & 0xff;
  for (let i = 0; i < count0; i++) {
    const a = (data[base + SLOTS + i]! & HANDLE_MASK) * ID_WORDS;
    let cpl = ID_BITS;
    for (let w = 0; w < ID_WORDS; w++) {
      const x = (ids[a + w]! ^ ids[selfAt + w]!) >>> 0;
      if (x !== 0) {
        cpl = w * 32 + Math.clz32(x);
        break;
      }
    }
    cplCounts[cpl]!++;
  }
  for (let b = 1; b < buckets; b++) {
    const count = (data[base + b * blk + HDR]! >>> 8) & 0xff;
    if (count > 0) cplCounts[loLeadingZeros(data, base, blk, buckets, b)]! += count;
  }
  let seen = 0;
  for (let t = ID_BITS; t >= 0; t--) {
    seen += cplCounts[t]!;
    if (seen >= k) return t;
  }
  return 0;
}

/**
 * Splits bucket `bucket` of the table (`buckets` blocks of `blk` words from
 * `base` in `data`, capacity k; own ID at `selfAt` in `ids`) into its lower and upper
 * half, the upper one taking the next block. The region must have room for one
 * more block after the replacement caches. The `rtts` RTT entries and the replacement caches
 * move up one block and follow the split (table-rtts.ts, table-replacements.ts). Returns the
 * depth of the two halves.
 */
export function splitBucket(
  data: Uint32Array,
  base: number,
  blk: number,
  k: number,
  buckets: number,
  bucket: number,
  ids: Uint32Array,
  selfAt: number,
  rtts: number,
): number {
  // Shift the buckets after `bucket`, and the RTT entries and replacement caches after them, by one block to make room for the upper half.
  const end = replacementsEnd(data, base, blk, buckets, base + buckets * blk + rtts);
  // Where the bucket's replacement run lies in the area, read before the headers move (the area moves with them).
  const runAt = replacementStart(data, base, blk, buckets, bucket);
  data.copyWithin(base + (bucket + 2) * blk, base + (bucket + 1) * blk, end);
  const lowAt = base + bucket * blk;
  const highAt = base + (bucket + 1) * blk;
  const depth = data[lowAt + HDR]! & 0xff;
  const last = data[lowAt + LAST]!;
  const count = (data[lowAt + HDR]! >>> 8) & 0xff;
  const cached = (data[lowAt + HDR]! >>> 16) & 0xff;
  // Upper half: lo with bit `depth` set; only lo's first word is stored (bucket-layout.ts).
  data[highAt + LO] = depth < 32 ? (data[lowAt + LO]! | (0x80000000 >>> depth)) >>> 0 : data[lowAt + LO]!;
  data[highAt + LAST] = last;
  data[highAt + LAST_PING] = data[lowAt + LAST_PING]!;
  // Redistribute contacts and replacements, keeping their order.
  const word = depth >>> 5;
  const bit = 0x80000000 >>> (depth & 31);
  const goesHigh = (h: number): boolean => (((ids[h * ID_WORDS + word]! ^ ids[selfAt + word]!) & bit) !== 0);
  let lowN = 0;
  let highN = 0;
  let lowStale = 0;
  let highStale = 0;
  for (let i = 0; i < count; i++) {
    const w = data[lowAt + SLOTS + i]!;
    if (goesHigh(w & HANDLE_MASK)) {
      data[highAt + SLOTS + highN] = w;
      moved[i] = 256 + highN;
      highN++;
      highStale |= w >>> FAILS_SHIFT;
    } else {
      data[lowAt + SLOTS + lowN] = w;
      moved[i] = lowN;
      lowN++;
      lowStale |= w >>> FAILS_SHIFT;
    }
  }
  const rttArea = base + (buckets + 1) * blk;
  rttSplit(data, rttArea, rtts, bucket, moved);
  const highR = cached === 0 ? 0 : splitReplacements(data, rttArea + rtts + runAt, cached, goesHigh);
  const lowR = cached - highR;
  // The halves start with no flags (an eviction ping out is forgotten, as ever) but FLAG_STALE where a stale contact went.
  data[lowAt + HDR] = ((depth + 1) | (lowN << 8) | (lowR << 16) | (lowStale !== 0 ? FLAG_STALE << 24 : 0)) >>> 0;
  data[highAt + HDR] = ((depth + 1) | (highN << 8) | (highR << 16) | (highStale !== 0 ? FLAG_STALE << 24 : 0)) >>> 0;
  return depth + 1;
}

/** Scratch for the buckets' full lo words (deep tables only). */
const los = new Uint32Array(256 * ID_WORDS);

/** Leading zero bits of bucket `bucket`'s lo (of `buckets` blocks of `blk` words): its shared prefix with the own ID, for bucket > 0. */
export function loLeadingZeros(data: Uint32Array, base: number, blk: number, buckets: number, bucket: number): number {
  const first = data[base + bucket * blk + LO]!;
  if (first !== 0) return Math.clz32(first);
  loWords(data, base, blk, Math.min(buckets, bucket + 1), los);
  return leadingZeros(los, bucket * ID_WORDS);
}

/** Leading zero bits of the 160-bit number at x[at..]. */
export function leadingZeros(x: Uint32Array, at: number): number {
  for (let w = 0; w < ID_WORDS; w++) {
    const v = x[at + w]!;
    if (v !== 0) return w * 32 + Math.clz32(v);
  }
  return ID_BITS;
}
