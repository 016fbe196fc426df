/**
 * A reusable barrier for the shards of a virtual-time run, on a
 * SharedArrayBuffer, with one float64 per shard exchanged at each crossing
 * (each shard's earliest pending event). Shards block in Atomics.wait, which
 * is allowed in worker threads. The supervisor never waits on it; it may only
 * abort it (abortBarrier: stores and a notify, nothing that blocks).
 *
 * Values are double-buffered by generation, so a fast shard writing its
 * value for the next crossing never overwrites one a slow shard still reads.
 *
 * Abort: a shard that fails mid-run never arrives again, so the others would
 * wait for it forever. abortBarrier sets a bit in the generation word itself
 * (and notifies it): a shard waiting on that word wakes because the word
 * changed, and one arriving later sees the bit in the generation it loads
 * anyway. Putting the flag in the word the waiters already read keeps the
 * healthy crossing at the same atomic operations as before, and leaves no
 * window between "check the flag" and "wait" in which a notify could be lost.
 */
export interface BarrierMemory {
  shards: number;
  sab: SharedArrayBuffer;
  /** Multi-host (issue 16): the last participant is the host's edge, on the main thread (edge-barrier.ts); shards wake it on arrival. */
  edge?: boolean;
}

// Int32 words of the header; the float64 values start after it, 8-byte aligned.
const COUNT = 0;
const GEN = 1;
/** 1 + the shard that aborted the barrier, 0 while it is healthy (the first aborter is kept). */
const ABORTED_BY = 2;
const HEADER_BYTES = 16;
const ABORT_BIT = 1 << 30;
const GEN_MASK = ABORT_BIT - 1;

export function createBarrier(shards: number): BarrierMemory {
  // Int32 [count, generation (+ abort bit), aborted by, unused] then 2 × shards float64 values.
  return { shards, sab: new SharedArrayBuffer(HEADER_BYTES + 16 * shards) };
}

/** Thrown in a shard that was waiting at (or arriving at) a barrier another shard aborted. */
export class BarrierAborted extends Error {
  constructor(readonly by: number) {
    super(`stopped because shard ${by} failed`);
    this.name = 'BarrierAborted';
  }
}

/**
 * Ends the barrier for good on behalf of shard `by` (the one that failed): every shard waiting
 * wakes and every later arrival throws BarrierAborted naming it. Idempotent; the first call's
 * shard is the one named. Never blocks, so the supervisor may call it too.
 */
export function abortBarrier(mem: BarrierMemory, by: number): void {
  const ctl = new Int32Array(mem.sab, 0, HEADER_BYTES / 4);
  // The name before the bit: whoever sees the bit (sequentially consistent) sees the name.
  Atomics.compareExchange(ctl, ABORTED_BY, 0, by + 1);
  Atomics.or(ctl, GEN, ABORT_BIT);
  Atomics.notify(ctl, GEN);
}

export class Barrier {
  private readonly ctl: Int32Array;
  private readonly values: Float64Array;

  constructor(
    private readonly mem: BarrierMemory,
    private readonly shard: number,
  ) {
    this.ctl = new Int32Array(mem.sab, 0, HEADER_BYTES / 4);
    this.values = new Float64Array(mem.sab, HEADER_BYTES, 2 * mem.shards);
  }

  /**
   * Publishes `value`, waits until every shard has arrived, and returns the
   * values of all shards for this crossing (in shard order), reduced with min.
   * Throws BarrierAborted if the barrier was aborted before this crossing completed.
   */
  arriveMin(value: number, timeoutMs = 600_000): number {
    const n = this.mem.shards;
    if (n === 1) return value;
    const gen = Atomics.load(this.ctl, GEN);
    if (gen & ABORT_BIT) throw this.aborted();
    const slot = (gen & 1) * n;
    this.values[slot + this.shard] = value;
    const arrived = Atomics.add(this.ctl, COUNT, 1);
    // With an edge (multi-host), the edge waits (async) for every shard, then completes the crossing itself.
    if (this.mem.edge) Atomics.notify(this.ctl, COUNT);
    if (!this.mem.edge && arrived === n - 1) {
      Atomics.store(this.ctl, COUNT, 0);
      // A compare-exchange rather than an add: an abort that set its bit meanwhile must win.
      if (Atomics.compareExchange(this.ctl, GEN, gen, (gen + 1) & GEN_MASK) !== gen) throw this.aborted();
      Atomics.notify(this.ctl, GEN);
    } else {
      let now: number;
      while ((now = Atomics.load(this.ctl, GEN)) === gen) {
        if (Atomics.wait(this.ctl, GEN, gen, timeoutMs) === 'timed-out') {
          throw new Error(`barrier timed out after ${timeoutMs} ms (another shard stopped?)`);
        }
      }
      // Aborted with the generation unchanged: the crossing never completed. One that did (the
      // abort came just after) still returns its values; this shard's next arrival throws.
      if (now === (gen | ABORT_BIT)) throw this.aborted();
    }
    let min = Infinity;
    for (let s = 0; s < n; s++) min = Math.min(min, this.values[slot + s]!);
    return min;
  }

  private aborted(): BarrierAborted {
    return new BarrierAborted(Atomics.load(this.ctl, ABORTED_BY) - 1);
  }
}
