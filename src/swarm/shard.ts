/**
 * A shard: a Cluster of thousands of node actors in one worker thread (src/sim/cluster.ts: the
 * host loop and the event queue; cluster-delivery.ts: the codec and the message path) plus the ring-buffer links to the other shards.
 *
 * A full ring never drops: frames wait in a per-destination backlog and are retried on every pass.
 *
 * The loop (real time): read the doorbell, drain every inbox, run the events due, flush backlogs
 * and ring the bells of shards we wrote to, then either yield (more work is due) or wait on the
 * doorbell until the next event. In virtual time the driver (virtual-run.ts) runs windows of
 * the queue and exchanges frames at its barrier instead.
 */
import { getHeapStatistics } from 'node:v8';
import { PeerIds } from '../core/peers.js';
import { tableSlab, tableSlabBytes } from '../core/table-slab.js';
import { timerSlabBytes } from '../core/timers.js';
import { RealClock, VirtualClock } from '../host/clock.js';
import { attachRingMesh } from '../net/ring-mesh.js';
import type { FrameRing } from '../net/ring.js';
import { Cluster, type RemoteLinks } from '../sim/cluster.js';
import { InvariantChecker } from '../sim/invariants.js';
import { nodesOnShard } from '../sim/placement.js';
import { installIdentities } from './identities.js';
import type { ShardSetup, ShardStats } from './control.js';
import { forceGc } from './gc.js';
import { threadCpuMs } from './thread-cpu.js';
import { attachAdversary } from './adversary-wiring.js';

interface Waiting {
  from: number;
  to: number;
  at: number;
  bytes: Uint8Array;
  seq: number;
}

const BATCH = 4096;

export class Shard extends Cluster implements RemoteLinks {
  readonly total: number;
  private readonly mesh: ReturnType<typeof attachRingMesh>;
  /** Mesh index → the ring this shard writes to it (null for itself): read per frame, so no lookup call. */
  private readonly outRings: (FrameRing | null)[];
  private readonly backlog: Waiting[][];
  private readonly dirty: Uint8Array;
  /** Global shard → mesh index: itself on one host; on several, the local shards then the edge (issue 16). */
  private readonly route: Int32Array;
  framesOut = 0;
  framesIn = 0;
  backpressure = 0;
  busyMs = 0;
  stopped = false;
  /** The thread's CPU time when the shard was built (the worker's start-up is not the shard's work). */
  private readonly cpuAtStart = Math.max(0, threadCpuMs());
  /** CPU time of report work (forReport: forced GCs, health checks, adversary figures), left out of cpuMs. */
  private reportCpuMs = 0;

  constructor(setup: Omit<ShardSetup, 'port'>) {
    const slots = nodesOnShard(setup.shard, setup.shards, setup.nodes);
    const virtual = setup.clock === 'virtual';
    super(
      {
        index: setup.shard,
        shards: setup.shards,
        seed: setup.seed,
        peers: PeerIds.over(new Uint32Array(setup.ids), setup.nodes),
        config: setup.config,
        network: setup.network,
        clock: virtual ? new VirtualClock() : new RealClock(),
        links: null,
        trace: virtual,
        invariants: setup.checkInvariants ? new InvariantChecker(setup.seed) : null,
        faultAfterMessages: setup.faultAfterMessages,
      },
      slots,
    );
    this.links = this;
    if (setup.identity) installIdentities(this.peers, this.config, new Uint32Array(setup.identity.ips), setup.identity.keys ? new Uint32Array(setup.identity.keys) : null);
    this.total = setup.nodes;
    const base = setup.host?.base ?? 0;
    const local = setup.host?.workers ?? setup.shards;
    this.mesh = attachRingMesh(setup.mesh, setup.shard - base);
    this.route = Int32Array.from({ length: setup.shards }, (_, g) => (g >= base && g < base + local ? g - base : local));
    this.outRings = Array.from({ length: setup.mesh.shards }, (_, s) => (s === this.mesh.shard ? null : this.mesh.outbox(s)));
    this.backlog = Array.from({ length: setup.mesh.shards }, () => []);
    this.dirty = new Uint8Array(setup.mesh.shards);
    if (setup.adversary) attachAdversary(this, setup.adversary);
  }

