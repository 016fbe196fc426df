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
import type { HealthNode, HealthResult, OpKind, OpsResult, ShardStats, SpawnResult } from './control.js';
import { minLatency, type NetworkModel } from '../sim/network-model.js';
import { copyOpsRow, emptyOpsResult } from './control.js';
import { combineChains } from '../sim/trace-hash.js';
import { shardOf } from '../sim/placement.js';
import type { VirtualParams, VirtualPhase, VirtualShardResult } from './virtual-run.js';
import type { PhaseObserver } from './observer.js';
import { IdOracle } from '../sim/oracle.js';
import { Swarm } from './supervisor.js';
import { findTarget, Zipf } from './workload.js';
import { fileWorkload, type FilesSpec } from './files-workload.js';
import { Coordinator } from './coordinator.js';
import type { AdversaryPlan, AdversarySpec } from '../sim/adversary.js';
import { adversaryFigures, honestAskers, placeAdversaries, type AdversaryRun } from './adversary-run.js';

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
  /** 'virtual': the whole run on the virtual clock (deterministic from the seed; latency must be above zero). */
  clock?: 'real' | 'virtual';
  bootstraps: number;
  cpuProfileDir?: string;
  maxHeapMb?: number;
  fault?: { shard: number; afterMessages: number };
  /** Check the simulator's invariants after every event; a broken one ends the run with the seed and the event. */
  checkInvariants?: boolean;
  /** `--workload files`: after the default phases, publish, find-sources and search (files-workload.ts). */
  files?: FilesSpec;
  /** `--adversary F --attack KIND`: adversary nodes in the shards (issue 13; adversary-run.ts). */
  adversary?: AdversarySpec;
  /** --subnets S: the /24s the adversaries share when a defence gives nodes addresses (default 1). */
  subnets?: number;
  /** Multi-host (issue 16): this process is the coordinator of `count` hosts (coordinator.ts); `workers` is per host. */
  hosts?: HostsSpec;
}

export interface HostsSpec {
  count: number;
  listen: string;
  version: string;
  stallMs?: number;
  log: (line: string) => void;
}

export type { PhaseObserver } from './observer.js';

interface PlannedPhase {
  name: string;
  kind: OpKind;
  nodes: number[];
  items: number[];
  sample: number;
  files?: FilesSpec;
}

export interface PhaseResult {
  name: string;
  kind: OpKind | 'join' | 'spawn';
  wallMs: number;
  count: number;
  rows?: OpsResult;
  /** Lookup phases: the asking node and the workload item (key or target number) of each row, for the per-operation export. */
  nodes?: Int32Array;
  items?: Int32Array;
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
  /** The same sample's tables right after the join phase, before the workload (issue 14: health.afterJoin). */
  healthAfterJoin: HealthResult;
  /** The sampled nodes' tables one by one, ascending by node. */
  healthNodes: HealthNode[];
  stats: ShardStats[];
  /** FIND_NODE results equal to the true k closest, over the checked sample. */
  exactClosest: number;
  checked: number;
  rssBytes: number;
  totalWallMs: number;
  /** Virtual clock only: hash of the full message trace (sum of per-message hashes : messages). */
  /** Virtual clock: today's order-independent hash of the message trace, "sum:messages". */
  traceHash?: string;
  /** Virtual clock: the order-sensitive 64-bit hash (per node, chained over what it receives, summed over nodes). */
  traceChain?: string;
  /** With adversaries: who they were and what the shards counted (src/report/adversary-report.ts reads it). */
  adversary?: AdversaryRun;
}

export async function runStress(opts: StressOptions, observer: PhaseObserver): Promise<StressResult> {
  const t0 = performance.now();
  const placed = opts.adversary ? placeAdversaries(opts.nodes, opts.seed, opts.adversary, opts.bootstraps, opts.config, opts.subnets ?? 1) : undefined;
  const plan = placed?.plan;
  const swarmOpts = {
    ...(placed ? placed.swarm : {}),
    nodes: opts.nodes,
    seed: opts.seed,
    config: opts.config,
    network: opts.network,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.cpuProfileDir ? { cpuProfileDir: opts.cpuProfileDir } : {}),
    ...(opts.maxHeapMb ? { maxHeapMb: opts.maxHeapMb } : {}),
    ...(opts.fault ? { fault: opts.fault } : {}),
    ...(opts.clock === 'virtual' ? { clock: 'virtual' as const } : {}),
    ...(opts.checkInvariants ? { checkInvariants: true } : {}),
  };
  // Multi-host: the shards are the hosts'; the coordinator names the phase in any failure message.
  const coordinator = opts.hosts ? await startCoordinator(opts.hosts, { ...swarmOpts, workers: opts.workers ?? 1 }) : null;
  const swarm = Swarm.start(coordinator ? { ...swarmOpts, remote: coordinator } : swarmOpts);
  if (coordinator) {
    const inner = observer;
    observer = { start: (name, total) => (coordinator.phase(name), inner.start(name, total)), progress: (d) => inner.progress(d), end: () => inner.end() };
  }
  try {
    return await Promise.race([phases(swarm, opts, observer, t0, plan), swarm.failed]);
  } finally {
    await swarm.stop();
  }
}

