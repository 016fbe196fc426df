/**
 * The node's deadlines, one slot per kind of timer, so the host's next wake-up (pollTimeout) is
 * a minimum over six numbers. The Rpc slot is never later than the earliest pending request
 * deadline (the request table lowers it for every request and makes it exact at each tick);
 * the others are written by the maintenance jobs. Infinity means "not set".
 *
 * Density: the slots of 1,024 nodes share one Float64Array (a typed array of its own would cost
 * a node ~150 bytes of headers for 40 bytes of deadlines); a node keeps its slab and an offset.
 * The node's epoch and its node-wide RTT estimate (doubles, so each a boxed number as a field:
 * 24 bytes) are three more slots of its row (8 bytes each).
 *
 * Dormancy: stop() leaves the maintenance deadlines in place but makes them
 * dormant, and they are reported again only when the node runs a tick while
 * up, stores a record or finishes a join. That is exactly when the previous
 * callback core re-armed its wake-up (it forgot its wake-up at stop and asked
 * again only at those points), so a resumed node ticks at the same times as
 * before: reporting them at resume would tick it at once and change every
 * virtual-time trace with churn in it.
 */
import type { KadConfig } from './config.js';
import { Outbox } from './outbox.js';
import type { Random } from './random.js';

export const enum TimerKind {
  Rpc = 0,
  Refresh = 1,
  Replicate = 2,
  Republish = 3,
  Expire = 4,
  /** The next hand-over STORE the pacing budget allows (hand-over.ts). */
  HandOver = 5,
}

const KINDS = 6;
/** The row's slots past the timers: the node's epoch (node-state.ts) and its node-wide RTT estimate (rpc-table.ts). */
const EPOCH = KINDS;
const SRTT = KINDS + 1;
const RTTVAR = KINDS + 2;
const ROW = KINDS + 3;

const NODES_PER_SLAB = 1024;
let slab = new Float64Array(0);
let slabUsed = NODES_PER_SLAB;
let slabsMade = 0;

/**
 * Bytes of the timer slabs this thread made (for the memory report: they are typed arrays,
 * outside the JS heap). An upper bound: a slab whose nodes are all gone is freed by the GC.
 */
export function timerSlabBytes(): number {
  return slabsMade * NODES_PER_SLAB * ROW * Float64Array.BYTES_PER_ELEMENT;
}

/** Bit 0 of NodeTimers.flags; node-state.ts keeps its booleans in the higher bits. */
const DORMANT = 1;

/** The timer table of one node (part of the node's one state object: see outbox.ts). */
export class NodeTimers extends Outbox {
  private readonly timerSlab: Float64Array;
  private readonly timerBase: number;
  /** Booleans of the node as bits (one small integer, not a field each): DORMANT here, the rest in node-state.ts. */
  protected flags = 0;

  /** `rng`: the node's stream (node-random.ts). */
  constructor(rng: Random | null = null) {
    super(rng);
    if (slabUsed === NODES_PER_SLAB) {
      slab = new Float64Array(NODES_PER_SLAB * ROW).fill(Infinity);
      slabUsed = 0;
      slabsMade++;
    }
    this.timerSlab = slab;
    this.timerBase = slabUsed++ * ROW;
    slab[this.timerBase + SRTT] = 0;
    slab[this.timerBase + RTTVAR] = 0;
  }

  /** See the file comment: maintenance deadlines kept but not reported. */
  get dormant(): boolean {
    return (this.flags & DORMANT) !== 0;
  }
  set dormant(v: boolean) {
    this.flags = v ? this.flags | DORMANT : this.flags & ~DORMANT;
  }

  /** `now` when the node was made (node-state.ts): bucket times are seconds since then. */
  get epoch(): number {
    return this.timerSlab[this.timerBase + EPOCH]!;
  }
  protected setEpoch(at: number): void {
    this.timerSlab[this.timerBase + EPOCH] = at;
  }

  /** The node-wide RTT estimate (rpc-table.ts), 0 until the first sample. */
  protected get srtt(): number {
    return this.timerSlab[this.timerBase + SRTT]!;
  }
  protected set srtt(v: number) {
    this.timerSlab[this.timerBase + SRTT] = v;
  }
  protected get rttvar(): number {
    return this.timerSlab[this.timerBase + RTTVAR]!;
  }
  protected set rttvar(v: number) {
    this.timerSlab[this.timerBase + RTTVAR] = v;
  }

  timer(kind: TimerKind): number {
    return this.timerSlab[this.timerBase + kind]!;
  }

  setTimer(kind: TimerKind, at: number): void {
    this.timerSlab[this.timerBase + kind] = at;
  }

  /** Moves the deadline of `kind` earlier to `at`, never later. */
  lowerTimer(kind: TimerKind, at: number): void {
    const i = this.timerBase + kind;
    if (at < this.timerSlab[i]!) this.timerSlab[i] = at;
  }

  /** The earliest time the node must be ticked; Infinity when nothing is due. */
  earliestTimer(): number {
    const at = this.timerSlab;
    const b = this.timerBase;
    let min = at[b + TimerKind.Rpc]!;
    if ((this.flags & DORMANT) !== 0) return min;
    for (let k = 1; k < KINDS; k++) if (at[b + k]! < min) min = at[b + k]!;
    return min;
  }

  /** The maintenance deadlines count again (a tick while up, a stored record, a finished join). */
  rearm(): void {
    this.flags &= ~DORMANT;
  }
}

/**
 * The replication period with ±25 % jitter. The paper relies on nodes' timers
 * being out of step: the first holder to replicate refreshes the others,
 * which then skip the key. Holders that all received the same STORE at the
 * same instant would otherwise replicate in lockstep and all skip every
 * other round. One draw from the node's stream.
 */
export function replicationDelay(config: KadConfig, rng: Random): number {
  return config.replicateMs * (0.75 + 0.5 * rng.next());
}
