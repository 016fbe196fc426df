/**
 * How one bucket of the routing table is laid out in the table's region of the table slab (table-slab.ts),
 * and how a contact's slot word packs its handle and failures and an RTT code its estimate. Every
 * file that reads or writes bucket blocks takes its offsets from here.
 *
 * A table of capacity k holds its buckets as consecutive blocks of blockWords(k) = SLOTS + k
 * words (24 at k = 20: 96 B; 136 with a 16-bit RTT code per slot in the block, 176 when each slot
 * had a handle word and a 32-bit meta word), sorted by lo, in a region of exactly as many blocks
 * as buckets, then the RTT entries (table-rtts.ts), then the replacement runs
 * (table-replacements.ts). A split is rare (~11 per node in a 10^4 swarm), so growing by one
 * block costs little and wastes nothing; the RTT entries and the replacements take room only when
 * used. One block (words):
 *   0      the first word of lo, the bucket's lowest distance (the other four words follow
 *          from the depths, loWords: the buckets tile the distance space in order)
 *   1      depth | count << 8 | replacements << 16 | flags << 24
 *   2      last lookup into this bucket, in seconds since the table's epoch
 *   3      last eviction ping from this bucket, in seconds since the epoch + 1 (0 = never)
 *   4..    k slot words, least-recently seen first: handle (24 bits) | failures in a row (8) << 24
 *
 * Depth, count and replacements are 8 bits each, which is why k and r are at most 255.
 * Only the first word of lo is kept because below ~2^32 nodes no bucket is deeper than 32 bits and
 * that word alone orders and places them; 4 words (16 B) per bucket less.
 */
import { ID_WORDS } from './id.js';

/** Word of lo's first (most significant) 32 bits. */
export const LO = 0;
/** Word of the header: depth | count << 8 | replacements << 16 | flags << 24. */
export const HDR = 1;
/** Word of the last lookup into the bucket (seconds since the epoch). */
export const LAST = 2;
/** Word of the last eviction ping (seconds since the epoch + 1; 0 = never). */
export const LAST_PING = 3;
/** First slot word. */
export const SLOTS = 4;
/** Header flag: an eviction ping for this bucket is out. */
export const FLAG_PINGING = 1;
/**
 * Header flag: a contact of the bucket may be stale (failures > 0). Clear means none is, so
 * closest() and the eviction path need not read the meta words (another cache line or two per
 * bucket). Set by a failure, recomputed when a stale contact is heard from again, removed or split.
 */
export const FLAG_STALE = 2;

/** Handles take the low 24 bits of a slot word (so a table addresses at most 2^24 peers); failures the top 8. */
export const HANDLE_BITS = 24;
export const HANDLE_MASK = 0xffffff;
/** Failures in a row are the top 8 bits of a slot word: slot >>> FAILS_SHIFT. */
export const FAILS_SHIFT = 24;

/** Words of one bucket block for capacity k: header and k slot words (the RTT codes are apart, table-rtts.ts). */
export function blockWords(k: number): number {
  return SLOTS + k;
}

/*
 * An RTT code is srtt in its low 9 bits and rttvar in its top 7, each a tiny float: exact
 * milliseconds below 2^(m+1) (128 ms for srtt, 32 for rttvar), then m mantissa bits (6 and 4),
 * i.e. a step of 1/64 (1/16) of the value. RFC 6298 smoothing adds an eighth (a quarter) of the
 * difference; with whole-ms rounding the estimate stops moving within ~4 ms of the sample, and
 * with these steps within ~8 ms of it (2 ms steps above 128), so a steady RTT is tracked as
 * closely as before while 16 bits replace 32. srtt reaches 8,128 ms, rttvar 1,984 ms; longer ones are clamped.
 */
const S_M = 6;
const S_MAX = 511;
const V_M = 4;
const V_MAX = 127;

function encode(v: number, m: number, max: number): number {
  const x = Math.round(v);
  if (x < 2 << m) return x;
  let e = 31 - Math.clz32(x) - m;
  let mant = Math.round(v / 2 ** e);
  if (mant >= 2 << m) {
    mant >>>= 1;
    e++;
  }
  return Math.min(max, (e << m) + mant);
}

function decode(c: number, m: number): number {
  if (c < 2 << m) return c;
  const e = (c >>> m) - 1;
  return (c - (e << m)) * 2 ** e;
}

/** The RTT code of an estimate in ms (srtt at least 1, code 0 meaning unknown). */
export function packRtt(srtt: number, rttvar: number): number {
  const s = encode(Math.max(1, srtt), S_M, S_MAX);
  const v = encode(Math.max(0, rttvar), V_M, V_MAX);
  return s | (v << 9);
}

/** srtt in ms of an RTT code; 0 = unknown. */
export function srttOf(code: number): number {
  return decode(code & 0x1ff, S_M);
}

/** rttvar in ms of an RTT code. */
export function rttvarOf(code: number): number {
  return decode(code >>> 9, V_M);
}

/** Jacobson/Karels smoothing (RFC 6298) of an RTT code (0 = none yet) by a sample in ms. */
export function updateRtt(code: number, sample: number): number {
  if (code === 0) return packRtt(sample, sample / 2);
  const srtt = srttOf(code);
  const rttvar = rttvarOf(code);
  return packRtt(0.875 * srtt + 0.125 * sample, 0.75 * rttvar + 0.25 * Math.abs(srtt - sample));
}

/**
 * Writes the full lo (5 words) of every one of the `buckets` blocks of `blk` words from `base` into
 * out[b × 5 ..]: each bucket starts where the one before it ends, lo(b + 1) = lo(b) + 2^(160 − depth(b)).
 * For tables deeper than 32 bits, where lo's first word no longer tells buckets apart.
 */
export function loWords(data: Uint32Array, base: number, blk: number, buckets: number, out: Uint32Array): void {
  for (let w = 0; w < ID_WORDS; w++) out[w] = 0;
  for (let b = 1; b < buckets; b++) {
    const prev = (b - 1) * ID_WORDS;
    const at = b * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) out[at + w] = out[prev + w]!;
    // Add 2^(160 − d): bit d − 1 counted from the top, carrying into the words above.
    const d = data[base + (b - 1) * blk + HDR]! & 0xff;
    let w = (d - 1) >>> 5;
    let add = 0x80000000 >>> ((d - 1) & 31);
    while (w >= 0 && add !== 0) {
      const sum = out[at + w]! + add;
      out[at + w] = sum >>> 0;
      add = sum > 0xffffffff ? 1 : 0;
      w--;
    }
  }
}
