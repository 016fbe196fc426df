/**
 * A least-recently-used order over small integer handles, as two Int32Arrays
 * (previous, next) instead of a node object per entry: the address book keeps
 * 65,536 peers in it. `touch` makes a handle the newest (linking it if it was
 * not in the order), `oldest` is the next one to consider for reclaiming,
 * `unlink` takes one out. All O(1).
 */
const NONE = -1;

export class LruOrder {
  private prev: Int32Array;
  private next: Int32Array;
  /** Oldest and newest linked handle; NONE when the order is empty. */
  oldest = NONE;
  private newest = NONE;
  /** Linked handles. */
  size = 0;

  constructor(capacity: number) {
    this.prev = new Int32Array(capacity).fill(NONE);
    this.next = new Int32Array(capacity).fill(NONE);
  }

  /** Room for handles below `capacity` (the arrays grow with the book, never shrink). */
  ensure(capacity: number): void {
    if (capacity <= this.prev.length) return;
    const prev = new Int32Array(capacity).fill(NONE);
    const next = new Int32Array(capacity).fill(NONE);
    prev.set(this.prev);
    next.set(this.next);
    this.prev = prev;
    this.next = next;
  }

  has(h: number): boolean {
    return h === this.oldest || this.prev[h] !== NONE;
  }

  /** Makes `h` the newest, linking it if needed. */
  touch(h: number): void {
    if (h === this.newest) return;
    if (this.has(h)) this.unlink(h);
    this.prev[h] = this.newest;
    this.next[h] = NONE;
    if (this.newest !== NONE) this.next[this.newest] = h;
    else this.oldest = h;
    this.newest = h;
    this.size++;
  }

  unlink(h: number): void {
    const p = this.prev[h]!;
    const n = this.next[h]!;
    if (p !== NONE) this.next[p] = n;
    else this.oldest = n;
    if (n !== NONE) this.prev[n] = p;
    else this.newest = p;
    this.prev[h] = NONE;
    this.next[h] = NONE;
    this.size--;
  }
}
