/**
 * The record store's vocabulary (records.ts): a record as a plain object, the outcomes of a
 * STORE, the limits and what a record is charged, and key strings for readers that list
 * records by key.
 */
import type { KadConfig } from './config.js';
import type { SignedPart } from './messages.js';

/** One record as a plain object: what `get`/`recordAt` materialise from the store's rows (a snapshot, not a live view). */
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

/** The quotas a config sets, one frozen object per config (not 48 bytes in every node's store). */
const LIMITS = new WeakMap<KadConfig, StoreLimits>();
export function storeLimits(c: KadConfig): StoreLimits {
  let l = LIMITS.get(c);
  if (!l) LIMITS.set(c, (l = Object.freeze({ maxRecords: c.maxRecords, maxBytes: c.maxStoreBytes, sourceShare: c.storeSourceShare })));
  return l;
}

export function keyString(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/** The bytes of a key string (keyString's inverse). */
export function keyBytes(k: string): Uint8Array {
  const b = new Uint8Array(k.length);
  for (let i = 0; i < k.length; i++) b[i] = k.charCodeAt(i);
  return b;
}

/**
 * Logical bytes one record copy takes as stored, beside its key and value: the metadata row
 * (blob ref, owner, key hash, list links, flags: 6 × 4; group, version, expiry, storedAt: 4 × 8)
 * and its index slot at half load (2 × 4). The report prints key + value + this per copy.
 */
export const COPY_METADATA_BYTES = 64;

export interface Usage {
  records: number;
  bytes: number;
}

/** `map` as it was (a Map by key string), for readers that list or probe the records. */
export interface RecordsView {
  readonly size: number;
  has(k: string): boolean;
  get(k: string): StoredRecord | undefined;
  values(): IterableIterator<StoredRecord>;
}
