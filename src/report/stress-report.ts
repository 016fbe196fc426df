/**
 * The stress run's report: raw per-operation rows in, a plain JSON-able
 * object out (buildStressReport), then the terminal text made from that object
 * (formatStressReport); stress-plots.ts draws the SVG plots and the HTML page
 * from the same object, so what is printed, kept and plotted is the same data.
 */
import { buildAdversaryReport, formatAdversaryReport, type AdversaryReport } from './adversary-report.js';
import { resolveConfig } from '../core/config.js';
import { COPY_METADATA_BYTES } from '../core/records.js';
import { MESSAGE_TYPE_NAMES, MessageType } from '../core/messages.js';
import type { StressResult } from '../swarm/stress-run.js';
import type { MessageAccounts } from '../swarm/control.js';
import { formatLatency } from '../sim/network-model.js';
import { Samples, type Summary } from '../sim/samples.js';
import { LOG_HISTOGRAM_ERROR, LogHistogram } from '../sim/histograms.js';
import { fmt, formatBytes, formatTable } from './table.js';
import { formatReplicaLine, replicaFigures, type ReplicaFigures } from './replicas.js';
import { filesFigures, formatFilesReport, type FilesFigures } from './files-report.js';

export interface LookupPhase {
  name: string;
  count: number;
  wallMs: number;
  opsPerSec: number;
  successRatio: number;
  depth: Summary;
  rpcs: Summary;
  timeouts: Summary;
  latencyMs: Summary;
  timeoutWaitMs: number;
  /** Depth value → lookups. */
  depthCounts: Array<[number, number]>;
  /** The whole distributions, so a user can draw a CDF; each adds up to `count`. */
  histograms: Distributions;
}

/**
 * Latency in log buckets [lo, hi) ms, each at most `relativeWidth` wider than
 * its lower edge (< 1 %), only the non-empty ones; depth and RPCs exactly, as
 * [value, lookups] pairs.
 */
export interface Distributions {
  latencyMs: { relativeWidth: number; buckets: Array<[number, number, number]> };
  depth: Array<[number, number]>;
  rpcs: Array<[number, number]>;
}

function latencyBuckets(xs: ArrayLike<number>): Distributions['latencyMs'] {
  const h = new LogHistogram();
  for (let i = 0; i < xs.length; i++) h.add(xs[i]!);
  return { relativeWidth: Number(LOG_HISTOGRAM_ERROR.toPrecision(4)), buckets: h.buckets().map((b) => [b.lo, b.hi, b.count]) };
}

