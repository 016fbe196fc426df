/**
 * The slots of every request awaiting a reply in this thread, in typed arrays: one pool shared
 * by all the thread's nodes, as scratch.ts shares its buffers (the core is synchronous and
 * never re-entered, and a slot belongs to exactly one node from `take` to `release`).
 *
 * Why one pool and not arrays per node: a node has a handful of requests in flight at most and
 * none most of the time, and a typed array of its own would cost it ~200 bytes of headers for
 * ~40 bytes a request. A request costs no object and no Map entry: its fields are a row here,
 * and the node keeps its requests as a list through `next`/`prev` in the order they were sent
 * (see rpc-table.ts). Free rows form a list through `next` too.
 *
 * A node dropped while requests are pending (never stopped) keeps its rows from coming back:
 * hosts stop a node before letting it go, and rows are 37 bytes.
 */

/** No slot (end of a list). */
export const NO_SLOT = -1;

export class RequestSlots {
  rpc = new Uint32Array(0);
  peer = new Uint32Array(0);
  /** MessageType of the request. */
  request = new Uint8Array(0);
  /** Purpose (rpc-table.ts). */
  purpose = new Uint8Array(0);
  /** 1 when past its timeout but still taking a late reply (a lookup's request). */
  late = new Uint8Array(0);
  sentAt = new Float64Array(0);
  deadline = new Float64Array(0);
  /** Next slot in the owner's list in the order sent (or in the free list); NO_SLOT at the end. */
  next = new Int32Array(0);
  prev = new Int32Array(0);
  /** The lookup run or the waiter of each slot (null when nothing waits on the reply). */
  owner: unknown[] = [];
  private free = NO_SLOT;
  /** Rows in use, all nodes together (for tests and reports). */
  used = 0;

  /** A free slot, its fields unset; the pool doubles when none is free. */
  take(): number {
    if (this.free === NO_SLOT) this.grow();
    const i = this.free;
    this.free = this.next[i]!;
    this.used++;
    return i;
  }

  release(i: number): void {
    this.owner[i] = null; // let the run or waiter go with the request
    this.next[i] = this.free;
    this.free = i;
    this.used--;
  }

  get capacity(): number {
    return this.rpc.length;
  }

  private grow(): void {
    const old = this.rpc.length;
    const n = old === 0 ? 1024 : old * 2;
    this.rpc = widen(this.rpc, new Uint32Array(n));
    this.peer = widen(this.peer, new Uint32Array(n));
    this.request = widen(this.request, new Uint8Array(n));
    this.purpose = widen(this.purpose, new Uint8Array(n));
    this.late = widen(this.late, new Uint8Array(n));
    this.sentAt = widen(this.sentAt, new Float64Array(n));
    this.deadline = widen(this.deadline, new Float64Array(n));
    this.next = widen(this.next, new Int32Array(n));
    this.prev = widen(this.prev, new Int32Array(n));
    for (let i = old; i < n; i++) this.owner.push(null);
    // The new rows join the free list, lowest first.
    for (let i = n - 1; i >= old; i--) {
      this.next[i] = this.free;
      this.free = i;
    }
  }
}

function widen<T extends Uint32Array | Uint8Array | Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The thread's pool (one per worker thread: module state is per thread). */
export const SLOTS = new RequestSlots();
