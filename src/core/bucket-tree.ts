/**
 * The k-buckets of one node as a binary tree over the XOR distance from its
 * own ID, stored in one region of the thread's table slab (table-slab.ts; layout
 * in bucket-layout.ts): where a distance falls (the search: table-views.ts),
 * what a bucket holds, how the region grows when a bucket
 * splits, and every read of the contacts. It admits and evicts nobody:
 * RoutingTable (routing-table.ts), which extends it, decides who gets a slot
 * and when a bucket may split. The two are one class chain so that a table
 * stays one object.
 *
 * Buckets are ranges of distance [lo, lo + 2^(160 − depth)) kept sorted by lo,
 * so bucket 0 (lo = 0) always holds the own ID.
 */
import type { PeerIds } from './peers.js';
import type { TableShape } from './table-shape.js';
import { ID_WORDS } from './id.js';
import { FAILS_SHIFT, HANDLE_MASK, HDR, LAST, SLOTS, rttvarOf, srttOf } from './bucket-layout.js';
import { findContact } from './bucket-slots.js';
import { closestContacts } from './table-closest.js';
import { leadingZeros, splitBucket } from './table-split.js';
import { findReplacement, listReplacements, replacementsEnd } from './table-replacements.js';
import { RTT_ROOM, rttCode } from './table-rtts.js';
import { RELEASED, regionWords, tableSlab, type SlabOwner } from './table-slab.js';
import { bucketOfDistance, countContacts, describeBuckets, listContacts, nearestNonEmptyBucket, randomIdInBlock } from './table-views.js';

// Scratch space shared by every table in the thread: the core is single-threaded
// and no method re-enters another, so one set of buffers serves all nodes.
const scratch = new Uint32Array(ID_WORDS * 4);
const D = 0; // distance of a peer from self
const T = ID_WORDS; // target distance from self

export class BucketTree implements SlabOwner {
  protected readonly shape: TableShape;
  readonly self: number;
  /**
   * The slab chunk and the first word of this table's region in it, public only for the slab
   * (SlabOwner): nothing else writes them. The slab's to set (it may
   * move the region whenever the table grows or another table grows or goes), so methods read
   * them afresh after every resize and never keep them across one.
   */
  data: Uint32Array;
  base = 0;
  /**
   * Small counts in one field, since a field costs 8 bytes per table: the number of buckets
   * (bits 0–7, at most 161), the deepest bucket's depth (8–15), and RoutingTable's cached
   * nearDepth + 1 (16–23) and `added` flag (24).
   */
  protected small = 1;
  /** RTT entries after the blocks (table-rtts.ts). */
  protected rtts = 0;

  /** First word of the RTT entries: right after the blocks. */
  protected get rttArea(): number {
    return this.base + this.buckets * this.block;
  }

  /** First word of the replacement runs: after the RTT entries (table-replacements.ts). */
  protected get replacementArea(): number {
    return this.rttArea + this.rtts;
  }

  protected get buckets(): number {
    return this.small & 0xff;
  }

  protected set buckets(n: number) {
    this.small = (this.small & ~0xff) | n;
  }

  /** Depth of the deepest bucket; closest() takes a one-word fast path while it is at most 32. */
  private get maxDepth(): number {
    return (this.small >>> 8) & 0xff;
  }

  private set maxDepth(d: number) {
    this.small = (this.small & ~0xff00) | (d << 8);
  }

  constructor(shape: TableShape, self: number) {
    this.shape = shape;
    this.self = self;
    if (shape.k < 1 || shape.k > 255) throw new Error(`k must be 1..255, got ${shape.k}`);
    if (shape.r < 0 || shape.r > 255) throw new Error(`the replacement cache holds 0..255 contacts, got ${shape.r}`);
    // Slot words keep 24 bits of handle (bucket-layout.ts): a peer beyond them could not be told apart.
    if (self > HANDLE_MASK) throw new Error(`a routing table addresses at most 2^24 peers; handle ${self} is beyond`);
    this.data = RELEASED;
    tableSlab.allocate(this, shape.block);
    // Bucket 0: the whole space, depth 0.
  }

