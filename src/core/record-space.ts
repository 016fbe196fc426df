/**
 * Where record copies live: one RecordSpace per thread of nodes (the swarm's shard injects one
 * shared space into every node it hosts; a lone node, as over UDP, makes its own), so that the
 * 20 replicas one put leaves in a shard are 20 rows of integers over one copy of its bytes.
 *
 * - Blobs: a record's key ‖ value bytes, interned by content in one growing byte slab, with a
 *   reference count. Slab bytes are never rewritten in place: growth and compaction copy the
 *   live blobs into a fresh buffer, so a value view handed out earlier (an answer waiting in an
 *   outbox) keeps reading the bytes it was given.
 * - Copies: one row per (node store, key) in typed columns — blob, owner store, key hash, quota
 *   group, version, expiry, storedAt, flags, and the owner's arrival-order list (prev/next) — found
 *   through an open-addressing index on (owner, key hash) that compares the key bytes, so two keys
 *   crafted to share a hash stay two records. Signature parts of signed copies sit in a side map.
 * - Usage: records and bytes per (owner store, quota group), in the same kind of index.
 * No object per copy, no string per key; what RecordStore (records.ts) decides, this only holds.
 */
import type { SignedPart } from './messages.js';

const EMPTY = 0;
const TOMB = -1;

function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** FNV-1a over bytes [from, to) of `b`, continuing from `h`. */
function fnv(b: Uint8Array, from: number, to: number, h = 0x811c9dc5): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The hash a copy's key is indexed under (exported so a caller hashes a key once). */
export function keyHash(key: Uint8Array): number {
  return fnv(key, 0, key.length);
}

/** A column-per-field table of rows with a free list; the row count only grows. */
class Rows {
  capacity: number;
  count = 0;
  private free: number[] = [];
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  take(grow: (n: number) => void): number {
    const r = this.free.pop();
    if (r !== undefined) return r;
    if (this.count === this.capacity) {
      this.capacity = Math.ceil(this.capacity * 1.5); // 1.5×: less slack than doubling in the big columns
      grow(this.capacity);
    }
    return this.count++;
  }
  release(r: number): void {
    this.free.push(r);
  }
  get live(): number {
    return this.count - this.free.length;
  }
}

/** Open addressing over row ids (+1; 0 empty, -1 deleted), rebuilt at 70 % load (linear probing stays short). */
class Slots {
  slots: Int32Array;
  used = 0;
  constructor(capacity: number) {
    this.slots = new Int32Array(capacity);
  }
  get mask(): number {
    return this.slots.length - 1;
  }
  /** Makes room for one more entry; `hashOf(row)` re-hashes the live rows when rebuilding. */
  reserve(live: number, hashOf: (row: number) => number): void {
    if ((this.used + 1) * 10 <= this.slots.length * 7) return;
    const old = this.slots;
    let size = old.length;
    while ((live + 1) * 2 > size) size *= 2; // rebuilt at most half full
    this.slots = new Int32Array(size);
    this.used = live;
    const m = size - 1;
    for (const v of old) {
      if (v <= 0) continue;
      let i = hashOf(v - 1) & m;
      while (this.slots[i] !== EMPTY) i = (i + 1) & m;
      this.slots[i] = v;
    }
  }
}

export class RecordSpace {
  // ---- blobs: key ‖ value, interned
  private slab: Uint8Array;
  private top = 0;
  private slabLive = 0;
  private readonly blobRows = new Rows(64);
  private blobOff = new Int32Array(64);
  private blobLen = new Int32Array(64);
  private blobKeyLen = new Int32Array(64);
  private blobRefs = new Int32Array(64);
  private blobHash = new Int32Array(64);
  private readonly blobIndex = new Slots(128);

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

  // ---- usage per (owner, group)
  private readonly useRows = new Rows(16);
  private useOwner = new Int32Array(16);
  private useGroup = new Float64Array(16);
  private useRecords = new Int32Array(16);
  private useBytes = new Float64Array(16);
  private readonly useIndex = new Slots(32);

  private owners = 0;
  /** Key + value bytes summed over the copies (each copy counted, as if nothing were shared). */
  copyBytes = 0;

  constructor(slabBytes = 1024) {
    this.slab = new Uint8Array(slabBytes);
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
    return this.blobRows.live;
  }
  get blobBytes(): number {
    return this.slabLive;
  }
  /** What this space occupies in typed arrays (capacity, not just rows in use). */
  get allocatedBytes(): number {
    return this.slab.byteLength + this.blobRows.capacity * 20 + this.blobIndex.slots.byteLength + this.copyRows.capacity * 49 + this.copyIndex.slots.byteLength + this.useRows.capacity * 24 + this.useIndex.slots.byteLength;
  }

