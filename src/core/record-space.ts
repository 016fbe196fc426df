/**
 * Where record copies live: one RecordSpace per thread of nodes (the swarm's shard injects one
 * shared space into every node it hosts; a lone node, as over UDP, makes its own), so that the
 * 20 replicas one put leaves in a shard are 20 rows of integers over one copy of its bytes.
 *
 * - Blobs: a record's key ‖ value bytes, interned by content with a reference count
 *   (blob-slab.ts).
 * - Copies: one row per (node store, key) in typed columns — blob, owner store, key hash, quota
 *   group, version, expiry, storedAt, flags, and the owner's arrival-order list (prev/next) — found
 *   through an open-addressing index on (owner, key hash) that compares the key bytes, so two keys
 *   crafted to share a hash stay two records. Signature parts of signed copies sit in a side map.
 * - Usage: records and bytes per (owner store, quota group) (record-usage.ts).
 * No object per copy, no string per key; what RecordStore (records.ts) decides, this only holds.
 */
import type { SignedPart } from './messages.js';
import { BlobSlab } from './blob-slab.js';
import { RECORD_OVERHEAD_BYTES, recordBytes, type StoredRecord } from './record-types.js';
import { RecordUsage } from './record-usage.js';
import { EMPTY, Rows, Slots, fnv, growF64, growI32, growU8, mix } from './row-columns.js';

/** The hash a copy's key is indexed under (exported so a caller hashes a key once). */
export function keyHash(key: Uint8Array): number {
  return fnv(key, 0, key.length);
}

export class RecordSpace {
  private readonly blobSlab: BlobSlab;

  // ---- copies
  private readonly copyRows = new Rows(64);
  private copyBlob = new Int32Array(64);
  private copyOwner = new Int32Array(64);
  private copyPrev = new Int32Array(64);
  private copyNext = new Int32Array(64);
  private copyFlags = new Uint8Array(64);
  private copyGroup = new Float64Array(64);
  private copyVersion = new Float64Array(64);
  private copyExpires = new Float64Array(64);
  private copyStored = new Float64Array(64);
  private readonly copyIndex = new Slots(128);
  private readonly signedParts = new Map<number, SignedPart>();

  private readonly usage = new RecordUsage();

  private owners = 0;
  /** Key + value bytes summed over the copies (each copy counted, as if nothing were shared). */
  copyBytes = 0;

  constructor(slabBytes = 1024) {
    this.blobSlab = new BlobSlab(slabBytes);
  }

  /** A fresh owner id for one node's store. */
  newOwner(): number {
    return this.owners++;
  }

  /** Record copies held, over all owners. */
  get copies(): number {
    return this.copyRows.live;
  }
  /** Distinct key ‖ value blobs held, and their bytes (each once, however many copies refer to it). */
  get blobs(): number {
    return this.blobSlab.rows.live;
  }
  get blobBytes(): number {
    return this.blobSlab.live;
  }
  /** What this space occupies in typed arrays (capacity, not just rows in use). */
  get allocatedBytes(): number {
    return this.blobSlab.allocatedBytes + this.copyRows.capacity * 49 + this.copyIndex.slots.byteLength + this.usage.allocatedBytes;
  }

  // ------------------------------------------------------------------ copies

  /** Re-hashes a copy's key from the slab (index rebuilds and removal only; lookups hash the caller's key). */
  private copyHashOf = (c: number): number => {
    const b = this.copyBlob[c]!;
    const o = this.blobSlab.off[b]!;
    return mix(this.copyOwner[c]!, fnv(this.blobSlab.slab, o, o + this.blobSlab.keyLen[b]!));
  };

  private keyEquals(c: number, key: Uint8Array): boolean {
    const b = this.copyBlob[c]!;
    if (this.blobSlab.keyLen[b] !== key.length) return false;
    const s = this.blobSlab.slab;
    const o = this.blobSlab.off[b]!;
    for (let i = 0; i < key.length; i++) if (s[o + i] !== key[i]) return false;
    return true;
  }

  /** The copy of `key` that `owner` holds, or -1. */
  find(owner: number, key: Uint8Array, kh = keyHash(key)): number {
    const idx = this.copyIndex;
    let i = mix(owner, kh) & idx.mask;
    for (let v = idx.slots[i]!; v !== EMPTY; v = idx.slots[(i = (i + 1) & idx.mask)]!) {
      if (v > 0 && this.copyOwner[v - 1] === owner && this.keyEquals(v - 1, key)) return v - 1;
    }
    return -1;
  }

  /** A new copy at the tail of `owner`'s list (`tail` is its current tail, -1 when empty); returns its row. */
  add(owner: number, tail: number, key: Uint8Array, value: Uint8Array, group: number, signed: SignedPart | null): number {
    const c = this.copyRows.take((n) => {
      this.copyBlob = growI32(this.copyBlob, n);
      this.copyOwner = growI32(this.copyOwner, n);
      this.copyPrev = growI32(this.copyPrev, n);
      this.copyNext = growI32(this.copyNext, n);
      this.copyFlags = growU8(this.copyFlags, n);
      this.copyGroup = growF64(this.copyGroup, n);
      this.copyVersion = growF64(this.copyVersion, n);
      this.copyExpires = growF64(this.copyExpires, n);
      this.copyStored = growF64(this.copyStored, n);
    });
    const kh = keyHash(key);
    this.copyBlob[c] = this.blobSlab.intern(key, value);
    this.copyBytes += key.length + value.length;
    this.copyOwner[c] = owner;
    this.copyGroup[c] = group;
    this.copyPrev[c] = tail;
    this.copyNext[c] = -1;
    if (tail >= 0) this.copyNext[tail] = c;
    if (signed) this.signedParts.set(c, signed);
    const idx = this.copyIndex;
    idx.reserve(this.copyRows.live - 1, this.copyHashOf);
    idx.insert(c, mix(owner, kh));
    return c;
  }

