/**
 * The routing table of one node: k-buckets arranged as a binary tree over the
 * XOR distance from the node's own ID, stored in one Uint32Array.
 *
 * Contract: the table decides, the caller acts. `observe(peer)` returns what
 * the caller must do (nothing, or ping the least-recently-seen contact of a
 * full bucket); the caller reports the ping's outcome with `pingResult`.
 * The table never sends anything and never reads a clock: times are passed in.
 *
 * Buckets are ranges of distance [lo, lo + 2^(160 − depth)) kept sorted by lo,
 * so bucket 0 (lo = 0) always holds the own ID. A full bucket splits when it
 * holds the own ID, when its depth is not a multiple of b (accelerated
 * lookups), or when it overlaps the smallest subtree that holds the node's k
 * nearest neighbours (the paper's relaxation for unbalanced trees), so a node
 * always keeps all of its k nearest neighbours.
 *
 * The layout of one bucket block is in bucket-layout.ts.
 */
import { PeerIds } from './peers.js';
import { ID_BITS, ID_WORDS, compareWords } from './id.js';
import { FLAG_PINGING, HDR, LAST, LAST_PING, SLOTS, packRtt } from './bucket-layout.js';
import { addReplacement, appendContact, dropReplacement, findContact, firstStaleContact, moveContactToTail, removeContact, replaceContact } from './bucket-slots.js';
import { closestContacts } from './table-closest.js';
import { leadingZeros, nearestSubtreeDepth, splitBucket } from './table-split.js';
import { countContacts, describeBuckets, listContacts, listReplacements, nearestNonEmptyBucket, randomIdInBlock } from './table-views.js';

export interface RoutingTableOptions {
  /** Bucket capacity. */
  k: number;
  /** Replacement cache size per bucket. */
  replacements: number;
  /** Consecutive failures after which a contact is removed even with no replacement waiting. */
  maxFailures: number;
  /** Bits per routing step (accelerated lookups); 1 is plain Kademlia. */
  bitsPerStep: number;
  /**
   * A full bucket asks for an eviction ping at most once per this many
   * seconds (0: every time, as in the paper). Newcomers wait in the
   * replacement cache meanwhile; a join storm would otherwise be mostly pings.
   */
  pingIntervalSec?: number;
}

export const enum Observe {
  /** Added, refreshed or put into the replacement cache; nothing to do. */
  Done = 0,
  /** The bucket is full: ping `pingTarget` and report with pingResult. */
  Ping = 1,
  /** The peer is this node itself; ignored. */
  Self = 2,
}

// Scratch space shared by every table in the thread: the core is single-threaded
// and no method re-enters another, so one set of buffers serves all nodes.
const scratch = new Uint32Array(ID_WORDS * 4);
const D = 0; // distance of a peer from self
const T = ID_WORDS; // target distance from self

export class RoutingTable {
  readonly k: number;
  readonly r: number;
  readonly maxFailures: number;
  readonly b: number;
  readonly pingIntervalSec: number;
  private readonly block: number;
  private data: Uint32Array;
  private buckets = 1;
  /** Depth of the deepest bucket; closest() takes a one-word fast path while it is at most 32. */
  private maxDepth = 0;
  /** The handle ping-checked when Observe.Ping is returned. */
  pingTarget = -1;
  /** Cached depth of the smallest subtree holding the k nearest contacts (newcomer not counted); -1 = stale. */
  private nearDepth = -1;

  constructor(
    private readonly peers: PeerIds,
    readonly self: number,
    opts: RoutingTableOptions,
  ) {
    this.k = opts.k;
    this.r = opts.replacements;
    this.maxFailures = opts.maxFailures;
    this.b = opts.bitsPerStep;
    this.pingIntervalSec = opts.pingIntervalSec ?? 0;
    if (this.k < 1 || this.k > 255) throw new Error(`k must be 1..255, got ${this.k}`);
    if (this.r < 0 || this.r > 255) throw new Error(`the replacement cache holds 0..255 contacts, got ${this.r}`);
    this.block = SLOTS + 2 * this.k + this.r;
    this.data = new Uint32Array(this.block * 2);
    // Bucket 0: the whole space, depth 0.
  }

  get bucketCount(): number {
    return this.buckets;
  }

  /** Number of contacts in the table (stale ones included). */
  get size(): number {
    return countContacts(this.data, this.block, this.buckets);
  }

  /** Bytes held by this table's typed array (for the memory report). */
  get bytes(): number {
    return this.data.byteLength;
  }

  // ---- lookups into the table ----