  // ------------------------------------------------------------------ blobs

  private blobHashOf = (b: number): number => this.blobHash[b]! >>> 0;

  private blobEquals(b: number, key: Uint8Array, value: Uint8Array): boolean {
    if (this.blobKeyLen[b] !== key.length || this.blobLen[b] !== key.length + value.length) return false;
    const s = this.slab;
    let o = this.blobOff[b]!;
    for (let i = 0; i < key.length; i++) if (s[o++] !== key[i]) return false;
    for (let i = 0; i < value.length; i++) if (s[o++] !== value[i]) return false;
    return true;
  }

  /** The blob holding key ‖ value (interned), with one more reference. */
  private internBlob(key: Uint8Array, value: Uint8Array): number {
    const h = fnv(value, 0, value.length, fnv(key, 0, key.length));
    const idx = this.blobIndex;
    let i = (h >>> 0) & idx.mask;
    for (let v = idx.slots[i]!; v !== EMPTY; v = idx.slots[(i = (i + 1) & idx.mask)]!) {
      if (v > 0 && this.blobHash[v - 1] === h && this.blobEquals(v - 1, key, value)) {
        this.blobRefs[v - 1]!++;
        return v - 1;
      }
    }
    const len = key.length + value.length;
    if (this.top + len > this.slab.length) this.compact(len);
    const b = this.blobRows.take((n) => {
      this.blobOff = growI32(this.blobOff, n);
      this.blobLen = growI32(this.blobLen, n);
      this.blobKeyLen = growI32(this.blobKeyLen, n);
      this.blobRefs = growI32(this.blobRefs, n);
      this.blobHash = growI32(this.blobHash, n);
    });
    this.slab.set(key, this.top);
    this.slab.set(value, this.top + key.length);
    this.blobOff[b] = this.top;
    this.blobLen[b] = len;
    this.blobKeyLen[b] = key.length;
    this.blobRefs[b] = 1;
    this.blobHash[b] = h;
    this.top += len;
    this.slabLive += len;
    idx.reserve(this.blobRows.live - 1, this.blobHashOf);
    let j = (h >>> 0) & idx.mask;
    while (idx.slots[j]! > 0) j = (j + 1) & idx.mask;
    if (idx.slots[j] === EMPTY) idx.used++;
    idx.slots[j] = b + 1;
    return b;
  }

  private releaseBlob(b: number): void {
    if (--this.blobRefs[b]! > 0) return;
    const idx = this.blobIndex;
    let i = (this.blobHash[b]! >>> 0) & idx.mask;
    while (idx.slots[i] !== b + 1) i = (i + 1) & idx.mask;
    idx.slots[i] = TOMB;
    this.slabLive -= this.blobLen[b]!;
    this.blobRows.release(b);
  }

  /** Copies the live blobs into a fresh slab with room for `need` more bytes (old views stay valid). */
  private compact(need: number): void {
    let size = this.slab.length;
    while (this.slabLive + need > size / 2) size *= 2;
    const fresh = new Uint8Array(size);
    let top = 0;
    for (let b = 0; b < this.blobRows.count; b++) {
      if (this.blobRefs[b]! <= 0) continue;
      const o = this.blobOff[b]!;
      const n = this.blobLen[b]!;
      fresh.set(this.slab.subarray(o, o + n), top);
      this.blobOff[b] = top;
      top += n;
    }
    this.slab = fresh;
    this.top = top;
  }

  // ------------------------------------------------------------------ copies

  /** Re-hashes a copy's key from the slab (index rebuilds and removal only; lookups hash the caller's key). */
  private copyHashOf = (c: number): number => {
    const b = this.copyBlob[c]!;
    const o = this.blobOff[b]!;
    return mix(this.copyOwner[c]!, fnv(this.slab, o, o + this.blobKeyLen[b]!));
  };

  private keyEquals(c: number, key: Uint8Array): boolean {
    const b = this.copyBlob[c]!;
    if (this.blobKeyLen[b] !== key.length) return false;
    const s = this.slab;
    const o = this.blobOff[b]!;
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
    this.copyBlob[c] = this.internBlob(key, value);
    this.copyBytes += key.length + value.length;
    this.copyOwner[c] = owner;
    this.copyGroup[c] = group;
    this.copyPrev[c] = tail;
    this.copyNext[c] = -1;
    if (tail >= 0) this.copyNext[tail] = c;
    if (signed) this.signedParts.set(c, signed);
    const idx = this.copyIndex;
    idx.reserve(this.copyRows.live - 1, this.copyHashOf);
    let j = mix(owner, kh) & idx.mask;
    while (idx.slots[j]! > 0) j = (j + 1) & idx.mask;
    if (idx.slots[j] === EMPTY) idx.used++;
    idx.slots[j] = c + 1;
    return c;
  }

