/**
 * The stress run's report: raw per-operation rows in, a plain JSON-able
 * object out (buildStressReport; its shape is in stress-report-types.ts).
 * stress-text.ts prints that object for the terminal and stress-plots.ts draws
 * the SVG plots and the HTML page from it, so what is printed, kept and
 * plotted is the same data.
 */
import { buildAdversaryReport } from './adversary-report.js';
import { resolveConfig } from '../core/config.js';
import { COPY_METADATA_BYTES } from '../core/records.js';
import { MESSAGE_TYPE_NAMES, MessageType } from '../core/messages.js';
import type { StressResult } from '../swarm/stress-run.js';
import type { MessageAccounts } from '../swarm/control.js';
import { formatLatency } from '../sim/network-model.js';
import { Samples } from '../sim/samples.js';
import { LOG_HISTOGRAM_ERROR, LogHistogram } from '../sim/histograms.js';
import { replicaFigures } from './replicas.js';
import { filesFigures } from './files-report.js';
import type { Distributions, LookupPhase, RunEnvironment, StressReport } from './stress-report-types.js';

export type { Distributions, LookupPhase, RunEnvironment, StressReport } from './stress-report-types.js';
export { formatStressReport } from './stress-text.js';

function latencyBuckets(xs: ArrayLike<number>): Distributions['latencyMs'] {
  const h = new LogHistogram();
  for (let i = 0; i < xs.length; i++) h.add(xs[i]!);
  return { relativeWidth: Number(LOG_HISTOGRAM_ERROR.toPrecision(4)), buckets: h.buckets().map((b) => [b.lo, b.hi, b.count]) };
}

/** Reference lookup cost for ideal tables, k = 20, α = 3 (DESIGN-NOTES), interpolated on log10 n. */
const REFERENCE = [
  { log: 4, depth: 2.3, rpcs: 23 },
  { log: 5, depth: 2.8, rpcs: 24 },
  { log: 6, depth: 3.4, rpcs: 26 },
];

export function referenceFor(nodes: number): { depth: number; rpcs: number } {
  const x = Math.log10(Math.max(nodes, 2));
  const [a, b] = x <= 5 ? [REFERENCE[0]!, REFERENCE[1]!] : [REFERENCE[1]!, REFERENCE[2]!];
  const t = (x - a.log) / (b.log - a.log);
  return { depth: a.depth + t * (b.depth - a.depth), rpcs: a.rpcs + t * (b.rpcs - a.rpcs) };
}

