/**
 * A whole Kademlia network in one thread on virtual time — the swarm's own shard code (a
 * Cluster: host loop, event queue, codec, network model) with every node in it, so the tests
 * exercise what the swarm runs. Operations run to completion (`findNode`, `get`, `put`,
 * `joinAll`) by stepping the clock from event to event; the invariant checker is on by default.
 *
 * Handles are node indices into one PeerIds table that grows as nodes are added.
 */
import type { KadConfig } from '../core/config.js';
import { PeerIds } from '../core/peers.js';
import { Random, deriveSeed } from '../core/random.js';
import { VirtualClock } from '../host/clock.js';
import type { AddSourceResult, FindNodeResult, FindSourcesResult, GetResult, JoinResult, KadNode, PutResult } from '../core/index.js';
import { Cluster } from './cluster.js';
import { InvariantChecker } from './invariants.js';
import { DEFAULT_NETWORK, type NetworkModel } from './network-model.js';
import { formatChain } from './trace-hash.js';
import { publishFile, search, type PublishResult, type SearchResult, type SourcesApi } from '../net/keywords.js';

export interface SimOptions {
  seed?: number;
  config?: Partial<KadConfig>;
  network?: Partial<NetworkModel>;
  /** Hash every delivered message into `traceHash` (determinism checks). */
  trace?: boolean;
  /** Check the simulator's invariants after every event (default on: this is the test harness). */
  checkInvariants?: boolean;
}

export class SimNetwork {
  readonly peers = new PeerIds(1024);
  readonly cluster: Cluster;
  readonly clock = new VirtualClock();
  readonly invariants: InvariantChecker | null;
  private readonly seed: number;

  constructor(opts: SimOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.invariants = opts.checkInvariants === false ? null : new InvariantChecker(this.seed);
    const network: NetworkModel = { ...DEFAULT_NETWORK, seed: this.seed, ...opts.network };
    this.cluster = new Cluster(
      { index: 0, shards: 1, seed: this.seed, peers: this.peers, config: opts.config, network, clock: this.clock, links: null, trace: opts.trace ?? false, invariants: this.invariants },
      0,
    );
  }

  get now(): number {
    return this.clock.now();
  }
  get nodes(): KadNode[] {
    return this.cluster.nodes as KadNode[];
  }
  get config(): KadConfig {
    return this.cluster.config;
  }
  get network(): NetworkModel {
    return this.cluster.network;
  }
  get drops(): Map<string, number> {
    return this.cluster.stats.drops;
  }
  /** Messages sent, by message type. */
  get sent(): Float64Array {
    return this.cluster.stats.sent;
  }
  get delivered(): number {
    return this.cluster.stats.delivered;
  }
  /** The order-sensitive trace hash (64-bit, hex), when `trace` is on. */
  get traceHash(): string {
    return this.cluster.trace ? formatChain(this.cluster.trace.chainSum()) : '';
  }

  /** Adds a node with the given ID, or a random one drawn from the run's seed. */
  addNode(id?: Uint8Array): number {
    const index = this.peers.count;
    this.peers.setId(index, id ?? new Random(deriveSeed(this.seed, index), 1).bytes(20));
    this.cluster.spawn(index);
    return index;
  }

  /** Takes a node down (it stops answering and forgets in-flight work) or brings it back. */
  stop(node: number): void {
    this.cluster.stop(node);
  }
  resume(node: number): void {
    this.cluster.node(node).resume();
  }

  // ---- running ----

  /** Processes events until the queue is empty, `until` returns true, or time passes `limit`. */
  run(until: () => boolean = () => false, limit = Infinity): void {
    while (!until()) {
      const t = this.cluster.nextEventTime();
      if (t === Infinity || t > limit) break;
      this.cluster.runDue(t, true, 1);
    }
    if (limit !== Infinity && this.now < limit && this.cluster.nextEventTime() > limit) this.clock.advanceTo(limit);
  }

  /** Runs for `ms` of virtual time. */
  advance(ms: number): void {
    this.run(() => false, this.now + ms);
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
        this.cluster.join(i, [bootstrap], (r) => {
          results[i - from] = r;
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
    return this.complete('findNode', (done) => this.cluster.findNode(node, target, done));
  }

  get(node: number, key: Uint8Array): GetResult {
    return this.complete('get', (done) => this.cluster.get(node, key, done));
  }

  put(node: number, key: Uint8Array, value: Uint8Array, version?: number): PutResult {
    return this.complete('put', (done) => this.cluster.put(node, key, value, done, version));
  }

  /** Adds a source value under key from `node` (the sources kind: many values per key). */
  addSource(node: number, key: Uint8Array, value: Uint8Array): AddSourceResult {
    return this.complete('addSource', (done) => this.cluster.addSource(node, key, value, done));
  }

  findSources(node: number, key: Uint8Array): FindSourcesResult {
    return this.complete('findSources', (done) => this.cluster.findSources(node, key, done));
  }

  /** Node `node` as the keyword module's SourcesApi (operations run to completion in virtual time). */
  sourcesOf(node: number): SourcesApi {
    return { addSource: (key, value) => this.addSource(node, key, value), findSources: (key) => this.findSources(node, key) };
  }

  /** Keyword search (src/net/keywords.ts) from node `node`. */
  publishFile(node: number, name: string, hash: string): Promise<PublishResult> {
    return publishFile(this.sourcesOf(node), name, hash);
  }

  search(node: number, words: string | string[]): Promise<SearchResult> {
    return search(this.sourcesOf(node), words);
  }

  private complete<R>(what: string, start: (done: (r: R) => void) => void): R {
    let out: R | undefined;
    start((r) => (out = r));
    this.run(() => out !== undefined);
    if (out === undefined) throw new Error(`${what} did not complete: the event queue ran dry`);
    return out;
  }
}
