/**
 * One virtual-time experiment (churn or lookup cost) from start to report
 * data: start a swarm on the virtual clock, spawn, run, merge the shards'
 * rows, check FIND_NODE results against the true k closest, stop.
 */
import { combineChains } from '../sim/trace-hash.js';
import type { KadConfig } from '../core/config.js';
import { MESSAGE_TYPE_NAMES, MessageType } from '../core/messages.js';
import { Samples, type Summary } from '../sim/samples.js';
import { ChurnSchedule } from '../sim/churn-model.js';
import type { NetworkModel } from '../sim/network-model.js';
import { minLatency } from '../sim/network-model.js';
import { IdOracle } from '../sim/oracle.js';
import { Swarm } from './supervisor.js';
import { startCoordinator, type HostsSpec } from './stress-run.js';
import type { AdversarySpec } from '../sim/adversary.js';
import { nearTargets, placeAdversaries, puzzleSummary, type AdversaryRun } from './adversary-run.js';
import { mergeChurnAdversary, type ChurnAdversaryFigures } from './adversary-churn.js';
import { mergeChurnFiles, type ChurnFilesResult } from './churn-files.js';
import type { VirtualParams } from './control.js';
import { FIND_COLS, GET_COLS, GET_CUT_SHORT, measuredStartMs, trueClosestFor } from './virtual-result.js';

export interface ChurnOptions {
  nodes: number;
  workers: number;
  seed: number;
  config: Partial<KadConfig> & { k: number; alpha: number };
  network: NetworkModel;
  params: Omit<VirtualParams, 'windowMs'>;
  maxHeapMb?: number;
  /** Check the simulator's invariants after every event; a broken one ends the run with the seed and the event. */
  checkInvariants?: boolean;
  /** `--adversary F --attack KIND` (issue 13): adversary nodes churn like the others; gets and finds start only at honest nodes. */
  adversary?: AdversarySpec;
  /** --subnets S: the /24s the adversaries share when a defence gives nodes addresses (default 1). */
  subnets?: number;
  /** Multi-host (issue 16): coordinate `count` hosts (coordinator.ts); `workers` is per host. */
  hosts?: HostsSpec;
}

export interface ChurnResult {
  options: ChurnOptions;
  wallMs: number;
  virtualMs: number;
  windows: number;
  /** Today's order-independent hash of the message trace, "sum:messages". */
  traceHash: string;
  /** The order-sensitive 64-bit hash (per node, chained over what it receives, summed over nodes). */
  traceChain: string;
  messages: number;
  joinsFailed: number;
  /** Gets that ended while their node was up; `cutShort` more ended because the asking node left. */
  gets: { count: number; success: number; cutShort: number; depth: Summary; rpcs: Summary; timeouts: Summary; latencyMs: Summary };
  /** Per report bucket: start (ms into the measured part), gets, success ratio, up nodes, stale contact share, replicas. */
  buckets: Array<{ startMs: number; gets: number; success: number; upNodes: number; staleShare: number; meanReplicas: number; keysWithoutReplica: number }>;
  finds: { count: number; depth: Summary; rpcs: Summary; timeouts: Summary; latencyMs: Summary; depthCounts: Array<[number, number]>; exact: number; checked: number };
  bytesPerNode: number;
  /** Routing tables at the end, over the up nodes: mean contacts and buckets per node. */
  table?: { nodes: number; contactsPerNode: number; bucketsPerNode: number };
  /** Messages sent, by type. */
  traffic: Record<string, number>;
  /** `--workload files`: source lookups and keyword searches under churn. */
  files?: ChurnFilesResult;
  /** With --adversary: how many nodes were adversaries (the success figures count honest gets only). */
  adversaries?: number;
  /** With --adversary: the stress report's attack figures under churn (adversary-churn.ts). */
  adversary?: ChurnAdversaryFigures & Pick<AdversaryRun, 'nearTargets' | 'puzzle' | 'idCost'> & { minted: number };
}