async function phases(swarm: Swarm, opts: StressOptions, observer: PhaseObserver, t0: number, advPlan?: AdversaryPlan): Promise<StressResult> {
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

  // The workload, drawn from the seed before anything runs, in the same order in both clocks.
  const randomNode = (): number => rng.int(n);
  const otherNode = (not: number): number => {
    if (n === 1) return 0;
    for (;;) {
      const x = rng.int(n);
      if (x !== not) return x;
    }
  };
  const keys = opts.keys;
  const range = (m: number): number[] => Array.from({ length: m }, (_, i) => i);
  // Store key{i} → value{i} from random nodes.
  const storers = Array.from({ length: keys }, randomNode);
  // Get every stored key (or Zipf-popular ones) from other random nodes.
  const zipf = opts.zipf > 0 ? new Zipf(keys, opts.zipf) : null;
  const perm = zipf ? shuffled(keys, rng) : null;
  const getItems = Array.from({ length: keys }, (_, i) => (zipf ? perm![zipf.rank(rng)]! : i));
  const getters = getItems.map((item) => otherNode(storers[item]!));
  // As many absent keys, and FIND_NODE for as many random targets (a sample checked against the truth).
  const absentAskers = Array.from({ length: keys }, randomNode);
  const askers = Array.from({ length: keys }, randomNode);
  const sample = Math.min(opts.checkSample, keys);
  // Operations start only at honest nodes (drawn from a stream of their own: no adversaries, no change).
  if (advPlan) honestAskers(advPlan, opts.seed, storers, getters, getItems, absentAskers, askers);
  const plan: PlannedPhase[] = [
    { name: 'store', kind: 'put', nodes: storers, items: range(keys), sample: 0 },
    { name: 'get', kind: 'get', nodes: getters, items: getItems, sample: 0 },
    { name: 'get-absent', kind: 'get-absent', nodes: absentAskers, items: range(keys), sample: 0 },
    { name: 'find-node', kind: 'find', nodes: askers, items: range(keys), sample },
  ];
  // The file workload draws from its own stream, so the default phases stay as they were.
  if (opts.files) {
    const w = fileWorkload(opts.seed, n, opts.files);
    const files = opts.files;
    plan.push(
      { name: 'publish', kind: 'publish', nodes: Array.from(w.publishers), items: range(w.publishers.length), sample: 0, files },
      { name: 'find-sources', kind: 'find-sources', nodes: Array.from(w.lookupAskers), items: range(files.files), sample: 0, files },
      { name: 'search', kind: 'search', nodes: Array.from(w.searchAskers), items: range(files.files), sample: 0, files },
    );
  }
  const bootstraps = Array.from({ length: Math.min(opts.bootstraps, n) }, (_, i) => i);
  // Drawn here, after the workload and before anything runs (the last draw from rng, as before).
  const healthSample = sampleNodes(n, opts.healthSample, rng);
  const tableHealth = async (): Promise<{ total: HealthResult; perShard: HealthResult[] }> => {
    const perShard = await swarm.health(healthSample);
    return { total: sumHealth(perShard), perShard };
  };
  let afterJoin: ShardStats[];
  let healthAfterJoin: HealthResult;
  let traceHash: string | undefined;
  let traceChain: string | undefined;
  if (opts.clock === 'virtual') {
    ({ afterJoin, traceHash, traceChain, healthAfterJoin } = await virtualPhases(swarm, opts, plan, phases, observer, async () => (await tableHealth()).total));
  } else {
    const joined = await timed('join', n - 1, () => joinSwarm(swarm, bootstraps, opts.joinConcurrency, (d) => observer.progress(d)));
    afterJoin = await swarm.stats(true);
    healthAfterJoin = (await tableHealth()).total;
    phases.push({ name: 'join', kind: 'join', wallMs: joined.wallMs, count: n - 1, joinFailed: joined.value.failed, joinRpcs: joined.value.rpcs, joinDurations: joined.value.durations });
    for (const ph of plan) {
      const trace = ph.kind === 'put' || ph.kind === 'publish' ? 0 : opts.trace;
      const r = await timed(ph.name, ph.nodes.length, () => swarm.ops(ph.kind, ph.nodes, ph.items, opts.concurrency, ph.sample, k, (d) => observer.progress(d), trace, ph.files));
      phases.push({ name: ph.name, kind: ph.kind, wallMs: r.wallMs, count: ph.nodes.length, rows: r.value, nodes: Int32Array.from(ph.nodes), items: Int32Array.from(ph.items) });
    }
  }
  const find = phases.find((ph) => ph.name === 'find-node')!;
  const oracle = new IdOracle(swarm.ids, n);
  let exact = 0;
  for (let i = 0; i < sample; i++) {
    const target = idToWords(findTarget(opts.seed, i));
    const truth = oracle.closest(target, 0, k, (h) => h !== askers[i]);
    const got = find.rows!.closest.subarray(i * k, i * k + truth.length);
    if (truth.every((h, j) => got[j] === h)) exact++;
  }

  // Routing-table health after the run, and counters.
  const { total: health, perShard } = await tableHealth();
  const stats = await swarm.stats(true);
  const adversary = advPlan ? await adversaryFigures(swarm, advPlan, opts.adversary!, phases, storers) : undefined;
  return {
    options: opts,
    workers: swarm.workers,
    phases,
    spawn: spawned.value,
    afterJoin,
    health,
    healthAfterJoin,
    healthNodes: perShard.flatMap((h) => h.sampledNodes ?? []).sort((a, b) => a.node - b.node),
    stats,
    exactClosest: exact,
    checked: sample,
    rssBytes: process.memoryUsage().rss,
    totalWallMs: performance.now() - t0,
    ...(traceHash ? { traceHash, traceChain } : {}),
    ...(adversary ? { adversary } : {}),
  };
}

