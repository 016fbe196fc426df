/**
 * The nodes one thread hosts: node actors on the one host loop, one event queue for all their
 * wake-ups and delayed deliveries, one clock, and the codec between every pair of nodes. The
 * swarm's shards are a Cluster with ring links to the other shards (src/swarm/shard.ts); the
 * in-thread simulator is a Cluster with none (SimNetwork). So the tests run what the swarm runs.
 *
 * How a message travels between them (encode, ring or schedule, decode, deliver) is the base
 * class's, ClusterDelivery (cluster-delivery.ts); this class adds the nodes, the operations by
 * global index and the event loop (runDue).
 *
 * Same-instant order is fixed by the nodes' own behaviour: every event a node causes (a message
 * it sends, a wake-up it asks for, a driver action on it) takes the next number of that node's
 * counter, and events are ordered by (time, global index of the causing node, that number).
 * The schedule (cluster-schedule.ts) keeps that order with no object per event; in real time
 * same-shard messages due at once skip its heap (ClusterDelivery queues them), and runDue reads
 * the clock once per call.
 */
import type { SignedPart } from '../core/messages.js';
import { ed25519Verifier } from '../net/ed25519.js';
import { Random, deriveSeed } from '../core/random.js';
import type { Done } from '../host/host-loop.js';
import { KadNode, NodeShared, RecordSpace, type DoneEvent } from '../core/index.js';
import { ClusterDelivery } from './cluster-delivery.js';
import { Due } from './cluster-schedule.js';

export type { ClusterOptions, RemoteLinks } from './cluster-options.js';
export { ClusterStats } from './cluster-stats.js';

export class Cluster extends ClusterDelivery {
  /** The rows and bytes of every record held by this thread's nodes (record-space.ts). */
  readonly recordSpace = new RecordSpace();
  /** What the nodes here share (made with the first node). */
  private shared: NodeShared | null = null;

  get nodes(): readonly (KadNode | null)[] {
    return this.loop.nodes;
  }

  /** The node with global index i, if it lives here. */
  node(i: number): KadNode {
    const n = this.loop.nodes[this.slotOf(i)];
    if (!n || this.shardOfNode(i) !== this.index) throw new Error(`node ${i} is not on shard ${this.index}`);
    return n;
  }

  /** A fresh node in `slot` (its ID must be in `peers`), replacing whatever was there. */
  spawn(slot: number): KadNode {
    const i = slot * this.shards + this.index;
    // One NodeShared for the thread's nodes: the IDs, one record space (the replicas of a put held
    // here share its bytes, record-space.ts) and the real signature check (it costs only when a
    // signed record arrives: the gateway's signed puts).
    this.shared ??= new NodeShared(this.peers, this.recordSpace, ed25519Verifier);
    const node = new KadNode(i, this.shared, this.config, new Random(deriveSeed(this.seed, i), 1), this.clock.now());
    this.loop.nodes[slot]?.discard(); // a node replaced by a fresh one gives its rows, pins and table words back
    this.loop.attach(slot, node);
    return node;
  }

  // ------------------------------------------------------------ operations by global index

  join(i: number, bootstraps: number[], done?: Done<Extract<DoneEvent, { kind: 'join' }>['result']>): void {
    this.loop.join(this.slotOf(i), bootstraps, this.clock.now(), done);
  }
  findNode(i: number, target: Uint8Array, done?: Done<Extract<DoneEvent, { kind: 'find-node' }>['result']>): void {
    this.loop.findNode(this.slotOf(i), target, this.clock.now(), done);
  }
  get(i: number, key: Uint8Array, done?: Done<Extract<DoneEvent, { kind: 'get' }>['result']>): void {
    this.loop.get(this.slotOf(i), key, this.clock.now(), done);
  }
  put(i: number, key: Uint8Array, value: Uint8Array, done?: Done<Extract<DoneEvent, { kind: 'put' }>['result']>, version?: number): void {
    this.loop.put(this.slotOf(i), key, value, this.clock.now(), done, version);
  }
  addSource(i: number, key: Uint8Array, value: Uint8Array, done?: Done<Extract<DoneEvent, { kind: 'add-source' }>['result']>): void {
    this.loop.addSource(this.slotOf(i), key, value, this.clock.now(), done);
  }
  findSources(i: number, key: Uint8Array, done?: Done<Extract<DoneEvent, { kind: 'find-sources' }>['result']>): void {
    this.loop.findSources(this.slotOf(i), key, this.clock.now(), done);
  }
  /** A signed put from node i (signed by the caller: see src/net/ed25519.ts). */
  putSigned(i: number, key: Uint8Array, value: Uint8Array, seq: number, signed: SignedPart, done?: Done<Extract<DoneEvent, { kind: 'put' }>['result']>): void {
    this.loop.putSigned(this.slotOf(i), key, value, seq, signed, this.clock.now(), done);
  }
  stop(i: number): void {
    this.loop.stop(this.slotOf(i), this.clock.now());
  }

  // ------------------------------------------------------------ wake-ups and driver actions

  schedule(slot: number, at: number): void {
    this.events.pushWake(at, slot * this.shards + this.index, slot);
  }

  /** Schedules a driver action for node `node` (-1: for no node) at `at`; same-instant actions run in the order scheduled. */
  at(at: number, node: number, action: () => void): void {
    this.events.pushAction(at, node, node < 0 ? -1 : this.slotOf(node), action);
  }

  /**
   * Runs queued events due before `end` (or at `end` too when `inclusive`), at most `budget` of
   * them; returns how many ran. On a virtual clock time jumps to each event; on a real clock an
   * event runs at the time it is run.
   */
  runDue(end: number, inclusive: boolean, budget = Infinity): number {
    let ran = 0;
    const clock = this.clock;
    const virtual = clock.virtual;
    // Real time: the clock read once per call; every event run here is due by then.
    const wall = virtual ? 0 : clock.now();
    const sch = this.events;
    const outer = this.inEvent;
    this.inEvent = true;
    try {
      for (; ran < budget; ran++) {
        const due = sch.take(end, inclusive);
        if (due === Due.None) break;
        const t = sch.t;
        const now = virtual ? clock.eventTime(t) : wall;
        this.eventNow = now;
        if (due === Due.Message) {
          this.stats.queued--;
          this.deliver(sch.from, sch.to, sch.message!, now);
        } else if (due === Due.Wake) {
          if (this.invariants) this.invariants.wake(this, this.slotOf(sch.to), t, now);
          else this.loop.wake(this.slotOf(sch.to), t, now);
        } else sch.action!();
      }
    } finally {
      this.inEvent = outer;
    }
    return ran;
  }

  nextEventTime(): number {
    return this.events.nextTime();
  }
}
