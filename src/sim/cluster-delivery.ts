/**
 * The path of a message between the nodes of one thread and to other shards: encode at the
 * sender, a ring (another shard) or the schedule (this one), decode and check at the receiver,
 * deliver to the node, and the one outcome of every message that is not handled. Cluster
 * (cluster.ts) extends it with the nodes, the operations and the event loop.
 *
 * Every message is encoded by the sender's cluster and decoded by the receiver's, also between
 * two nodes of the same cluster, so one worker and many behave alike. Latency and loss come from
 * a hash of the message, not from a random stream, so they are the same whichever shard sends.
 */
import { resolveConfig, type KadConfig } from '../core/config.js';
import { MessageType, type Message } from '../core/messages.js';
import type { PeerIds } from '../core/peers.js';
import type { Clock } from '../host/clock.js';
import { HostLoop, type EventSink, type Outbox, type WakeQueue } from '../host/host-loop.js';
import { KadNode, MESSAGE_REFUSALS, type DoneEvent, type NodeEvent } from '../core/index.js';
import { decodeInto, DecodeScratch, ENCODED, encodedView, encodeMessageInto, idBytesEqualWords, IndexContacts, releaseMessage, type DecodeLimits } from '../wire/index.js';
import { ID_WORDS } from '../core/id.js';
import type { AdversaryActor } from './adversary.js';
import type { ClusterOptions, RemoteLinks } from './cluster-options.js';
import { ClusterSchedule } from './cluster-schedule.js';
import { ClusterStats } from './cluster-stats.js';
import type { InvariantChecker } from './invariants.js';
import { isLost, messageLatency, mix, type NetworkModel } from './network-model.js';
import { localSlot, shardOf } from './placement.js';
import { TraceHash } from './trace-hash.js';

export abstract class ClusterDelivery implements Outbox, WakeQueue, EventSink {
  readonly index: number;
  readonly shards: number;
  readonly seed: number;
  readonly peers: PeerIds;
  readonly config: KadConfig;
  readonly network: NetworkModel;
  readonly clock: Clock;
  readonly loop: HostLoop;
  readonly stats = new ClusterStats();
  readonly trace: TraceHash | null;
  /** Observer of node events (the workload runner, the simulator's users); optional. */
  onEvent: ((node: KadNode, ev: Exclude<NodeEvent, DoneEvent>) => void) | null = null;
  protected readonly events: ClusterSchedule;
  /** While runDue or a direct delivery runs an event: its time, which sends then take as now. */
  protected inEvent = false;
  protected eventNow = 0;
  /** Adversary nodes' attack (issue 13, adversary.ts): answers the requests sent to them instead of their core. */
  adversary: AdversaryActor | null = null;
  /** Set while a message is being delivered, and when the core refused it (see ClusterStats.refusals). */
  private delivering = false;
  private refusedNow = false;
  private readonly contacts: IndexContacts;
  /** One decode result reused for every frame (the sender ID is checked at once, in the frame's bytes; the message handed on). */
  private readonly decoded = new DecodeScratch(false);
  private readonly limits: DecodeLimits;
  /** Set by a subclass that links shards (its own constructor runs after this one). */
  protected links: RemoteLinks | null;
  protected readonly invariants: InvariantChecker | null;
  private readonly faultAfter: number;
  /** No loss and zero latency: send skips the per-message hash and latency arithmetic. */
  private readonly perfectNetwork: boolean;
  /**
   * log2 of the shard count when it is a power of two (1, 2, 4 … shards: the usual case), else −1:
   * a node's slot and shard are then a shift and a mask, not two divisions per message and end.
   */
  private readonly shardShift: number;

  constructor(o: ClusterOptions, slots: number) {
    this.index = o.index;
    this.shards = o.shards;
    this.shardShift = o.shards > 0 && (o.shards & (o.shards - 1)) === 0 ? 31 - Math.clz32(o.shards) : -1;
    this.seed = o.seed;
    this.peers = o.peers;
    this.config = resolveConfig(o.config);
    this.network = o.network;
    this.perfectNetwork = o.network.loss === 0 && o.network.latency.kind === 'constant' && o.network.latency.ms === 0;
    this.clock = o.clock;
    this.links = o.links;
    this.invariants = o.invariants ?? null;
    this.faultAfter = o.faultAfterMessages ?? Infinity;
    this.contacts = new IndexContacts(this.peers);
    this.limits = { maxDatagramBytes: 1400, maxValueBytes: Math.max(this.config.maxValueBytes, this.config.maxSourceValueBytes), maxContacts: Math.max(this.config.k, 20), ...o.limits };
    this.loop = new HostLoop(slots, this, this, this);
    this.events = new ClusterSchedule(slots);
    this.trace = o.trace ? new TraceHash(slots) : null;
  }

  slotOf(i: number): number {
    return this.shardShift >= 0 ? i >>> this.shardShift : localSlot(i, this.shards);
  }

  /** The shard of node i (placement.ts's shardOf, as a mask when the shard count is a power of two). */
  protected shardOfNode(i: number): number {
    return this.shardShift >= 0 ? i & (this.shards - 1) : shardOf(i, this.shards);
  }

  /** Queues a wake-up of the node in `slot` at `at` (Cluster's schedule). */
  abstract schedule(slot: number, at: number): void;

  // ------------------------------------------------------------ the send path (Outbox)

