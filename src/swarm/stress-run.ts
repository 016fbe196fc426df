/**
 * The stress workload, phase by phase: spawn, join, store, get present keys,
 * get absent keys, FIND_NODE. Everything random is drawn from the seed, so
 * the same seed gives the same IDs, keys, askers and targets whatever the
 * worker count. Returns raw per-operation rows; src/report turns them into
 * the report. The virtual-clock phases are in stress-virtual.ts, the
 * real-time join in join-swarm.ts, the option and result types in
 * stress-types.ts.
 */
import { idToWords } from '../core/id.js';
import { Random, deriveSeed } from '../core/random.js';
import type { HealthResult, ShardStats } from './control.js';
import { IdOracle } from '../sim/oracle.js';
import { Swarm } from './supervisor.js';
import { findTarget, Zipf } from './workload.js';
import { fileWorkload } from './files-workload.js';
import type { Coordinator } from './coordinator.js';
import type { HostRunOptions } from './host-protocol.js';
import type { AdversaryPlan } from '../sim/adversary.js';
import { adversaryFigures, honestAskers, placeAdversaries } from './adversary-run.js';
import type { PhaseObserver } from './observer.js';
import type { HostsSpec, PhaseResult, PlannedPhase, StressOptions, StressResult } from './stress-types.js';
import { virtualPhases } from './stress-virtual.js';
import { joinSwarm } from './join-swarm.js';

export type { HostsSpec, PhaseResult, StressOptions, StressResult } from './stress-types.js';
export type { PhaseObserver } from './observer.js';
export { joinSwarm } from './join-swarm.js';

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
    // A run that ended well does not wait for its threads to exit: the report is built meanwhile.
    await swarm.stop({ awaitExit: false });
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

export async function startCoordinator(h: HostsSpec, run: HostRunOptions): Promise<Coordinator> {
  const { fault: _fault, cpuProfileDir: _dir, ...rest } = run as typeof run & { fault?: unknown; cpuProfileDir?: string };
  // Imported only for a run across hosts: a one-machine run does not load the TCP links' modules.
  const { Coordinator } = await import('./coordinator.js');
  return Coordinator.start({ hosts: h.count, listen: h.listen, version: h.version, log: h.log, ...(h.stallMs ? { stallMs: h.stallMs } : {}) }, rest);
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
