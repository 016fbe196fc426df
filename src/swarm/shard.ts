/**
 * A shard: thousands of node actors in one worker thread, one event queue
 * for all their timers and delayed deliveries, and the ring-buffer links to
 * the other shards. Nodes are the unchanged sans-IO core; the shard is their
 * NodeHost.
 *
 * Every message is encoded once by the sender's shard and decoded by the
 * receiver's, also between two nodes of the same shard (they go through a
 * local queue), so one worker and many behave alike. A full ring never drops:
 * frames wait in a per-destination backlog and are retried on every pass.
 *
 * The loop (real time): read the doorbell, drain every inbox, run the events
 * due, flush backlogs and ring the bells of shards we wrote to, then either
 * yield (more work is due) or wait on the doorbell until the next event.
 */
import { getHeapStatistics } from 'node:v8';
import { resolveConfig, type KadConfig } from '../core/config.js';
import type { Message } from '../core/messages.js';
import { KadNode, type DropReason, type NodeEvent, type NodeHost } from '../core/node.js';
import { PeerIds } from '../core/peers.js';
import { Random, deriveSeed } from '../core/random.js';
import { attachRingMesh } from '../net/ring-mesh.js';
import { decodeMessage, encodeMessageView, IndexContacts, type DecodeLimits } from '../wire/index.js';
import type { ShardSetup, ShardStats } from './control.js';
import { EventQueue } from '../sim/event-queue.js';
import { messageLatency, pairBaseLatency, type NetworkModel } from '../sim/network-model.js';
import { localSlot, nodesOnShard, shardOf } from '../sim/placement.js';

interface Pending {
  from: number;
  to: number;
  at: number;
  bytes: Uint8Array;
  seq: number;
}

/**
 * An event of the shard's queue: a delivery (encoded bytes in real time, the
 * decoded message in virtual time), a node's timer (both null), or an action
 * of the virtual-time driver (churn, workload, samples).
 */
interface QueuedEvent {
  from: number;
  to: number;
  bytes: Uint8Array | null;
  msg?: Message;
  action?: () => void;
}

const BATCH = 4096;

export class Shard implements NodeHost {
  readonly index: number;
  readonly shards: number;
  readonly total: number;
  readonly peers: PeerIds;
  readonly config: KadConfig;
  readonly network: NetworkModel;
  /** Local slot → node; null before spawn. */
  readonly nodes: (KadNode | null)[];
  private readonly contacts: IndexContacts;
  private readonly limits: DecodeLimits;
  private readonly links: ReturnType<typeof attachRingMesh>;
  private readonly queue = new EventQueue<QueuedEvent>();
  /**
   * Local slot → time of the one wake-up queued for that node (Infinity: none). A node asks for an
   * earlier wake-up while a later one is still queued; the later one is then stale and must not
   * tick the node, or every stale wake-up would ask again and copies would multiply.
   */
  private readonly wakeAt: Float64Array;
  /**
   * Virtual time: local slot → the node's event counter. Every event a node causes (a message it
   * sends, a wake-up it asks for, a driver action on it) takes the next number, and same-instant
   * events are ordered by (time, global index of the node that caused them, that number): an order
   * fixed by the nodes' own behaviour, not by which shard queued an event first.
   */
  private readonly seqs: Uint32Array;
  /** The same for driver actions that concern no node (samples); every shard schedules them alike. */
  private globalSeq = 0;
  private readonly backlog: Pending[][];
  private readonly dirty: Uint8Array;
  private readonly rng: Random;
  readonly seed: number;
  private readonly faultAfter: number;
  readonly stats = {
    sent: new Float64Array(8),
    drops: new Map<string, number>(),
    framesOut: 0,
    framesIn: 0,
    localMessages: 0,
    backpressure: 0,
    delivered: 0,
    cacheHits: 0,
    handlerErrors: 0,
    busyMs: 0,
  };
  /** Observers of node events (the workload runner); optional. */
  onEvent: ((node: KadNode, ev: NodeEvent) => void) | null = null;
  stopped = false;
  private passNow = 0;
  /** Virtual time: `now` is this counter, advanced by the virtual-time driver. */
  virtual = false;
  vnow = 0;
  /** Order-independent hash of every delivered message (virtual time): the sum of per-message hashes. */
  traceSum = 0;
  traceCount = 0;

