/**
 * The edge's side of a host's virtual-time barrier (issue 16). On a host of a multi-host swarm the
 * barrier (barrier.ts) has W shards plus the edge, and the edge — on the host's main thread, which
 * must never block — is always the last to arrive: it waits (Atomics.waitAsync) until every shard
 * has arrived, reads their values, does the cross-host part of the crossing (exchange frames with
 * the peer hosts, agree with the coordinator), and only then completes the crossing, which wakes
 * the shards. The memory layout is barrier.ts's: Int32 [count, generation (+ abort bit), aborted
 * by, unused], then 2 × n float64 values double-buffered by generation.
 */
import { abortBarrier, BarrierAborted, type BarrierMemory } from './barrier.js';

const COUNT = 0;
const GEN = 1;
const ABORTED_BY = 2;
const HEADER_BYTES = 16;
const ABORT_BIT = 1 << 30;
const GEN_MASK = ABORT_BIT - 1;
/** How often a wait for the shards looks at the abort bit (a shard that fails aborts on GEN, not COUNT). */
const SLICE_MS = 250;

type WaitAsync = (ta: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class EdgeBarrier {
  private readonly ctl: Int32Array;
  private readonly values: Float64Array;
  private readonly n: number;
  private gen = 0;

  /** `mem.shards` counts the edge: the host's W shards are participants 0..W−1, the edge is W. */
  constructor(private readonly mem: BarrierMemory) {
    this.n = mem.shards;
    this.ctl = new Int32Array(mem.sab, 0, HEADER_BYTES / 4);
    this.values = new Float64Array(mem.sab, HEADER_BYTES, 2 * mem.shards);
  }

  /** Resolves once every shard has arrived at the current crossing, with the min of their values. */
  async shardsArrived(timeoutMs: number): Promise<number> {
    const shards = this.n - 1;
    const started = performance.now();
    this.gen = Atomics.load(this.ctl, GEN);
    for (;;) {
      if (Atomics.load(this.ctl, GEN) & ABORT_BIT) throw this.aborted();
      const c = Atomics.load(this.ctl, COUNT);
      if (c >= shards) break;
      if (performance.now() - started > timeoutMs) throw new Error(`the host's shards did not reach the barrier within ${timeoutMs} ms`);
      const r = waitAsync(this.ctl, COUNT, c, SLICE_MS);
      if (r.async) await r.value;
    }
    const slot = (this.gen & 1) * this.n;
    let min = Infinity;
    for (let s = 0; s < shards; s++) min = Math.min(min, this.values[slot + s]!);
    return min;
  }

  /** Completes the crossing with the edge's value; returns the min over every participant. */
  complete(value: number): number {
    const gen = this.gen;
    const slot = (gen & 1) * this.n;
    this.values[slot + this.n - 1] = value;
    let min = Infinity;
    for (let s = 0; s < this.n; s++) min = Math.min(min, this.values[slot + s]!);
    Atomics.store(this.ctl, COUNT, 0);
    if (Atomics.compareExchange(this.ctl, GEN, gen, (gen + 1) & GEN_MASK) !== gen) throw this.aborted();
    Atomics.notify(this.ctl, GEN);
    return min;
  }

  /** Wakes every shard waiting, for good (the run failed elsewhere). */
  abort(): void {
    abortBarrier(this.mem, this.n - 1);
  }

  private aborted(): BarrierAborted {
    return new BarrierAborted(Atomics.load(this.ctl, ABORTED_BY) - 1);
  }
}
