/**
 * The edge of a host (issue 16): the host's main thread as one more participant in its ring mesh,
 * carrying every frame between a local shard and a shard on another host over the host's TCP
 * links (one per peer host). Node → host is a function of the node index (placement.ts: node i is
 * on global shard i mod H·W, which is worker (i mod H·W) mod W of host ⌊(i mod H·W) / W⌋), so a
 * frame's destination node names its host; no registry.
 *
 * Real time: wake on the edge's doorbell (a shard rang it after writing) or every few ms, drain
 * the shards' rings into one batch per peer host, write each batch as one message. Frames from a
 * peer go into the ring of the destination's shard at once (a full ring: a backlog, retried on
 * the next pass, never a drop), and that shard's bell is rung.
 *
 * Virtual time (runVirtual): the shards' conservative windows extended across hosts. At each
 * exchange round the edge waits until its shards have flushed, sends every peer its batch and an
 * end-of-round marker with the batch's frame count, waits for every peer's marker, and only then
 * lets its shards drain; the decisions "another round?" and "next window start" are minima over
 * all hosts, taken by the coordinator (`sync`). Each host reports only after every peer's marker
 * arrived, so no frame of a window is still on the wire when the next one starts.
 */
import type { Socket } from 'node:net';
import { attachRingMesh, type RingMesh, type ShardLinks } from '../net/ring-mesh.js';
import type { BarrierMemory } from './barrier.js';
import { EdgeBarrier } from './edge-barrier.js';
import { DATA_FRAMES, DATA_MARKER, FrameBatch, markerMessage, readFrames } from './links-wire.js';

interface Waiting {
  from: number;
  to: number;
  at: number;
  bytes: Uint8Array;
  seq: number;
}

/** Longest the real-time loop sleeps without a doorbell (a backlog is retried this often too). */
const REAL_PASS_MS = 2;

export interface EdgeStats {
  framesOut: number;
  framesIn: number;
  bytesOut: number;
  bytesIn: number;
  batchesOut: number;
  rounds: number;
  /** Wall time spent in the cross-host part of virtual-time crossings (waiting for peers and the coordinator). */
  barrierMs: number;
  crossings: number;
}

export class Edge {
  private readonly links: ShardLinks;
  private readonly batches: FrameBatch[];
  private readonly backlog: Waiting[][];
  private readonly dirty: Uint8Array;
  private readonly shardsTotal: number;
  private readonly base: number;
  /** Markers received: per peer, the frame count of each round not yet consumed. */
  private readonly markers: Map<number, number>[];
  private readonly roundFrames: number[];
  private markerWaiter: (() => void) | null = null;
  private running = false;
  readonly stats: EdgeStats = { framesOut: 0, framesIn: 0, bytesOut: 0, bytesIn: 0, batchesOut: 0, rounds: 0, barrierMs: 0, crossings: 0 };

  constructor(
    mesh: RingMesh,
    private readonly workers: number,
    private readonly index: number,
    private readonly hosts: number,
    private readonly peers: readonly (Socket | null)[],
  ) {
    this.links = attachRingMesh(mesh, workers);
    this.batches = Array.from({ length: hosts }, () => new FrameBatch());
    this.backlog = Array.from({ length: workers }, () => []);
    this.dirty = new Uint8Array(workers);
    this.shardsTotal = hosts * workers;
    this.base = index * workers;
    this.markers = Array.from({ length: hosts }, () => new Map());
    this.roundFrames = new Array<number>(hosts).fill(0);
  }

  // ------------------------------------------------------------ outbound

  private readonly onLocalFrame = (bytes: Uint8Array, from: number, to: number, at: number, seq: number): void => {
    const host = Math.floor((to % this.shardsTotal) / this.workers);
    this.batches[host]!.add(from, to, at, bytes, seq);
  };

  /** Drains every local shard's ring to the edge into the per-host batches. */
  private collect(): void {
    for (let s = 0; s < this.workers; s++) this.links.inbox(s).drain(this.onLocalFrame);
  }

  /** Sends every non-empty batch; returns the frames sent to each host. */
  private sendBatches(): number[] {
    const sent = new Array<number>(this.hosts).fill(0);
    for (let h = 0; h < this.hosts; h++) {
      const batch = this.batches[h]!;
      if (h === this.index || batch.count === 0) continue;
      sent[h] = batch.count;
      const msg = batch.take()!;
      this.stats.framesOut += sent[h]!;
      this.stats.bytesOut += msg.length;
      this.stats.batchesOut++;
      this.peers[h]!.write(msg);
    }
    return sent;
  }

  // ------------------------------------------------------------ inbound

  /** A data-link body from peer host `host` (after HELLO). */
  onBody(host: number, body: Buffer): void {
    const kind = body[0];
    this.stats.bytesIn += body.length + 4;
    if (kind === DATA_FRAMES) {
      const n = readFrames(body, this.deliver);
      this.stats.framesIn += n;
      this.roundFrames[host]! += n;
      this.ringDirty();
    } else if (kind === DATA_MARKER) {
      const round = body.readUInt32LE(1);
      const frames = body.readUInt32LE(5);
      const got = this.roundFrames[host]!;
      this.roundFrames[host] = 0;
      if (got !== frames) throw new Error(`host ${host} marked ${frames} frames in exchange round ${round}, host ${this.index} received ${got}`);
      this.markers[host]!.set(round, frames);
      this.markerWaiter?.();
    } else {
      throw new Error(`host ${host} sent a data message of unknown kind ${kind}`);
    }
  }