export async function runChurn(o: ChurnOptions, onProgress?: (share: number) => void): Promise<ChurnResult> {
  const t0 = performance.now();
  const windowMs = minLatency(o.network);
  if (!(windowMs > 0)) throw new Error('virtual time needs a minimum latency above zero (e.g. --latency 20-200ms)');
  const placed = o.adversary ? placeAdversaries(o.nodes, o.seed, o.adversary, o.params.bootstraps, o.config, o.subnets ?? 1) : undefined;
  const plan = placed?.plan;
  const swarmOpts = {
    ...(placed ? placed.swarm : {}),
    nodes: o.nodes,
    workers: o.workers,
    seed: o.seed,
    config: o.config,
    network: o.network,
    clock: 'virtual' as const,
    ...(o.maxHeapMb ? { maxHeapMb: o.maxHeapMb } : {}),
    ...(o.checkInvariants ? { checkInvariants: true } : {}),
  };
  const coordinator = o.hosts ? await startCoordinator(o.hosts, swarmOpts) : null;
  coordinator?.phase('simulating');
  const swarm = Swarm.start(coordinator ? { ...swarmOpts, remote: coordinator } : swarmOpts);
  try {
    const run = async (): Promise<ChurnResult> => {
      const spawned = await swarm.spawn();
      const params: VirtualParams = { ...o.params, windowMs };
      const shards = await swarm.virtual(params, onProgress ? (m) => onProgress(m / 1e6) : undefined);
      const stats = await swarm.stats(true);
      const result = merge(o, swarm, shards, stats.reduce((a, s) => a + s.heapUsed + s.typedArrayBytes, 0) - spawned.reduce((a, s) => a + s.bytesAtAll, 0), spawned, t0);
      for (const st of stats) {
        st.sent.forEach((c, t) => {
          if (c === 0 && t >= MessageType.AddSource) return; // the sources kind's types appear only when used
          result.traffic[MESSAGE_TYPE_NAMES[t]!] = (result.traffic[MESSAGE_TYPE_NAMES[t]!] ?? 0) + c;
        });
      }
      const tables = (await swarm.health([])).reduce((a, h) => ({ nodes: a.nodes + h.nodes, contacts: a.contacts + h.contacts, buckets: a.buckets + h.buckets }), { nodes: 0, contacts: 0, buckets: 0 });
      const per = Math.max(1, tables.nodes);
      result.table = { nodes: tables.nodes, contactsPerNode: tables.contacts / per, bucketsPerNode: tables.buckets / per };
      if (plan) {
        result.adversaries = plan.list.length;
        const figures = mergeChurnAdversary(shards.map((s) => s.adversary));
        const puzzle = puzzleSummary(plan);
        if (figures)
          result.adversary = {
            ...figures,
            minted: plan.minted.length,
            nearTargets: nearTargets(swarm.ids, plan, o.config.k),
            ...(puzzle ? { puzzle } : {}),
            ...(swarm.idCost ? { idCost: swarm.idCost } : {}),
          };
      }
      return result;
    };
    return await Promise.race([run(), swarm.failed]);
  } finally {
    await swarm.stop();
  }
}

