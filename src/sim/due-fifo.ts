/**
 * Messages between two nodes of one shard that are due the moment they are sent (real time at
 * zero latency: half of all messages). They are already in time order, so a ring buffer takes
 * them in O(1) instead of the event heap's O(log n) push and pop (cluster-schedule.ts merges the
 * two by time).
 *
 * Real time only: virtual time orders same-instant events by (node, node's counter), which a
 * FIFO does not keep, so there every message goes through the heap and trace hashes stay equal.
 */
import type { Message } from '../core/messages.js';

export class DueFifo {
  private times = new Float64Array(1024);
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private msgs: (Message | undefined)[] = new Array<Message | undefined>(1024);
  /** Index of the oldest entry; entries are head .. head + n - 1 modulo the capacity. */
  private head = 0;
  private n = 0;
  /** Sender and receiver of the message the last shift() returned. */
  shiftedFrom = 0;
  shiftedTo = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the oldest entry, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[this.head]! : Infinity;
  }

  /** Appends a message due at `at` (never earlier than the last one: the clock does not go back). */
  push(at: number, from: number, to: number, msg: Message): void {
    if (this.n === this.times.length) this.grow();
    const i = (this.head + this.n) & (this.times.length - 1);
    this.times[i] = at;
    this.from[i] = from;
    this.to[i] = to;
    this.msgs[i] = msg;
    this.n++;
  }

  /** Removes and returns the oldest message (the FIFO must not be empty); its ends go to shiftedFrom/shiftedTo. */
  shift(): Message {
    const i = this.head;
    const msg = this.msgs[i]!;
    this.msgs[i] = undefined;
    this.shiftedFrom = this.from[i]!;
    this.shiftedTo = this.to[i]!;
    this.head = (i + 1) & (this.times.length - 1);
    this.n--;
    return msg;
  }

  /** Doubles the ring (capacity stays a power of two), unrolling it so the oldest entry is first. */
  private grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const from = new Int32Array(cap * 2);
    const to = new Int32Array(cap * 2);
    const msgs = new Array<Message | undefined>(cap * 2);
    for (let j = 0; j < this.n; j++) {
      const i = (this.head + j) & (cap - 1);
      times[j] = this.times[i]!;
      from[j] = this.from[i]!;
      to[j] = this.to[i]!;
      msgs[j] = this.msgs[i];
    }
    this.times = times;
    this.from = from;
    this.to = to;
    this.msgs = msgs;
    this.head = 0;
  }
}
