/**
 * The building blocks of the record space's column tables (record-space.ts, blob-slab.ts,
 * record-usage.ts): rows handed out from a free list, an open-addressing index over row ids,
 * growth of typed columns, and the hashes the indexes use. No object per row: a row is an
 * integer, its fields live in typed arrays the owner grows when `Rows.take` asks it to.
 */

/** Index slot values: 0 = empty, -1 = deleted (a tombstone keeps probe chains intact), row + 1 otherwise. */
export const EMPTY = 0;
export const TOMB = -1;

export function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
export function growU8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
export function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** FNV-1a over bytes [from, to) of `b`, continuing from `h`. */
export function fnv(b: Uint8Array, from: number, to: number, h = 0x811c9dc5): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
}

/** Mixes two 32-bit values into one well-spread hash (an owner with a key or group hash). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** A column-per-field table of rows with a free list; the row count only grows. */
export class Rows {
  capacity: number;
  count = 0;
  private free: number[] = [];
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  /** A free row; when none is left the capacity grows 1.5× and `grow(newCapacity)` must widen the columns. */
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
export class Slots {
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
  /** Puts row `r` (hash `h`) into the first free or deleted slot of its chain; call reserve first. */
  insert(r: number, h: number): void {
    const m = this.mask;
    let j = h & m;
    while (this.slots[j]! > 0) j = (j + 1) & m;
    if (this.slots[j] === EMPTY) this.used++;
    this.slots[j] = r + 1;
  }
  /** Marks row `r` (hash `h`, present) deleted. */
  remove(r: number, h: number): void {
    const m = this.mask;
    let i = h & m;
    while (this.slots[i] !== r + 1) i = (i + 1) & m;
    this.slots[i] = TOMB;
  }
}
