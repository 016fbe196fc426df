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
 * Density: a node's state is ONE object. NodeRandom (node-random.ts) ← Outbox ←
 * NodeTimers (timers.ts) ← RequestTable (rpc-table.ts) ← NodeState (node-state.ts)
 * each add one concern's fields and methods to the same object, instead of five
 * objects with five headers and the pointers between them (~250 bytes a node).
 */
import type { DropReason, NodeEvent } from './events.js';
import type { Message } from './messages.js';
import { NodeRandom } from './node-random.js';
import type { Random } from './random.js';

// Drops are frequent and carry no data but the reason: one frozen event per reason, never allocated again.
const DROPS = new Map<DropReason, NodeEvent>();
function dropEvent(reason: DropReason): NodeEvent {
  let ev = DROPS.get(reason);
  if (!ev) DROPS.set(reason, (ev = Object.freeze({ type: 'drop', reason }) as NodeEvent));
  return ev;
}

/**
 * One queue: its array and where it is read and written. A node points at one only while it holds
 * something; a drained one waits in SPARE for the next node that sends. The heads, ends and the
 * last destination live here rather than in the node: five fields (40 bytes) fewer in every node
 * (see the file comment's density note).
 */
class Queue {
  /** Sends: destination, message, destination, message… (one array, not two). Events: one a slot. Entries past `end` are stale. */
  readonly items: unknown[] = [];
  head = 0;
  end = 0;
  /** Sends: the destination of the message pollTransmit returned last. */
  to = -1;
}

/** Drained queues waiting for the next node that sends (a few: the host drains after every call). */
const SPARE: Queue[] = [];
const MAX_SPARE = 8;

function takeQueue(): Queue {
  return SPARE.pop() ?? new Queue();
}

function giveBack(q: Queue): void {
  q.head = q.end = 0;
  q.to = -1;
  if (SPARE.length < MAX_SPARE) SPARE.push(q);
}

export class Outbox extends NodeRandom {
  private sends: Queue | null = null;
  private events: Queue | null = null;

  /** `rng`: the node's stream (node-random.ts); none: seed 0. */
  constructor(rng: Random | null = null) {
    super(rng);
  }

  /** Queues `msg` for `to`. */
  send(to: number, msg: Message): void {
    const q = (this.sends ??= takeQueue());
    q.items[q.end++] = to;
    q.items[q.end++] = msg;
  }

  event(ev: NodeEvent): void {
    const q = (this.events ??= takeQueue());
    q.items[q.end++] = ev;
  }

  drop(reason: DropReason): void {
    this.event(dropEvent(reason));
  }

  /** Destination of the message pollTransmit just returned (-1 when it returned none). */
  get transmitTo(): number {
    return this.sends === null ? -1 : this.sends.to;
  }

  // A drained queue is given back rather than kept empty: the host drains after every call, and
  // an idle node should not carry two queues between calls. A polled slot is cleared so a spare
  // queue keeps no message alive.
  pollTransmit(): Message | null {
    const q = this.sends;
    if (q === null) return null;
    if (q.head === q.end) {
      this.sends = null;
      giveBack(q);
      return null;
    }
    const items = q.items;
    const h = q.head;
    q.to = items[h] as number;
    const msg = items[h + 1] as Message;
    items[h + 1] = null;
    q.head = h + 2;
    return msg;
  }

  pollEvent(): NodeEvent | null {
    const q = this.events;
    if (q === null) return null;
    if (q.head === q.end) {
      this.events = null;
      giveBack(q);
      return null;
    }
    const ev = q.items[q.head] as NodeEvent;
    q.items[q.head++] = null;
    return ev;
  }
}
