/**
 * The replacement caches of all buckets of one table, in one list that takes room only when
 * used: after a join most tables hold a handful of replacements, if any, so a fixed area of r
 * words in every bucket block (the old layout) was mostly empty (~0.75 KB per node at r = 20).
 *
 * Entries are (bucket, handle) word pairs in the order they were cached, oldest first; a
 * bucket's replacements are the entries tagged with its index, so each bucket keeps its own
 * oldest-first order. How many a bucket holds stays in its header (bucket-layout.ts), where
 * closest(), the views and the admission rules read it without touching this list.
 */
import { HDR } from './bucket-layout.js';

/** Entries the list starts with: 8 pairs (64 bytes, small enough for V8 to keep on the heap). */
const FIRST_ENTRIES = 8;

export class Replacements {
  /** [bucket, handle] pairs, oldest first; `n` in use. */
  list = new Uint32Array(FIRST_ENTRIES * 2);
  n = 0;

  get bytes(): number {
    return this.list.byteLength;
  }

  /** Entry index of `handle` among bucket `bucket`'s replacements, or -1. */
  find(bucket: number, handle: number): number {
    const l = this.list;
    for (let i = 0; i < this.n; i++) if (l[2 * i + 1] === handle && l[2 * i] === bucket) return i;
    return -1;
  }

  /** The i-th oldest replacement of `bucket` (0 = oldest), or -1. */
  nth(bucket: number, i: number): number {
    const l = this.list;
    for (let e = 0; e < this.n; e++) {
      if (l[2 * e] === bucket && i-- === 0) return l[2 * e + 1]!;
    }
    return -1;
  }

  /** Bucket `bucket`'s replacements, oldest first. */
  of(bucket: number): number[] {
    const out: number[] = [];
    const l = this.list;
    for (let e = 0; e < this.n; e++) if (l[2 * e] === bucket) out.push(l[2 * e + 1]!);
    return out;
  }

  /**
   * Puts `handle` into bucket `bucket`'s cache of at most `r` as its newest replacement (the
   * bucket's block starts at `at` in `data`, whose header counts them): moved there when cached
   * already, else the bucket's oldest gives way when its cache is full.
   */
  add(data: Uint32Array, at: number, bucket: number, r: number, handle: number): void {
    const hdrAt = at + HDR;
    let reps = (data[hdrAt]! >>> 16) & 0xff;
    const i = this.find(bucket, handle);
    if (i >= 0) {
      this.removeEntry(i);
      reps--;
    } else if (reps === r) {
      this.removeEntry(this.firstOf(bucket)); // the oldest gives way
      reps--;
    }
    if (2 * (this.n + 1) > this.list.length) {
      const grown = new Uint32Array(this.list.length * 2);
      grown.set(this.list);
      this.list = grown;
    }
    this.list[2 * this.n] = bucket;
    this.list[2 * this.n + 1] = handle;
    this.n++;
    data[hdrAt] = (data[hdrAt]! & ~(0xff << 16)) | ((reps + 1) << 16);
  }

  /** Takes `handle` out of bucket `bucket`'s cache if it is there. */
  drop(data: Uint32Array, at: number, bucket: number, handle: number): void {
    const i = this.find(bucket, handle);
    if (i < 0) return;
    this.removeEntry(i);
    const hdrAt = at + HDR;
    const reps = (data[hdrAt]! >>> 16) & 0xff;
    data[hdrAt] = (data[hdrAt]! & ~(0xff << 16)) | ((reps - 1) << 16);
  }

  /** Takes out and returns bucket `bucket`'s newest replacement; the bucket must have one. */
  takeNewest(data: Uint32Array, at: number, bucket: number): number {
    const l = this.list;
    let e = this.n - 1;
    while (l[2 * e] !== bucket) e--;
    const handle = l[2 * e + 1]!;
    this.removeEntry(e);
    const hdrAt = at + HDR;
    const reps = (data[hdrAt]! >>> 16) & 0xff;
    data[hdrAt] = (data[hdrAt]! & ~(0xff << 16)) | ((reps - 1) << 16);
    return handle;
  }

  /**
   * Bucket `bucket` split into itself and `bucket` + 1 (the later buckets moved up by one):
   * renumbers the tags, sending to the upper half the handles `goesHigh` picks. Returns how many
   * went high; the table rewrites both headers.
   */
  split(bucket: number, goesHigh: (handle: number) => boolean): number {
    const l = this.list;
    let high = 0;
    for (let e = 0; e < this.n; e++) {
      const b = l[2 * e]!;
      if (b > bucket) l[2 * e] = b + 1;
      else if (b === bucket && goesHigh(l[2 * e + 1]!)) {
        l[2 * e] = b + 1;
        high++;
      }
    }
    return high;
  }

  private firstOf(bucket: number): number {
    const l = this.list;
    for (let e = 0; e < this.n; e++) if (l[2 * e] === bucket) return e;
    return -1;
  }

  private removeEntry(e: number): void {
    this.list.copyWithin(2 * e, 2 * e + 2, 2 * this.n);
    this.n--;
  }
}
