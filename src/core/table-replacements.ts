/**
 * The replacement caches of all buckets of one table, in one list that takes room only when
 * used: after a join most tables hold a handful of replacements, if any, so a fixed area of r
 * words in every bucket block (the old layout) was mostly empty (~0.75 KB per node at r = 20).
 *
 * The list holds each bucket's replacements as one run of handles, oldest first, the runs in
 * bucket order. How many a bucket holds stays in its header (bucket-layout.ts), so a run starts
 * at the sum of the counts of the buckets before it, and closest(), the views and the admission
 * rules read the counts without touching this list. A split cuts one run in two in place: the
 * upper half's bucket comes right after the lower half's, and no other run moves.
 */
import { HDR } from './bucket-layout.js';

/** Handles the list starts with: 16 words (64 bytes, small enough for V8 to keep on the heap). */
const FIRST_WORDS = 16;
/** Scratch for a split: the upper half's handles, at most 255. */
const upper = new Uint32Array(256);

/** Replacements the header of the block at `at` counts. */
function countAt(data: Uint32Array, at: number): number {
  return (data[at + HDR]! >>> 16) & 0xff;
}

function setCount(data: Uint32Array, at: number, n: number): void {
  data[at + HDR] = (data[at + HDR]! & ~(0xff << 16)) | (n << 16);
}

export class Replacements {
  /** The runs of handles, bucket after bucket; `n` words in use. */
  list = new Uint32Array(FIRST_WORDS);
  n = 0;

  get bytes(): number {
    return this.list.byteLength;
  }

  /** Where bucket `bucket`'s run starts (the table's `data` in blocks of `blk` words). */
  start(data: Uint32Array, blk: number, bucket: number): number {
    let s = 0;
    for (let b = 0; b < bucket; b++) s += countAt(data, b * blk);
    return s;
  }

  /** Position of `handle` in bucket `bucket`'s run (0 = oldest), or -1. */
  find(data: Uint32Array, blk: number, bucket: number, handle: number): number {
    const s = this.start(data, blk, bucket);
    const count = countAt(data, bucket * blk);
    const l = this.list;
    for (let i = 0; i < count; i++) if (l[s + i] === handle) return i;
    return -1;
  }

  /** Bucket `bucket`'s replacements, oldest first. */
  of(data: Uint32Array, blk: number, bucket: number): number[] {
    const s = this.start(data, blk, bucket);
    return Array.from(this.list.subarray(s, s + countAt(data, bucket * blk)));
  }

  /**
   * Puts `handle` into bucket `bucket`'s cache of at most `r` as its newest replacement: moved
   * there when cached already, else the bucket's oldest gives way when its cache is full.
   */
  add(data: Uint32Array, blk: number, bucket: number, r: number, handle: number): void {
    const at = bucket * blk;
    const s = this.start(data, blk, bucket);
    let count = countAt(data, at);
    const l0 = this.list;
    let i = -1;
    for (let j = 0; j < count; j++) if (l0[s + j] === handle) { i = j; break; }
    if (i < 0 && count === r) i = 0; // the oldest gives way
    if (i >= 0) {
      // Within the run: the rest moves down one, the handle goes last; no other run moves.
      const last = s + count - 1;
      for (let j = s + i; j < last; j++) l0[j] = l0[j + 1]!;
      l0[last] = handle;
      return;
    }
    if (this.n + 1 > this.list.length) {
      const grown = new Uint32Array(this.list.length * 2);
      grown.set(this.list);
      this.list = grown;
    }
    const l = this.list;
    const end = s + count;
    l.copyWithin(end + 1, end, this.n);
    l[end] = handle;
    this.n++;
    setCount(data, at, count + 1);
  }

  /** Takes `handle` out of bucket `bucket`'s cache if it is there. */
  drop(data: Uint32Array, blk: number, bucket: number, handle: number): void {
    const i = this.find(data, blk, bucket, handle);
    if (i < 0) return;
    const at = bucket * blk;
    this.removeAt(this.start(data, blk, bucket) + i);
    setCount(data, at, countAt(data, at) - 1);
  }

  /** Takes out and returns bucket `bucket`'s newest replacement; the bucket must have one. */
  takeNewest(data: Uint32Array, blk: number, bucket: number): number {
    const at = bucket * blk;
    const count = countAt(data, at);
    const last = this.start(data, blk, bucket) + count - 1;
    const handle = this.list[last]!;
    this.removeAt(last);
    setCount(data, at, count - 1);
    return handle;
  }

  /**
   * Bucket `bucket`, whose run starts at `s` and holds `count`, splits: its run is cut into the
   * lower half's handles then the upper half's (those `goesHigh` picks), each in its old order.
   * Returns how many went high; the caller writes both headers.
   */
  split(s: number, count: number, goesHigh: (handle: number) => boolean): number {
    const l = this.list;
    let low = 0;
    let high = 0;
    for (let i = 0; i < count; i++) {
      const h = l[s + i]!;
      if (goesHigh(h)) upper[high++] = h;
      else l[s + low++] = h;
    }
    l.set(upper.subarray(0, high), s + low);
    return high;
  }

  private removeAt(i: number): void {
    this.list.copyWithin(i, i + 1, this.n);
    this.n--;
  }
}
