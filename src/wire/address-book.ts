/**
 * Contacts for UDP: interns (ID, address) pairs into handles. The ID table is
 * the PeerIds the core reads; addresses sit beside it in one byte array of
 * fixed 19-byte slots (a tagged address, as on the wire), so a peer costs
 * 20 + 19 bytes, a few words of bookkeeping and its Map entry, not an object.
 *
 * Bounded and reusable. The book holds at most `capacity` peers (default
 * 65,536) and never grows past it. When it is full, a new pair takes the slot
 * of the least recently used peer that nothing refers to: the `referee` (the
 * node's core: its routing table, replacement cache, pending requests and
 * running lookups) is asked before a handle is reclaimed, so a peer the core
 * still uses, a verified one, is never evicted; an unverified stranger that
 * only sent us something may be. Handles touched since the last
 * `beginBatch()` (the sender and contacts of the datagram being handled) are
 * not reclaimed either, so interning the 20th contact of a reply cannot evict
 * the 1st. Without a referee nothing counts as referenced but the batch.
 *
 * Generations: every reclaim bumps the slot's generation, so a holder outside
 * the core that kept (handle, generationOf(handle)) can tell with `isCurrent`
 * that the handle now names another peer. Handle 0 (the local node) is never
 * reclaimed.
 */
import { ID_BYTES, ID_WORDS } from '../core/id.js';
import { PeerIds } from '../core/peers.js';
import { AddressTag, addressBodyBytes, MAX_ADDRESS_BYTES, MAX_CONTACT_BYTES, readAddress, writeAddress, type Address } from './address.js';
import { writeIdFromWords, type ContactReader, type ContactWriter } from './contacts.js';
import { LruOrder } from './lru-order.js';

export const DEFAULT_ADDRESS_BOOK_CAPACITY = 65_536;
const SLOT = MAX_ADDRESS_BYTES;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function fnv(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h;
}

/** Whoever holds handles the book must not reclaim (the node's core: KadNode.isReferenced). */
export interface HandleReferee {
  isReferenced(handle: number): boolean;
  /** The handle now names another peer: drop what was known of the old one (its verification). */
  forget(handle: number): void;
}

export class AddressBook extends PeerIds implements ContactWriter, ContactReader {
  readonly capacity: number;
  /** Asked before a handle is reclaimed; set by the host once the core exists. */
  referee: HandleReferee | null = null;
  /** Peers whose slot was given to another (LRU reclaims). */
  reclaimed = 0;
  /** Pairs refused because every slot was referenced or in the current batch. */
  refused = 0;
  private addresses: Uint8Array;
  private generations: Uint32Array;
  /** Batch in which each handle was last touched (see beginBatch). */
  private stamps: Uint32Array;
  private batch = 1;
  private readonly lru: LruOrder;
  /** Key: hex of the contact as on the wire (ID, tag, address body). */
  private readonly handles = new Map<string, number>();
  private readonly scratch = new Uint8Array(MAX_CONTACT_BYTES);
  /** The reclaimed peer's contact is rebuilt here: `scratch` may hold the pair being interned. */
  private readonly evicted = new Uint8Array(MAX_CONTACT_BYTES);

