/**
 * The routing table of one node: Kademlia's rules for who gets a slot in the
 * k-buckets that BucketTree (bucket-tree.ts) stores.
 *
 * Contract: the table decides, the caller acts. `observe(peer)` returns what
 * the caller must do (nothing, or ping the least-recently-seen contact of a
 * full bucket); the caller reports the ping's outcome with `pingResult`.
 * The table never sends anything and never reads a clock: times are passed in.
 *
 * A full bucket splits when it holds the own ID, when its depth is not a
 * multiple of b (accelerated lookups), or when it overlaps the smallest
 * subtree that holds the node's k nearest neighbours (the paper's relaxation
 * for unbalanced trees), so a node always keeps all of its k nearest
 * neighbours. Otherwise the newcomer waits in the replacement cache, and a
 * stale contact gives way to it or the oldest contact is pinged.
 */
import type { PeerIds } from './peers.js';
import { ID_BITS, ID_WORDS } from './id.js';
import { FAILS_SHIFT, FLAG_PINGING, FLAG_STALE, HANDLE_MASK, HDR, LAST_PING, SLOTS, packRtt, updateRtt } from './bucket-layout.js';
import { appendContact, findContact, firstStaleContact, moveContactToTail, removeContact, replaceContact } from './bucket-slots.js';
import { BucketTree } from './bucket-tree.js';
import { ADMIT, REFUSE, admission, type AdmissionLimits } from './table-admission.js';
import { REPLACEMENT_ROOM, addReplacement, dropReplacement, replacementsEnd, takeNewestReplacement } from './table-replacements.js';
import { RTT_ROOM, addRtt, rttCodeAt, rttMoved, rttRemoved, setRttCode } from './table-rtts.js';
import { shapeFor, type RoutingTableOptions } from './table-shape.js';
import { loLeadingZeros, nearestSubtreeDepth } from './table-split.js';

export type { RoutingTableOptions } from './table-shape.js';

export const enum Observe {
  /** Added, refreshed or put into the replacement cache; nothing to do. */
  Done = 0,
  /** The bucket is full: ping `pingTarget` and report with pingResult. */
  Ping = 1,
  /** The peer is this node itself (its handle, or its ID under another address); ignored. */
  Self = 2,
  /** Refused: its ID is a live contact's under another handle, or its IP or subnet is full (table-admission.ts). */
  Refused = 3,
}

/**
 * The contact the last Observe.Ping names. One for the thread, not a field per table (8 bytes
 * each): the caller reads it right after observe() returns, and the core is single-threaded.
 */
let pingTarget = -1;

export class RoutingTable extends BucketTree {
  /** The handle to ping-check when observe() returned Observe.Ping; read it before the next observe(). */
  get pingTarget(): number {
    return pingTarget;
  }

  /** True when the last observe() put the peer into a bucket it was not in (hand-over to new nodes reads it). Bit 24 of `small`. */
  get added(): boolean {
    return (this.small & (1 << 24)) !== 0;
  }

  private set added(v: boolean) {
    this.small = v ? this.small | (1 << 24) : this.small & ~(1 << 24);
  }

  /** Cached depth of the smallest subtree holding the k nearest contacts (newcomer not counted); -1 = stale. Bits 16–23 of `small`, plus one. */
  private get nearDepth(): number {
    return ((this.small >>> 16) & 0xff) - 1;
  }

  private set nearDepth(d: number) {
    this.small = (this.small & ~0xff0000) | ((d + 1) << 16);
  }

  constructor(peers: PeerIds, self: number, opts: RoutingTableOptions) {
    super(shapeFor(peers, opts), self);
  }

  get maxFailures(): number {
    return this.shape.maxFailures;
  }

  get b(): number {
    return this.shape.b;
  }

  get pingIntervalSec(): number {
    return this.shape.pingIntervalSec;
  }

  private get limits(): AdmissionLimits {
    return this.shape.limits;
  }

  // ---- updates ----