  now(): number {
    return this.clock.now();
  }

  /** This shard's place in its host's mesh and barrier: the global index on one host. */
  get meshIndex(): number {
    return this.mesh.shard;
  }

  // ------------------------------------------------------------ links (RemoteLinks)

  /** Writes a frame for another shard, or queues it behind a full ring (back-pressure, never a drop). */
  write(shard: number, from: number, to: number, at: number, bytes: Uint8Array, seq: number): void {
    const dest = this.route[shard]!;
    const backlog = this.backlog[dest]!;
    if (backlog.length > 0 || !this.outRings[dest]!.tryWriteFrame(from, to, at, bytes, seq)) {
      if (backlog.length === 0) this.backpressure++;
      backlog.push({ from, to, at, bytes: bytes.slice(), seq });
      return;
    }
    this.framesOut++;
    this.dirty[dest] = 1;
  }

  /** The clock read once per drain of the inboxes: every frame delivered in it takes this time. */
  private drainNow = 0;

  // A frame is a range of the ring's one data area: no view, no object per frame.
  private readonly onFrame = (area: Uint8Array, offset: number, length: number, from: number, to: number, at: number, seq: number): void => {
    this.framesIn++;
    this.receiveFrame(area, from, to, at, seq, offset, offset + length, this.drainNow);
  };

  private drainInboxes(): void {
    const me = this.mesh.shard;
    this.drainNow = this.clock.now();
    for (let s = 0; s < this.mesh.shards; s++) if (s !== me) this.mesh.inbox(s).drainAt(this.onFrame);
  }

  // ------------------------------------------------------------ real time

  /**
   * One pass: drain inboxes, run due events (at most a batch), flush backlogs, ring bells.
   * Returns the time of the next queued event, or -1 when work is still due now (the caller
   * should yield, not wait).
   */
  pass(): number {
    if (this.clock.virtual) return Infinity; // the virtual-time driver runs the queue itself
    const t0 = performance.now();
    this.drainInboxes();
    const now = this.now();
    for (let budget = BATCH; budget > 0; budget -= 512) {
      if (this.runDue(now, true, 512) < 512) break;
      // Drain and flush within the batch too, so a small ring is emptied more than once a pass.
      this.drainInboxes();
      this.flush();
    }
    const flushed = this.flush();
    this.busyMs += performance.now() - t0;
    if (!flushed || this.nextEventTime() <= this.now()) return -1;
    return this.nextEventTime();
  }

  /** Retries backlogged frames in order and rings the bells of shards written to; false if some still wait. */
  private flush(): boolean {
    let clear = true;
    for (let s = 0; s < this.mesh.shards; s++) {
      if (!this.writeBacklog(s)) clear = false;
      if (this.dirty[s]) {
        this.dirty[s] = 0;
        this.mesh.ringBell(s);
      }
    }
    return clear;
  }

  /** Writes shard s's backlogged frames, in order, while they fit; true when none are left. */
  private writeBacklog(s: number): boolean {
    const backlog = this.backlog[s]!;
    if (backlog.length === 0) return true;
    const ring = this.mesh.outbox(s);
    let i = 0;
    for (; i < backlog.length; i++) {
      const p = backlog[i]!;
      if (!ring.tryWriteFrame(p.from, p.to, p.at, p.bytes, p.seq)) break;
      this.framesOut++;
      this.dirty[s] = 1;
    }
    if (i > 0) backlog.splice(0, i);
    return backlog.length === 0;
  }

  readBell(): number {
    return this.mesh.bell.read();
  }