  constructor(localId: Uint8Array, localAddress: Address, capacity = DEFAULT_ADDRESS_BOOK_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer of at least 2 (the local node and one peer), got ${capacity}`);
    const initial = Math.min(capacity, 64);
    super(initial);
    this.capacity = capacity;
    this.addresses = new Uint8Array(initial * SLOT);
    this.generations = new Uint32Array(initial);
    this.stamps = new Uint32Array(initial);
    this.lru = new LruOrder(initial);
    // touch() leaves handle 0 out of the LRU order: the local node is never reclaimed.
    if (this.handleFor(localId, localAddress) !== 0) throw new Error('the local node must be handle 0');
  }

  /** Peers held, the local node included (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /**
   * Starts a new batch: what is touched from now on (one datagram's sender and contacts) is not
   * reclaimed until the next batch begins.
   */
  beginBatch(): void {
    this.batch = (this.batch + 1) >>> 0 || 1;
  }

  /** The handle of (id, address), interning the pair if new (maybe in a reclaimed slot); -1 when nothing can be reclaimed. */
  handleFor(id: Uint8Array, address: Address): number {
    const end = this.stage(id, address);
    return this.intern(this.scratch, 0, end);
  }

  /** The handle of (id, address) if the book holds the pair, else -1; interns nothing, touches nothing. */
  find(id: Uint8Array, address: Address): number {
    const end = this.stage(id, address);
    return this.handles.get(keyOf(this.scratch, 0, end)) ?? -1;
  }

  /** Marks a held peer as just used (heard from): the last to be reclaimed. */
  touch(handle: number): void {
    if (handle === 0 || !(handle < this.count)) return;
    this.lru.touch(handle);
    this.stamps[handle] = this.batch;
  }

  /** Bumped each time the slot is given to another peer. */
  generationOf(handle: number): number {
    return this.generations[handle] ?? 0;
  }

  /** True while `handle` still names the peer it named when its generation was `generation`. */
  isCurrent(handle: number, generation: number): boolean {
    return handle < this.count && this.generations[handle] === generation;
  }

  /** FNV-1a of the peer's tagged address (IP and port): the key its write tokens are bound to. */
  override addressKey(handle: number): number {
    const from = handle * SLOT;
    return fnv(this.addresses, from, from + 1 + addressBodyBytes(this.addresses[from]!));
  }

  /**
   * The peer's quota group: FNV-1a of its tag and network prefix, /24 for IPv4 and /64 for
   * IPv6 (OpenDHT and libtorrent count per network, as one host often holds a whole prefix).
   */
  override groupKey(handle: number): number {
    const from = handle * SLOT;
    const tag = this.addresses[from]!;
    return fnv(this.addresses, from, from + 1 + (tag === AddressTag.IPv4 ? 3 : tag === AddressTag.IPv6 ? 8 : 4));
  }

  addressOf(handle: number): Address {
    if (!(handle < this.count)) throw new RangeError(`unknown handle ${handle}`);
    return readAddress(this.addresses, handle * SLOT)!;
  }

  writeContact(handle: number, out: Uint8Array, at: number): number {
    if (!(handle < this.count)) throw new RangeError(`unknown handle ${handle}`);
    writeIdFromWords(this.words, handle * ID_WORDS, out, at);
    const from = handle * SLOT;
    const end = from + 1 + addressBodyBytes(this.addresses[from]!);
    out.set(this.addresses.subarray(from, end), at + ID_BYTES);
    return at + ID_BYTES + (end - from);
  }

  /** Accepts IP contacts only: a swarm index means nothing over UDP, and port 0 cannot be sent to. */
  readContact(bytes: Uint8Array, at: number, tag: AddressTag): number {
    if (tag === AddressTag.Index) return -1;
    const end = at + ID_BYTES + 1 + addressBodyBytes(tag);
    if (bytes[end - 2] === 0 && bytes[end - 1] === 0) return -1;
    return this.intern(bytes, at, end);
  }

  /** Writes (id, address) as on the wire into scratch; returns its end. */
  private stage(id: Uint8Array, address: Address): number {
    if (id.length !== ID_BYTES) throw new RangeError('an ID is 20 bytes');
    this.scratch.set(id, 0);
    return writeAddress(address, this.scratch, ID_BYTES);
  }

  private intern(bytes: Uint8Array, at: number, end: number): number {
    const key = keyOf(bytes, at, end);
    const known = this.handles.get(key);
    if (known !== undefined) {
      this.touch(known);
      return known;
    }
    let handle: number;
    if (this.count < this.capacity) {
      handle = this.count;
      this.grow(handle + 1);
    } else {
      handle = this.reclaim();
      if (handle < 0) {
        this.refused++;
        return -1;
      }
    }
    this.setId(handle, bytes.subarray(at, at + ID_BYTES));
    this.addresses.set(bytes.subarray(at + ID_BYTES, end), handle * SLOT);
    this.handles.set(key, handle);
    this.touch(handle);
    return handle;
  }

  /**
   * Frees the least recently used handle nothing refers to, or -1. Referenced or current-batch
   * handles met on the way become the newest (a second chance), so each visit moves the scan on
   * and a full pass ends it: the cost is O(1) per reclaim unless nearly every peer is referenced.
   */
  private reclaim(): number {
    for (let tries = this.lru.size; tries > 0; tries--) {
      const h = this.lru.oldest;
      if (this.stamps[h] === this.batch || this.referee?.isReferenced(h)) {
        this.lru.touch(h);
        continue;
      }
      this.lru.unlink(h);
      const end = this.writeContact(h, this.evicted, 0);
      this.handles.delete(keyOf(this.evicted, 0, end));
      this.generations[h] = (this.generations[h]! + 1) >>> 0;
      this.referee?.forget(h);
      this.reclaimed++;
      return h;
    }
    return -1;
  }

  /** Room for `n` handles in every per-handle array (doubling, up to capacity). */
  private grow(n: number): void {
    if (n <= this.generations.length) return;
    const size = Math.min(this.capacity, Math.max(n, this.generations.length * 2));
    const addresses = new Uint8Array(size * SLOT);
    addresses.set(this.addresses);
    this.addresses = addresses;
    const generations = new Uint32Array(size);
    generations.set(this.generations);
    this.generations = generations;
    const stamps = new Uint32Array(size);
    stamps.set(this.stamps);
    this.stamps = stamps;
    this.lru.ensure(size);
    this.ensure(size);
  }
}

function keyOf(bytes: Uint8Array, at: number, end: number): string {
  let key = '';
  for (let i = at; i < end; i++) key += HEX[bytes[i]!];
  return key;
}
