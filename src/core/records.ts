/**
 * The records one node holds, and the quotas that keep one peer from filling them.
 *
 * What may replace what (so a key cannot be hijacked, see answers.ts for the checks before):
 * - unsigned onto unsigned: never a different value — the first stays until it expires; the
 *   same value refreshes it (expiry, storedAt, the higher version). A max-version STORE from
 *   an attacker is therefore just a conflict, and the owner's republish still refreshes;
 * - signed onto signed (same key ⇒ same publisher key and salt): only a higher seq;
 * - signed onto unsigned: a verified signed record wins, since its key is SHA-1(public key ‖
 *   salt) and an unsigned value under it can only be a squatter;
 * - unsigned onto signed: never.
 *
 * Quotas (OpenDHT's policy, per node): at most `maxRecords` records and `maxBytes` bytes
 * (recordBytes: key, value, signature parts and a fixed per-record overhead); each quota group
 * — the host's group key for the sender (/24 IPv4, /64 IPv6; the node index in the swarm), or
 * a signed record's publisher key — may hold `sourceShare` of either. A full store evicts the
 * oldest record of the group holding the most bytes. A STORE of a record already held
 * (replication, refresh) costs nothing. The store's order is arrival order, so the first record
 * of a group is its oldest.
 *
 * Where the bytes live: in a RecordSpace (record-space.ts) — rows of integers over interned
 * key ‖ value bytes — which the host may share between the nodes of one thread (the swarm's
 * shard does: the k replicas of a put in one shard hold its bytes once); by default each store
 * makes its own. Records are found by key bytes (a hash of them), not by a key string.
 */
import type { SignedPart } from './messages.js';
import { RecordSpace, keyHash } from './record-space.js';
import { StoreOutcome, keyBytes, recordBytes, type RecordsView, type StoreLimits, type StoredRecord, type Usage } from './record-types.js';

export { COPY_METADATA_BYTES, RECORD_OVERHEAD_BYTES, StoreOutcome, keyString, recordBytes, storeLimits } from './record-types.js';
export type { RecordsView, StoreLimits, StoredRecord, Usage } from './record-types.js';

export class RecordStore {
  readonly limits: StoreLimits;
  /** Records evicted to make room, since the store was made. */
  evicted = 0;
  readonly space: RecordSpace;
  private readonly owner: number;
  private head = -1;
  private tail = -1;
  private count = 0;
  private totalBytes = 0;
  /**
   * Whether per-group usage is kept (in the space's usage rows). A group can only be over its
   * share once the whole store is past that share, and eviction only happens past it too, so
   * below it nothing is kept (a swarm node's 20 copies from 20 senders cost no usage rows); the
   * first insert past it counts the records held once and keeps the rows from then on.
   */
  private tracking = false;

  /** A number is maxRecords alone (no byte cap, no share). `space`: where the rows live (a fresh one by default). */
  constructor(limits: StoreLimits | number, space: RecordSpace = new RecordSpace()) {
    this.limits = typeof limits === 'number' ? { maxRecords: limits, maxBytes: Infinity, sourceShare: 1 } : limits;
    this.space = space;
    this.owner = space.newOwner();
  }

  get size(): number {
    return this.count;
  }

  /** Bytes charged for the records held (recordBytes summed); never above limits.maxBytes. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Records and bytes charged to `group`. */
  usageOf(group: number): Usage {
    if (this.tracking) return { records: this.space.usageRecords(this.owner, group), bytes: this.space.usageBytes(this.owner, group) };
    const use = { records: 0, bytes: 0 };
    for (let c = this.head; c >= 0; c = this.space.nextOf(c)) {
      if (this.space.groupOf(c) !== group) continue;
      use.records++;
      use.bytes += this.space.chargedBytes(c);
    }
    return use;
  }

  /** Starts keeping per-group usage: charges every record held once. */
  private track(): void {
    if (this.tracking) return;
    this.tracking = true;
    for (let c = this.head; c >= 0; c = this.space.nextOf(c)) this.space.charge(this.owner, this.space.groupOf(c), 1, this.space.chargedBytes(c));
  }

  // ---- rows: iterate with `for (let c = store.first(); c >= 0; c = store.next(c))` (take next before removing)

  first(): number {
    return this.head;
  }
  next(c: number): number {
    return this.space.nextOf(c);
  }

  /** The live copy of key (its row), or -1; an expired one is removed on the way. */
  find(key: Uint8Array, now: number): number {
    const c = this.space.find(this.owner, key, keyHash(key));
    if (c >= 0 && this.space.expiresAt(c) <= now) {
      this.remove(c);
      return -1;
    }
    return c;
  }

  /** Row c as a plain object. */
  recordAt(c: number): StoredRecord {
    return this.space.recordOf(c);
  }

  /** The live record for key (a key string, see keyString), or undefined (expired ones are removed on the way). */
  get(k: string, now: number): StoredRecord | undefined {
    const c = this.find(keyBytes(k), now);
    return c < 0 ? undefined : this.recordAt(c);
  }

  /** The records by key string, in arrival order (materialised on read). */
  get map(): RecordsView {
    const store = this;
    return {
      get size() {
        return store.count;
      },
      has: (k) => store.space.find(store.owner, keyBytes(k)) >= 0,
      get: (k) => {
        const c = store.space.find(store.owner, keyBytes(k));
        return c < 0 ? undefined : store.recordAt(c);
      },
      *values() {
        for (let c = store.head; c >= 0; ) {
          const n = store.space.nextOf(c);
          yield store.recordAt(c);
          c = n;
        }
      },
    };
  }

