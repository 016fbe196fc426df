/**
 * Peers are u32 handles. The core never stores a contact as an object: a
 * routing-table slot, a lookup candidate or a pending request holds a handle,
 * and the handle's ID lives in a PeerIds table owned by the host.
 *
 * - The swarm uses one table per shard with handle = global node index, so a
 *   contact costs four bytes.
 * - The UDP node interns (ID, address) pairs into an AddressBook that extends
 *   this table.
 *
 * `words` may be replaced by a larger array when the table grows, so the core
 * reads it through the object every time instead of keeping a reference.
 */
import { ID_WORDS, writeIdWords, readIdBytes } from './id.js';

/** A host-installed ID rule (id-check.ts IdCheck): 0 when `handle`'s ID is legitimate, else the fault. */
export interface IdRule {
  fault(handle: number): number;
}

export class PeerIds {
  words: Uint32Array;
  /** Number of handles in use (0 … count−1). */
  count = 0;
  /**
   * IP-diversity keys the host sets per handle (setGroup): [ip key, subnet key] for each, 0 =
   * none. Null until the first is set: the swarm never sets any, and its tables are not limited.
   */
  groups: Uint32Array | null = null;
  /**
   * True when two handles may hold one ID: a host that interns (ID, address) pairs (the UDP
   * address book) sets it, and the routing table then refuses a second handle with the ID of a
   * live contact. False for the swarm's one-handle-per-node tables, which skip that scan.
   */
  repeatsIds = false;
  /**
   * The ID defences (id-check.ts: BEP 42, the static puzzle), when the host installed them: a
   * handle whose ID fails gets no table slot and no shortlist place. Null: every ID is taken.
   */
  idCheck: IdRule | null = null;

  constructor(capacity = 64) {
    this.words = new Uint32Array(Math.max(1, capacity) * ID_WORDS);
  }

  /** A table over existing words (e.g. a SharedArrayBuffer every shard reads), holding `count` IDs. */
  static over(words: Uint32Array, count: number): PeerIds {
    const t = new PeerIds(1);
    t.words = words;
    t.count = count;
    return t;
  }

  /** Sets the ID of `handle`, growing the table if needed. */
  setId(handle: number, id: Uint8Array): void {
    this.ensure(handle + 1);
    writeIdWords(id, this.words, handle * ID_WORDS);
    if (handle >= this.count) this.count = handle + 1;
  }

  /**
   * A dense u32 key for the peer's address, mixed into its write tokens (write-tokens.ts). The
   * swarm's handle is its node index and its address; the UDP AddressBook hashes IP and port.
   */
  addressKey(handle: number): number {
    return handle;
  }

  /**
   * The peer's quota group (records.ts): peers behind one network share one share of a store.
   * The swarm's nodes are one each; the UDP AddressBook hashes the /24 (IPv4) or /64 (IPv6).
   */
  groupKey(handle: number): number {
    return handle;
  }

  idOf(handle: number): Uint8Array {
    return readIdBytes(this.words, handle * ID_WORDS);
  }

  /** True when the ID stored for `handle` equals `id` (bytes). */
  hasId(handle: number, id: Uint8Array): boolean {
    if (handle >= this.count) return false;
    const w = this.words;
    const at = handle * ID_WORDS;
    for (let i = 0; i < ID_WORDS; i++) {
      const b = i * 4;
      const v = ((id[b]! << 24) | (id[b + 1]! << 16) | (id[b + 2]! << 8) | id[b + 3]!) >>> 0;
      if (w[at + i] !== v) return false;
    }
    return true;
  }

  /**
   * The network group of `handle` for the table's diversity limits: dense non-zero numbers for
   * its IP and its subnet (/24, /64); handles with equal numbers share the IP or the subnet.
   */
  setGroup(handle: number, ip: number, subnet: number): void {
    let g = this.groups;
    if (g === null || 2 * handle + 1 >= g.length) {
      let size = g ? g.length : 128;
      while (size <= 2 * handle + 1) size *= 2;
      const grown = new Uint32Array(size);
      if (g) grown.set(g);
      this.groups = g = grown;
    }
    g[2 * handle] = ip >>> 0;
    g[2 * handle + 1] = subnet >>> 0;
  }

  /** True when handles `a` and `b` hold the same ID (two addresses claiming one ID over UDP). */
  sameId(a: number, b: number): boolean {
    if (a >= this.count || b >= this.count) return false;
    const w = this.words;
    const x = a * ID_WORDS;
    const y = b * ID_WORDS;
    for (let i = 0; i < ID_WORDS; i++) if (w[x + i] !== w[y + i]) return false;
    return true;
  }

  protected ensure(handles: number): void {
    const need = handles * ID_WORDS;
    if (need <= this.words.length) return;
    let size = this.words.length;
    while (size < need) size *= 2;
    const grown = new Uint32Array(size);
    grown.set(this.words);
    this.words = grown;
  }
}
