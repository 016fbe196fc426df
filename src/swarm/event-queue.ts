/**
 * A binary min-heap of events ordered by (time, order key, insertion seq).
 * One queue serves a whole shard (or a whole single-threaded simulation):
 * timers and deliveries of thousands of nodes share it, so nodes own no timers.
 *
 * The order key lets a caller make ties independent of insertion order
 * (virtual time orders same-instant events by node index); insertion order
 * breaks remaining ties so the queue is deterministic.
 */
export class EventQueue<T> {
  private times: Float64Array = new Float64Array(1024);
  private keys: Float64Array = new Float64Array(1024);
  private items: (T | undefined)[] = [];
  private n = 0;
  private seq = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  push(time: number, item: T, orderKey = 0): void {
    if (this.n === this.times.length) this.grow();
    // Combine the caller's key with a sequence number in one float: key * 2^26 + seq stays exact
    // for keys below 2^26 (node indices) and 2^26 pushes between key changes; past that, ties
    // still resolve deterministically, only not strictly by insertion.
    const k = orderKey * 67108864 + (this.seq++ % 67108864);
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = this.times[parent]!;
      if (pt < time || (pt === time && this.keys[parent]! <= k)) break;
      this.times[i] = pt;
      this.keys[i] = this.keys[parent]!;
      this.items[i] = this.items[parent];
      i = parent;
    }
    this.times[i] = time;
    this.keys[i] = k;
    this.items[i] = item;
  }

  /** Removes and returns the earliest event (undefined when empty). */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const top = this.items[0];
    const last = --this.n;
    const t = this.times[last]!;
    const k = this.keys[last]!;
    const item = this.items[last];
    this.items[last] = undefined;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (this.times[r]! < this.times[c]! || (this.times[r] === this.times[c] && this.keys[r]! < this.keys[c]!))) c = r;
      const ct = this.times[c]!;
      if (t < ct || (t === ct && k <= this.keys[c]!)) break;
      this.times[i] = ct;
      this.keys[i] = this.keys[c]!;
      this.items[i] = this.items[c];
      i = c;
    }
    if (last > 0) {
      this.times[i] = t;
      this.keys[i] = k;
      this.items[i] = item;
    }
    return top;
  }

  private grow(): void {
    const t = new Float64Array(this.times.length * 2);
    t.set(this.times);
    this.times = t;
    const k = new Float64Array(this.keys.length * 2);
    k.set(this.keys);
    this.keys = k;
  }
}