  constructor(setup: Omit<ShardSetup, 'port'>) {
    this.index = setup.shard;
    this.shards = setup.shards;
    this.total = setup.nodes;
    this.seed = setup.seed;
    this.config = resolveConfig(setup.config);
    this.network = setup.network;
    this.peers = PeerIds.over(new Uint32Array(setup.ids), setup.nodes);
    this.contacts = new IndexContacts(this.peers);
    this.limits = { maxDatagramBytes: 1400, maxValueBytes: this.config.maxValueBytes, maxContacts: Math.max(this.config.k, 20) };
    this.links = attachRingMesh(setup.mesh, setup.shard);
    this.backlog = Array.from({ length: setup.shards }, () => []);
    this.dirty = new Uint8Array(setup.shards);
    this.rng = new Random(deriveSeed(setup.seed, 0x5a4d + setup.shard), 9);
    this.faultAfter = setup.faultAfterMessages ?? Infinity;
    this.nodes = new Array(nodesOnShard(setup.shard, setup.shards, setup.nodes)).fill(null);
    this.wakeAt = new Float64Array(this.nodes.length).fill(Infinity);
    this.seqs = new Uint32Array(this.nodes.length);
    this.virtual = setup.clock === 'virtual';
  }

  now(): number {
    return this.virtual ? this.vnow : performance.timeOrigin + performance.now();
  }

  /** The node with global index i, if it lives here. */
  node(i: number): KadNode {
    const n = this.nodes[localSlot(i, this.shards)];
    if (!n || shardOf(i, this.shards) !== this.index) throw new Error(`node ${i} is not on shard ${this.index}`);
    return n;
  }

  spawn(slot: number): KadNode {
    const i = slot * this.shards + this.index;
    const node = new KadNode(i, this.peers, this.config, this, new Random(deriveSeed(this.seed, i), 1), this.now());
    this.nodes[slot] = node;
    return node;
  }

  // ------------------------------------------------------------ NodeHost

  send(node: KadNode, to: number, msg: Message): void {
    this.stats.sent[msg.type]!++;
    const from = node.self;
    const n = this.network;
    if (this.virtual) return this.sendVirtual(from, to, msg);
    if (n.loss > 0 && this.rng.next() < n.loss) {
      this.count('lost');
      return;
    }
    const bytes = this.encode(from, msg);
    if (!bytes) return;
    const at = this.now() + messageLatency(n, from, to, this.rng);
    const dest = shardOf(to, this.shards);
    if (dest === this.index) {
      this.stats.localMessages++;
      this.queue.push(at, { from, to, bytes: bytes.slice() });
      return;
    }
    this.toRing(dest, from, to, at, bytes);
  }

  /**
   * The message's bytes as a view into the codec's scratch buffer (copied into a ring, or sliced
   * to wait), or null when it cannot be encoded (a bug, counted rather than thrown into the loop).
   */
  private encode(from: number, msg: Message): Uint8Array | null {
    try {
      return encodeMessageView(this.peers.words, from * 5, msg, this.contacts);
    } catch {
      this.count('encode-error');
      return null;
    }
  }

  /** Writes a frame for another shard, or queues it behind a full ring (back-pressure, never a drop). */
  private toRing(dest: number, from: number, to: number, at: number, bytes: Uint8Array, seq = 0): void {
    const backlog = this.backlog[dest]!;
    if (backlog.length > 0 || !this.links.outbox(dest).tryWriteFrame(from, to, at, bytes, seq)) {
      if (backlog.length === 0) this.stats.backpressure++;
      backlog.push({ from, to, at, bytes: bytes.slice(), seq });
      return;
    }
    this.stats.framesOut++;
    this.dirty[dest] = 1;
  }

  wake(node: KadNode, at: number): void {
    const slot = localSlot(node.self, this.shards);
    const t = this.virtual ? Math.max(at, this.vnow) : at;
    if (t >= this.wakeAt[slot]!) return; // an earlier wake-up is queued; the node asks again after it
    this.wakeAt[slot] = t;
    if (this.virtual) this.queue.push(t, { from: -1, to: node.self, bytes: null }, node.self + 1, this.nextSeq(node.self));
    else this.queue.push(t, { from: -1, to: node.self, bytes: null });
  }

  // ------------------------------------------------------------ virtual time

  /**
   * Virtual time: latency and loss come from a hash of the message (seed,
   * ends, rpc, type), not from a shard's random stream, so they are the same
   * whichever shard sends; the message is decoded at once (it has crossed the
   * codec) and queued under its sender's event number, not by arrival order.
   */
  private sendVirtual(from: number, to: number, msg: Message): void {
    const n = this.network;
    const seq = this.nextSeq(from);
    const h = mix(this.seed, from, to, msg.rpc, msg.type);
    if (n.loss > 0 && (h >>> 0) / 4294967296 < n.loss) {
      this.count('lost');
      return;
    }
    const bytes = this.encode(from, msg);
    if (!bytes) return;
    const jitter = (mix(h, 0x51ed, 0, 0, 0) >>> 0) / 4294967296;
    const base = pairBaseLatency(n, from, to);
    const at = this.vnow + base * (1 + n.jitter * (2 * jitter - 1));
    const dest = shardOf(to, this.shards);
    if (dest === this.index) {
      this.stats.localMessages++;
      this.enqueueDecoded(from, to, at, bytes, seq);
      return;
    }
    this.toRing(dest, from, to, at, bytes, seq);
  }

