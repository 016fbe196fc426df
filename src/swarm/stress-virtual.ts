/**
 * The stress phases on the virtual clock (stress-run.ts runs the real-time ones): the join and
 * then the whole workload as two virtual-time experiments in every shard, rows gathered back
 * into command order, and the trace hashes that prove a run repeats.
 */
import { emptyOpsResult, copyOpsRow, type HealthResult, type ShardStats, type VirtualParams, type VirtualPhase } from './control.js';
import { minLatency, type NetworkModel } from '../sim/network-model.js';
import { combineChains } from '../sim/trace-hash.js';
import { shardOf } from '../sim/placement.js';
import type { VirtualShardResult } from './virtual-result.js';
import type { PhaseObserver } from './observer.js';
import type { Swarm } from './supervisor.js';
import type { PhaseResult, PlannedPhase, StressOptions } from './stress-types.js';

/**
 * The stress phases on the virtual clock. Joins and operations start at a
 * steady rate chosen so that about --join-concurrency joins and --concurrency
 * lookups are in flight (a lookup takes ~4 round trips); each phase gets 30 s
 * of virtual time after its last start to finish. A phase's "wall" time in
 * the report is its span of virtual time.
 */
export async function virtualPhases(
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

function meanLatency(m: NetworkModel): number {
  const l = m.latency;
  if (l.kind === 'constant') return l.ms;
  if (l.kind === 'uniform') return (l.minMs + l.maxMs) / 2;
  return Math.min(l.maxMs, (l.minMs * l.shape) / Math.max(1.01, l.shape - 1));
}