  /**
   * The peer was heard from (any message). Moves it to the tail of its bucket,
   * adds it, splits, or caches it as a replacement. `rttMs` >= 0 feeds its RTT
   * estimate; `nowSec` (seconds since the node's epoch) paces eviction pings.
   */
  observe(handle: number, rttMs = -1, nowSec = 0): Observe {
    this.added = false;
    if (handle === this.self) return Observe.Self;
    this.measure(handle);
    const peers = this.peers;
    // Distance 0: our own ID at another address (only where handles may repeat IDs).
    if (peers.repeatsIds && this.measuredPrefix() === ID_BITS) return Observe.Self;
    // The swarm's tables (unique IDs, no groups) skip the admission rules altogether.
    let admitted = !peers.repeatsIds && peers.groups === null && peers.idCheck === null;
    for (;;) {
      const bucket = this.measuredBucket();
      const at = this.base + bucket * this.block;
      const slot = findContact(this.data, at, handle);
      if (slot >= 0) {
        moveContactToTail(this.data, at, this.k, slot);
        if (this.rtts > 0 || rttMs >= 0) this.movedRtt(bucket, slot, rttMs);
        return Observe.Done;
      }
      if (!admitted) {
        const verdict = admission(this.data, this.base, this.block, this.k, this.buckets, this.replacementArea, bucket, this.peers, handle, this.limits);
        if (verdict === REFUSE) return Observe.Refused;
        if (verdict !== ADMIT) {
          this.remove(verdict); // a stale contact gives way; it may sit in another bucket
          this.measure(handle);
          continue;
        }
        admitted = true;
      }
      const hdrAt = at + HDR;
      const hdr = this.data[hdrAt]!;
      const count = (hdr >>> 8) & 0xff;
      if (count < this.k) {
        if (handle > HANDLE_MASK) throw new Error(`a routing table addresses at most 2^24 peers; handle ${handle} is beyond`);
        appendContact(this.data, at, this.k, handle);
        if (rttMs >= 0) this.addRtt(bucket, count, packRtt(rttMs, rttMs / 2));
        this.nearDepth = -1;
        this.added = true;
        dropReplacement(this.data, this.base, this.block, this.buckets, this.replacementArea, bucket, handle);
        return Observe.Done;
      }
      if (this.canSplit(bucket)) {
        this.split(bucket);
        continue;
      }
      if (this.r > 0 && !addReplacement(this.data, this.base, this.block, this.buckets, this.replacementArea, bucket, this.r, handle, this.base + this.capacity)) {
        this.grow(this.capacity + REPLACEMENT_ROOM);
        addReplacement(this.data, this.base, this.block, this.buckets, this.replacementArea, bucket, this.r, handle, this.base + this.capacity);
      }
      const at2 = this.base + bucket * this.block; // the region may have moved (table-slab.ts)
      // A stale contact gives way to the newcomer at once; otherwise ask the caller
      // to ping the least-recently-seen contact, unless a ping is already out.
      const staleSlot = firstStaleContact(this.data, at2, this.k);
      if (staleSlot >= 0) {
        if (this.r === 0) { this.removeSlot(bucket, staleSlot); continue; } // no cache: free the slot, then add
        this.replaceSlot(bucket, staleSlot); // the newest replacement: the newcomer
        this.added = true;
        return Observe.Done;
      }
      if ((hdr >>> 24) & FLAG_PINGING) return Observe.Done;
      const lastPingAt = at2 + LAST_PING;
      const lastPing = this.data[lastPingAt]!;
      if (lastPing !== 0 && nowSec + 1 - lastPing < this.pingIntervalSec) return Observe.Done;
      this.data[lastPingAt] = nowSec + 1;
      this.data[at2 + HDR] = this.data[at2 + HDR]! | (FLAG_PINGING << 24);
      pingTarget = this.data[at2 + SLOTS]! & HANDLE_MASK;
      return Observe.Ping;
    }
  }

  /** Outcome of the ping asked for by Observe.Ping (or of any request to this contact). */
  pingResult(handle: number, alive: boolean, rttMs = -1): void {
    this.measure(handle);
    const bucket = this.measuredBucket();
    const hdrAt = this.base + bucket * this.block + HDR;
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
    this.measure(handle);
    const bucket = this.measuredBucket();
    const at = this.base + bucket * this.block;
    const slot = findContact(this.data, at, handle);
    if (slot < 0) {
      dropReplacement(this.data, this.base, this.block, this.buckets, this.replacementArea, bucket, handle);
      return;
    }
    const slotAt = at + SLOTS + slot;
    const word = this.data[slotAt]!;
    const fails = Math.min(255, (word >>> FAILS_SHIFT) + 1);
    this.data[slotAt] = ((word & HANDLE_MASK) | (fails << FAILS_SHIFT)) >>> 0;
    this.data[at + HDR] = (this.data[at + HDR]! | (FLAG_STALE << 24)) >>> 0;
    const replacements = (this.data[at + HDR]! >>> 16) & 0xff;
    if (replacements > 0) this.replaceSlot(bucket, slot);
    else if (fails >= this.maxFailures) this.removeSlot(bucket, slot);
  }