  waitBell(seen: number, timeoutMs: number): Promise<unknown> {
    return this.mesh.bell.wait(seen, timeoutMs);
  }

  ringOwnBell(): void {
    this.mesh.bell.ring();
  }

  // ------------------------------------------------------------ virtual time

  /** Runs every queued event before `end`; returns the time of the next one. */
  runUntil(end: number): number {
    this.runDue(end, false);
    return this.nextEventTime();
  }

  /** Exchange step of a virtual window: writes backlogged frames; true when none are left. */
  flushVirtual(): boolean {
    let clear = true;
    for (let s = 0; s < this.mesh.shards; s++) if (!this.writeBacklog(s)) clear = false;
    this.dirty.fill(0); // the barrier, not a doorbell, tells the other shards
    return clear;
  }

  /** Exchange step of a virtual window: decodes and queues every frame other shards wrote. */
  drainVirtual(): void {
    this.drainInboxes();
  }

  /** Moves the virtual clock to `t` (the end of a run), never back. */
  advanceTo(t: number): void {
    (this.clock as VirtualClock).advanceTo(t);
  }

  // ------------------------------------------------------------ reports

  /**
   * Runs report work (a table-health check, the adversary's figures) with its CPU time left out
   * of cpuMs: it is the report's cost, not the swarm's, as the forced GC of gcForReport is.
   */
  forReport<T>(work: () => T): T {
    const before = threadCpuMs();
    try {
      return work();
    } finally {
      if (before >= 0) this.reportCpuMs += threadCpuMs() - before;
    }
  }

  /** A full GC for a memory figure, left out of cpuMs (forReport). */
  gcForReport(): void {
    this.forReport(() => {
      // The table slab's freed regions are its garbage: collected here as the JS heap's are, so the
      // memory figures count what the tables hold, not what they have let go (table-slab.ts).
      tableSlab.compactAll();
      forceGc();
    });
  }

  /** `cpuMs`: the thread's CPU time, read by the caller before anything the snapshot itself costs (a forced GC). */
  snapshot(cpuMs = threadCpuMs()): ShardStats {
    let typed = timerSlabBytes() + tableSlabBytes();
    const space = this.recordSpace;
    typed += space.allocatedBytes;
    const s = this.stats;
    return {
      shard: this.index,
      sent: Array.from(s.sent),
      drops: Object.fromEntries(s.drops),
      accounts: { received: s.received, handled: s.handled, refused: Object.fromEntries(s.refusals), queued: s.queued },
      framesOut: this.framesOut,
      framesIn: this.framesIn,
      localMessages: s.localMessages,
      backpressure: this.backpressure,
      delivered: s.delivered,
      cacheHits: s.cacheHits,
      handOvers: s.handOvers,
      handlerErrors: s.handlerErrors,
      busyMs: this.busyMs,
      cpuMs: cpuMs >= 0 ? cpuMs - this.cpuAtStart - this.reportCpuMs : -1,
      heapUsed: getHeapStatistics().used_heap_size,
      typedArrayBytes: typed,
      records: { copies: space.copies, blobs: space.blobs, blobBytes: space.blobBytes, copyBytes: space.copyBytes, spaceBytes: space.allocatedBytes },
      ...(s.sourcesReplies > 0 ? { sourcesReplies: { count: s.sourcesReplies, bytes: s.sourcesReplyBytes, maxBytes: s.sourcesReplyMaxBytes } } : {}),
      ...(s.findSourcesReceived.length > 0 ? { findSourcesReceived: receivedPairs(s.findSourcesReceived, this.index, this.shards) } : {}),
    };
  }
}

/** Nodes that received any FIND_SOURCES, as [global node, count]; slot s of shard i is node s × shards + i. */
function receivedPairs(counts: Uint32Array, index: number, shards: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let slot = 0; slot < counts.length; slot++) if (counts[slot]! > 0) out.push([slot * shards + index, counts[slot]!]);
  return out;
}