  /** The next number of the event counter of local node `node` (global index). */
  private nextSeq(node: number): number {
    const slot = localSlot(node, this.shards);
    return this.seqs[slot]++;
  }

  private enqueueDecoded(from: number, to: number, at: number, bytes: Uint8Array, seq: number): void {
    const d = decodeMessage(bytes, this.contacts, this.limits);
    if (!d.ok) return this.count(d.reason);
    if (!this.peers.hasId(from, d.senderId)) return this.count('sender-mismatch');
    this.queue.push(at, { from, to, bytes: null, msg: d.message }, from + 1, seq);
  }

  /** Schedules a driver action for `node` (-1: for no node) at `at`; same-instant actions run in the order scheduled. */
  schedule(at: number, node: number, action: () => void): void {
    if (node < 0) this.queue.push(at, { from: -1, to: node, bytes: null, action }, 0, this.globalSeq++);
    else this.queue.push(at, { from: -1, to: node, bytes: null, action }, node + 1, this.nextSeq(node));
  }

  /** Runs every queued event before `end` (virtual time); returns the time of the next one. */
  runUntil(end: number): number {
    while (this.queue.peekTime() < end) {
      const t = this.queue.peekTime();
      const ev = this.queue.pop()!;
      this.vnow = t;
      if (ev.action) ev.action();
      else if (ev.msg) this.deliverDecoded(ev.from, ev.to, ev.msg, t);
      else this.tick(ev.to, t, t);
    }
    return this.queue.peekTime();
  }

  private deliverDecoded(from: number, to: number, msg: Message, now: number): void {
    if (++this.stats.delivered > this.faultAfter) {
      throw new Error(`injected fault: shard ${this.index} failed after ${this.faultAfter} messages`);
    }
    this.traceSum = (this.traceSum + mix(Math.round(now * 1000), from, to, msg.rpc, msg.type)) >>> 0;
    this.traceCount++;
    const node = this.nodes[localSlot(to, this.shards)];
    if (!node) return this.count('no-such-node');
    try {
      node.handle(from, msg, now);
    } catch {
      this.stats.handlerErrors++;
      this.count('handler-error');
    }
  }

  /** Exchange step of a virtual window: writes backlogged frames; true when none are left. */
  flushVirtual(): boolean {
    let clear = true;
    for (let s = 0; s < this.shards; s++) if (!this.writeBacklog(s)) clear = false;
    this.dirty.fill(0); // the barrier, not a doorbell, tells the other shards
    return clear;
  }

  /** Exchange step of a virtual window: decodes and queues every frame other shards wrote. */
  drainVirtual(): void {
    for (let s = 0; s < this.shards; s++) {
      if (s === this.index) continue;
      this.links.inbox(s).drain(this.onVirtualFrame);
    }
  }

  private readonly onVirtualFrame = (bytes: Uint8Array, from: number, to: number, at: number, seq: number): void => {
    this.stats.framesIn++;
    this.enqueueDecoded(from, to, at, bytes, seq);
  };

  nextEventTime(): number {
    return this.queue.peekTime();
  }

  drop(_node: KadNode, reason: DropReason): void {
    this.count(reason);
  }

  event(node: KadNode, ev: NodeEvent): void {
    if (ev.type === 'cache-hit') this.stats.cacheHits++;
    this.onEvent?.(node, ev);
  }

  count(reason: string): void {
    this.stats.drops.set(reason, (this.stats.drops.get(reason) ?? 0) + 1);
  }

  // ------------------------------------------------------------ the loop

  /**
   * One pass: drain inboxes, run due events (at most a batch), flush backlogs,
   * ring bells. Returns the time of the next queued event, or -1 when work is
   * still due now (the caller should yield, not wait).
   */
  pass(): number {
    if (this.virtual) return Infinity; // the virtual-time driver runs the queue itself
    const t0 = performance.now();
    const now = this.now();
    this.passNow = now;
    for (let s = 0; s < this.shards; s++) {
      if (s === this.index) continue;
      this.links.inbox(s).drain(this.onFrame);
    }
    let budget = BATCH;
    while (budget-- > 0 && this.queue.peekTime() <= now) {
      const queuedAt = this.queue.peekTime();
      const ev = this.queue.pop()!;
      if (ev.bytes === null) this.tick(ev.to, queuedAt, now);
      else this.deliver(ev.from, ev.to, ev.bytes, now);
      // Drain and flush within the batch too, so a small ring is emptied more than once a pass.
      if ((budget & 511) === 0) {
        for (let s = 0; s < this.shards; s++) if (s !== this.index) this.links.inbox(s).drain(this.onFrame);
        this.flush();
      }
    }
    const flushed = this.flush();
    this.stats.busyMs += performance.now() - t0;
    if (!flushed || this.queue.peekTime() <= this.now()) return -1;
    return this.queue.peekTime();
  }