  /**
   * Stores or refuses one record (see the file comment for the rules). `group` is the quota
   * group of the sender; a signed record is charged to `signedGroup` (its publisher) instead.
   * A signed record must have been verified by the caller.
   */
  put(
    key: Uint8Array,
    value: Uint8Array,
    version: number,
    expiresAt: number,
    cached: boolean,
    now: number,
    group = 0,
    signed: SignedPart | null = null,
    signedGroup = group,
  ): StoreOutcome {
    const old = this.find(key, now);
    const charge = signed ? signedGroup : group;
    if (old >= 0) {
      const sp = this.space;
      const oldVersion = sp.version(old);
      if (sp.signedOf(old)) {
        if (!signed) return StoreOutcome.Conflict;
        if (version < oldVersion || (version === oldVersion && !sp.sameValue(old, value))) return StoreOutcome.OlderVersion;
        if (version === oldVersion) return this.refresh(old, version, expiresAt, cached, now);
      } else if (!signed) {
        if (!sp.sameValue(old, value)) return StoreOutcome.Conflict;
        return this.refresh(old, version, expiresAt, cached, now);
      }
      // A newer signed record, or a signed one onto an unsigned squatter: it takes the place.
      const wasCached = sp.cached(old);
      this.remove(old);
      return this.insert(key, value, version, expiresAt, cached && wasCached, now, charge, signed, true);
    }
    return this.insert(key, value, version, expiresAt, cached, now, charge, signed, false);
  }

  /** Removes expired records; returns the earliest expiry left (Infinity when empty). */
  sweep(now: number): number {
    let next = Infinity;
    const sp = this.space;
    for (let c = this.head; c >= 0; ) {
      const n = sp.nextOf(c);
      const t = sp.expiresAt(c);
      if (t <= now) this.remove(c);
      else if (t < next) next = t;
      c = n;
    }
    return next;
  }

  /** Drops every record (a node replaced by a fresh one gives its rows back to a shared space). */
  clear(): void {
    while (this.head >= 0) this.remove(this.head);
  }

  /** Marks row c as just STOREd (replication skips it for an interval). */
  touch(c: number, now: number): void {
    this.space.setStoredAt(c, now);
  }

  private refresh(c: number, version: number, expiresAt: number, cached: boolean, now: number): StoreOutcome {
    const sp = this.space;
    sp.setStoredAt(c, now);
    if (version > sp.version(c)) sp.setVersion(c, version);
    if (expiresAt > sp.expiresAt(c)) sp.setExpiresAt(c, expiresAt);
    if (!cached) sp.setCached(c, false); // a replica STORE upgrades a cached copy, never the reverse
    return StoreOutcome.Refreshed;
  }

  private insert(
    key: Uint8Array,
    value: Uint8Array,
    version: number,
    expiresAt: number,
    cached: boolean,
    now: number,
    group: number,
    signed: SignedPart | null,
    replacing: boolean,
  ): StoreOutcome {
    const L = this.limits;
    const sp = this.space;
    const bytes = recordBytes(value, signed);
    // A replacement of a held key (a newer signed record) is that key's one place: no share check.
    // A share of 1 is no share: the whole store is one group's, and a full one evicts.
    const shareRecords = Math.max(1, Math.floor(L.maxRecords * L.sourceShare));
    if (!this.tracking && (this.count + 1 > shareRecords || this.totalBytes + bytes > L.maxBytes * L.sourceShare)) this.track();
    // Not tracking: the whole store is within one share, so no group can pass it.
    if (
      !replacing &&
      this.tracking &&
      L.sourceShare < 1 &&
      (sp.usageRecords(this.owner, group) + 1 > shareRecords || sp.usageBytes(this.owner, group) + bytes > L.maxBytes * L.sourceShare)
    ) {
      return StoreOutcome.SourceOverQuota;
    }
    if (bytes > L.maxBytes || L.maxRecords === 0) return StoreOutcome.Full;
    if (this.count >= L.maxRecords || this.totalBytes + bytes > L.maxBytes) this.sweep(now);
    while (this.count >= L.maxRecords || this.totalBytes + bytes > L.maxBytes) {
      if (!this.evictFromHeaviest()) return StoreOutcome.Full;
    }
    const c = sp.add(this.owner, this.tail, key, value, group, signed);
    sp.setVersion(c, version);
    sp.setExpiresAt(c, expiresAt);
    sp.setStoredAt(c, now);
    sp.setCached(c, cached);
    if (this.head < 0) this.head = c;
    this.tail = c;
    this.count++;
    if (this.tracking) sp.charge(this.owner, group, 1, bytes);
    this.totalBytes += bytes;
    return StoreOutcome.Stored;
  }

  /** OpenDHT's rule for a full store: the oldest record of the group holding the most bytes goes. */
  private evictFromHeaviest(): boolean {
    const sp = this.space;
    this.track();
    let heaviest = -1;
    let most = 0;
    for (let c = this.head; c >= 0; c = sp.nextOf(c)) {
      const g = sp.groupOf(c);
      const b = sp.usageBytes(this.owner, g);
      if (b > most) {
        most = b;
        heaviest = g;
      }
    }
    if (heaviest < 0) return false;
    for (let c = this.head; c >= 0; c = sp.nextOf(c)) {
      if (sp.groupOf(c) === heaviest) {
        this.remove(c);
        this.evicted++;
        return true;
      }
    }
    return false;
  }

  private remove(c: number): void {
    const sp = this.space;
    if (this.head === c) this.head = sp.nextOf(c);
    if (this.tail === c) this.tail = sp.prevOf(c);
    const bytes = this.space.chargedBytes(c);
    if (this.tracking) sp.charge(this.owner, sp.groupOf(c), -1, -bytes);
    this.totalBytes -= bytes;
    this.count--;
    sp.remove(c);
  }
}
