/**
 * The byte side of the record space (record-space.ts): each distinct key ‖ value is kept once
 * in one growing byte slab, interned by content, with a reference count per blob. Slab bytes are
 * never rewritten in place: growth and compaction copy the live blobs into a fresh buffer, so a
 * value view handed out earlier (an answer waiting in an outbox) keeps reading the bytes it was
 * given.
 */
import { EMPTY, Rows, Slots, fnv, growI32 } from './row-columns.js';

export class BlobSlab {
  /** The bytes; replaced (never rewritten) on growth, so read it through the object each time. */
  slab: Uint8Array;
  private top = 0;
  /** Bytes of the live blobs. */
  live = 0;
  readonly rows = new Rows(64);
  off = new Int32Array(64);
  len = new Int32Array(64);
  keyLen = new Int32Array(64);
  private refs = new Int32Array(64);
  private hash = new Int32Array(64);
  private readonly index = new Slots(128);

  constructor(slabBytes: number) {
    this.slab = new Uint8Array(slabBytes);
  }

  /** Bytes held in typed arrays (capacity, not use). */
  get allocatedBytes(): number {
    return this.slab.byteLength + this.rows.capacity * 20 + this.index.slots.byteLength;
  }

  private hashOf = (b: number): number => this.hash[b]! >>> 0;

  private equals(b: number, key: Uint8Array, value: Uint8Array): boolean {
    if (this.keyLen[b] !== key.length || this.len[b] !== key.length + value.length) return false;
    const s = this.slab;
    let o = this.off[b]!;
    for (let i = 0; i < key.length; i++) if (s[o++] !== key[i]) return false;
    for (let i = 0; i < value.length; i++) if (s[o++] !== value[i]) return false;
    return true;
  }

  /** The blob holding key ‖ value (interned), with one more reference. */
  intern(key: Uint8Array, value: Uint8Array): number {
    const h = fnv(value, 0, value.length, fnv(key, 0, key.length));
    const idx = this.index;
    let i = (h >>> 0) & idx.mask;
    for (let v = idx.slots[i]!; v !== EMPTY; v = idx.slots[(i = (i + 1) & idx.mask)]!) {
      if (v > 0 && this.hash[v - 1] === h && this.equals(v - 1, key, value)) {
        this.refs[v - 1]!++;
        return v - 1;
      }
    }
    const len = key.length + value.length;
    if (this.top + len > this.slab.length) this.compact(len);
    const b = this.rows.take((n) => {
      this.off = growI32(this.off, n);
      this.len = growI32(this.len, n);
      this.keyLen = growI32(this.keyLen, n);
      this.refs = growI32(this.refs, n);
      this.hash = growI32(this.hash, n);
    });
    this.slab.set(key, this.top);
    this.slab.set(value, this.top + key.length);
    this.off[b] = this.top;
    this.len[b] = len;
    this.keyLen[b] = key.length;
    this.refs[b] = 1;
    this.hash[b] = h;
    this.top += len;
    this.live += len;
    idx.reserve(this.rows.live - 1, this.hashOf);
    idx.insert(b, h >>> 0);
    return b;
  }

  /** One reference fewer; the blob's bytes are free once none is left. */
  release(b: number): void {
    if (--this.refs[b]! > 0) return;
    this.index.remove(b, this.hash[b]! >>> 0);
    this.live -= this.len[b]!;
    this.rows.release(b);
  }

  /** Copies the live blobs into a fresh slab with room for `need` more bytes (old views stay valid). */
  private compact(need: number): void {
    let size = this.slab.length;
    while (this.live + need > size / 2) size *= 2;
    const fresh = new Uint8Array(size);
    let top = 0;
    for (let b = 0; b < this.rows.count; b++) {
      if (this.refs[b]! <= 0) continue;
      const o = this.off[b]!;
      const n = this.len[b]!;
      fresh.set(this.slab.subarray(o, o + n), top);
      this.off[b] = top;
      top += n;
    }
    this.slab = fresh;
    this.top = top;
  }
}
