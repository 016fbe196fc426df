/**
 * The stress workload, phase by phase: spawn, join, store, get present keys,
 * get absent keys, FIND_NODE. Everything random is drawn from the seed, so
 * the same seed gives the same IDs, keys, askers and targets whatever the
 * worker count. Returns raw per-operation rows; src/report turns them into
 * the report.
 */
import type { KadConfig } from '../core/config.js';
import { idToWords } from '../core/id.js';
import { Random, deriveSeed } from '../core/random.js';
import type { HealthResult, OpKind, OpsResult, ShardStats, SpawnResult } from './control.js';
import type { NetworkModel } from './network-model.js';
import type { PhaseObserver } from './observer.js';
import { IdOracle } from './oracle.js';
import { Swarm } from './supervisor.js';
import { findTarget, Zipf } from './workload.js';

export interface StressOptions {
  nodes: number;
  workers?: number;
  keys: number;
  seed: number;
  concurrency: number;
  joinConcurrency: number;
  config: Partial<KadConfig> & { k: number; alpha: number };
  network: NetworkModel;
  zipf: number;
  /** FIND_NODE results checked against the true k closest. */
  checkSample: number;
  /** Nodes whose tables are checked for their true k nearest neighbours. */
  healthSample: number;
  /** Lookups traced step by step in each lookup phase (get, get-absent, find-node). */
  trace: number;
  bootstraps: number;
  cpuProfileDir?: string;
  maxHeapMb?: number;
  fault?: { shard: number; afterMessages: number };
}

export type { PhaseObserver } from './observer.js';

export interface PhaseResult {
  name: string;
  kind: OpKind | 'join' | 'spawn';
  wallMs: number;
  count: number;
  rows?: OpsResult;
  joinRpcs?: Float64Array;
  joinDurations?: Float64Array;
  joinFailed?: number;
}

export interface StressResult {
  options: StressOptions;
  workers: number;
  phases: PhaseResult[];
  spawn: SpawnResult[];
  /** Shard counters and memory right after the join (after a full GC). */
  afterJoin: ShardStats[];
  health: HealthResult;
  stats: ShardStats[];
  /** FIND_NODE results equal to the true k closest, over the checked sample. */
  exactClosest: number;
  checked: number;
  rssBytes: number;
  totalWallMs: number;
}

export async function runStress(opts: StressOptions, observer: PhaseObserver): Promise<StressResult> {
  const t0 = performance.now();
  const swarm = Swarm.start({
    nodes: opts.nodes,
    seed: opts.seed,
    config: opts.config,
    network: opts.network,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.cpuProfileDir ? { cpuProfileDir: opts.cpuProfileDir } : {}),
    ...(opts.maxHeapMb ? { maxHeapMb: opts.maxHeapMb } : {}),
    ...(opts.fault ? { fault: opts.fault } : {}),
  });
  try {
    return await Promise.race([phases(swarm, opts, observer, t0), swarm.failed]);
  } finally {
    await swarm.stop();
  }
}

