/**
 * The one host loop: every transport (UDP, the swarm's shards, the in-thread simulator) hosts
 * its nodes through it. For each input — a message, a due wake-up or an operation the caller
 * starts — it lets the core handle it, then drains what the core wants: its messages go to the
 * transport, its next wake-up to the wake queue (one queued wake-up per node, replaced only by
 * an earlier one), its events to the sink, and the end of an operation to that operation's
 * callback. The core is never re-entered while it is handling an input: callbacks run after
 * the call has returned.
 */
import type { Message, SignedPart } from '../core/messages.js';
import type { DoneEvent, KadNode, NodeEvent } from '../core/index.js';

/** Where a node's messages go: the transport encodes, delays or loses them. */
export interface Outbox {
  send(from: KadNode, to: number, msg: Message): void;
}

/** Keeps wake-ups: call `HostLoop.wake(slot, at, now)` at (or after) `at`. */
export interface WakeQueue {
  schedule(slot: number, at: number): void;
}

/** Everything else the core reports: drops (counted by reason), stored, timeout, lookup, cache-hit. */
export interface EventSink {
  event(node: KadNode, ev: Exclude<NodeEvent, DoneEvent>): void;
  /** A node's handler threw: counted, never let out of the loop. */
  handlerError(node: KadNode, err: unknown): void;
}

export type Done<R> = (result: R) => void;
type ResultOf<K extends DoneEvent['kind']> = Extract<DoneEvent, { kind: K }>['result'];

export class HostLoop {
  /** Slot → node; the host decides what a slot is (a shard's local index, 0 for a UDP node). */
  readonly nodes: (KadNode | null)[];
  /** Slot → time of the one queued wake-up (Infinity: none); a later one is stale and does nothing. */
  private wakeAt: Float64Array;
  /**
   * Slot → time of the latest wake-up queued and not yet due, when an earlier one superseded it
   * (Infinity: none). A node asking again for that time reuses the queued one instead of queueing
   * a duplicate: without this, every node's far timer (refresh, replication) is queued afresh
   * after each nearer wake-up, and the stale copies pile up in the queue (~25 per node after a run).
   */
  private lateAt: Float64Array;
  /** Operation token → its callback; tokens are never reused within a loop's life. */
  private readonly pending = new Map<number, Done<never>>();
  private nextOp = 1;

  constructor(
    capacity: number,
    private readonly outbox: Outbox,
    private readonly wakes: WakeQueue,
    private readonly sink: EventSink,
  ) {
    this.nodes = new Array<KadNode | null>(capacity).fill(null);
    this.wakeAt = new Float64Array(capacity).fill(Infinity);
    this.lateAt = new Float64Array(capacity).fill(Infinity);
  }

  /** Puts a node in a slot (a fresh one replaces the old: its queued wake-up no longer fires). */
  attach(slot: number, node: KadNode): void {
    if (slot >= this.wakeAt.length) this.grow(slot + 1);
    while (this.nodes.length <= slot) this.nodes.push(null);
    this.nodes[slot] = node;
    this.wakeAt[slot] = Infinity;
    this.lateAt[slot] = Infinity;
  }

  // ------------------------------------------------------------ inputs

  /** `bytes`: the datagram's size on the wire, when the transport knows it (see KadNode.handle). */
  deliver(slot: number, from: number, msg: Message, now: number, bytes = -1): void {
    const node = this.nodes[slot];
    if (!node) return;
    try {
      node.handle(from, msg, now, bytes);
    } catch (err) {
      this.sink.handlerError(node, err);
    }
    this.drain(slot, now);
  }

  /** A wake-up queued for `queuedAt` is due; it ticks the node unless an earlier request superseded it. */
  wake(slot: number, queuedAt: number, now: number): void {
    if (this.lateAt[slot] === queuedAt) this.lateAt[slot] = Infinity;
    if (this.wakeAt[slot] !== queuedAt) return;
    this.wakeAt[slot] = Infinity;
    const node = this.nodes[slot];
    if (!node) return;
    try {
      node.handleTimeout(now);
    } catch (err) {
      this.sink.handlerError(node, err);
    }
    this.drain(slot, now);
  }

  // ------------------------------------------------------------ operations

