/**
 * The buckets of a routing table in XOR order from a target: by the smallest
 * distance from the target an ID in each can have (its lower bound), nearest
 * first, produced one at a time so that closest() (table-closest.ts) pays only
 * for the buckets it visits.
 *
 * Why the order follows from the tree: the buckets are the leaves of a binary
 * tree over the distance from the own ID, sorted by lo (bucket-layout.ts), so
 * every subtree is a run of consecutive buckets. The target's own bucket comes
 * first (bound 0). Then, going up from it, the sibling subtree at each level:
 * all of the sibling at depth d has bounds in [2^(159−d), 2^(160−d)), below
 * those of every level above. The siblings are the runs right next to what was
 * visited, on the side the target's bit at that level says. No two buckets
 * share a bound (the leaves are disjoint ranges), so this order is the one a
 * sort by bound gives. A sibling run of several buckets (relaxed or b-bit
 * splitting near the own ID) is sorted by bound on its own; it is short.
 *
 * That walk reads the first word of lo only, which holds while no bucket is
 * deeper than 32 bits (below ~2^32 nodes); deeper tables take every bound and
 * sort them all.
 */
import { ID_WORDS, compareWords } from './id.js';
import { HDR, loWords } from './bucket-layout.js';

/** Keys per bound: the top 53 bits as one float, like closest()'s candidate keys. */
const KEY_SCALE = 2097152;

export class BucketOrder {
  private data: Uint32Array = new Uint32Array(0);
  private base = 0;
  private blk = 0;
  private buckets = 0;
  /** The target's distance from the own ID. */
  private readonly dist = new Uint32Array(ID_WORDS);
  private oneWord = true;
  /** Lower bound (as a key) of the bucket next() returned last. */
  private bound = 0;
  // The walk: buckets [left, right] are visited; `level` is the depth whose sibling comes next.
  private left = 0;
  private right = 0;
  private level = 0;
  private first = -1;
  // Buckets queued in order (a sibling run of several, or all of a deep table) with their bounds.
  private readonly queue = new Int32Array(256);
  private readonly queueKeys = new Float64Array(256);
  private readonly queueBounds = new Uint32Array(256 * ID_WORDS);
  private queued = 0;
  private taken = 0;

  /** Starts the order of the table's buckets (`buckets` blocks of `blk` words from `base` in `data`) from the target at target[tAt..]. */
  start(data: Uint32Array, base: number, blk: number, buckets: number, maxDepth: number, ids: Uint32Array, selfAt: number, target: Uint32Array, tAt: number): void {
    this.data = data;
    this.base = base;
    this.blk = blk;
    this.buckets = buckets;
    const dist = this.dist;
    for (let w = 0; w < ID_WORDS; w++) dist[w] = (target[tAt + w]! ^ ids[selfAt + w]!) >>> 0;
    this.queued = 0;
    this.taken = 0;
    this.oneWord = maxDepth <= 32;
    if (!this.oneWord) {
      this.sortAll();
      this.level = -1;
      this.first = -1;
      return;
    }
    // The target's bucket: the last whose lo is at most the distance (one word decides, see above).
    const d0 = dist[0]!;
    let lo = 0;
    let hi = buckets - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (data[base + mid * blk]! <= d0) lo = mid;
      else hi = mid - 1;
    }
    this.first = lo;
    this.left = lo;
    this.right = lo;
    this.level = (data[base + lo * blk + HDR]! & 0xff) - 1;
  }

  /** The next bucket in XOR order, or -1 after the last. */
  next(): number {
    if (this.taken < this.queued) {
      const i = this.taken++;
      this.bound = this.queueKeys[i]!;
      return this.queue[i]!;
    }
    if (this.first >= 0) {
      const b = this.first;
      this.first = -1;
      this.bound = 0;
      return b;
    }
    const level = this.level;
    if (level < 0) return -1;
    this.level = level - 1;
    // The sibling subtree at `level`: the buckets next to [left, right] that share the target's first `level` bits.
    const data = this.data;
    const base = this.base;
    const blk = this.blk;
    const d0 = this.dist[0]!;
    const mask = level === 0 ? 0 : (0xffffffff << (32 - level)) >>> 0;
    let from: number;
    let to: number;
    if (((d0 >>> (31 - level)) & 1) === 0) {
      from = this.right + 1;
      to = from;
      while (to < this.buckets && ((data[base + to * blk]! ^ d0) & mask) === 0) to++;
      this.right = to - 1;
    } else {
      to = this.left;
      from = to - 1;
      while (from > 0 && ((data[base + (from - 1) * blk]! ^ d0) & mask) === 0) from--;
      this.left = from;
    }
    if (to - from === 1) {
      this.bound = boundOf(data, base + from * blk, d0) * KEY_SCALE;
      return from;
    }
    // Several buckets: sort them by bound (insertion; no two are equal).
    const q = this.queue;
    const keys = this.queueKeys;
    let n = 0;
    for (let b = from; b < to; b++) {
      const key = boundOf(data, base + b * blk, d0) * KEY_SCALE;
      let i = n++;
      while (i > 0 && keys[i - 1]! > key) {
        q[i] = q[i - 1]!;
        keys[i] = keys[i - 1]!;
        i--;
      }
      q[i] = b;
      keys[i] = key;
    }
    this.queued = n;
    this.taken = 1;
    this.bound = keys[0]!;
    return q[0]!;
  }

  /** The lower bound of the bucket next() returned last, as a key (top 53 bits of the distance). */
  boundKey(): number {
    return this.bound;
  }

  /** Deep tables: every bucket's bound in all its words, sorted (insertion), into the queue. */
  private sortAll(): void {
    const data = this.data;
    const base = this.base;
    const blk = this.blk;
    const dist = this.dist;
    const lbs = this.queueBounds;
    const q = this.queue;
    loWords(data, base, blk, this.buckets, lbs); // each bucket's full lo, then masked in place into its bound
    for (let b = 0; b < this.buckets; b++) {
      const depth = data[base + b * blk + HDR]! & 0xff;
      const lb = b * ID_WORDS;
      for (let w = 0; w < ID_WORDS; w++) {
        const kept = depth - w * 32;
        const mask = kept <= 0 ? 0 : kept >= 32 ? 0xffffffff : (0xffffffff << (32 - kept)) >>> 0;
        lbs[lb + w] = ((lbs[lb + w]! ^ dist[w]!) & mask) >>> 0;
      }
      let i = b;
      while (i > 0 && compareWords(lbs, q[i - 1]! * ID_WORDS, lbs, lb) > 0) {
        q[i] = q[i - 1]!;
        i--;
      }
      q[i] = b;
    }
    for (let i = 0; i < this.buckets; i++) {
      const lb = q[i]! * ID_WORDS;
      this.queueKeys[i] = lbs[lb]! * KEY_SCALE + (lbs[lb + 1]! >>> 11);
    }
    this.queued = this.buckets;
  }
}

/** First word of the lower bound of the block at `at` from a distance whose first word is d0 (tables no deeper than 32 bits). */
function boundOf(data: Uint32Array, at: number, d0: number): number {
  const depth = data[at + HDR]! & 0xff;
  const mask = depth === 0 ? 0 : depth >= 32 ? 0xffffffff : (0xffffffff << (32 - depth)) >>> 0;
  return ((data[at]! ^ d0) & mask) >>> 0;
}
