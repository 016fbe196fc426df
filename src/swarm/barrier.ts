/**
 * A reusable barrier for the shards of a virtual-time run, on a
 * SharedArrayBuffer, with one float64 per shard exchanged at each crossing
 * (each shard's earliest pending event). Shards block in Atomics.wait, which
 * is allowed in worker threads; the supervisor never touches it.
 *
 * Values are double-buffered by generation, so a fast shard writing its
 * value for the next crossing never overwrites one a slow shard still reads.
 */
export interface BarrierMemory {
  shards: number;
  sab: SharedArrayBuffer;
}

export function createBarrier(shards: number): BarrierMemory {
  // Int32 [count, generation] then 2 × shards float64 values (8-byte aligned at 8).
  return { shards, sab: new SharedArrayBuffer(8 + 16 * shards) };
}

export class Barrier {
  private readonly ctl: Int32Array;
  private readonly values: Float64Array;

  constructor(
    private readonly mem: BarrierMemory,
    private readonly shard: number,
  ) {
    this.ctl = new Int32Array(mem.sab, 0, 2);
    this.values = new Float64Array(mem.sab, 8, 2 * mem.shards);
  }

  /**
   * Publishes `value`, waits until every shard has arrived, and returns the
   * values of all shards for this crossing (in shard order), reduced with min.
   */
  arriveMin(value: number, timeoutMs = 600_000): number {
    const n = this.mem.shards;
    if (n === 1) return value;
    const gen = Atomics.load(this.ctl, 1);
    const slot = (gen & 1) * n;
    this.values[slot + this.shard] = value;
    if (Atomics.add(this.ctl, 0, 1) === n - 1) {
      Atomics.store(this.ctl, 0, 0);
      Atomics.add(this.ctl, 1, 1);
      Atomics.notify(this.ctl, 1);
    } else {
      while (Atomics.load(this.ctl, 1) === gen) {
        if (Atomics.wait(this.ctl, 1, gen, timeoutMs) === 'timed-out') {
          throw new Error(`shard ${this.shard}: barrier timed out after ${timeoutMs} ms (another shard stopped?)`);
        }
      }
    }
    let min = Infinity;
    for (let s = 0; s < n; s++) min = Math.min(min, this.values[slot + s]!);
    return min;
  }
}