  private readonly onFrame = (bytes: Uint8Array, from: number, to: number, at: number): void => {
    this.stats.framesIn++;
    // Decode now: the view is only valid during this call, and decoding copies what it keeps.
    if (at <= this.passNow) {
      this.deliver(from, to, bytes, this.passNow);
    } else {
      this.queue.push(at, { from, to, bytes: bytes.slice() });
    }
  };

  private deliver(from: number, to: number, bytes: Uint8Array, now: number): void {
    if (++this.stats.delivered > this.faultAfter) {
      throw new Error(`injected fault: shard ${this.index} failed after ${this.faultAfter} messages`);
    }
    const node = this.nodes[localSlot(to, this.shards)];
    if (!node || shardOf(to, this.shards) !== this.index) return this.count('no-such-node');
    const d = decodeMessage(bytes, this.contacts, this.limits);
    if (!d.ok) return this.count(d.reason);
    // The frame header names the sender; its ID on the wire must agree.
    if (!this.peers.hasId(from, d.senderId)) return this.count('sender-mismatch');
    try {
      node.handle(from, d.message, now);
    } catch (err) {
      this.stats.handlerErrors++;
      this.count('handler-error');
    }
  }

  /** Ticks the node for the wake-up queued at `queuedAt`, unless an earlier request superseded it. */
  private tick(to: number, queuedAt: number, now: number): void {
    const slot = localSlot(to, this.shards);
    if (this.wakeAt[slot] !== queuedAt) return;
    this.wakeAt[slot] = Infinity;
    const node = this.nodes[slot];
    if (!node) return;
    try {
      node.tick(now);
    } catch {
      this.stats.handlerErrors++;
      this.count('handler-error');
    }
  }

  /** Retries backlogged frames in order and rings the bells of shards written to; false if some still wait. */
  private flush(): boolean {
    let clear = true;
    for (let s = 0; s < this.shards; s++) {
      if (!this.writeBacklog(s)) clear = false;
      if (this.dirty[s]) {
        this.dirty[s] = 0;
        this.links.ringBell(s);
      }
    }
    return clear;
  }

  /** Writes shard s's backlogged frames, in order, while they fit; true when none are left. */
  private writeBacklog(s: number): boolean {
    const backlog = this.backlog[s]!;
    if (backlog.length === 0) return true;
    const ring = this.links.outbox(s);
    let i = 0;
    for (; i < backlog.length; i++) {
      const p = backlog[i]!;
      if (!ring.tryWriteFrame(p.from, p.to, p.at, p.bytes, p.seq)) break;
      this.stats.framesOut++;
      this.dirty[s] = 1;
    }
    if (i > 0) backlog.splice(0, i);
    return backlog.length === 0;
  }

  readBell(): number {
    return this.links.bell.read();
  }

  waitBell(seen: number, timeoutMs: number): Promise<unknown> {
    return this.links.bell.wait(seen, timeoutMs);
  }

  ringOwnBell(): void {
    this.links.bell.ring();
  }

  // ------------------------------------------------------------ reports

  snapshot(): ShardStats {
    let typed = 0;
    for (const n of this.nodes) if (n) typed += n.table.bytes;
    return {
      shard: this.index,
      sent: Array.from(this.stats.sent),
      drops: Object.fromEntries(this.stats.drops),
      framesOut: this.stats.framesOut,
      framesIn: this.stats.framesIn,
      localMessages: this.stats.localMessages,
      backpressure: this.stats.backpressure,
      delivered: this.stats.delivered,
      cacheHits: this.stats.cacheHits,
      handlerErrors: this.stats.handlerErrors,
      busyMs: this.stats.busyMs,
      heapUsed: getHeapStatistics().used_heap_size,
      typedArrayBytes: typed,
    };
  }
}

/** A 32-bit mix of five integers (murmur3-style finalizer per step): deterministic per-message randomness. */
export function mix(a: number, b: number, c: number, d: number, e: number): number {
  let h = (a ^ 0x9e3779b9) >>> 0;
  for (const v of [b, c, d, e]) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) >>> 0;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