  send(node: KadNode, to: number, msg: Message): void {
    this.stats.sent[msg.type]!++;
    const from = node.self;
    const seq = this.events.nextSeq(this.slotOf(from));
    this.invariants?.sent(from, to, msg);
    const net = this.network;
    let latency = 0;
    // No loss and zero latency (the default real-time run): no hash, no latency arithmetic.
    if (!this.perfectNetwork) {
      const h = mix(this.seed, from, to, msg.rpc, msg.type);
      if (isLost(net, h)) return this.count('lost');
      latency = messageLatency(net, from, to, h);
    }
    let length: number;
    try {
      length = encodeMessageInto(this.peers.words, from * 5, msg, this.contacts);
    } catch {
      return this.count('encode-error'); // a bug, counted rather than thrown into the loop
    }
    if (msg.type === MessageType.Sources) this.stats.sourcesReply(length);
    const at = (this.inEvent ? this.eventNow : this.clock.now()) + latency;
    const dest = this.shardOfNode(to);
    if (dest === this.index) {
      this.stats.localMessages++;
      this.receiveLocal(length, from, to, at, seq, latency === 0 && !this.clock.virtual);
    } else if (this.links) {
      this.links.write(dest, from, to, at, encodedView(length), seq);
    } else {
      this.count('no-such-node');
    }
  }

  /**
   * A frame another shard wrote for node `to`, due at `at`: decoded now (the bytes, `bytes[start …
   * end)`, are a ring slot, valid only during this call; the decoder copies what it keeps),
   * delivered at once if it is already due (real time), else queued under the sender's event
   * number. `now`: the caller's clock reading for a whole batch of frames (one read per drain,
   * not per frame); a frame due after it reads the clock again.
   */
  receiveFrame(bytes: Uint8Array, from: number, to: number, at: number, seq: number, start = 0, end = bytes.length, now = this.clock.now()): void {
    const msg = this.decode(bytes, from, start, end);
    if (!msg) return;
    if (at > now) now = this.clock.now();
    if (at <= now) {
      const outer = this.inEvent;
      this.inEvent = true;
      this.eventNow = now;
      try {
        this.deliver(from, to, msg, now);
      } finally {
        this.inEvent = outer;
      }
      return;
    }
    this.stats.queued++;
    this.events.pushMessage(at, from, to, msg, seq, false);
  }

  /**
   * A message between two nodes of this cluster: always queued, so a handler never runs inside
   * another's send; `dueNow` (real time, zero latency) puts it in the FIFO, whose times only grow.
   */
  private receiveLocal(length: number, from: number, to: number, at: number, seq: number, dueNow: boolean): void {
    const msg = this.decode(ENCODED, from, 0, length); // the encoder's buffer: no view of it
    if (!msg) return;
    this.stats.queued++;
    this.events.pushMessage(at, from, to, msg, seq, dueNow);
  }

  private decode(bytes: Uint8Array, from: number, start: number, end: number): Message | null {
    this.stats.received++;
    const d = this.decoded;
    const refused = decodeInto(bytes, d, this.contacts, this.limits, start, end);
    if (refused !== null) {
      this.refuse(refused);
      return null;
    }
    // The frame names the sender; its ID on the wire must agree (compared where it lies: no copy).
    const peers = this.peers;
    if (!(from < peers.count) || !idBytesEqualWords(bytes, d.senderAt, peers.words, from * ID_WORDS)) {
      this.refuse('sender-mismatch');
      return null;
    }
    return d.message;
  }

  protected deliver(from: number, to: number, msg: Message, now: number): void {
    if (++this.stats.delivered > this.faultAfter) {
      throw new Error(`injected fault: shard ${this.index} failed after ${this.faultAfter} messages`);
    }
    const slot = this.slotOf(to);
    this.trace?.add(slot, to, now, from, msg.rpc, msg.type);
    const node = this.loop.nodes[slot];
    if (!node || this.shardOfNode(to) !== this.index) return this.refuse('no-such-node');
    if (!node.up) return this.refuse('to-stopped-node'); // the core ignores it: a crashed process hears nothing
    if (msg.type === MessageType.FindSources) this.stats.findSources(slot, this.loop.nodes.length);
    if (this.adversary?.intercepts(to, msg)) {
      this.stats.handled++;
      return this.adversary.answer(this, node, from, msg);
    }
    this.refusedNow = false;
    this.delivering = true;
    try {
      if (this.invariants) this.invariants.deliver(this, slot, from, to, msg, now);
      else this.loop.deliver(slot, from, msg, now);
    } finally {
      this.delivering = false;
    }
    // Handled, and the core keeps none of it: the decoder may fill it again (message-pool.ts).
    releaseMessage(msg);
    if (!this.refusedNow) this.stats.handled++;
  }

  /** A message's one outcome when it is not handled (counted in `drops` too). */
  private refuse(reason: string): void {
    this.stats.refuse(reason);
  }

  // ------------------------------------------------------------ events (EventSink)

  event(node: KadNode, ev: Exclude<NodeEvent, DoneEvent>): void {
    if (ev.type === 'drop') {
      this.invariants?.dropped(node.self, ev.reason);
      // The core refused the whole message being delivered: that is its outcome (not handled).
      if (this.delivering && MESSAGE_REFUSALS.has(ev.reason)) {
        this.refusedNow = true;
        return this.refuse(ev.reason);
      }
      return this.count(ev.reason);
    }
    if (ev.type === 'cache-hit') this.stats.cacheHits++;
    else if (ev.type === 'hand-over') this.stats.handOvers++;
    this.onEvent?.(node, ev);
  }

  handlerError(_node: KadNode, _err: unknown): void {
    this.stats.handlerErrors++;
    if (!this.delivering) return this.count('handler-error');
    this.refusedNow = true;
    this.refuse('handler-error');
  }

  count(reason: string, n = 1): void {
    this.stats.count(reason, n);
  }
}
