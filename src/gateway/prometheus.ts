/**
 * GET /metrics: the gateway's counters in the Prometheus text exposition
 * format (version 0.0.4): `# HELP` and `# TYPE` once per metric family, then
 * one `name{label="value"} number` line per series. Counters are cumulative
 * since the gateway started; shard counters are those of the last poll.
 */
import { MESSAGE_TYPE_NAMES } from '../core/messages.js';
import { LOOKUP_OPS, OUTCOMES, type GatewayMetrics, type ShardRates } from './metrics.js';

/** Upper bounds of the latency histogram, in seconds (each one a bucket edge of LogHistogram). */
const LATENCY_BOUNDS_MS = [0.1, 1, 10 ** 0.5, 10, 10 ** 1.5, 100, 10 ** 2.5, 1000, 10 ** 3.5, 10_000];
const DEPTH_BOUNDS = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15];
const RPC_BOUNDS = [0, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500];

export interface PromContext {
  metrics: GatewayMetrics;
  shards: ShardRates;
  nodes: number;
  nodesUp: number;
  workers: number;
  uptimeS: number;
  sseClients: number;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderPrometheus(c: PromContext): string {
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const line = (name: string, labels: Record<string, string | number>, value: number): void => {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`)
      .join(',');
    out.push(`${name}${l ? `{${l}}` : ''} ${formatValue(value)}`);
  };

  family('kadswarm_nodes', 'gauge', 'Nodes in the swarm.');
  line('kadswarm_nodes', {}, c.nodes);
  family('kadswarm_nodes_up', 'gauge', 'Nodes currently up.');
  line('kadswarm_nodes_up', {}, c.nodesUp);
  family('kadswarm_workers', 'gauge', 'Shards (worker threads).');
  line('kadswarm_workers', {}, c.workers);
  family('kadswarm_gateway_uptime_seconds', 'gauge', 'Seconds since the gateway started serving.');
  line('kadswarm_gateway_uptime_seconds', {}, c.uptimeS);
  family('kadswarm_gateway_sse_clients', 'gauge', 'Open /events streams.');
  line('kadswarm_gateway_sse_clients', {}, c.sseClients);

  family('kadswarm_http_responses_total', 'counter', 'HTTP responses by route and status code.');
  for (const [key, n] of [...c.metrics.http].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [route, code] = key.split(' ');
    line('kadswarm_http_responses_total', { route: route!, code: code! }, n);
  }

  family('kadswarm_lookups_total', 'counter', 'DHT lookups made for HTTP requests, by operation and outcome.');
  for (const op of LOOKUP_OPS) for (const o of OUTCOMES) line('kadswarm_lookups_total', { op, outcome: o }, c.metrics.ops[op].outcomes[o]);
  family('kadswarm_lookup_successes_total', 'counter', 'Successful lookups (put stored; present key found; absent key answered).');
  for (const op of LOOKUP_OPS) line('kadswarm_lookup_successes_total', { op }, c.metrics.ops[op].success);
  family('kadswarm_lookup_timeouts_total', 'counter', 'RPC timeouts during lookups.');
  for (const op of LOOKUP_OPS) line('kadswarm_lookup_timeouts_total', { op }, c.metrics.ops[op].timeouts);

  family('kadswarm_lookup_duration_seconds', 'histogram', 'Lookup duration inside the swarm.');
  for (const op of LOOKUP_OPS) {
    const h = c.metrics.ops[op].latency;
    h.cumulativeAt(LATENCY_BOUNDS_MS).forEach((n, i) => line('kadswarm_lookup_duration_seconds_bucket', { op, le: formatValue(LATENCY_BOUNDS_MS[i]! / 1000) }, n));
    line('kadswarm_lookup_duration_seconds_bucket', { op, le: '+Inf' }, h.count);
    line('kadswarm_lookup_duration_seconds_sum', { op }, h.sum / 1000);
    line('kadswarm_lookup_duration_seconds_count', { op }, h.count);
  }
  const intHistogram = (name: string, help: string, bounds: number[], get: (op: (typeof LOOKUP_OPS)[number]) => { counts: Float64Array; count: number; sum: number }): void => {
    family(name, 'histogram', help);
    for (const op of LOOKUP_OPS) {
      const h = get(op);
      let acc = 0;
      let v = 0;
      for (const b of bounds) {
        for (; v <= b && v < h.counts.length; v++) acc += h.counts[v]!;
        line(`${name}_bucket`, { op, le: b }, acc);
      }
      line(`${name}_bucket`, { op, le: '+Inf' }, h.count);
      line(`${name}_sum`, { op }, h.sum);
      line(`${name}_count`, { op }, h.count);
    }
  };
  intHistogram('kadswarm_lookup_depth', 'Learned-from depth (hops) of the node that answered.', DEPTH_BOUNDS, (op) => c.metrics.ops[op].depth);
  intHistogram('kadswarm_lookup_rpcs', 'Requests sent per lookup, timed-out ones included.', RPC_BOUNDS, (op) => c.metrics.ops[op].rpcs);

  family('kadswarm_churn_killed_total', 'counter', 'Nodes taken down through POST /churn.');
  line('kadswarm_churn_killed_total', {}, c.metrics.churnKilled);
  family('kadswarm_churn_revived_total', 'counter', 'Nodes brought back through POST /churn.');
  line('kadswarm_churn_revived_total', {}, c.metrics.churnRevived);

  const stats = c.shards.latest;
  family('kadswarm_shard_messages_sent_total', 'counter', 'Messages sent by the nodes of a shard, by type.');
  for (const s of stats) s.sent.forEach((n, i) => line('kadswarm_shard_messages_sent_total', { shard: s.shard, type: MESSAGE_TYPE_NAMES[i] ?? `type${i}` }, n));
  family('kadswarm_shard_messages_delivered_total', 'counter', 'Messages delivered to the nodes of a shard.');
  for (const s of stats) line('kadswarm_shard_messages_delivered_total', { shard: s.shard }, s.delivered);
  family('kadswarm_shard_messages_per_second', 'gauge', 'Messages sent per second by a shard over the last poll interval.');
  for (const r of c.shards.rates) line('kadswarm_shard_messages_per_second', { shard: r.shard }, r.messagesPerSec);
  family('kadswarm_shard_drops_total', 'counter', 'Messages dropped by a shard, by reason.');
  for (const s of stats) for (const [reason, n] of Object.entries(s.drops)) line('kadswarm_shard_drops_total', { shard: s.shard, reason }, n);
  family('kadswarm_shard_handler_errors_total', 'counter', 'Errors thrown while a shard handled a message (counted, never fatal).');
  for (const s of stats) line('kadswarm_shard_handler_errors_total', { shard: s.shard }, s.handlerErrors);
  family('kadswarm_shard_heap_bytes', 'gauge', 'JS heap in use by a shard.');
  for (const s of stats) line('kadswarm_shard_heap_bytes', { shard: s.shard }, s.heapUsed);
  family('kadswarm_shard_stats_polls_total', 'counter', 'Successful polls of the shard counters.');
  line('kadswarm_shard_stats_polls_total', {}, c.shards.polls);
  return out.join('\n') + '\n';
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}