  join(slot: number, bootstraps: number[], now: number, done?: Done<ResultOf<'join'>>): void {
    this.nodes[slot]!.join(bootstraps, now, this.track(done));
    this.drain(slot, now);
  }

  findNode(slot: number, target: Uint8Array, now: number, done?: Done<ResultOf<'find-node'>>): void {
    this.nodes[slot]!.findNode(target, now, this.track(done));
    this.drain(slot, now);
  }

  get(slot: number, key: Uint8Array, now: number, done?: Done<ResultOf<'get'>>): void {
    this.nodes[slot]!.get(key, now, this.track(done));
    this.drain(slot, now);
  }

  /** Throws (before anything is sent) when the value is larger than the node accepts. */
  put(slot: number, key: Uint8Array, value: Uint8Array, now: number, done?: Done<ResultOf<'put'>>, version?: number): void {
    const op = this.track(done);
    try {
      this.nodes[slot]!.put(key, value, now, op, version);
    } catch (err) {
      this.pending.delete(op);
      throw err;
    }
    this.drain(slot, now);
  }

  /** Throws (before anything is sent) when the value is larger than maxSourceValueBytes. */
  addSource(slot: number, key: Uint8Array, value: Uint8Array, now: number, done?: Done<ResultOf<'add-source'>>): void {
    const op = this.track(done);
    try {
      this.nodes[slot]!.addSource(key, value, now, op);
    } catch (err) {
      this.pending.delete(op);
      throw err;
    }
    this.drain(slot, now);
  }

  /** A signed put (the host signed it; see KadNode.putSigned). Throws like put. */
  putSigned(slot: number, key: Uint8Array, value: Uint8Array, seq: number, signed: SignedPart, now: number, done?: Done<ResultOf<'put'>>): void {
    const op = this.track(done);
    try {
      this.nodes[slot]!.putSigned(key, value, seq, signed, now, op);
    } catch (err) {
      this.pending.delete(op);
      throw err;
    }
    this.drain(slot, now);
  }

  findSources(slot: number, key: Uint8Array, now: number, done?: Done<ResultOf<'find-sources'>>): void {
    this.nodes[slot]!.findSources(key, now, this.track(done));
    this.drain(slot, now);
  }

  ping(slot: number, peer: number, now: number, done?: Done<ResultOf<'ping'>>): void {
    this.nodes[slot]!.ping(peer, now, this.track(done));
    this.drain(slot, now);
  }

  /** Takes the node down as a crashed or paused process: operations in flight end now, with what they have. */
  stop(slot: number, now: number): void {
    this.nodes[slot]?.stop(now);
    this.drain(slot, now);
  }

  // ------------------------------------------------------------ outputs

  /** Hands on everything the node in `slot` wants after an input: messages, its next wake-up, events. */
  drain(slot: number, now: number): void {
    const node = this.nodes[slot];
    if (!node) return;
    for (let msg = node.pollTransmit(); msg !== null; msg = node.pollTransmit()) this.outbox.send(node, node.transmitTo, msg);
    const at = node.pollTimeout();
    if (at < Infinity) {
      const t = at > now ? at : now;
      const was = this.wakeAt[slot]!;
      if (t < was) {
        this.wakeAt[slot] = t;
        if (t === this.lateAt[slot]) this.lateAt[slot] = Infinity; // still queued: it fires at t
        else {
          if (was !== Infinity && was > now) this.lateAt[slot] = was; // superseded, still in the queue
          this.wakes.schedule(slot, t);
        }
      }
    }
    for (let ev = node.pollEvent(); ev !== null; ev = node.pollEvent()) {
      if (ev.type !== 'done') {
        this.sink.event(node, ev);
        continue;
      }
      const done = this.pending.get(ev.op);
      if (!done) continue;
      this.pending.delete(ev.op);
      (done as Done<unknown>)(ev.result);
    }
  }


  private track(done: Done<never> | undefined): number {
    if (!done) return 0;
    const op = this.nextOp++;
    this.pending.set(op, done);
    return op;
  }

  private grow(size: number): void {
    const n = Math.max(size, this.wakeAt.length * 2);
    const w = new Float64Array(n).fill(Infinity);
    w.set(this.wakeAt);
    this.wakeAt = w;
    const l = new Float64Array(n).fill(Infinity);
    l.set(this.lateAt);
    this.lateAt = l;
  }
}
