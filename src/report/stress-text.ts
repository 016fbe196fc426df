/**
 * The stress report as terminal text: one page made from the StressReport object
 * (stress-report-types.ts), the same page the HTML report shows under "Summary".
 */
import { formatAdversaryReport } from './adversary-report.js';
import { COPY_METADATA_BYTES } from '../core/records.js';
import { fmt, formatBytes, formatTable } from './table.js';
import { formatReplicaLine } from './replicas.js';
import { formatFilesReport } from './files-report.js';
import type { LookupPhase, StressReport } from './stress-report-types.js';

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
  out.push(formatTable(['phase', 'ops', virtual ? 'virtual s' : 'wall s', virtual ? 'ops per virtual s' : 'ops/s'], rep.phases.map((p) => [p.name, p.count, fmt(p.wallMs / 1000, 2), fmt(p.opsPerSec, 0)])));
  // In virtual time a phase lasts as long as its operations' simulated latencies at the set
  // concurrency: its rate says nothing about this machine, and reads like a throughput if unmarked.
  if (virtual) out.push('(in virtual time these rates follow --concurrency and the simulated latency, not this machine; its speed is in the progress lines and the total above)');
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
      `${fmt(h.contacts / Math.max(1, h.nodes), 1)} contacts and ${fmt(h.buckets / Math.max(1, h.nodes), 1)} buckets per node; ${fmt(h.emptyBuckets, 0)} empty, ${fmt(h.fullBuckets, 0)} full buckets`,
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
  // n/a has two causes: no message was delivered (a one-node swarm), or no per-thread CPU clock.
  const cpuNa = t.messages === 0 ? 'n/a (no messages were delivered)' : 'n/a (no per-thread CPU time on this platform)';
  out.push(`CPU per message: ${cpm === null || cpm === undefined ? cpuNa : `${fmt(cpm, 2)} µs`} (shard threads' CPU time ÷ messages delivered)`);
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
      `Records: ${fmt(rc.copies, 0)} copies (${fmt(rc.copiesPerNode, 1)} per node) of ${fmt(rc.distinctValues, 0)} value blobs summed over the shards (a shard holds a value's bytes once, however many of its nodes store a copy); logical bytes per record copy ${fmt(rc.logicalBytesPerCopy, 0)} B ` +
        `(key + value + ${COPY_METADATA_BYTES} B metadata), stored ${fmt(rc.storedBytesPerCopy, 0)} B per copy (a shard holds a value's bytes once)`,
    );
  }
  return out.join('\n');
}
