/**
 * The records one node holds. A record is replaced only by a higher version,
 * so an overwritten key never comes back stale from a node that saw the
 * overwrite. Keys are 20-byte strings (one char per byte) so a Map can index them.
 */
export interface StoredRecord {
  key: Uint8Array;
  value: Uint8Array;
  version: number;
  expiresAt: number;
  /** When a STORE for this record last arrived; replication skips recently stored keys. */
  storedAt: number;
  /** A copy cached on a lookup path, not one of the k replicas. */
  cached: boolean;
}

export const enum StoreOutcome {
  Stored = 0,
  Refreshed = 1,
  OlderVersion = 2,
  Full = 3,
}

export function keyString(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

export class RecordStore {
  readonly map = new Map<string, StoredRecord>();

  constructor(private readonly maxRecords: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The live record for key, or undefined (expired ones are removed on the way). */
  get(k: string, now: number): StoredRecord | undefined {
    const r = this.map.get(k);
    if (r && r.expiresAt <= now) {
      this.map.delete(k);
      return undefined;
    }
    return r;
  }

  put(key: Uint8Array, value: Uint8Array, version: number, expiresAt: number, cached: boolean, now: number): StoreOutcome {
    const k = keyString(key);
    const old = this.get(k, now);
    if (old) {
      if (version < old.version) return StoreOutcome.OlderVersion;
      if (version === old.version) {
        old.storedAt = now;
        if (expiresAt > old.expiresAt) old.expiresAt = expiresAt;
        if (!cached) old.cached = false; // a replica STORE upgrades a cached copy, never the reverse
        return StoreOutcome.Refreshed;
      }
      old.value = value;
      old.version = version;
      old.expiresAt = expiresAt;
      old.storedAt = now;
      old.cached = cached && old.cached;
      return StoreOutcome.Stored;
    }
    // Expired records must not hold places that live ones need.
    if (this.map.size >= this.maxRecords) this.sweep(now);
    if (this.map.size >= this.maxRecords) return StoreOutcome.Full;
    this.map.set(k, { key, value, version, expiresAt, storedAt: now, cached });
    return StoreOutcome.Stored;
  }

  /** Removes expired records; returns the earliest expiry left (Infinity when empty). */
  sweep(now: number): number {
    let next = Infinity;
    for (const [k, r] of this.map) {
      if (r.expiresAt <= now) this.map.delete(k);
      else if (r.expiresAt < next) next = r.expiresAt;
    }
    return next;
  }
}