/**
 * The stress phases on the virtual clock. Joins and operations start at a
 * steady rate chosen so that about --join-concurrency joins and --concurrency
 * lookups are in flight (a lookup takes ~4 round trips); each phase gets 30 s
 * of virtual time after its last start to finish. A phase's "wall" time in
 * the report is its span of virtual time.
 */
async function virtualPhases(
  swarm: Swarm,
  opts: StressOptions,
  plan: PlannedPhase[],
  phases: PhaseResult[],
  observer: PhaseObserver,
  tableHealth: () => Promise<HealthResult>,
): Promise<{ afterJoin: ShardStats[]; traceHash: string; traceChain: string; healthAfterJoin: HealthResult }> {
  const n = opts.nodes;
  const k = opts.config.k;
  const windowMs = minLatency(opts.network);
  if (!(windowMs > 0)) throw new Error('--clock virtual needs a minimum latency above zero (e.g. --latency 20-200ms)');
  const lookupMs = 8 * meanLatency(opts.network);
  const drainMs = 30_000;
  const base = { durationMs: 0, joinSpacingMs: 0, settleMs: 0, bootstraps: opts.bootstraps, churn: null, keys: 0, putSpacingMs: 0, getRate: 0, finds: 0, findCheck: 0, bucketMs: Number.MAX_SAFE_INTEGER, windowMs };
  const run = async (name: string, total: number, params: VirtualParams): Promise<VirtualShardResult[]> => {
    observer.start(name, total);
    const r = await swarm.virtual(params, (m) => observer.progress(Math.round((m / 1e6) * total)));
    observer.end();
    return r;
  };
  // Joins: a join is a self-lookup plus a dozen refreshes, about twice a lookup's time.
  const joinSpacingMs = (2 * lookupMs) / opts.joinConcurrency;
  const joined = await run('join', n - 1, { ...base, join: 'protocol', joinSpacingMs, settleMs: drainMs });
  const afterJoin = await swarm.stats(true);
  const healthAfterJoin = await tableHealth();
  const joinRpcs = new Float64Array(n - 1);
  const joinDurations = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) {
    const r = joined[shardOf(i, swarm.workers)]!;
    joinRpcs[i - 1] = r.joinRpcs[i]!;
    joinDurations[i - 1] = r.joinDurations[i]!;
  }
  phases.push({ name: 'join', kind: 'join', wallMs: n * joinSpacingMs + drainMs, count: n - 1, joinFailed: joined.reduce((a, r) => a + r.joinsFailed, 0), joinRpcs, joinDurations });

  // The four workload phases, one after the other on the same clock.
  const spacingMs = lookupMs / opts.concurrency;
  let start = 0;
  const vphases: VirtualPhase[] = plan.map((ph) => {
    const trace = ph.kind === 'put' || ph.kind === 'publish' ? 0 : opts.trace;
    const v: VirtualPhase = { kind: ph.kind, nodes: Int32Array.from(ph.nodes), items: Int32Array.from(ph.items), sample: ph.sample, trace, startMs: start, spacingMs, ...(ph.files ? { files: ph.files } : {}) };
    // A publish is 1 + words stores one after the other: its phase gets that many lookups' time.
    start += ph.nodes.length * spacingMs + drainMs + (ph.kind === 'publish' ? 6 * lookupMs : 0);
    return v;
  });
  const total = plan.reduce((a, ph) => a + ph.nodes.length, 0);
  const ran = await run('workload', total, { ...base, join: 'none', durationMs: start, phases: vphases });
  plan.forEach((ph, j) => {
    const out = emptyOpsResult(ph.nodes.length, ph.sample, k);
    ph.nodes.forEach((node, row) => copyOpsRow(ran[shardOf(node, swarm.workers)]!.phaseRows[j]!, row, out, row, k, ph.sample));
    for (const r of ran) out.traces.push(...r.phaseRows[j]!.traces);
    phases.push({ name: ph.name, kind: ph.kind, wallMs: ph.nodes.length * spacingMs + drainMs, count: ph.nodes.length, rows: out, nodes: vphases[j]!.nodes, items: vphases[j]!.items });
  });
  // Shards keep their trace sums across runs, so the last run's figures cover the whole trace.
  const hash = ran.reduce((a, r) => (a + r.traceSum) >>> 0, 0);
  return { afterJoin, healthAfterJoin, traceHash: `${hash.toString(16).padStart(8, '0')}:${ran.reduce((a, r) => a + r.traceCount, 0)}`, traceChain: combineChains(ran.map((r) => r.traceChain)) };
}