  /** Frees copy `c` (the caller relinks its owner's head/tail from prevOf/nextOf first). */
  remove(c: number): void {
    const p = this.copyPrev[c]!;
    const n = this.copyNext[c]!;
    if (p >= 0) this.copyNext[p] = n;
    if (n >= 0) this.copyPrev[n] = p;
    this.copyIndex.remove(c, this.copyHashOf(c));
    this.copyBytes -= this.blobSlab.len[this.copyBlob[c]!]!;
    this.blobSlab.release(this.copyBlob[c]!);
    this.signedParts.delete(c);
    this.copyOwner[c] = -1;
    this.copyRows.release(c);
  }

  prevOf(c: number): number {
    return this.copyPrev[c]!;
  }
  nextOf(c: number): number {
    return this.copyNext[c]!;
  }
  /** The key's bytes (a view into the slab: read, never write). */
  keyOf(c: number): Uint8Array {
    const b = this.copyBlob[c]!;
    const o = this.blobSlab.off[b]!;
    return this.blobSlab.slab.subarray(o, o + this.blobSlab.keyLen[b]!);
  }
  /** The value's bytes (a view into the slab: read, never write). */
  valueOf(c: number): Uint8Array {
    const b = this.copyBlob[c]!;
    const o = this.blobSlab.off[b]!;
    return this.blobSlab.slab.subarray(o + this.blobSlab.keyLen[b]!, o + this.blobSlab.len[b]!);
  }
  valueLength(c: number): number {
    const b = this.copyBlob[c]!;
    return this.blobSlab.len[b]! - this.blobSlab.keyLen[b]!;
  }
  /** Whether copy c's value is exactly `value`. */
  sameValue(c: number, value: Uint8Array): boolean {
    const b = this.copyBlob[c]!;
    const kl = this.blobSlab.keyLen[b]!;
    if (this.blobSlab.len[b]! - kl !== value.length) return false;
    const s = this.blobSlab.slab;
    const o = this.blobSlab.off[b]! + kl;
    for (let i = 0; i < value.length; i++) if (s[o + i] !== value[i]) return false;
    return true;
  }
  signedOf(c: number): SignedPart | null {
    return this.signedParts.get(c) ?? null;
  }
  groupOf(c: number): number {
    return this.copyGroup[c]!;
  }
  version(c: number): number {
    return this.copyVersion[c]!;
  }
  setVersion(c: number, v: number): void {
    this.copyVersion[c] = v;
  }
  expiresAt(c: number): number {
    return this.copyExpires[c]!;
  }
  setExpiresAt(c: number, t: number): void {
    this.copyExpires[c] = t;
  }
  storedAt(c: number): number {
    return this.copyStored[c]!;
  }
  setStoredAt(c: number, t: number): void {
    this.copyStored[c] = t;
  }
  cached(c: number): boolean {
    return (this.copyFlags[c]! & 1) !== 0;
  }
  setCached(c: number, on: boolean): void {
    this.copyFlags[c] = on ? 1 : 0;
  }
  /** What copy c is charged against a store's quotas (record-types.ts recordBytes of its value and signature). */
  chargedBytes(c: number): number {
    const sig = this.signedOf(c);
    return RECORD_OVERHEAD_BYTES + 20 + this.valueLength(c) + (sig ? sig.publicKey.length + sig.salt.length + sig.signature.length : 0);
  }
  /** Copy c as a plain object (reports, tests and the REPL; never a hot path). */
  recordOf(c: number): StoredRecord {
    const signed = this.signedOf(c);
    const value = this.valueOf(c);
    return {
      key: this.keyOf(c), value, version: this.version(c), expiresAt: this.expiresAt(c), storedAt: this.storedAt(c),
      cached: this.cached(c), signed, group: this.groupOf(c), bytes: recordBytes(value, signed),
    };
  }

  // ------------------------------------------------------------------ pins (a node's own puts)

  /**
   * One more reference to the interned key ‖ value, with no copy row: a node's own put, kept to
   * republish (node-state.ts Published). Its bytes are held once with the replicas that match.
   */
  pin(key: Uint8Array, value: Uint8Array): number {
    return this.blobSlab.intern(key, value);
  }
  unpin(blob: number): void {
    this.blobSlab.release(blob);
  }
  /** A pinned blob's key and value (views into the slab: read, never write). */
  pinnedKey(blob: number): Uint8Array {
    const o = this.blobSlab.off[blob]!;
    return this.blobSlab.slab.subarray(o, o + this.blobSlab.keyLen[blob]!);
  }
  pinnedValue(blob: number): Uint8Array {
    const o = this.blobSlab.off[blob]!;
    return this.blobSlab.slab.subarray(o + this.blobSlab.keyLen[blob]!, o + this.blobSlab.len[blob]!);
  }

  // ------------------------------------------------------------------ usage per (owner, group)

  usageRecords(owner: number, group: number): number {
    return this.usage.recordsOf(owner, group);
  }
  usageBytes(owner: number, group: number): number {
    return this.usage.bytesOf(owner, group);
  }
  /** Adds (records, bytes) to (owner, group); the row goes when its records reach 0. */
  charge(owner: number, group: number, records: number, bytes: number): void {
    this.usage.charge(owner, group, records, bytes);
  }
}