async function phases(swarm: Swarm, opts: StressOptions, observer: PhaseObserver, t0: number): Promise<StressResult> {
  const n = opts.nodes;
  const k = opts.config.k;
  const rng = new Random(deriveSeed(opts.seed, 0x574e), 3);
  const phases: PhaseResult[] = [];
  const timed = async <T>(name: string, total: number, run: () => Promise<T>): Promise<{ value: T; wallMs: number }> => {
    observer.start(name, total);
    const start = performance.now();
    const value = await run();
    const wallMs = performance.now() - start;
    observer.end();
    return { value, wallMs };
  };

  // Spawn.
  const spawned = await timed('spawn', n, async () => {
    const r = await swarm.spawn();
    observer.progress(n);
    return r;
  });
  phases.push({ name: 'spawn', kind: 'spawn', wallMs: spawned.wallMs, count: n });

  const bootstraps = Array.from({ length: Math.min(opts.bootstraps, n) }, (_, i) => i);
  const joined = await timed('join', n - 1, () => joinSwarm(swarm, bootstraps, opts.joinConcurrency, (d) => observer.progress(d)));
  const afterJoin = await swarm.stats(true);
  phases.push({
    name: 'join',
    kind: 'join',
    wallMs: joined.wallMs,
    count: n - 1,
    joinFailed: joined.value.failed,
    joinRpcs: joined.value.rpcs,
    joinDurations: joined.value.durations,
  });

  const randomNode = (): number => rng.int(n);
  const otherNode = (not: number): number => {
    if (n === 1) return 0;
    for (;;) {
      const x = rng.int(n);
      if (x !== not) return x;
    }
  };
  const runPhase = async (name: string, kind: OpKind, nodes: number[], items: number[], sample = 0): Promise<PhaseResult> => {
    const trace = kind === 'put' ? 0 : opts.trace;
    const r = await timed(name, nodes.length, () => swarm.ops(kind, nodes, items, opts.concurrency, sample, k, (d) => observer.progress(d), trace));
    const p: PhaseResult = { name, kind, wallMs: r.wallMs, count: nodes.length, rows: r.value };
    phases.push(p);
    return p;
  };

  // Store key{i} → value{i} from random nodes.
  const keys = opts.keys;
  const storers = Array.from({ length: keys }, randomNode);
  await runPhase('store', 'put', storers, Array.from({ length: keys }, (_, i) => i));

  // Get every stored key (or Zipf-popular ones) from other random nodes.
  const zipf = opts.zipf > 0 ? new Zipf(keys, opts.zipf) : null;
  const perm = zipf ? shuffled(keys, rng) : null;
  const getItems = Array.from({ length: keys }, (_, i) => (zipf ? perm![zipf.rank(rng)]! : i));
  await runPhase('get', 'get', getItems.map((item) => otherNode(storers[item]!)), getItems);

  // As many absent keys.
  await runPhase('get-absent', 'get-absent', Array.from({ length: keys }, randomNode), Array.from({ length: keys }, (_, i) => i));

  // FIND_NODE for as many random targets; a sample is checked against the true k closest.
  const askers = Array.from({ length: keys }, randomNode);
  const sample = Math.min(opts.checkSample, keys);
  const find = await runPhase('find-node', 'find', askers, Array.from({ length: keys }, (_, i) => i), sample);
  const oracle = new IdOracle(swarm.ids, n);
  let exact = 0;
  for (let i = 0; i < sample; i++) {
    const target = idToWords(findTarget(opts.seed, i));
    const truth = oracle.closest(target, 0, k, (h) => h !== askers[i]);
    const got = find.rows!.closest.subarray(i * k, i * k + truth.length);
    if (truth.every((h, j) => got[j] === h)) exact++;
  }

  // Routing-table health and counters.
  const healthSample = sampleNodes(n, opts.healthSample, rng);
  const perShard = await swarm.health(healthSample);
  const health = perShard.reduce<HealthResult>(
    (a, h) => ({
      knowsNearest: a.knowsNearest + h.knowsNearest,
      sampled: a.sampled + h.sampled,
      emptyBuckets: a.emptyBuckets + h.emptyBuckets,
      fullBuckets: a.fullBuckets + h.fullBuckets,
      buckets: a.buckets + h.buckets,
      contacts: a.contacts + h.contacts,
      nodes: a.nodes + h.nodes,
    }),
    { knowsNearest: 0, sampled: 0, emptyBuckets: 0, fullBuckets: 0, buckets: 0, contacts: 0, nodes: 0 },
  );
  const stats = await swarm.stats(true);
  return {
    options: opts,
    workers: swarm.workers,
    phases,
    spawn: spawned.value,
    afterJoin,
    health,
    stats,
    exactClosest: exact,
    checked: sample,
    rssBytes: process.memoryUsage().rss,
    totalWallMs: performance.now() - t0,
  };
}

function shuffled(n: number, rng: Random): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function sampleNodes(n: number, count: number, rng: Random): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(n));
  return [...picked].sort((a, b) => a - b);
}


/**
 * Joins every node: the bootstrap nodes one after another through node 0,
 * then everyone else through them, `concurrency` joins in flight.
 */
export async function joinSwarm(swarm: Swarm, bootstraps: number[], concurrency: number, progress: (done: number) => void): Promise<{ failed: number; rpcs: Float64Array; durations: Float64Array }> {
  const n = swarm.nodes;
  const b = bootstraps.length;
  let failed = 0;
  const rpcs: number[] = [];
  const durations: number[] = [];
  for (let i = 1; i < b; i++) {
    const r = await swarm.join([bootstraps[i]!], [bootstraps[0]!], 1);
    failed += r.failed;
    rpcs.push(r.rpcs[0]!);
    durations.push(r.durations[0]!);
    progress(i);
  }
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !bootstraps.includes(i));
  const r = await swarm.join(rest, bootstraps, concurrency, (done) => progress(b - 1 + done));
  return { failed: failed + r.failed, rpcs: Float64Array.from([...rpcs, ...r.rpcs]), durations: Float64Array.from([...durations, ...r.durations]) };
}