export function startCoordinator(h: HostsSpec, run: Parameters<typeof Coordinator.start>[1]): Promise<Coordinator> {
  const { fault: _fault, cpuProfileDir: _dir, ...rest } = run as typeof run & { fault?: unknown; cpuProfileDir?: string };
  return Coordinator.start({ hosts: h.count, listen: h.listen, version: h.version, log: h.log, ...(h.stallMs ? { stallMs: h.stallMs } : {}) }, rest);
}

function meanLatency(m: NetworkModel): number {
  const l = m.latency;
  if (l.kind === 'constant') return l.ms;
  if (l.kind === 'uniform') return (l.minMs + l.maxMs) / 2;
  return Math.min(l.maxMs, (l.minMs * l.shape) / Math.max(1.01, l.shape - 1));
}

function shuffled(n: number, rng: Random): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The shards' health figures added up (the per-node rows stay with the shards'). */
function sumHealth(perShard: HealthResult[]): HealthResult {
  return perShard.reduce<HealthResult>(
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
}

function sampleNodes(n: number, count: number, rng: Random): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(n));
  return [...picked].sort((a, b) => a - b);
}


/**
 * Joins every node: the bootstrap nodes through node 0 and one another, all at once, then
 * everyone else through them, `concurrency` joins in flight. (The bootstrap nodes joined one
 * after another before: under 30 % loss each join takes seconds of timeouts, and the 15 in a row
 * were about 100 s of a 180 s join phase at 2,000 nodes. Then all through node 0 alone: at 30 %
 * loss one of the 15 could lose its only exchange seven times in a row, and everyone else
 * waited the 6 s of its retries.)
 */
export async function joinSwarm(swarm: Swarm, bootstraps: number[], concurrency: number, progress: (done: number) => void): Promise<{ failed: number; rpcs: Float64Array; durations: Float64Array }> {
  const n = swarm.nodes;
  const b = bootstraps.length;
  let failed = 0;
  const rpcs: number[] = [];
  const durations: number[] = [];
  if (b > 1) {
    const r = await swarm.join(bootstraps.slice(1), bootstraps, b - 1, (done) => progress(done));
    failed += r.failed;
    rpcs.push(...r.rpcs);
    durations.push(...r.durations);
  }
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !bootstraps.includes(i));
  const r = await swarm.join(rest, bootstraps, concurrency, (done) => progress(b - 1 + done));
  return { failed: failed + r.failed, rpcs: Float64Array.from([...rpcs, ...r.rpcs]), durations: Float64Array.from([...durations, ...r.durations]) };
}