  private readonly deliver = (from: number, to: number, at: number, payload: Uint8Array, seq: number): void => {
    const w = (to % this.shardsTotal) - this.base;
    if (w < 0 || w >= this.workers) throw new Error(`a frame for node ${to} reached host ${this.index}, which does not host it`);
    const backlog = this.backlog[w]!;
    if (backlog.length > 0 || !this.links.outbox(w).tryWriteFrame(from, to, at, payload, seq)) {
      backlog.push({ from, to, at, bytes: payload.slice(), seq });
      return;
    }
    this.dirty[w] = 1;
  };

  /** Retries backlogged inbound frames in order; true when none are left. */
  private writeBacklogs(): boolean {
    let clear = true;
    for (let w = 0; w < this.workers; w++) {
      const backlog = this.backlog[w]!;
      if (backlog.length === 0) continue;
      const ring = this.links.outbox(w);
      let i = 0;
      for (; i < backlog.length; i++) {
        const p = backlog[i]!;
        if (!ring.tryWriteFrame(p.from, p.to, p.at, p.bytes, p.seq)) break;
        this.dirty[w] = 1;
      }
      if (i > 0) backlog.splice(0, i);
      if (backlog.length > 0) clear = false;
    }
    return clear;
  }

  private ringDirty(): void {
    for (let w = 0; w < this.workers; w++) {
      if (!this.dirty[w]) continue;
      this.dirty[w] = 0;
      this.links.ringBell(w);
    }
  }

  // ------------------------------------------------------------ real time

  /** Runs the real-time pass loop until stop(). */
  async runReal(): Promise<void> {
    this.running = true;
    while (this.running) {
      const seen = this.links.bell.read();
      this.collect();
      this.sendBatches();
      this.writeBacklogs();
      this.ringDirty();
      await this.links.bell.wait(seen, REAL_PASS_MS);
    }
  }

  stop(): void {
    this.running = false;
    this.markerWaiter?.();
  }

  // ------------------------------------------------------------ virtual time

  /**
   * The edge's part of one virtual run (virtual-run.ts's window loop, crossing for crossing):
   * start-of-window crossings until the agreed start reaches `end`, and exchange rounds in
   * between. `sync` takes this host's value and resolves with the minimum over all hosts.
   */
  async runVirtual(barrierMem: BarrierMemory, end: number, sync: (value: number) => Promise<number>, timeoutMs: number): Promise<number> {
    const barrier = new EdgeBarrier(barrierMem);
    let windows = 0;
    const crossHost = async (local: number): Promise<number> => {
      const t0 = performance.now();
      const v = await sync(local);
      this.stats.barrierMs += performance.now() - t0;
      this.stats.crossings++;
      return v;
    };
    try {
      let t = barrier.complete(await crossHost(await barrier.shardsArrived(timeoutMs)));
      while (t < end) {
        windows++;
        for (;;) {
          await barrier.shardsArrived(timeoutMs); // the shards flushed their window
          const t0 = performance.now();
          await this.exchangeRound(timeoutMs);
          this.stats.barrierMs += performance.now() - t0;
          barrier.complete(0);
          // The shards drained and say −1 (another round) or their next event time. Inbound frames
          // still waiting here for room make another round too (written at its start, drained after).
          const local = Math.min(await barrier.shardsArrived(timeoutMs), this.backlog.every((b) => b.length === 0) ? Infinity : -1);
          const next = barrier.complete(await crossHost(local));
          if (next >= 0) {
            t = next;
            break;
          }
        }
      }
    } catch (err) {
      barrier.abort();
      throw err;
    }
    return windows;
  }

  /** One exchange round: send every peer its frames and a marker, wait for every peer's marker. */
  private async exchangeRound(timeoutMs: number): Promise<void> {
    const round = ++this.stats.rounds;
    this.writeBacklogs();
    this.collect();
    const sent = this.sendBatches();
    for (let h = 0; h < this.hosts; h++) if (h !== this.index) this.peers[h]!.write(markerMessage(round, sent[h]!));
    const started = performance.now();
    while (!this.allMarkers(round)) {
      if (performance.now() - started > timeoutMs) throw new Error(`no end-of-round marker from ${this.missingMarkers(round)} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        this.markerWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.markerWaiter = null;
    }
    for (let h = 0; h < this.hosts; h++) this.markers[h]!.delete(round);
  }

  private allMarkers(round: number): boolean {
    for (let h = 0; h < this.hosts; h++) if (h !== this.index && !this.markers[h]!.has(round)) return false;
    return true;
  }

  private missingMarkers(round: number): string {
    const missing: number[] = [];
    for (let h = 0; h < this.hosts; h++) if (h !== this.index && !this.markers[h]!.has(round)) missing.push(h);
    return `host ${missing.join(', host ')}`;
  }
}