function merge(
  o: ChurnOptions,
  swarm: Swarm,
  shards: Awaited<ReturnType<Swarm['virtual']>>,
  grownBytes: number,
  spawned: Awaited<ReturnType<Swarm['spawn']>>,
  t0: number,
): ChurnResult {
  const p = o.params;
  const k = o.config.k;
  const buckets = Math.max(1, Math.ceil(p.durationMs / p.bucketMs));
  const depth = new Samples();
  const rpcs = new Samples();
  const timeouts = new Samples();
  const latency = new Samples();
  const perBucket = Array.from({ length: buckets }, () => ({ gets: 0, ok: 0 }));
  let ok = 0;
  let count = 0;
  let cutShort = 0;
  for (const s of shards) {
    for (let r = 0; r < s.gets.length; r += GET_COLS) {
      const t = s.gets[r]!;
      const good = s.gets[r + 1]!;
      if (good === GET_CUT_SHORT) {
        cutShort++;
        continue;
      }
      count++;
      ok += good;
      const b = Math.min(buckets - 1, Math.floor(t / p.bucketMs));
      perBucket[b]!.gets++;
      perBucket[b]!.ok += good;
      depth.add(s.gets[r + 2]!);
      rpcs.add(s.gets[r + 3]!);
      timeouts.add(s.gets[r + 4]!);
      latency.add(s.gets[r + 5]!);
    }
  }
  const fDepth = new Samples();
  const fRpcs = new Samples();
  const fTimeouts = new Samples();
  const fLatency = new Samples();
  for (const s of shards) {
    for (let r = 0; r < s.finds.length; r += FIND_COLS) {
      fDepth.add(s.finds[r + 2]!);
      fRpcs.add(s.finds[r + 3]!);
      fTimeouts.add(s.finds[r + 4]!);
      fLatency.add(s.finds[r + 5]!);
    }
  }
  // Check the sampled FIND_NODE results against the true k closest live nodes.
  let exact = 0;
  let checked = 0;
  const checks = Math.min(p.findCheck, p.finds);
  if (checks > 0) {
    const oracle = new IdOracle(swarm.ids, o.nodes);
    const joinEnd = measuredStartMs(p, o.nodes);
    const schedule = p.churn ? new ChurnSchedule(o.nodes, { ...p.churn, startMs: joinEnd, endMs: joinEnd + p.durationMs, bootstraps: p.bootstraps, seed: o.seed }) : null;
    const spacing = p.durationMs / p.finds;
    for (let j = 0; j < checks; j++) {
      const row = shards.map((s) => s.findClosest.subarray(j * (k + 1), (j + 1) * (k + 1))).find((r) => r[0]! >= 0);
      if (!row) continue;
      const t = joinEnd + j * spacing;
      const truth = trueClosestFor(oracle, o.seed, j, row[0]!, k, (h) => !schedule || schedule.isUp(h, t));
      checked++;
      if (truth.every((h, c) => row[1 + c] === h)) exact++;
    }
  }
  const bucketRows = perBucket.map((b, i) => {
    let up = 0;
    let contacts = 0;
    let stale = 0;
    let replicas = 0;
    let orphans = 0;
    for (let key = 0; key < p.keys; key++) {
      let r = 0;
      for (const s of shards) r += s.replicas[i * p.keys + key]!;
      replicas += r;
      if (r === 0) orphans++;
    }
    for (const s of shards) {
      up += s.samples[i * 3]!;
      contacts += s.samples[i * 3 + 1]!;
      stale += s.samples[i * 3 + 2]!;
    }
    return {
      startMs: i * p.bucketMs,
      gets: b.gets,
      success: b.gets ? b.ok / b.gets : NaN,
      upNodes: up,
      staleShare: contacts ? stale / contacts : 0,
      meanReplicas: p.keys ? replicas / p.keys : NaN,
      keysWithoutReplica: orphans,
    };
  });
  let sum = 0;
  let messages = 0;
  for (const s of shards) {
    sum = (sum + s.traceSum) >>> 0;
    messages += s.traceCount;
  }
  const files = p.files ? mergeChurnFiles(shards, o.seed, o.nodes, p.files, measuredStartMs(p, o.nodes), p.durationMs, p.bucketMs) : undefined;
  const spawnNodes = spawned.reduce((a, s) => a + s.nodes - s.firstNodes, 0);
  const slope = spawned.reduce((a, s) => a + s.bytesAtAll - s.bytesAtFirst, 0) / Math.max(1, spawnNodes);
  return {
    options: o,
    wallMs: performance.now() - t0,
    virtualMs: shards[0]!.endTime,
    windows: shards[0]!.windows,
    traceHash: `${sum.toString(16).padStart(8, '0')}:${messages}`,
    traceChain: combineChains(shards.map((s) => s.traceChain)),
    messages,
    joinsFailed: shards.reduce((a, s) => a + s.joinsFailed, 0),
    gets: { count, success: count ? ok / count : NaN, cutShort, depth: depth.summary(), rpcs: rpcs.summary(), timeouts: timeouts.summary(), latencyMs: latency.summary() },
    buckets: bucketRows,
    finds: { count: fDepth.count, depth: fDepth.summary(), rpcs: fRpcs.summary(), timeouts: fTimeouts.summary(), latencyMs: fLatency.summary(), depthCounts: fDepth.countsByValue(), exact, checked },
    bytesPerNode: slope + grownBytes / o.nodes,
    traffic: {},
    table: { nodes: 0, contactsPerNode: 0, bucketsPerNode: 0 },
    ...(files ? { files } : {}),
  };
}
