/**
 * The node's two output queues: messages to transmit (with their destination)
 * and events. The core only appends; the host drains with pollTransmit and
 * pollEvent after each call into the node, so the core never calls out and
 * can never be re-entered while it is in the middle of something.
 *
 * The arrays are created on first use and let go when drained: tens of
 * thousands of idle nodes share a process.
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

export class Outbox {
  /** Destination, message, destination, message… (one array, not two). */
  private sends: Array<number | Message> | null = null;
  private sendHead = 0;
  private events: NodeEvent[] | null = null;
  private eventHead = 0;
  /** Destination of the message pollTransmit returned last (-1 before any). */
  transmitTo = -1;

  /** Queues `msg` for `to`. */
  send(to: number, msg: Message): void {
    (this.sends ??= []).push(to, msg);
  }

  event(ev: NodeEvent): void {
    (this.events ??= []).push(ev);
  }

  drop(reason: DropReason): void {
    this.event(dropEvent(reason));
  }

  // A drained queue is let go rather than kept empty: the host drains after every call, and an
  // idle node should not carry two arrays (~100 bytes) between calls.
  pollTransmit(): Message | null {
    const sends = this.sends;
    if (!sends) return null;
    if (this.sendHead === sends.length) {
      this.sends = null;
      this.sendHead = 0;
      return null;
    }
    this.transmitTo = sends[this.sendHead] as number;
    const msg = sends[this.sendHead + 1] as Message;
    this.sendHead += 2;
    return msg;
  }

  pollEvent(): NodeEvent | null {
    const events = this.events;
    if (!events) return null;
    if (this.eventHead === events.length) {
      this.events = null;
      this.eventHead = 0;
      return null;
    }
    return events[this.eventHead++]!;
  }
}
