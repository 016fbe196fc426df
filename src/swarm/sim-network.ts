/**
 * A whole Kademlia network in one thread on virtual time: nodes are KadNode
 * actors, the network is one event queue, and time jumps from event to event.
 * Tests use it to check the protocol at 1,000+ nodes in a fraction of a
 * second of CPU per simulated minute; it is also the single-shard core of the
 * virtual clock.
 *
 * Handles are node indices into one shared PeerIds table. Messages are passed
 * as objects unless a `transcode` hook is given (the codec round trip).
 */
import { KadConfig, resolveConfig } from '../core/config.js';
import { Message } from '../core/messages.js';
import { DoneEvent, FindNodeResult, GetResult, JoinResult, KadNode, PutResult } from '../core/node.js';
import { PeerIds } from '../core/peers.js';
import { Random, deriveSeed } from '../core/random.js';
import { EventQueue } from './event-queue.js';
import { DEFAULT_NETWORK, NetworkModel, messageLatency } from './network-model.js';

interface SimEvent {
  /** Destination node. */
  to: number;
  /** Source node, or -1 for a timer. */
  from: number;
  msg: Message | null;
}

export interface SimOptions {
  seed?: number;
  config?: Partial<KadConfig>;
  network?: Partial<NetworkModel>;
  /** Hash every delivered message into `traceHash` (determinism checks). */
  trace?: boolean;
  /** Replaces each message in flight, e.g. by encode + decode; null drops it as malformed. */
  transcode?: (from: number, to: number, msg: Message) => Message | null;
}

export class SimNetwork {
  now = 0;
  readonly peers = new PeerIds(1024);
  readonly nodes: KadNode[] = [];
  readonly config: KadConfig;
  readonly network: NetworkModel;
  readonly drops = new Map<string, number>();
  /** Messages sent, by message type. */
  readonly sent = new Float64Array(8);
  delivered = 0;
  traceHash = 0x811c9dc5;
  private readonly queue = new EventQueue<SimEvent>();
  /** Node index → time of its one queued wake-up. */
  private readonly wakeAt: number[] = [];
  private readonly rng: Random;
  private readonly seed: number;
  /** Operation token → what to do with its 'done' event. */
  private readonly waiting = new Map<number, (ev: DoneEvent) => void>();
  private nextOp = 1;

  constructor(private readonly opts: SimOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.config = resolveConfig(opts.config);
    this.network = { ...DEFAULT_NETWORK, seed: this.seed, ...opts.network };
    this.rng = new Random(deriveSeed(this.seed, 0x6e6574));
  }

  /** Adds a node with the given ID, or a random one drawn from the run's seed. */
  addNode(id?: Uint8Array): number {
    const index = this.nodes.length;
    const nodeRng = new Random(deriveSeed(this.seed, index), 1);
    this.peers.setId(index, id ?? nodeRng.bytes(20));
    this.nodes.push(new KadNode(index, this.peers, this.config, nodeRng, this.now));
    return index;
  }

  // ---- hosting: what a node produced after each call into it ----

  /** Drains the node's outputs: transmits, then its next wake-up, then events (drops, 'done'). */
  private drain(node: KadNode): void {
    for (let msg = node.pollTransmit(); msg !== null; msg = node.pollTransmit()) this.send(node, node.transmitTo, msg);
    this.wake(node, node.pollTimeout());
    for (let ev = node.pollEvent(); ev !== null; ev = node.pollEvent()) {
      if (ev.type === 'drop') this.count(ev.reason);
      else if (ev.type === 'done') {
        const then = this.waiting.get(ev.op);
        if (then) {
          this.waiting.delete(ev.op);
          then(ev);
        }
      }
    }
  }

  private send(node: KadNode, to: number, msg: Message): void {
    this.sent[msg.type]!++;
    if (this.network.loss > 0 && this.rng.next() < this.network.loss) {
      this.count('lost');
      return;
    }
    const at = this.now + messageLatency(this.network, node.self, to, this.rng);
    this.queue.push(at, { to, from: node.self, msg }, to);
  }

