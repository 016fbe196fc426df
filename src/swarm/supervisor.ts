/**
 * The supervisor: starts one shard per worker thread through piscina (one
 * long-lived task each), wires them with SharedArrayBuffer rings, and drives
 * them with control commands over MessagePorts. It never blocks its event
 * loop: no Atomics.wait here, only messages and promises.
 *
 * If any shard fails, every command still waiting is rejected with that
 * shard's error, so a run ends with a clear message instead of hanging. On
 * the virtual clock the shards also wait for each other at a barrier: a shard
 * that throws aborts it itself, and a failure the supervisor learns of from
 * the pool (a thread that died outright) aborts it here, so no shard is left
 * waiting for one that will never arrive.
 */
import { availableParallelism } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { resolveConfig } from '../core/config.js';
import { checkLimits } from '../wire/limits.js';
import { ID_WORDS, writeIdWords } from '../core/id.js';
import type { RingMesh } from '../net/ring-mesh.js';
import { copyOpsRow, emptyOpsResult } from './control.js';
import type { AdversaryShardResult, Command, HealthResult, JoinBatchResult, KvResult, NodeInfo, SignedKv, OpKind, OpsResult, Reply, ShardStats, SourcesKvResult, SpawnResult, VirtualParams } from './control.js';
import { shardOf } from '../sim/placement.js';
import { abortBarrier, type BarrierMemory } from './barrier.js';
import type { VirtualShardResult } from './virtual-result.js';
import type { FilesSpec } from './files-workload.js';
import type { SwarmOptions } from './swarm-options.js';
import { writeIdentities } from './write-identities.js';
import type { IdCost } from './identities.js';
import { startShardThreads } from './shard-pool.js';

export type { RemoteShards, SwarmOptions } from './swarm-options.js';

type CommandBody = Command extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

interface Waiting {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (done: number) => void;
}

export class Swarm {
  readonly workers: number;
  readonly ids: Uint32Array;
  /** What grinding the honest IDs cost under an ID rule (issue 13's puzzle price per join), or null. */
  readonly idCost: IdCost | null;
  private readonly pool: Piscina | null;
  private readonly ports: MessagePort[] = [];
  private readonly tasks: Promise<unknown>[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private failure: Error | null = null;
  private readonly barrier: BarrierMemory | undefined;
  /** This host's rings (with an edge: the edge is participant `workers`). */
  readonly mesh: RingMesh | null = null;
  /** Settles when a shard fails; a run can race its phases against it. */
  readonly failed: Promise<never>;
  private fail!: (e: Error) => void;

  private constructor(readonly opts: SwarmOptions) {
    this.workers = opts.remote ? opts.remote.shards : Math.max(1, Math.min(opts.workers ?? availableParallelism(), opts.nodes));
    const sab = new SharedArrayBuffer(opts.nodes * ID_WORDS * 4);
    this.ids = new Uint32Array(sab);
    const identity = writeIdentities(opts, this.ids);
    this.idCost = identity?.cost ?? null;
    opts.placeIdentities?.(this.ids, identity?.ips ?? null, identity?.keys ?? null);
    // Adversaries' minted IDs (issue 13) over whatever the rules wrote; under --id-from-ip the
    // minter chose addresses too, and placeIdentities (the run's hook) already wrote those.
    const adv = opts.adversary;
    if (adv) adv.minted.forEach((node, j) => writeIdWords(adv.ids.subarray(j * 20, j * 20 + 20), this.ids, node * ID_WORDS));
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => {});
    if (opts.remote) {
      this.pool = null;
      this.barrier = undefined;
      opts.remote.attach(
        (r) => this.onReply(r),
        (err) => this.onShardFailure(-1, err),
      );
      return;
    }
    const threads = startShardThreads(
      opts,
      this.workers,
      sab,
      identity,
      (r) => this.onReply(r),
      (s, err) => this.onShardFailure(s, err),
    );
    this.pool = threads.pool;
    this.ports.push(...threads.ports);
    this.tasks.push(...threads.tasks);
    this.mesh = threads.mesh;
    this.barrier = threads.barrier;
  }

