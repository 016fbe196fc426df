/**
 * A binary min-heap of events ordered by (time, key1, key2). One queue serves
 * a whole shard (or a whole single-threaded simulation): timers and
 * deliveries of thousands of nodes share it, so nodes own no timers.
 *
 * Real time orders ties by insertion (key1 = 0, key2 = a sequence number).
 * Virtual time passes (global index of the node that caused the event, that
 * node's event counter), so the order of same-instant events does not depend
 * on which shard inserted them first, and a run is the same whatever the
 * worker count.
 *
 * Each event also carries one integer `tag` beside its item (the shard's queue keeps a message
 * and its receiver that way, with no event object per message); pop() leaves the popped
 * event's key1 and tag in poppedKey1 and poppedTag.
 */
/** Events the queue holds room for at least; it doubles when full and halves when three quarters empty. */
const MIN_CAPACITY = 1024;

export class EventQueue<T> {
  private times: Float64Array = new Float64Array(MIN_CAPACITY);
  private k1: Float64Array = new Float64Array(MIN_CAPACITY);
  private k2: Float64Array = new Float64Array(MIN_CAPACITY);
  private tags: Int32Array = new Int32Array(MIN_CAPACITY);
  private items: (T | undefined)[] = [];
  private n = 0;
  private seq = 0;
  /** key1 and tag of the event the last pop() returned. */
  poppedKey1 = 0;
  poppedTag = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  /** Adds an event; without keys, ties keep insertion order. */
  push(time: number, item: T, key1 = 0, key2 = -1, tag = 0): void {
    if (this.n === this.times.length) this.resize(this.times.length * 2);
    const k2 = key2 < 0 ? this.seq++ : key2;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(time, key1, k2, this.times[p]!, this.k1[p]!, this.k2[p]!)) break;
      this.move(p, i);
      i = p;
    }
    this.times[i] = time;
    this.k1[i] = key1;
    this.k2[i] = k2;
    this.tags[i] = tag;
    this.items[i] = item;
  }

  /** Removes and returns the earliest event (undefined when empty). */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const top = this.items[0];
    this.poppedKey1 = this.k1[0]!;
    this.poppedTag = this.tags[0]!;
    const last = --this.n;
    const t = this.times[last]!;
    const a = this.k1[last]!;
    const b = this.k2[last]!;
    const tag = this.tags[last]!;
    const item = this.items[last];
    this.items[last] = undefined;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && before(this.times[r]!, this.k1[r]!, this.k2[r]!, this.times[c]!, this.k1[c]!, this.k2[c]!)) c = r;
      if (!before(this.times[c]!, this.k1[c]!, this.k2[c]!, t, a, b)) break;
      this.move(c, i);
      i = c;
    }
    if (last > 0) {
      this.times[i] = t;
      this.k1[i] = a;
      this.k2[i] = b;
      this.tags[i] = tag;
      this.items[i] = item;
    }
    // A join's burst grows the queue to ~16k events per shard (~110 B per node at 10k nodes, kept
    // for the rest of the run); give the room back once the burst is over.
    const cap = this.times.length;
    if (last < cap >>> 2 && cap > MIN_CAPACITY) this.resize(cap >>> 1);
    return top;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.k1[to] = this.k1[from]!;
    this.k2[to] = this.k2[from]!;
    this.tags[to] = this.tags[from]!;
    this.items[to] = this.items[from];
  }

  /** Moves the heap into arrays of `size` events (at least the n it holds). */
  private resize(size: number): void {
    const n = this.n;
    const copy = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, n));
      return b;
    };
    this.times = copy(this.times);
    this.k1 = copy(this.k1);
    this.k2 = copy(this.k2);
    const tags = new Int32Array(size);
    tags.set(this.tags.subarray(0, n));
    this.tags = tags;
    if (this.items.length > size) this.items.length = size; // the slots past n are all undefined
  }
}

function before(t: number, a: number, b: number, u: number, c: number, d: number): boolean {
  if (t !== u) return t < u;
  if (a !== c) return a < c;
  return b < d;
}
