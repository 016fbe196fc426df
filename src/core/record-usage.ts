/**
 * Records and bytes held per (owner store, quota group), for the record store's quotas
 * (records.ts): one row per pair in typed columns, found through an open-addressing index; a
 * row goes when its record count falls to 0.
 */
import { EMPTY, Rows, Slots, growF64, growI32, mix } from './row-columns.js';

export class RecordUsage {
  private readonly rows = new Rows(16);
  private owner = new Int32Array(16);
  private group = new Float64Array(16);
  private records = new Int32Array(16);
  private bytes = new Float64Array(16);
  private readonly index = new Slots(32);

  /** Bytes held in typed arrays (capacity, not use). */
  get allocatedBytes(): number {
    return this.rows.capacity * 24 + this.index.slots.byteLength;
  }

  private hashOf = (u: number): number => mix(this.owner[u]!, groupHash(this.group[u]!));

  private find(owner: number, group: number): number {
    const idx = this.index;
    let i = mix(owner, groupHash(group)) & idx.mask;
    for (let v = idx.slots[i]!; v !== EMPTY; v = idx.slots[(i = (i + 1) & idx.mask)]!) {
      if (v > 0 && this.owner[v - 1] === owner && this.group[v - 1] === group) return v - 1;
    }
    return -1;
  }

  recordsOf(owner: number, group: number): number {
    const u = this.find(owner, group);
    return u < 0 ? 0 : this.records[u]!;
  }
  bytesOf(owner: number, group: number): number {
    const u = this.find(owner, group);
    return u < 0 ? 0 : this.bytes[u]!;
  }

  /** Adds (records, bytes) to (owner, group); the row goes when its records reach 0. */
  charge(owner: number, group: number, records: number, bytes: number): void {
    let u = this.find(owner, group);
    if (u < 0) {
      u = this.rows.take((n) => {
        this.owner = growI32(this.owner, n);
        this.group = growF64(this.group, n);
        this.records = growI32(this.records, n);
        this.bytes = growF64(this.bytes, n);
      });
      this.owner[u] = owner;
      this.group[u] = group;
      this.records[u] = 0;
      this.bytes[u] = 0;
      this.index.reserve(this.rows.live - 1, this.hashOf);
      this.index.insert(u, this.hashOf(u));
    }
    this.records[u]! += records;
    this.bytes[u]! += bytes;
    if (this.records[u]! <= 0) {
      this.index.remove(u, this.hashOf(u));
      this.rows.release(u);
    }
  }
}

/** Quota groups are integers up to 2^33 (publisher groups sit above 2^32): fold both halves. */
function groupHash(g: number): number {
  return (g | 0) ^ Math.floor(g / 0x1_0000_0000);
}
