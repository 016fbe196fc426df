/**
 * The node's two output queues: messages to transmit (with their destination)
 * and events. The core only appends; the host drains with pollTransmit and
 * pollEvent after each call into the node, so the core never calls out and
 * can never be re-entered while it is in the middle of something.
 *
 * The arrays are created on first use and emptied (not reallocated) when
 * drained: tens of thousands of idle nodes share a process.
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
  private msgs: Message[] | null = null;
  private dests: number[] | null = null;
  private msgHead = 0;
  private events: NodeEvent[] | null = null;
  private eventHead = 0;
  /** Destination of the message pollTransmit returned last (-1 before any). */
  transmitTo = -1;

  /** Queues `msg` for `to`. */
  send(to: number, msg: Message): void {
    if (!this.msgs) {
      this.msgs = [];
      this.dests = [];
    }
    this.msgs.push(msg);
    this.dests!.push(to);
  }

  event(ev: NodeEvent): void {
    (this.events ??= []).push(ev);
  }

  drop(reason: DropReason): void {
    this.event(dropEvent(reason));
  }

  pollTransmit(): Message | null {
    const msgs = this.msgs;
    if (!msgs || this.msgHead === msgs.length) {
      if (msgs && msgs.length > 0) {
        msgs.length = 0;
        this.dests!.length = 0;
        this.msgHead = 0;
      }
      return null;
    }
    this.transmitTo = this.dests![this.msgHead]!;
    return msgs[this.msgHead++]!;
  }

  pollEvent(): NodeEvent | null {
    const events = this.events;
    if (!events || this.eventHead === events.length) {
      if (events && events.length > 0) {
        events.length = 0;
        this.eventHead = 0;
      }
      return null;
    }
    return events[this.eventHead++]!;
  }
}
