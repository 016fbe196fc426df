/**
 * The node's two output queues: messages to transmit (with their destination)
 * and events. The core only appends; the host drains with pollTransmit and
 * pollEvent after each call into the node, so the core never calls out and
 * can never be re-entered while it is in the middle of something.
 *
 * A node holds its queues only while they hold something: a drained queue goes back to a
 * small thread-wide stack of spare arrays and the next node to send takes it from there, so
 * tens of thousands of idle nodes carry no arrays and a busy shard allocates none per message
 * (the host drains after every call, so one or two arrays circulate). Sharing is safe for the
 * reason scratch.ts gives: the core is synchronous, and a node lets go of an array before
 * another can take it.
 *
 * Density: a node's state is ONE object. Outbox ← NodeTimers (timers.ts) ←
 * RequestTable (rpc-table.ts) ← NodeState (node-state.ts) each add one
 * concern's fields and methods to the same object, instead of four objects
 * with four headers and the pointers between them (~200 bytes a node).
 */
import type { DropReason, NodeEvent } from './events.js';
import type { Message } from './messages.js';

// Drops are frequent and carry no data but the reason: one frozen event per reason, never allocated again.
const DROPS = new Map<DropReason, NodeEvent>();
function dropEvent(reason: DropReason): NodeEvent {
  let ev = DROPS.get(reason);
  if (!ev) DROPS.set(reason, (ev = Object.freeze({ type: 'drop', reason }) as NodeEvent));
  return ev;
}

/** Drained queues waiting for the next node that sends (a few: the host drains after every call). */
const SPARE: unknown[][] = [];
const MAX_SPARE = 8;

function takeQueue<T>(): T[] {
  return (SPARE.pop() as T[] | undefined) ?? [];
}

function giveBack(q: unknown[]): void {
  if (SPARE.length < MAX_SPARE) SPARE.push(q);
}

export class Outbox {
  /** Destination, message, destination, message… (one array, not two); entries past sendEnd are stale. */
  private sends: Array<number | Message | null> | null = null;
  private sendHead = 0;
  private sendEnd = 0;
  private events: Array<NodeEvent | null> | null = null;
  private eventHead = 0;
  private eventEnd = 0;
  /** Destination of the message pollTransmit returned last (-1 before any). */
  transmitTo = -1;

  /** Queues `msg` for `to`. */
  send(to: number, msg: Message): void {
    const q = (this.sends ??= takeQueue());
    q[this.sendEnd++] = to;
    q[this.sendEnd++] = msg;
  }

  event(ev: NodeEvent): void {
    (this.events ??= takeQueue())[this.eventEnd++] = ev;
  }

  drop(reason: DropReason): void {
    this.event(dropEvent(reason));
  }

  // A drained queue is given back rather than kept empty: the host drains after every call, and
  // an idle node should not carry two arrays (~100 bytes) between calls. A polled slot is
  // cleared so a spare array keeps no message alive.
  pollTransmit(): Message | null {
    const sends = this.sends;
    if (!sends) return null;
    if (this.sendHead === this.sendEnd) {
      this.sends = null;
      this.sendHead = this.sendEnd = 0;
      giveBack(sends);
      return null;
    }
    const h = this.sendHead;
    this.transmitTo = sends[h] as number;
    const msg = sends[h + 1] as Message;
    sends[h + 1] = null;
    this.sendHead = h + 2;
    return msg;
  }

  pollEvent(): NodeEvent | null {
    const events = this.events;
    if (!events) return null;
    if (this.eventHead === this.eventEnd) {
      this.events = null;
      this.eventHead = this.eventEnd = 0;
      giveBack(events);
      return null;
    }
    const ev = events[this.eventHead]!;
    events[this.eventHead++] = null;
    return ev;
  }
}