  static start(opts: SwarmOptions): Swarm {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 1) throw new Error(`--nodes must be a positive integer, got ${opts.nodes}`);
    // Refuse a configuration whose replies cannot fit a datagram before any thread starts.
    const config = resolveConfig(opts.config);
    checkLimits({ k: config.k, maxValueBytes: config.maxValueBytes, addressKind: 'index' });
    const workers = opts.remote ? opts.remote.shards : Math.max(1, Math.min(opts.workers ?? availableParallelism(), opts.nodes));
    if (opts.fault && !(opts.fault.shard >= 0 && opts.fault.shard < workers)) {
      throw new Error(`fault injection names shard ${opts.fault.shard}, but the swarm has shards 0..${workers - 1}`);
    }
    return new Swarm(opts);
  }

  get nodes(): number {
    return this.opts.nodes;
  }

  // ------------------------------------------------------------ commands

  command<T>(shard: number, body: CommandBody, onProgress?: (done: number) => void): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
      if (this.opts.remote) this.opts.remote.post(shard, { ...body, id } as Command);
      else this.ports[shard]!.postMessage({ ...body, id });
    });
  }

  private onReply(r: Reply): void {
    if ('progress' in r) {
      this.waiting.get(r.progress)?.onProgress?.(r.done);
      return;
    }
    const w = this.waiting.get(r.id);
    if (!w) return;
    this.waiting.delete(r.id);
    if (r.ok) w.resolve(r.result);
    else w.reject(new Error(r.error));
  }

  private onShardFailure(shard: number, err: Error): void {
    // Idempotent, and never blocks: wakes any shard waiting at the barrier for this one.
    if (this.barrier) abortBarrier(this.barrier, shard);
    if (this.failure) return;
    // shard −1: a host's failure, reported by the coordinator with its own message.
    this.failure = shard < 0 ? err : new Error(`shard ${this.opts.edge ? this.opts.edge.index * this.workers + shard : shard} failed: ${err.message.replace(/^shard \d+: /, '')}`);
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
    this.fail(this.failure);
  }

  /** Sends one command per shard; progress callbacks report the sum over shards. */
  private async all<T>(make: (shard: number) => CommandBody | null, onProgress?: (done: number) => void): Promise<(T | null)[]> {
    const done = new Array<number>(this.workers).fill(0);
    const progress = onProgress
      ? (s: number) => (d: number) => {
          done[s] = d;
          onProgress(done.reduce((a, b) => a + b, 0));
        }
      : () => undefined;
    return Promise.all(
      Array.from({ length: this.workers }, (_, s) => {
        const body = make(s);
        return body ? this.command<T>(s, body, progress(s)) : Promise.resolve(null);
      }),
    );
  }

  spawn(): Promise<SpawnResult[]> {
    return this.all<SpawnResult>(() => ({ op: 'spawn' })) as Promise<SpawnResult[]>;
  }

  /** Joins `nodes` (global indices, in order) through `bootstraps`, `concurrency` joins in flight across the swarm. */
  async join(nodes: number[], bootstraps: number[], concurrency: number, onProgress?: (done: number) => void): Promise<{ failed: number; rpcs: Float64Array; durations: Float64Array }> {
    const parts = this.split(nodes);
    const results = await this.all<JoinBatchResult>(
      (s) => (parts[s]!.length ? { op: 'join', nodes: Int32Array.from(parts[s]!.map((p) => nodes[p]!)), bootstraps, concurrency: this.share(concurrency) } : null),
      onProgress,
    );
    const rpcs = new Float64Array(nodes.length);
    const durations = new Float64Array(nodes.length);
    let failed = 0;
    results.forEach((r, s) => {
      if (!r) return;
      failed += r.failed;
      parts[s]!.forEach((pos, j) => {
        rpcs[pos] = r.rpcs[j]!;
        durations[pos] = r.durations[j]!;
      });
    });
    return { failed, rpcs, durations };
  }

  /** Runs operation `kind` for item[i] from node[i]; rows come back in the same order. */
  async ops(kind: OpKind, nodes: number[], items: number[], concurrency: number, sample: number, k: number, onProgress?: (done: number) => void, trace = 0, files?: FilesSpec): Promise<OpsResult> {
    const parts = this.split(nodes);
    // The first `sample` operations of the run are the sampled ones, wherever they run.
    const results = await this.all<OpsResult>(
      (s) =>
        parts[s]!.length
          ? {
              op: 'ops',
              kind,
              nodes: Int32Array.from(parts[s]!.map((p) => nodes[p]!)),
              items: Int32Array.from(parts[s]!.map((p) => items[p]!)),
              concurrency: this.share(concurrency),
              sample: parts[s]!.filter((p) => p < sample).length,
              trace: parts[s]!.filter((p) => p < trace).length,
              ...(files ? { files } : {}),
            }
          : null,
      onProgress,
    );
    const n = nodes.length;
    const out = emptyOpsResult(n, sample, k);
    results.forEach((r, s) => {
      if (!r) return;
      for (const t of r.traces) out.traces.push({ ...t, row: parts[s]![t.row]! });
      // Sampled rows are the shard's first ones, since positions are ascending.
      parts[s]!.forEach((pos, j) => copyOpsRow(r, j, out, pos, k, sample));
    });
    return out;
  }

  /** Takes the given nodes down (they stop answering); returns how many were up. */
  async kill(nodes: number[]): Promise<number> {
    const parts = this.split(nodes);
    const killed = await this.all<number>((s) => (parts[s]!.length ? { op: 'kill', nodes: Int32Array.from(parts[s]!.map((p) => nodes[p]!)) } : null));
    return killed.reduce<number>((a, b) => a + (b ?? 0), 0);
  }

  /** Brings nodes back up and rejoins them through `bootstraps`; `fresh` loses their state. */
  async revive(nodes: number[], bootstraps: number[], fresh = false): Promise<number> {
    const parts = this.split(nodes);
    const revived = await this.all<number>((s) => (parts[s]!.length ? { op: 'revive', nodes: Int32Array.from(parts[s]!.map((p) => nodes[p]!)), bootstraps, fresh } : null));
    return revived.reduce<number>((a, b) => a + (b ?? 0), 0);
  }

  /** Stores value under key (20 bytes) through a real DHT put from `node`. */
  putKv(node: number, key: Uint8Array, value: Uint8Array, signed?: SignedKv): Promise<KvResult> {
    return this.command<KvResult>(shardOf(node, this.workers), signed ? { op: 'put-kv', node, key, value, signed } : { op: 'put-kv', node, key, value });
  }

  getKv(node: number, key: Uint8Array): Promise<KvResult> {
    return this.command<KvResult>(shardOf(node, this.workers), { op: 'get-kv', node, key });
  }

  /** Adds value to the sources set under key (20 bytes) from `node`. */
  addSource(node: number, key: Uint8Array, value: Uint8Array): Promise<KvResult & { refused: number }> {
    return this.command<KvResult & { refused: number }>(shardOf(node, this.workers), { op: 'add-source', node, key, value });
  }

  findSources(node: number, key: Uint8Array): Promise<SourcesKvResult> {
    return this.command<SourcesKvResult>(shardOf(node, this.workers), { op: 'find-sources', node, key });
  }

  nodeInfo(node: number): Promise<NodeInfo> {
    return this.command<NodeInfo>(shardOf(node, this.workers), { op: 'node-info', node });
  }

  /** Runs a virtual-time experiment in every shard at once; progress is the share of virtual time done (0..1e6). */
  async virtual(params: VirtualParams, onProgress?: (millionths: number) => void): Promise<VirtualShardResult[]> {
    if (this.opts.clock !== 'virtual') throw new Error('start the swarm with clock: virtual');
    const results = await this.all<VirtualShardResult>(() => ({ op: 'virtual', params }), onProgress ? (sum) => onProgress(sum / this.workers) : undefined);
    return results as VirtualShardResult[];
  }

  /** Counters and memory of every shard; with `gc`, after a full collection (for memory figures). */
  stats(gc = false): Promise<ShardStats[]> {
    return this.all<ShardStats>(() => ({ op: 'stats', gc })) as Promise<ShardStats[]>;
  }

  health(sample: number[]): Promise<HealthResult[]> {
    const parts = this.split(sample);
    return this.all<HealthResult>((s) => ({ op: 'health', sample: Int32Array.from(parts[s]!.map((p) => sample[p]!)) })) as Promise<HealthResult[]>;
  }

  /** Every shard's adversary figures (issue 13) for workload keys `items`, each put by `putters[j]`. */
  adversary(items: number[], putters: number[]): Promise<AdversaryShardResult[]> {
    return this.all<AdversaryShardResult>(() => ({ op: 'adversary', keys: Int32Array.from(items), except: Int32Array.from(putters) })) as Promise<AdversaryShardResult[]>;
  }

  /**
   * Stops every shard and the pool; safe to call after a failure. `awaitExit: false` returns once
   * every shard has ended its task, while the threads still exit: disposing of a shard's isolate
   * and heap takes 0.1–0.3 s, which the caller's next work (the stress report) then overlaps.
   * The pool's threads do not keep the process alive meanwhile, and they are gone when it exits.
   */
  async stop(o: { awaitExit?: boolean } = {}): Promise<void> {
    if (!this.failure) {
      await Promise.allSettled(Array.from({ length: this.workers }, (_, s) => this.command(s, { op: 'stop' })));
      await Promise.allSettled(this.tasks);
    }
    for (const p of this.ports) p.close();
    if (this.opts.remote) return this.opts.remote.stop();
    const exited = this.pool!.destroy();
    if (o.awaitExit === false && !this.failure) exited.catch(() => {});
    else await exited;
  }

  /** The shared barrier memory of a virtual-clock swarm (a host's edge takes part in it). */
  get barrierMemory(): BarrierMemory | undefined {
    return this.barrier;
  }

  /** Positions of `nodes` grouped by the shard hosting each node, ascending within a shard. */
  private split(nodes: number[]): number[][] {
    const parts: number[][] = Array.from({ length: this.workers }, () => []);
    nodes.forEach((node, pos) => parts[shardOf(node, this.workers)]!.push(pos));
    return parts;
  }

  private share(concurrency: number): number {
    return Math.max(1, Math.ceil(concurrency / this.workers));
  }
}