  private distanceTo(handle: number, out: number): void {
    const ids = this.peers.words;
    const a = handle * ID_WORDS;
    const s = this.self * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) scratch[out + w] = (ids[a + w]! ^ ids[s + w]!) >>> 0;
  }

  /** Index of the bucket whose range holds distance scratch[at..]. */
  private bucketOf(at: number): number {
    let lo = 0;
    let hi = this.buckets - 1;
    const data = this.data;
    const blk = this.block;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareWords(data, mid * blk, scratch, at) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Bucket index for a target ID given as words (used to stamp refresh times). */
  bucketForTarget(target: Uint32Array, at: number): number {
    const ids = this.peers.words;
    const s = this.self * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) scratch[T + w] = (target[at + w]! ^ ids[s + w]!) >>> 0;
    return this.bucketOf(T);
  }

  has(handle: number): boolean {
    if (handle === this.self) return false;
    this.distanceTo(handle, D);
    return findContact(this.data, this.bucketOf(D) * this.block, handle) >= 0;
  }

  /** Failures in a row of a contact, or -1 when it is not in the table. */
  failuresOf(handle: number): number {
    this.distanceTo(handle, D);
    const b = this.bucketOf(D);
    const s = findContact(this.data, b * this.block, handle);
    return s < 0 ? -1 : this.data[b * this.block + SLOTS + this.k + s]! & 0xff;
  }

  /** Smoothed RTT and its variation in ms for a contact, or -1 when unknown. */
  rttOf(handle: number): { srtt: number; rttvar: number } | null {
    this.distanceTo(handle, D);
    const b = this.bucketOf(D);
    const s = findContact(this.data, b * this.block, handle);
    if (s < 0) return null;
    const meta = this.data[b * this.block + SLOTS + this.k + s]!;
    const srtt = (meta >>> 8) & 0xfff;
    if (srtt === 0) return null;
    return { srtt, rttvar: meta >>> 20 };
  }

  // ---- updates ----

  /**
   * The peer was heard from (any message). Moves it to the tail of its bucket,
   * adds it, splits, or caches it as a replacement. `rttMs` >= 0 feeds its RTT
   * estimate; `nowSec` (seconds since the node's epoch) paces eviction pings.
   */
  observe(handle: number, rttMs = -1, nowSec = 0): Observe {
    if (handle === this.self) return Observe.Self;
    this.distanceTo(handle, D);
    for (;;) {
      const bucket = this.bucketOf(D);
      const at = bucket * this.block;
      const hdrAt = at + HDR;
      const hdr = this.data[hdrAt]!;
      const count = (hdr >>> 8) & 0xff;
      const slot = findContact(this.data, at, handle);
      if (slot >= 0) {
        moveContactToTail(this.data, at, this.k, slot, rttMs);
        return Observe.Done;
      }
      if (count < this.k) {
        appendContact(this.data, at, this.k, handle, rttMs >= 0 ? packRtt(0, rttMs, rttMs / 2) : 0);
        this.nearDepth = -1;
        dropReplacement(this.data, at, this.k, handle);
        return Observe.Done;
      }
      if (this.canSplit(bucket)) {
        this.split(bucket);
        continue;
      }
      addReplacement(this.data, at, this.k, this.r, handle);
      // A stale contact gives way to the newcomer at once; otherwise ask the caller
      // to ping the least-recently-seen contact, unless a ping is already out.
      const staleSlot = firstStaleContact(this.data, at, this.k);
      if (staleSlot >= 0) {
        if (this.r === 0) { this.removeSlot(bucket, staleSlot); continue; } // no cache: free the slot, then add
        this.replaceSlot(bucket, staleSlot);
        return Observe.Done;
      }
      if ((hdr >>> 24) & FLAG_PINGING) return Observe.Done;
      const lastPingAt = at + LAST_PING;
      const lastPing = this.data[lastPingAt]!;
      if (lastPing !== 0 && nowSec + 1 - lastPing < this.pingIntervalSec) return Observe.Done;
      this.data[lastPingAt] = nowSec + 1;
      this.data[hdrAt] = this.data[hdrAt]! | (FLAG_PINGING << 24);
      this.pingTarget = this.data[at + SLOTS]!;
      return Observe.Ping;
    }
  }

  /** Outcome of the ping asked for by Observe.Ping (or of any request to this contact). */
  pingResult(handle: number, alive: boolean, rttMs = -1): void {
    this.distanceTo(handle, D);
    const bucket = this.bucketOf(D);
    const hdrAt = bucket * this.block + HDR;
    this.data[hdrAt] = this.data[hdrAt]! & ~(FLAG_PINGING << 24);
    if (alive) this.observe(handle, rttMs);
    else this.fail(handle);
  }

  /**
   * The contact did not answer. It is marked stale, replaced at once when a
   * replacement is waiting, and removed after maxFailures failures in a row,
   * so that packet loss alone does not empty buckets.
   */
  fail(handle: number): void {
    this.distanceTo(handle, D);
    const bucket = this.bucketOf(D);
    const at = bucket * this.block;
    const slot = findContact(this.data, at, handle);
    if (slot < 0) {
      dropReplacement(this.data, at, this.k, handle);
      return;
    }
    const metaAt = at + SLOTS + this.k + slot;
    const meta = this.data[metaAt]!;
    const fails = Math.min(255, (meta & 0xff) + 1);
    this.data[metaAt] = (meta & ~0xff) | fails;
    const replacements = (this.data[at + HDR]! >>> 16) & 0xff;
    if (replacements > 0) this.replaceSlot(bucket, slot);
    else if (fails >= this.maxFailures) this.removeSlot(bucket, slot);
  }

  remove(handle: number): void {
    this.distanceTo(handle, D);
    const bucket = this.bucketOf(D);
    const slot = findContact(this.data, bucket * this.block, handle);
    if (slot >= 0) {
      const replacements = (this.data[bucket * this.block + HDR]! >>> 16) & 0xff;
      if (replacements > 0) this.replaceSlot(bucket, slot);
      else this.removeSlot(bucket, slot);
    }
  }

  // Removing or replacing a contact can change who the k nearest are: the cached nearDepth goes stale.
  private removeSlot(bucket: number, slot: number): void {
    removeContact(this.data, bucket * this.block, this.k, slot);
    this.nearDepth = -1;
  }

  private replaceSlot(bucket: number, slot: number): void {
    replaceContact(this.data, bucket * this.block, this.k, slot);
    this.nearDepth = -1;
  }

  // ---- splitting ----

  private depthOf(bucket: number): number {
    return this.data[bucket * this.block + HDR]! & 0xff;
  }

  private canSplit(bucket: number): boolean {
    const depth = this.depthOf(bucket);
    if (depth >= ID_BITS) return false;
    if (bucket === 0) return true; // holds the own ID
    if (depth % this.b !== 0) return true; // accelerated lookups: b bits per step
    // Relaxed rule: split when the bucket lies inside the smallest subtree that holds
    // the k nearest neighbours (counting the newcomer in scratch[D]).
    // The newcomer can only deepen that subtree, so the cached depth without it is a cheap first test.
    const lz = leadingZeros(this.data, bucket * this.block);
    if (this.nearDepth < 0) this.nearDepth = this.nearestDepth(-1);
    if (lz < this.nearDepth) return false;
    return lz >= this.nearestDepth(leadingZeros(scratch, D));
  }

  private nearestDepth(newcomerZeros: number): number {
    return nearestSubtreeDepth(this.data, this.block, this.k, this.buckets, this.peers.words, this.self * ID_WORDS, newcomerZeros);
  }

  private split(bucket: number): void {
    const blk = this.block;
    if ((this.buckets + 1) * blk > this.data.length) {
      const grown = new Uint32Array(Math.max(this.data.length * 2, (this.buckets + 1) * blk));
      grown.set(this.data);
      this.data = grown;
    }
    const depth = splitBucket(this.data, blk, this.k, this.buckets, bucket, this.peers.words, this.self * ID_WORDS);
    if (depth > this.maxDepth) this.maxDepth = depth;
    this.buckets++;
  }

  // ---- queries ----

  /**
   * Writes into `out` the handles of the n live (not stale) contacts closest
   * to `target` (words at tAt); returns how many were written. Closest first
   * when `sorted`; in no particular order otherwise (replies and lookup seeds,
   * whose receivers sort anyway). How: table-closest.ts.
   */
  closest(target: Uint32Array, tAt: number, n: number, out: Uint32Array, exclude = -1, sorted = true): number {
    const selfAt = this.self * ID_WORDS;
    return closestContacts(this.data, this.block, this.k, this.buckets, this.maxDepth, this.peers.words, selfAt, target, tAt, n, out, exclude, sorted);
  }

  /** Every contact handle (stale ones included), bucket by bucket. For reports and tests. */
  contacts(): number[] {
    return listContacts(this.data, this.block, this.buckets);
  }

  /** Per-bucket view for reports and the REPL's state command. */
  describeBuckets(): Array<{ depth: number; contacts: number; replacements: number; stale: number }> {
    return describeBuckets(this.data, this.block, this.k, this.buckets);
  }

  replacementsOf(bucket: number): number[] {
    return listReplacements(this.data, bucket * this.block, this.k);
  }

  // ---- refresh bookkeeping ----

  /** Records that a lookup for `target` ran at `nowSec` (seconds since the node's epoch). */
  touchBucketFor(target: Uint32Array, tAt: number, nowSec: number): void {
    const b = this.bucketForTarget(target, tAt);
    this.data[b * this.block + LAST] = nowSec >>> 0;
  }

  lastLookupSec(bucket: number): number {
    return this.data[bucket * this.block + LAST]!;
  }

  /** Writes a random ID inside bucket `bucket`'s range into out (words), using `rand32` for the free bits. */
  randomIdInBucket(bucket: number, out: Uint32Array, rand32: () => number): void {
    randomIdInBlock(this.data, bucket * this.block, this.peers.words, this.self * ID_WORDS, out, rand32);
  }

  /** Index of the bucket that holds the nearest known contact (the deepest non-empty one). */
  nearestBucket(): number {
    return nearestNonEmptyBucket(this.data, this.block, this.buckets);
  }

  bucketSize(bucket: number): number {
    return (this.data[bucket * this.block + HDR]! >>> 8) & 0xff;
  }
}