export interface StressReport {
  /** With --adversary: the attack's figures (adversary-report.ts). */
  adversary?: AdversaryReport;
  meta: Record<string, unknown>;
  phases: Array<{ name: string; wallMs: number; count: number; opsPerSec: number }>;
  join: { mode: string; failed: number; wallMs: number; joinsPerSec: number; rpcs: Summary; latencyMs: Summary; histograms: Omit<Distributions, 'depth'> };
  lookups: { store: LookupPhase; get: LookupPhase; 'get-absent': LookupPhase; 'find-node': LookupPhase };
  findNode: { meanDepth: number; meanRpcs: number; reference: { depth: number; rpcs: number; note: string } | null; exact: number; checked: number; exactRatio: number };
  /**
   * meanReplicas: nodes holding each value, the putter's own copy included; replicas: the
   * distribution of acknowledgements from other nodes (a put succeeds with ≥ 1 of them).
   */
  store: { meanReplicas: number; replicas: ReplicaFigures };
  /**
   * Routing tables of the sampled nodes against the true k nearest (brute force over every ID):
   * afterJoin right after the join phase, before the workload; afterRun (= knowsNearestRatio,
   * the counts beside it) at the end.
   */
  health: StressResult['health'] & { knowsNearestRatio: number; afterJoin: number; afterRun: number; afterJoinKnowsNearest: number };
  traffic: {
    messages: number;
    byType: Record<string, number>;
    perShard: Array<{ shard: number; messages: number; messagesPerSec: number; framesOut: number; framesIn: number; local: number; backpressure: number; busyRatio: number; cpuMs: number | null }>;
    /**
     * Shard threads' CPU microseconds (forced report GCs left out) ÷ messages delivered, over the
     * whole run from spawn to the last phase; null where the platform gives no per-thread CPU.
     */
    cpuPerMessageUs: number | null;
    drops: Record<string, number>;
    /**
     * Every message that reached a node, summed over shards: received === handled + Σ refused +
     * queued (each message has one outcome; `drops` also counts refusals inside handled ones).
     */
    accounts: MessageAccounts;
    cacheHits: number;
    /** STOREs sent to newcomers by hand-over (included in byType.STORE). */
    handOvers: number;
    timeoutWaitMs: number;
  };
  memory: {
    bytesPerNodeAtSpawn: number;
    bytesPerNodeAfterJoin: number;
    bytesPerNodeAfterRun: number;
    heapBytes: number;
    typedArrayBytes: number;
    rssBytes: number;
    /**
     * Record copies after the run, per node; the logical bytes of one copy as stored (key + value
     * + COPY_METADATA_BYTES of metadata row and index); and what the shards' record spaces take in
     * all per copy (the bytes of a value once per shard, however many replicas; slack included).
     */
    records: { copies: number; copiesPerNode: number; logicalBytesPerCopy: number; storedBytesPerCopy: number; distinctValues: number };
  };
  /** `--workload files` only. */
  files?: FilesFigures;
  totalWallMs: number;
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

/** Where a run ran; the CLI reads it (src/cli/environment.ts) so this module reads nothing itself. */
export interface RunEnvironment {
  version: string;
  commit: string;
  node: string;
  cores: number;
  memoryBytes: number;
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

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');

export function formatStressReport(rep: StressReport): string {
  const f = rep.meta.flags as Record<string, unknown>;
  const out: string[] = [];
  out.push('');
  out.push(`kadswarm stress — ${fmt(f.nodes as number, 0)} nodes on ${f.workers} workers, k = ${f.k}, α = ${f.alpha}, B = ${f.bits ?? 1}, latency ${f.latency}, loss ${f.loss}, seed ${rep.meta.seed}`);
  out.push(`${rep.meta.node}, ${rep.meta.cores} cores, ${formatBytes(rep.meta.memoryBytes as number)}; commit ${rep.meta.commit}; total ${(rep.totalWallMs / 1000).toFixed(1)} s`);
  out.push('');
  const virtual = rep.meta.clock === 'virtual';
  if (virtual) out.push(`Virtual clock: times are virtual; trace hash ${String(rep.meta.traceHash)}, order-sensitive ${String(rep.meta.traceChain)} (the same seed gives the same hash for any worker count)`);
  out.push(formatTable(['phase', 'ops', virtual ? 'virtual s' : 'wall s', 'ops/s'], rep.phases.map((p) => [p.name, p.count, fmt(p.wallMs / 1000, 2), fmt(p.opsPerSec, 0)])));
  out.push('');
  out.push(`Join (${rep.join.mode}): ${rep.join.failed} failed; RPCs per join mean ${fmt(rep.join.rpcs.mean, 1)} (p95 ${fmt(rep.join.rpcs.p95, 0)}); join latency p50 ${fmt(rep.join.latencyMs.p50, 1)} ms`);
  out.push('');
  const cols = ['store', 'get', 'get-absent', 'find-node'] as const;
  const L = rep.lookups;
  const row = (label: string, get: (l: LookupPhase) => string): string[] => [label, ...cols.map((c) => get(L[c]))];
  out.push('Per lookup (present = get, absent = get-absent):');
  out.push(
    formatTable(
      ['', 'store', 'get (present)', 'get (absent)', 'find-node'],
      [
        row('success', (l) => pct(l.successRatio)),
        row('depth mean', (l) => fmt(l.depth.mean, 2)),
        row('depth p50/p95/max', (l) => `${l.depth.p50}/${l.depth.p95}/${l.depth.max}`),
        row('RPCs mean', (l) => fmt(l.rpcs.mean, 1)),
        row('RPCs p50/p95/p99', (l) => `${l.rpcs.p50}/${l.rpcs.p95}/${l.rpcs.p99}`),
        row('timeouts mean', (l) => fmt(l.timeouts.mean, 3)),
        row('latency mean ms', (l) => fmt(l.latencyMs.mean, 1)),
        row('latency p50 ms', (l) => fmt(l.latencyMs.p50, 1)),
        row('latency p95 ms', (l) => fmt(l.latencyMs.p95, 1)),
        row('latency p99 ms', (l) => fmt(l.latencyMs.p99, 1)),
        row('latency max ms', (l) => fmt(l.latencyMs.max, 1)),
      ],
    ),
  );
  out.push('');
  if (rep.files) out.push(formatFilesReport(rep.files), '');
  if (rep.adversary) out.push(formatAdversaryReport(rep.adversary), '');
  const fn = rep.findNode;
  const ref = fn.reference ? ` (reference for ideal tables: ${fmt(fn.reference.depth, 2)} and ${fmt(fn.reference.rpcs, 0)})` : ' (no reference figures for these k and α)';
  const bucketsPerNode = rep.health.buckets / Math.max(1, rep.health.nodes);
  out.push(`FIND_NODE: closest node found at mean depth ${fmt(fn.meanDepth, 2)}, ${fmt(fn.meanRpcs, 1)} RPCs per lookup, ${fmt(bucketsPerNode, 1)} buckets per node (B = ${f.bits ?? 1})${ref}`);
  out.push(`FIND_NODE correctness: ${fn.exact}/${fn.checked} results equal the true k closest nodes (${pct(fn.exactRatio)})`);
  out.push(formatReplicaLine(rep.store.replicas, rep.lookups.store.successRatio));
  const h = rep.health;
  out.push(
    `Routing tables: ${h.afterJoinKnowsNearest}/${h.sampled} sampled nodes know all their true k nearest right after the join (${pct(h.afterJoin)}), ` +
      `${h.knowsNearest}/${h.sampled} after the run (${pct(h.knowsNearestRatio)}); ` +
      `${fmt(h.contacts / Math.max(1, h.nodes), 1)} contacts and ${fmt(h.buckets / Math.max(1, h.nodes), 1)} buckets per node; ${h.emptyBuckets} empty, ${h.fullBuckets} full buckets`,
  );
  out.push('');
  const t = rep.traffic;
  out.push(`Traffic: ${fmt(t.messages, 0)} messages — ${Object.entries(t.byType).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')}; hand-over STOREs to newcomers ${fmt(t.handOvers ?? 0, 0)}`);
  out.push(
    formatTable(
      ['shard', 'messages', 'msg/s', 'frames out', 'frames in', 'local', 'ring full', 'busy', 'CPU s'],
      t.perShard.map((s) => [s.shard, s.messages, fmt(s.messagesPerSec, 0), s.framesOut, s.framesIn, s.local, s.backpressure, pct(s.busyRatio), s.cpuMs === null || s.cpuMs === undefined ? 'n/a' : fmt(s.cpuMs / 1000, 1)]),
    ),
  );
  const cpm = t.cpuPerMessageUs;
  out.push(`CPU per message: ${cpm === null || cpm === undefined ? 'n/a (no per-thread CPU time on this platform)' : `${fmt(cpm, 2)} µs`} (shard threads' CPU time ÷ messages delivered)`);
  out.push(`Cache hits ${fmt(t.cacheHits, 0)}; time lookups waited on timeouts ${fmt(t.timeoutWaitMs / 1000, 1)} s; dropped: ${Object.keys(t.drops).length ? Object.entries(t.drops).map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
  const a = t.accounts;
  const refused = Object.entries(a.refused);
  const refusedSum = refused.reduce((n, [, c]) => n + c, 0);
  out.push(
    `Messages received ${fmt(a.received, 0)} = handled ${fmt(a.handled, 0)} + refused ${fmt(refusedSum, 0)}${refused.length ? ` (${refused.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''} + still queued ${fmt(a.queued, 0)}`,
  );
  out.push('');
  const m = rep.memory;
  out.push(
    `Memory per node (JS heap + typed arrays): ${fmt(m.bytesPerNodeAtSpawn, 0)} B at spawn (slope), ${fmt(m.bytesPerNodeAfterJoin, 0)} B after the join, ` +
      `${fmt(m.bytesPerNodeAfterRun, 0)} B after the run (records included); process RSS ${formatBytes(m.rssBytes)}`,
  );
  const rc = m.records;
  if (rc && rc.copies > 0) {
    out.push(
      `Records: ${fmt(rc.copies, 0)} copies (${fmt(rc.copiesPerNode, 1)} per node) of ${fmt(rc.distinctValues, 0)} distinct key-value blobs; logical bytes per record copy ${fmt(rc.logicalBytesPerCopy, 0)} B ` +
        `(key + value + ${COPY_METADATA_BYTES} B metadata), stored ${fmt(rc.storedBytesPerCopy, 0)} B per copy (a shard holds a value's bytes once)`,
    );
  }
  return out.join('\n');
}
