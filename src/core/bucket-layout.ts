/**
 * How one bucket of the routing table is laid out in the table's Uint32Array,
 * and how a contact's meta word packs its failures and RTT estimate. Every
 * file that reads or writes bucket blocks takes its offsets from here.
 *
 * A table of capacity k holds its buckets as consecutive blocks of SLOTS + 2k
 * words, sorted by lo, in an array of exactly as many blocks as buckets (a split
 * is rare: ~11 per node in a 10^4 swarm, so growing by one block costs little and
 * wastes nothing). The replacement caches are not in the blocks: they take room
 * only when used (table-replacements.ts). One block (words):
 *   0      the first word of lo, the bucket's lowest distance (the other four words follow
 *          from the depths, loWords: the buckets tile the distance space in order)
 *   1      depth | count << 8 | replacements << 16 | flags << 24
 *   2      last lookup into this bucket, in seconds since the table's epoch
 *   3      last eviction ping from this bucket, in seconds since the epoch + 1 (0 = never)
 *   4..    k contact handles, least-recently seen first
 *   4+k..  k contact meta words: failures (8 bits) | srtt ms (12) | rttvar ms (12)
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
/** First word of the contact handles; the meta words follow k words later. */
export const SLOTS = 4;
/** Header flag: an eviction ping for this bucket is out. */
export const FLAG_PINGING = 1;
/**
 * Header flag: a contact of the bucket may be stale (failures > 0). Clear means none is, so
 * closest() and the eviction path need not read the meta words (another cache line or two per
 * bucket). Set by a failure, recomputed when a stale contact is heard from again, removed or split.
 */
export const FLAG_STALE = 2;

/** The largest RTT a meta word holds (12 bits of ms); longer samples are clamped. */
const RTT_MAX = 4095;

/** A meta word with `fails` failures in a row and the given RTT estimate in ms (srtt at least 1, 0 meaning unknown). */
export function packRtt(fails: number, srtt: number, rttvar: number): number {
  const s = Math.max(1, Math.min(RTT_MAX, Math.round(srtt)));
  const v = Math.max(0, Math.min(RTT_MAX, Math.round(rttvar)));
  return ((fails & 0xff) | (s << 8) | (v << 20)) >>> 0;
}

/** Jacobson/Karels smoothing (RFC 6298) in 12-bit milliseconds. */
export function updateRtt(meta: number, sample: number): number {
  const srtt = (meta >>> 8) & 0xfff;
  if (srtt === 0) return packRtt(meta & 0xff, sample, sample / 2);
  const rttvar = meta >>> 20;
  const v = 0.75 * rttvar + 0.25 * Math.abs(srtt - sample);
  const s = 0.875 * srtt + 0.125 * sample;
  return packRtt(meta & 0xff, s, v);
}

/**
 * Writes the full lo (5 words) of every one of the `buckets` blocks of `blk` words into
 * out[b × 5 ..]: each bucket starts where the one before it ends, lo(b + 1) = lo(b) + 2^(160 − depth(b)).
 * For tables deeper than 32 bits, where lo's first word no longer tells buckets apart.
 */
export function loWords(data: Uint32Array, blk: number, buckets: number, out: Uint32Array): void {
  for (let w = 0; w < ID_WORDS; w++) out[w] = 0;
  for (let b = 1; b < buckets; b++) {
    const prev = (b - 1) * ID_WORDS;
    const at = b * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) out[at + w] = out[prev + w]!;
    // Add 2^(160 − d): bit d − 1 counted from the top, carrying into the words above.
    const d = data[(b - 1) * blk + HDR]! & 0xff;
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