  /** Queues a tick of `node` at `at` (Infinity: nothing). */
  wake(node: KadNode, at: number): void {
    // One queued wake-up per node: a later one superseded by an earlier request would otherwise tick idly and ask again.
    const t = Math.max(at, this.now);
    if (t >= (this.wakeAt[node.self] ?? Infinity)) return;
    this.wakeAt[node.self] = t;
    this.queue.push(t, { to: node.self, from: -1, msg: null }, node.self);
  }

  /** Starts an operation on a node with a fresh token and drains the node. */
  private start(node: KadNode, begin: (op: number) => void, then: (ev: DoneEvent) => void): void {
    const op = this.nextOp++;
    this.waiting.set(op, then);
    try {
      begin(op);
    } catch (err) {
      this.waiting.delete(op); // put refused a too-large value before doing anything
      throw err;
    }
    this.drain(node);
  }

  count(reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  // ---- running ----

  /** Processes events until the queue is empty, `until` returns true, or time passes `limit`. */
  run(until: () => boolean = () => false, limit = Infinity): void {
    while (!until()) {
      const t = this.queue.peekTime();
      if (t === Infinity || t > limit) break;
      const ev = this.queue.pop()!;
      this.now = t;
      this.dispatch(ev);
    }
    if (limit !== Infinity && this.now < limit && this.queue.peekTime() > limit) this.now = limit;
  }

  /** Runs for `ms` of virtual time. */
  advance(ms: number): void {
    this.run(() => false, this.now + ms);
  }

  private dispatch(ev: SimEvent): void {
    const node = this.nodes[ev.to]!;
    if (ev.msg === null) {
      if (this.wakeAt[ev.to] !== this.now) return; // superseded
      this.wakeAt[ev.to] = Infinity;
      node.handleTimeout(this.now);
      this.drain(node);
      return;
    }
    let msg: Message | null = ev.msg;
    if (this.opts.transcode) {
      msg = this.opts.transcode(ev.from, ev.to, msg);
      if (msg === null) return this.count('malformed');
    }
    this.delivered++;
    if (this.opts.trace) this.hashTrace(ev.from, ev.to, msg);
    node.handle(ev.from, msg, this.now);
    this.drain(node);
  }

  private hashTrace(from: number, to: number, msg: Message): void {
    let h = this.traceHash;
    const mix = (v: number): void => {
      h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;
    };
    mix(Math.round(this.now * 1000));
    mix(from);
    mix(to);
    mix(msg.type);
    mix(msg.rpc);
    this.traceHash = h;
  }

  // ---- operations that run to completion (tests, experiments) ----

  /** Joins nodes [from, to) through `bootstrap`, at most `concurrency` at a time. */
  joinAll(bootstrap: number, from: number, to: number, concurrency = 50): JoinResult[] {
    const results: JoinResult[] = new Array(to - from);
    let next = from;
    let active = 0;
    let done = 0;
    const start = (): void => {
      while (active < concurrency && next < to) {
        const i = next++;
        active++;
        const node = this.nodes[i]!;
        this.start(node, (op) => node.join([bootstrap], this.now, op), (ev) => {
          results[i - from] = ev.result as JoinResult;
          active--;
          done++;
          start();
        });
      }
    };
    start();
    this.run(() => done === to - from);
    return results;
  }

  findNode(node: number, target: Uint8Array): FindNodeResult {
    let out: FindNodeResult | undefined;
    const n = this.nodes[node]!;
    this.start(n, (op) => n.findNode(target, this.now, op), (ev) => (out = ev.result as FindNodeResult));
    this.run(() => out !== undefined);
    if (!out) throw new Error('findNode did not complete: the event queue ran dry');
    return out;
  }

  get(node: number, key: Uint8Array): GetResult {
    let out: GetResult | undefined;
    const n = this.nodes[node]!;
    this.start(n, (op) => n.get(key, this.now, op), (ev) => (out = ev.result as GetResult));
    this.run(() => out !== undefined);
    if (!out) throw new Error('get did not complete: the event queue ran dry');
    return out;
  }

  put(node: number, key: Uint8Array, value: Uint8Array, version?: number): PutResult {
    let out: PutResult | undefined;
    const n = this.nodes[node]!;
    this.start(n, (op) => n.put(key, value, this.now, op, version), (ev) => (out = ev.result as PutResult));
    this.run(() => out !== undefined);
    if (!out) throw new Error('put did not complete: the event queue ran dry');
    return out;
  }
}
