/**
 * The record store as it was before the RecordSpace (commit 453ede8's src/core/records.ts,
 * trimmed of nothing): one object, two Uint8Arrays and a Map entry under a key string per
 * copy. Kept only so `npm run bench` can show the old row beside the new one.
 */
import type { SignedPart } from '../src/core/messages.js';
import { sameBytes } from '../src/core/signed.js';

export interface StoredRecord {
  key: Uint8Array;
  value: Uint8Array;
  /** Unsigned: the highest version seen for this value; signed: the seq. */
  version: number;
  expiresAt: number;
  /** When a STORE for this record last arrived; replication skips recently stored keys. */
  storedAt: number;
  /** A copy cached on a lookup path, not one of the k replicas. */
  cached: boolean;
  /** The signature parts of a signed record, null for an unsigned one. */
  signed: SignedPart | null;
  /** Quota group charged for it. */
  group: number;
  /** What it is charged (recordBytes). */
  bytes: number;
}

export const enum StoreOutcome {
  Stored = 0,
  Refreshed = 1,
  /** A signed record with a seq not above the one held. */
  OlderVersion = 2,
  Full = 3,
  /** A different unsigned value is held, or an unsigned STORE onto a signed record. */
  Conflict = 4,
  SourceOverQuota = 5,
}

/**
 * What a record costs beyond its own bytes: a rough count of the JS objects behind it (the
 * record object, its Uint8Arrays, the Map entry and the key string), so that a flood of tiny
 * values meets the byte cap too and not only the record cap.
 */
export const RECORD_OVERHEAD_BYTES = 200;

export function recordBytes(value: Uint8Array, signed: SignedPart | null): number {
  const sig = signed ? signed.publicKey.length + signed.salt.length + signed.signature.length : 0;
  return RECORD_OVERHEAD_BYTES + 20 + value.length + sig;
}

export interface StoreLimits {
  maxRecords: number;
  maxBytes: number;
  /** Fraction (0, 1] of maxRecords and of maxBytes one quota group may hold. */
  sourceShare: number;
}

export function keyString(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/** Records and bytes one quota group holds. */
interface Usage {
  records: number;
  bytes: number;
}

export class LegacyRecordStore {
  readonly map = new Map<string, StoredRecord>();
  private readonly usage = new Map<number, Usage>();
  private totalBytes = 0;
  readonly limits: StoreLimits;
  /** Records evicted to make room, since the store was made. */
  evicted = 0;

  /** A number is maxRecords alone (no byte cap, no share). */
  constructor(limits: StoreLimits | number) {
    this.limits = typeof limits === 'number' ? { maxRecords: limits, maxBytes: Infinity, sourceShare: 1 } : limits;
  }

  get size(): number {
    return this.map.size;
  }

  /** Bytes charged for the records held (recordBytes summed); never above limits.maxBytes. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Records and bytes charged to `group`. */
  usageOf(group: number): Usage {
    return this.usage.get(group) ?? { records: 0, bytes: 0 };
  }

  /** The live record for key, or undefined (expired ones are removed on the way). */
  get(k: string, now: number): StoredRecord | undefined {
    const r = this.map.get(k);
    if (r && r.expiresAt <= now) {
      this.remove(k, r);
      return undefined;
    }
    return r;
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
    const k = keyString(key);
    const old = this.get(k, now);
    const charge = signed ? signedGroup : group;
    if (old) {
      if (old.signed) {
        if (!signed) return StoreOutcome.Conflict;
        if (version < old.version || (version === old.version && !sameBytes(value, old.value))) return StoreOutcome.OlderVersion;
        if (version === old.version) return this.refresh(old, version, expiresAt, cached, now);
      } else if (!signed) {
        if (!sameBytes(value, old.value)) return StoreOutcome.Conflict;
        return this.refresh(old, version, expiresAt, cached, now);
      }
      // A newer signed record, or a signed one onto an unsigned squatter: it takes the place.
      this.remove(k, old);
      return this.insert(k, key, value, version, expiresAt, cached && old.cached, now, charge, signed, true);
    }
    return this.insert(k, key, value, version, expiresAt, cached, now, charge, signed, false);
  }

  /** Removes expired records; returns the earliest expiry left (Infinity when empty). */
  sweep(now: number): number {
    let next = Infinity;
    for (const [k, r] of this.map) {
      if (r.expiresAt <= now) this.remove(k, r);
      else if (r.expiresAt < next) next = r.expiresAt;
    }
    return next;
  }

  private refresh(old: StoredRecord, version: number, expiresAt: number, cached: boolean, now: number): StoreOutcome {
    old.storedAt = now;
    if (version > old.version) old.version = version;
    if (expiresAt > old.expiresAt) old.expiresAt = expiresAt;
    if (!cached) old.cached = false; // a replica STORE upgrades a cached copy, never the reverse
    return StoreOutcome.Refreshed;
  }

  private insert(
    k: string,
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
    const bytes = recordBytes(value, signed);
    const use = this.usageOf(group);
    // A replacement of a held key (a newer signed record) is that key's one place: no share check.
    // A share of 1 is no share: the whole store is one group's, and a full one evicts.
    if (!replacing && L.sourceShare < 1 && (use.records + 1 > Math.max(1, Math.floor(L.maxRecords * L.sourceShare)) || use.bytes + bytes > L.maxBytes * L.sourceShare)) {
      return StoreOutcome.SourceOverQuota;
    }
    if (bytes > L.maxBytes || L.maxRecords === 0) return StoreOutcome.Full;
    if (this.map.size >= L.maxRecords || this.totalBytes + bytes > L.maxBytes) this.sweep(now);
    while (this.map.size >= L.maxRecords || this.totalBytes + bytes > L.maxBytes) {
      if (!this.evictFromHeaviest()) return StoreOutcome.Full;
    }
    this.map.set(k, { key, value, version, expiresAt, storedAt: now, cached, signed, group, bytes });
    const u = this.usage.get(group);
    if (u) {
      u.records++;
      u.bytes += bytes;
    } else this.usage.set(group, { records: 1, bytes });
    this.totalBytes += bytes;
    return StoreOutcome.Stored;
  }

  /** OpenDHT's rule for a full store: the oldest record of the group holding the most bytes goes. */
  private evictFromHeaviest(): boolean {
    let heaviest = -1;
    let most = 0;
    for (const [g, u] of this.usage) {
      if (u.bytes > most) {
        most = u.bytes;
        heaviest = g;
      }
    }
    if (heaviest < 0) return false;
    for (const [k, r] of this.map) {
      if (r.group === heaviest) {
        this.remove(k, r);
        this.evicted++;
        return true;
      }
    }
    return false;
  }

  private remove(k: string, r: StoredRecord): void {
    this.map.delete(k);
    this.totalBytes -= r.bytes;
    const u = this.usage.get(r.group)!;
    u.records--;
    u.bytes -= r.bytes;
    if (u.records === 0) this.usage.delete(r.group);
  }
}