  remove(handle: number): void {
    this.measure(handle);
    const bucket = this.measuredBucket();
    const at = this.base + bucket * this.block;
    const slot = findContact(this.data, at, handle);
    if (slot >= 0) {
      const replacements = (this.data[at + HDR]! >>> 16) & 0xff;
      if (replacements > 0) this.replaceSlot(bucket, slot);
      else this.removeSlot(bucket, slot);
    }
  }

  // Removing or replacing a contact can change who the k nearest are: the cached nearDepth goes stale.
  private removeSlot(bucket: number, slot: number): void {
    removeContact(this.data, this.base + bucket * this.block, this.k, slot);
    this.removedRtt(bucket, slot);
    this.nearDepth = -1;
  }

  /** The bucket's newest replacement takes the contact's place (with no RTT yet); the cache must not be empty. */
  private replaceSlot(bucket: number, slot: number): void {
    const handle = takeNewestReplacement(this.data, this.base, this.block, this.buckets, this.replacementArea, bucket);
    replaceContact(this.data, this.base + bucket * this.block, this.k, slot, handle);
    this.removedRtt(bucket, slot);
    this.nearDepth = -1;
  }

  // ---- RTT entries (table-rtts.ts): they follow their contacts' slots ----

  /** The contact in `slot` moved to its bucket's tail; feeds its estimate with `rttMs` if >= 0. */
  private movedRtt(bucket: number, slot: number, rttMs: number): void {
    const last = ((this.data[this.base + bucket * this.block + HDR]! >>> 8) & 0xff) - 1;
    if (rttMs < 0 && slot === last) return; // the tail already: no entry moves
    const i = rttMoved(this.data, this.rttArea, this.rtts, bucket, slot, last);
    if (rttMs < 0) return;
    if (i >= 0) setRttCode(this.data, this.rttArea, i, updateRtt(rttCodeAt(this.data, this.rttArea, i), rttMs));
    else this.addRtt(bucket, last, updateRtt(0, rttMs));
  }

  /** Gives slot `slot` of `bucket`, which has no estimate, the RTT code `code`, growing the region if it is full. */
  private addRtt(bucket: number, slot: number, code: number): void {
    let end = replacementsEnd(this.data, this.base, this.block, this.buckets, this.replacementArea);
    if (end >= this.base + this.capacity) {
      this.grow(this.capacity + RTT_ROOM);
      end = replacementsEnd(this.data, this.base, this.block, this.buckets, this.replacementArea);
    }
    addRtt(this.data, this.rttArea, this.rtts, bucket, slot, code, end);
    this.rtts++;
  }

  /** The contact in `slot` left `bucket` (those after it moved down one): its estimate goes. */
  private removedRtt(bucket: number, slot: number): void {
    if (this.rtts === 0) return;
    const end = replacementsEnd(this.data, this.base, this.block, this.buckets, this.replacementArea);
    this.rtts += rttRemoved(this.data, this.rttArea, this.rtts, bucket, slot, end);
  }

  // ---- splitting ----

  private canSplit(bucket: number): boolean {
    const depth = this.data[this.base + bucket * this.block + HDR]! & 0xff;
    if (depth >= ID_BITS) return false;
    if (bucket === 0) return true; // holds the own ID
    if (depth % this.b !== 0) return true; // accelerated lookups: b bits per step
    // Relaxed rule: split when the bucket lies inside the smallest subtree that holds
    // the k nearest neighbours (counting the newcomer, the peer last measured).
    // The newcomer can only deepen that subtree, so the cached depth without it is a cheap first test.
    const lz = loLeadingZeros(this.data, this.base, this.block, this.buckets, bucket);
    if (this.nearDepth < 0) this.nearDepth = this.nearestDepth(-1);
    if (lz < this.nearDepth) return false;
    return lz >= this.nearestDepth(this.measuredPrefix());
  }

  private nearestDepth(newcomerZeros: number): number {
    return nearestSubtreeDepth(this.data, this.base, this.block, this.k, this.buckets, this.peers.words, this.self * ID_WORDS, newcomerZeros);
  }
}
