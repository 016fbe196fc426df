/**
 * When a cluster's events run: one binary heap (event-queue.ts) for every wake-up, driver action
 * and delayed message of the cluster's nodes, a FIFO (due-fifo.ts) for real-time messages due at
 * once, and the per-node event counters that fix the same-instant order.
 *
 * Every event a node causes takes the next number of that node's counter, and the heap orders
 * by (time, global index of the causing node + 1, that number): the order of same-instant
 * events then does not depend on which shard queued them first. The FIFO keeps only insertion
 * order, so it serves real time only (see due-fifo.ts); take() merges the two by time.
 *
 * No object per event: a message is the heap item itself, its sender the heap's key1 − 1 and
 * its receiver the heap's tag; a wake-up is a null item whose node is key1 − 1.
 */
import type { Message } from '../core/messages.js';
import { DueFifo } from './due-fifo.js';
import { EventQueue } from './event-queue.js';

/** What take() found. */
export const enum Due {
  None = 0,
  Message = 1,
  Wake = 2,
  Action = 3,
}

type QueuedEvent = Message | (() => void) | null;

export class ClusterSchedule {
  private readonly heap = new EventQueue<QueuedEvent>();
  private readonly fifo = new DueFifo();
  /** Local slot → the node's event counter. */
  private seqs: Uint32Array;
  /** The same for driver actions that concern no node (samples); every shard schedules them alike. */
  private globalSeq = 0;

  // The event take() returned: its due time, and (message) sender and receiver, or (wake-up) the node.
  t = 0;
  from = 0;
  to = 0;
  message: Message | null = null;
  action: (() => void) | null = null;

  constructor(slots: number) {
    this.seqs = new Uint32Array(Math.max(1, slots));
  }

  /** The next number of local slot `slot`'s event counter. */
  nextSeq(slot: number): number {
    if (slot >= this.seqs.length) this.grow(slot + 1);
    return this.seqs[slot]!++;
  }

  /** A message for local node `to`, due at `at`, numbered `seq` by its sender; `dueNow` (real time, zero latency) takes the FIFO. */
  pushMessage(at: number, from: number, to: number, msg: Message, seq: number, dueNow: boolean): void {
    if (dueNow) this.fifo.push(at, from, to, msg);
    else this.heap.push(at, msg, from + 1, seq, to);
  }

  /** A wake-up of node `node` (global index) in local slot `slot`. */
  pushWake(at: number, node: number, slot: number): void {
    this.heap.push(at, null, node + 1, this.nextSeq(slot));
  }

  /** A driver action for node `node` in local slot `slot`, or for no node (node < 0): same-instant ones run in the order scheduled. */
  pushAction(at: number, node: number, slot: number, action: () => void): void {
    if (node < 0) this.heap.push(at, action, 0, this.globalSeq++);
    else this.heap.push(at, action, node + 1, this.nextSeq(slot));
  }

  /** Time of the next event, Infinity when none is queued. */
  nextTime(): number {
    const th = this.heap.peekTime();
    const tf = this.fifo.peekTime();
    return tf < th ? tf : th;
  }

  /** Removes the next event if it is due before `end` (or at `end` when `inclusive`) and says what it is (fields above). */
  take(end: number, inclusive: boolean): Due {
    const th = this.heap.peekTime();
    const tf = this.fifo.peekTime();
    const t = tf <= th ? tf : th;
    if (!(t < end || (inclusive && t === end)) || t === Infinity) return Due.None;
    this.t = t;
    if (tf <= th) {
      const fifo = this.fifo;
      this.message = fifo.shift();
      this.from = fifo.shiftedFrom;
      this.to = fifo.shiftedTo;
      return Due.Message;
    }
    const heap = this.heap;
    const ev = heap.pop()!;
    const node = heap.poppedKey1 - 1;
    if (ev === null) {
      this.to = node;
      return Due.Wake;
    }
    if (typeof ev === 'function') {
      this.action = ev;
      return Due.Action;
    }
    this.message = ev;
    this.from = node;
    this.to = heap.poppedTag;
    return Due.Message;
  }

  private grow(slots: number): void {
    const s = new Uint32Array(Math.max(slots, this.seqs.length * 2));
    s.set(this.seqs);
    this.seqs = s;
  }
}