export function buildStressReport(r: StressResult, env: RunEnvironment): StressReport {
  const o = r.options;
  const phase = (name: string) => r.phases.find((p) => p.name === name)!;
  const lookup = (name: 'store' | 'get' | 'get-absent' | 'find-node'): LookupPhase => {
    const p = phase(name);
    const rows = p.rows!;
    const depth = Samples.fromArray(rows.depth);
    const rpcs = Samples.fromArray(rows.rpcs);
    let ok = 0;
    let wait = 0;
    for (let i = 0; i < p.count; i++) {
      ok += rows.ok[i]!;
      wait += rows.timeoutWait[i]!;
    }
    return {
      name,
      count: p.count,
      wallMs: p.wallMs,
      opsPerSec: p.count / (p.wallMs / 1000),
      successRatio: p.count ? ok / p.count : NaN,
      depth: depth.summary(),
      rpcs: rpcs.summary(),
      timeouts: Samples.fromArray(rows.timeouts).summary(),
      latencyMs: Samples.fromArray(rows.duration).summary(),
      timeoutWaitMs: wait,
      depthCounts: depth.countsByValue(),
      histograms: { latencyMs: latencyBuckets(rows.duration), depth: depth.countsByValue(), rpcs: rpcs.countsByValue() },
    };
  };
  const join = phase('join');
  const lookups = { store: lookup('store'), get: lookup('get'), 'get-absent': lookup('get-absent'), 'find-node': lookup('find-node') };
  const byType: Record<string, number> = {};
  const drops: Record<string, number> = {};
  const accounts: MessageAccounts = { received: 0, handled: 0, refused: {}, queued: 0 };
  let messages = 0;
  let cacheHits = 0;
  let handOvers = 0;
  let heap = 0;
  let typed = 0;
  const rec = { copies: 0, copyBytes: 0, spaceBytes: 0, blobs: 0 };
  for (const s of r.stats) {
    s.sent.forEach((c, t) => {
      if (c === 0 && t >= MessageType.AddSource) return; // the sources kind's types appear only when a workload used them
      const name = MESSAGE_TYPE_NAMES[t]!;
      byType[name] = (byType[name] ?? 0) + c;
      messages += c;
    });
    for (const [reason, c] of Object.entries(s.drops)) drops[reason] = (drops[reason] ?? 0) + c;
    if (s.accounts) {
      accounts.received += s.accounts.received;
      accounts.handled += s.accounts.handled;
      accounts.queued += s.accounts.queued;
      for (const [reason, c] of Object.entries(s.accounts.refused)) accounts.refused[reason] = (accounts.refused[reason] ?? 0) + c;
    }
    cacheHits += s.cacheHits;
    handOvers += s.handOvers ?? 0;
    heap += s.heapUsed;
    typed += s.typedArrayBytes;
    if (s.records) {
      rec.copies += s.records.copies;
      rec.copyBytes += s.records.copyBytes;
      rec.spaceBytes += s.records.spaceBytes;
      rec.blobs += s.records.blobs;
    }
  }
  const runMs = r.phases.filter((p) => p.kind !== 'spawn').reduce((a, p) => a + p.wallMs, 0);
  let spawnBytes = 0;
  let spawnNodes = 0;
  for (const s of r.spawn) {
    spawnBytes += s.bytesAtAll - s.bytesAtFirst;
    spawnNodes += s.nodes - s.firstNodes;
  }
  // Per node after the join / the run: the spawn slope plus what joining (and then the workload) added per node.
  const shardBytes = (list: StressResult['stats']): number => list.reduce((a, s) => a + s.heapUsed + s.typedArrayBytes, 0);
  const atSpawn = r.spawn.reduce((a, s) => a + s.bytesAtAll, 0);
  const slope = spawnNodes ? spawnBytes / spawnNodes : NaN;
  const findRows = phase('find-node').rows!;
  let replicas = 0;
  const storeRows = phase('store').rows!;
  for (let i = 0; i < storeRows.stored.length; i++) replicas += storeRows.stored[i]!;
  const ideal = o.config.k === 20 && o.config.alpha === 3 && (o.config.bitsPerStep ?? 1) === 1;
  const resolved = resolveConfig(o.config);
  return {
    meta: {
      tool: 'kadswarm stress',
      version: env.version,
      commit: env.commit,
      date: new Date().toISOString(),
      clock: o.clock ?? 'real',
      ...(r.traceHash ? { traceHash: r.traceHash, traceChain: r.traceChain } : {}),
      seed: o.seed,
      flags: {
        nodes: o.nodes,
        workers: r.workers,
        keys: o.keys,
        k: o.config.k,
        alpha: o.config.alpha,
        bits: resolveConfig(o.config).bitsPerStep,
        concurrency: o.concurrency,
        joinConcurrency: o.joinConcurrency,
        latency: formatLatency(o.network.latency),
        loss: o.network.loss,
        zipf: o.zipf,
        ...(o.files ? { workload: 'files', files: o.files.files, sources: o.files.sources } : {}),
      },
      // Every protocol setting the run used, defaults filled in the same way the swarm fills them.
      config: resolved,
      node: env.node,
      cores: env.cores,
      memoryBytes: env.memoryBytes,
    },
    phases: r.phases.map((p) => ({ name: p.name, wallMs: p.wallMs, count: p.count, opsPerSec: p.count / (p.wallMs / 1000) })),
    join: {
      mode: resolved.joinMode,
      failed: join.joinFailed ?? 0,
      wallMs: join.wallMs,
      joinsPerSec: join.count / (join.wallMs / 1000),
      rpcs: Samples.fromArray(join.joinRpcs!).summary(),
      latencyMs: Samples.fromArray(join.joinDurations!).summary(),
      histograms: { latencyMs: latencyBuckets(join.joinDurations!), rpcs: Samples.fromArray(join.joinRpcs!).countsByValue() },
    },
    lookups,
    findNode: {
      meanDepth: Samples.fromArray(findRows.depth).mean,
      meanRpcs: Samples.fromArray(findRows.rpcs).mean,
      reference: ideal ? { ...referenceFor(o.nodes), note: 'ideal full tables, k = 20, α = 3, static network (round-by-round model)' } : null,
      exact: r.exactClosest,
      checked: r.checked,
      exactRatio: r.checked ? r.exactClosest / r.checked : NaN,
    },
    store: { meanReplicas: storeRows.stored.length ? replicas / storeRows.stored.length : NaN, replicas: replicaFigures(storeRows.acked, storeRows.stored, resolved.replicas, resolved.k) },
    health: {
      ...r.health,
      knowsNearestRatio: ratio(r.health.knowsNearest, r.health.sampled),
      afterJoin: ratio(r.healthAfterJoin.knowsNearest, r.healthAfterJoin.sampled),
      afterRun: ratio(r.health.knowsNearest, r.health.sampled),
      afterJoinKnowsNearest: r.healthAfterJoin.knowsNearest,
    },
    traffic: {
      messages,
      byType,
      perShard: r.stats.map((s) => {
        const m = s.sent.reduce((a, b) => a + b, 0);
        return {
          shard: s.shard,
          messages: m,
          messagesPerSec: m / (runMs / 1000),
          framesOut: s.framesOut,
          framesIn: s.framesIn,
          local: s.localMessages,
          backpressure: s.backpressure,
          busyRatio: s.busyMs / r.totalWallMs,
          cpuMs: s.cpuMs !== undefined && s.cpuMs >= 0 ? s.cpuMs : null,
        };
      }),
      cpuPerMessageUs: cpuPerMessageUs(r.stats),
      drops,
      accounts,
      cacheHits,
      handOvers,
      timeoutWaitMs: Object.values(lookups).reduce((a, l) => a + l.timeoutWaitMs, 0),
    },
    memory: {
      bytesPerNodeAtSpawn: slope,
      bytesPerNodeAfterJoin: slope + (shardBytes(r.afterJoin) - atSpawn) / o.nodes,
      bytesPerNodeAfterRun: slope + (shardBytes(r.stats) - atSpawn) / o.nodes,
      heapBytes: heap,
      typedArrayBytes: typed,
      rssBytes: r.rssBytes,
      records: {
        copies: rec.copies,
        copiesPerNode: rec.copies / o.nodes,
        logicalBytesPerCopy: rec.copies ? (rec.copyBytes + rec.copies * COPY_METADATA_BYTES) / rec.copies : NaN,
        storedBytesPerCopy: rec.copies ? rec.spaceBytes / rec.copies : NaN,
        distinctValues: rec.blobs,
      },
    },
    ...(o.files ? { files: filesFigures(o.seed, o.nodes, o.files, r.phases, r.stats) } : {}),
    ...(r.adversary ? { adversary: buildAdversaryReport(r)! } : {}),
    totalWallMs: r.totalWallMs,
  };
}

/** Σ shard CPU µs ÷ Σ messages delivered; null when some shard could not read its thread's CPU time. */
export function cpuPerMessageUs(stats: ReadonlyArray<{ cpuMs?: number; delivered: number }>): number | null {
  let cpu = 0;
  let delivered = 0;
  for (const s of stats) {
    if (s.cpuMs === undefined || s.cpuMs < 0) return null;
    cpu += s.cpuMs;
    delivered += s.delivered;
  }
  return delivered > 0 ? (cpu * 1000) / delivered : null;
}
const ratio = (part: number, whole: number): number => (whole ? part / whole : NaN);