  /** Gives the table's words back to the slab (a host dropping the node); the table is empty and unusable after. */
  release(): void {
    tableSlab.release(this);
    this.buckets = 0;
    this.rtts = 0;
  }

  get k(): number {
    return this.shape.k;
  }

  get r(): number {
    return this.shape.r;
  }

  protected get block(): number {
    return this.shape.block;
  }

  protected get peers(): PeerIds {
    return this.shape.peers;
  }

  get bucketCount(): number {
    return this.buckets;
  }

  /** Number of contacts in the table (stale ones included). */
  get size(): number {
    return countContacts(this.data, this.base, this.block, this.buckets);
  }

  /** Bytes of this table's region in the slab, replacement caches included (the slab's own total: tableSlab.bytes). */
  get bytes(): number {
    return tableSlab.wordsOf(this) * 4;
  }

  // ---- where a peer falls ----

  /** Puts the distance of `handle` from the own ID where measuredBucket() and measuredPrefix() read it. */
  protected measure(handle: number): void {
    const ids = this.peers.words;
    const a = handle * ID_WORDS;
    const s = this.self * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) scratch[D + w] = (ids[a + w]! ^ ids[s + w]!) >>> 0;
  }

  /** The bucket of the distance measure() put (asked again after a split, it can be the other half). */
  protected measuredBucket(): number {
    return this.bucketOf(D);
  }

  /** Leading zero bits of the distance measure() put: how long a prefix the peer shares with the own ID. */
  protected measuredPrefix(): number {
    return leadingZeros(scratch, D);
  }

  /** Index of the bucket whose range holds distance scratch[at..] (table-views.ts). */
  private bucketOf(at: number): number {
    return bucketOfDistance(this.data, this.base, this.block, this.buckets, this.maxDepth, scratch, at);
  }

  /** Bucket index for a target ID given as words (used to stamp refresh times). */
  bucketForTarget(target: Uint32Array, at: number): number {
    const ids = this.peers.words;
    const s = this.self * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) scratch[T + w] = (target[at + w]! ^ ids[s + w]!) >>> 0;
    return this.bucketOf(T);
  }

  // ---- what the buckets hold ----

  has(handle: number): boolean {
    if (handle === this.self) return false;
    this.measure(handle);
    return findContact(this.data, this.base + this.bucketOf(D) * this.block, handle) >= 0;
  }

  /** Not a contact yet, and its bucket has a free slot: has() and the room from one measure (join-learn.ts). */
  hasRoomFor(handle: number): boolean {
    if (handle === this.self) return false;
    this.measure(handle);
    const at = this.base + this.bucketOf(D) * this.block;
    return ((this.data[at + HDR]! >>> 8) & 0xff) < this.k && findContact(this.data, at, handle) < 0;
  }

  /** True when the peer is a contact or waits in the replacement cache (a host must keep its handle valid). */
  holds(handle: number): boolean {
    if (handle === this.self) return false;
    this.measure(handle);
    const b = this.bucketOf(D);
    return findContact(this.data, this.base + b * this.block, handle) >= 0 || findReplacement(this.data, this.base, this.block, this.buckets, this.replacementArea, b, handle) >= 0;
  }

  /** Failures in a row of a contact, or -1 when it is not in the table. */
  failuresOf(handle: number): number {
    this.measure(handle);
    const b = this.bucketOf(D);
    const s = findContact(this.data, this.base + b * this.block, handle);
    return s < 0 ? -1 : this.data[this.base + b * this.block + SLOTS + s]! >>> FAILS_SHIFT;
  }

  /** Smoothed RTT and its variation in ms for a contact, or -1 when unknown. */
  rttOf(handle: number): { srtt: number; rttvar: number } | null {
    this.measure(handle);
    const b = this.bucketOf(D);
    const s = findContact(this.data, this.base + b * this.block, handle);
    if (s < 0) return null;
    const code = rttCode(this.data, this.rttArea, this.rtts, b, s);
    if (code === 0) return null;
    return { srtt: srttOf(code), rttvar: rttvarOf(code) };
  }

  /**
   * rttOf's srtt + 4 · rttvar (RFC 6298's timeout before clamping) with no object per call, for
   * the request table's every request; -1 when rttOf would be null.
   */
  rtoOf(handle: number): number {
    this.measure(handle);
    const b = this.bucketOf(D);
    const s = findContact(this.data, this.base + b * this.block, handle);
    if (s < 0) return -1;
    const code = rttCode(this.data, this.rttArea, this.rtts, b, s);
    return code === 0 ? -1 : srttOf(code) + 4 * rttvarOf(code);
  }

  /**
   * Writes into `out` the handles of the n live (not stale) contacts closest
   * to `target` (words at tAt); returns how many were written. Closest first
   * when `sorted`; in no particular order otherwise (replies and lookup seeds,
   * whose receivers sort anyway). How: table-closest.ts.
   */
  closest(target: Uint32Array, tAt: number, n: number, out: Uint32Array, exclude = -1, sorted = true): number {
    const selfAt = this.self * ID_WORDS;
    return closestContacts(this.data, this.base, this.block, this.k, this.buckets, this.maxDepth, this.peers.words, selfAt, target, tAt, n, out, exclude, sorted);
  }

  /** Every contact handle (stale ones included), bucket by bucket. For reports and tests. */
  contacts(): number[] {
    return listContacts(this.data, this.base, this.block, this.buckets);
  }

  /** Per-bucket view for reports and the REPL's state command. */
  describeBuckets(): Array<{ depth: number; contacts: number; replacements: number; stale: number }> {
    return describeBuckets(this.data, this.base, this.block, this.k, this.buckets);
  }

  replacementsOf(bucket: number): number[] {
    return listReplacements(this.data, this.base, this.block, this.buckets, this.replacementArea, bucket);
  }

  /** Prefix length of the bucket's range: bucket 0 at depth d holds every distance below 2^(160 − d). */
  bucketDepth(bucket: number): number {
    return this.data[this.base + bucket * this.block + HDR]! & 0xff;
  }

  bucketSize(bucket: number): number {
    return (this.data[this.base + bucket * this.block + HDR]! >>> 8) & 0xff;
  }

  // ---- refresh bookkeeping ----

  /** Records that a lookup for `target` ran at `nowSec` (seconds since the node's epoch). */
  touchBucketFor(target: Uint32Array, tAt: number, nowSec: number): void {
    const b = this.bucketForTarget(target, tAt);
    this.data[this.base + b * this.block + LAST] = nowSec >>> 0;
  }

  lastLookupSec(bucket: number): number {
    return this.data[this.base + bucket * this.block + LAST]!;
  }

  /** Writes a random ID inside bucket `bucket`'s range into out (words), using `rand32` for the free bits. */
  randomIdInBucket(bucket: number, out: Uint32Array, rand32: () => number): void {
    randomIdInBlock(this.data, this.base, this.block, this.buckets, bucket, this.peers.words, this.self * ID_WORDS, out, rand32);
  }

  /** Index of the bucket that holds the nearest known contact (the deepest non-empty one). */
  nearestBucket(): number {
    return nearestNonEmptyBucket(this.data, this.base, this.block, this.buckets);
  }

  // ---- growing ----

  /** Splits bucket `bucket` in two halves one level deeper, growing the region by what the upper half's block lacks. */
  protected split(bucket: number): void {
    const blk = this.block;
    const need = replacementsEnd(this.data, this.base, blk, this.buckets, this.replacementArea) - this.base + blk;
    // RTT_ROOM more: the entries of contacts that answer come soon after a split, and one resize serves both.
    if (need > this.capacity) this.grow(need + RTT_ROOM);
    const depth = splitBucket(this.data, this.base, blk, this.k, this.buckets, bucket, this.peers.words, this.self * ID_WORDS, this.rtts);
    if (depth > this.maxDepth) this.maxDepth = depth;
    this.buckets++;
  }

  /** Words of the table's region: its blocks, the RTT entries, the replacement runs and their spare room. */
  protected get capacity(): number {
    return regionWords(this.data, this.base);
  }

  /** Grows the region to `words` (a split's block, or room for replacements); data and base change. */
  protected grow(words: number): void {
    tableSlab.resize(this, words);
  }
}