  /** Frees copy `c` (the caller relinks its owner's head/tail from prevOf/nextOf first). */
  remove(c: number): void {
    const p = this.copyPrev[c]!;
    const n = this.copyNext[c]!;
    if (p >= 0) this.copyNext[p] = n;
    if (n >= 0) this.copyPrev[n] = p;
    const idx = this.copyIndex;
    let i = this.copyHashOf(c) & idx.mask;
    while (idx.slots[i] !== c + 1) i = (i + 1) & idx.mask;
    idx.slots[i] = TOMB;
    this.copyBytes -= this.blobLen[this.copyBlob[c]!]!;
    this.releaseBlob(this.copyBlob[c]!);
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
    const o = this.blobOff[b]!;
    return this.slab.subarray(o, o + this.blobKeyLen[b]!);
  }
  /** The value's bytes (a view into the slab: read, never write). */
  valueOf(c: number): Uint8Array {
    const b = this.copyBlob[c]!;
    const o = this.blobOff[b]!;
    return this.slab.subarray(o + this.blobKeyLen[b]!, o + this.blobLen[b]!);
  }
  valueLength(c: number): number {
    const b = this.copyBlob[c]!;
    return this.blobLen[b]! - this.blobKeyLen[b]!;
  }
  /** Whether copy c's value is exactly `value`. */
  sameValue(c: number, value: Uint8Array): boolean {
    const b = this.copyBlob[c]!;
    const kl = this.blobKeyLen[b]!;
    if (this.blobLen[b]! - kl !== value.length) return false;
    const s = this.slab;
    const o = this.blobOff[b]! + kl;
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

  // ------------------------------------------------------------------ usage per (owner, group)

  private useHashOf = (u: number): number => mix(this.useOwner[u]!, groupHash(this.useGroup[u]!));

  private findUse(owner: number, group: number): number {
    const idx = this.useIndex;
    let i = mix(owner, groupHash(group)) & idx.mask;
    for (let v = idx.slots[i]!; v !== EMPTY; v = idx.slots[(i = (i + 1) & idx.mask)]!) {
      if (v > 0 && this.useOwner[v - 1] === owner && this.useGroup[v - 1] === group) return v - 1;
    }
    return -1;
  }

  usageRecords(owner: number, group: number): number {
    const u = this.findUse(owner, group);
    return u < 0 ? 0 : this.useRecords[u]!;
  }
  usageBytes(owner: number, group: number): number {
    const u = this.findUse(owner, group);
    return u < 0 ? 0 : this.useBytes[u]!;
  }

  /** Adds (records, bytes) to (owner, group); the row goes when its records reach 0. */
  charge(owner: number, group: number, records: number, bytes: number): void {
    let u = this.findUse(owner, group);
    if (u < 0) {
      u = this.useRows.take((n) => {
        this.useOwner = growI32(this.useOwner, n);
        this.useGroup = growF64(this.useGroup, n);
        this.useRecords = growI32(this.useRecords, n);
        this.useBytes = growF64(this.useBytes, n);
      });
      this.useOwner[u] = owner;
      this.useGroup[u] = group;
      this.useRecords[u] = 0;
      this.useBytes[u] = 0;
      const idx = this.useIndex;
      idx.reserve(this.useRows.live - 1, this.useHashOf);
      let j = this.useHashOf(u) & idx.mask;
      while (idx.slots[j]! > 0) j = (j + 1) & idx.mask;
      if (idx.slots[j] === EMPTY) idx.used++;
      idx.slots[j] = u + 1;
    }
    this.useRecords[u]! += records;
    this.useBytes[u]! += bytes;
    if (this.useRecords[u]! <= 0) {
      const idx = this.useIndex;
      let i = this.useHashOf(u) & idx.mask;
      while (idx.slots[i] !== u + 1) i = (i + 1) & idx.mask;
      idx.slots[i] = TOMB;
      this.useRows.release(u);
    }
  }
}

/** Quota groups are integers up to 2^33 (publisher groups sit above 2^32): fold both halves. */
function groupHash(g: number): number {
  return (g | 0) ^ Math.floor(g / 0x1_0000_0000);
}
