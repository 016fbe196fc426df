/**
 * Reports of virtual-time experiments: one churn run (text, JSON, plots) and
 * the sweep (CSV, JSON, an SVG of success ratio vs mean uptime with one line
 * per configuration, and one self-contained HTML page).
 */
import { resolveConfig } from '../core/config.js';
import type { RunEnvironment } from './stress-report.js';
import type { ChurnResult } from '../swarm/churn-run.js';
import { formatLatency } from '../sim/network-model.js';
import { htmlReport } from './html.js';
import { linePlot, svgSections } from './vega.js';
import { fmt, formatTable } from './table.js';
import { formatChurnAdversary } from './adversary-report.js';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');
const minutes = (ms: number): string => `${fmt(ms / 60_000, ms % 60_000 === 0 ? 0 : 1)} min`;

export function describeRun(r: ChurnResult): Record<string, unknown> {
  const o = r.options;
  const p = o.params;
  return {
    nodes: o.nodes,
    workers: o.workers,
    seed: o.seed,
    k: o.config.k,
    alpha: o.config.alpha,
    replicas: o.config.replicas ?? o.config.k,
    replicate: o.config.replicate !== false,
    latency: formatLatency(o.network.latency),
    loss: o.network.loss,
    join: p.join,
    uptime: p.churn ? minutes(p.churn.uptimeMs) : 'no churn',
    downtime: p.churn ? minutes(p.churn.downtimeMs) : 'no churn',
    restart: p.churn?.restart ?? 'n/a',
    duration: minutes(p.durationMs),
    keys: p.keys,
    getRate: p.getRate,
    putRate: p.putRate ?? 0,
  };
}

export function churnJson(r: ChurnResult, env: RunEnvironment, date: Date): object {
  // meta.config: every protocol setting the run used, defaults filled in the same way the swarm fills them.
  return { meta: { tool: 'kadswarm churn', clock: 'virtual', ...env, date: date.toISOString(), config: resolveConfig(r.options.config) }, params: describeRun(r), ...r, options: undefined };
}

export function formatChurnRun(r: ChurnResult): string {
  const d = describeRun(r);
  const out: string[] = [];
  out.push('');
  out.push(
    `kadswarm churn — ${d.nodes} nodes, k = ${d.k}, α = ${d.alpha}, replicas ${d.replicas}${d.replicate ? '' : ' (no replication)'}, ` +
      `uptime ${d.uptime} / downtime ${d.downtime}, restart ${d.restart}, latency ${d.latency}, seed ${d.seed}`,
  );
  out.push(
    `${minutes(r.virtualMs)} of virtual time in ${fmt(r.wallMs / 1000, 1)} s of wall time on ${d.workers} worker(s), ${fmt(r.windows, 0)} windows, ` +
      `${fmt(r.messages, 0)} messages; trace hash ${r.traceHash}, order-sensitive ${r.traceChain}`,
  );
  if (r.joinsFailed) out.push(`Joins that failed: ${r.joinsFailed}`);
  const adv = r.options.adversary;
  if (adv) out.push(`Adversaries: ${r.adversaries ?? 0} nodes (${(adv.fraction * 100).toFixed(1)} %) running ${adv.attack}, placement ${adv.placement}; gets and finds start only at honest nodes`);
  if (adv && r.adversary) out.push(...formatChurnAdversary(r.adversary, adv.targets, r.options.config.k));
  out.push('');
  const g = r.gets;
  if (g.count > 0) {
    out.push(`Gets: ${fmt(g.count, 0)}, success ratio ${pct(g.success)} (a get succeeds when it returns exactly the stored value)`);
    if (g.cutShort > 0) out.push(`Not counted: ${fmt(g.cutShort, 0)} gets cut short because the asking node left before they ended`);
    out.push(
      formatTable(
        ['per get', 'mean', 'p50', 'p95', 'p99', 'max'],
        [
          ['depth', fmt(g.depth.mean, 2), g.depth.p50, g.depth.p95, g.depth.p99, g.depth.max],
          ['RPCs', fmt(g.rpcs.mean, 1), g.rpcs.p50, g.rpcs.p95, g.rpcs.p99, g.rpcs.max],
          ['timeouts', fmt(g.timeouts.mean, 2), g.timeouts.p50, g.timeouts.p95, g.timeouts.p99, g.timeouts.max],
          ['latency ms', fmt(g.latencyMs.mean, 0), fmt(g.latencyMs.p50, 0), fmt(g.latencyMs.p95, 0), fmt(g.latencyMs.p99, 0), fmt(g.latencyMs.max, 0)],
        ],
      ),
    );
    out.push('');
    out.push(
      formatTable(
        ['from', 'gets', 'success', 'nodes up', 'stale contacts', 'replicas/key', 'keys lost'],
        r.buckets.map((b) => [minutes(b.startMs), b.gets, pct(b.success), fmt(b.upNodes, 0), pct(b.staleShare), fmt(b.meanReplicas, 2), b.keysWithoutReplica]),
      ),
    );
  }
  const f = r.finds;
  if (f.count > 0) {
    out.push(`FIND_NODE: ${fmt(f.count, 0)} lookups; closest node found at mean depth ${fmt(f.depth.mean, 2)}, ${fmt(f.rpcs.mean, 1)} RPCs per lookup (p95 ${f.rpcs.p95})`);
    out.push(`Depth distribution: ${f.depthCounts.map(([v, c]) => `${v}: ${pct(c / f.count)}`).join(', ')}`);
    if (f.checked) out.push(`Correctness: ${f.exact}/${f.checked} results equal the true k closest live nodes (${pct(f.exact / f.checked)})`);
    if (r.options.params.join === 'oracle') out.push('Routing tables were filled from the sorted list of all IDs (--join oracle): joins were not simulated.');
  }
  if (r.files) out.push(...formatChurnFiles(r.files), '');
  out.push(`Traffic: ${Object.entries(r.traffic).map(([t, c]) => `${t} ${fmt(c, 0)}`).join(', ')}`);
  out.push(`Memory: ${fmt(r.bytesPerNode, 0)} bytes per node (JS heap + typed arrays)`);
  if (r.table && r.table.nodes > 0) out.push(`Routing tables (${fmt(r.table.nodes, 0)} up nodes): ${fmt(r.table.contactsPerNode, 1)} contacts and ${fmt(r.table.bucketsPerNode, 1)} buckets per node (mean)`);
  return out.join('\n');
}

/**
 * One quantity per chart, each axis fitted to its data: success in percent
 * (a 0–1 axis flattened 98–100 % into a line at the top), live replicas, and
 * stale contacts, which used to share a "value" axis as "share × 10".
 * Each `<name>.svg` comes with its Vega-Lite spec `<name>.vl.json`.
 */
export function churnPlots(r: ChurnResult): Record<string, string> {
  // A time bucket without gets has no success ratio: it is left out, not drawn as 0 %.
  const pts = (f: (b: ChurnResult['buckets'][number]) => number): Array<[number, number]> => r.buckets.map((b) => [b.startMs / 60_000, f(b)]);
  const minutesLabel = `minutes into the run (each point: the ${minutes(r.options.params.bucketMs)} from there)`;
  return {
    ...linePlot('success-over-time', {
      title: 'Gets that returned the stored value, over time',
      xLabel: minutesLabel,
      yLabel: '% of gets',
      yFit: true,
      yMax: 100,
      series: [{ name: 'success', points: pts((b) => b.success * 100) }],
    }),
    ...linePlot('replicas-over-time', {
      title: 'Live replicas per stored key, over time',
      xLabel: minutesLabel,
      yLabel: 'replicas on nodes that are up',
      yMin: 0,
      series: [{ name: 'replicas per key', points: pts((b) => b.meanReplicas) }],
    }),
    ...linePlot('stale-over-time', {
      title: 'Stale routing-table contacts (nodes that are down), over time',
      xLabel: minutesLabel,
      yLabel: '% of contacts',
      yMin: 0,
      series: [{ name: 'stale contacts', points: pts((b) => b.staleShare * 100) }],
    }),
  };
}

/** The single run's page: parameters, the summary, then each chart (its spec beside it as a file). */
/** The file workload under churn: source-lookup success and search recall, overall and per bucket. */
function formatChurnFiles(f: NonNullable<ChurnResult['files']>): string[] {
  const l = f.lookups;
  const s = f.searches;
  return [
    `File sharing: ${f.files} files, each published by ${f.sourcesPublished} nodes when the measured part starts`,
    `Source lookups: ${fmt(l.count, 0)}, success ${pct(l.success)} (at least one real source found); real sources per lookup mean ${fmt(l.meanSources, 2)} of ${f.sourcesPublished}, all of them for ${pct(l.allFoundRatio)}; RPCs mean ${fmt(l.rpcs.mean, 1)}, latency p50/p95/p99 ${fmt(l.latencyMs.p50, 0)}/${fmt(l.latencyMs.p95, 0)}/${fmt(l.latencyMs.p99, 0)} ms; cut short ${l.cutShort}`,
    `Keyword searches: ${fmt(s.count, 0)}, recall ${pct(s.recall)}, precision ${pct(s.precision)}, exact result for ${pct(s.exactRatio)}; RPCs mean ${fmt(s.rpcs.mean, 1)}, latency p50/p95/p99 ${fmt(s.latencyMs.p50, 0)}/${fmt(s.latencyMs.p95, 0)}/${fmt(s.latencyMs.p99, 0)} ms; cut short ${s.cutShort}`,
    formatTable(
      ['from', 'source lookups', 'success', 'searches', 'recall'],
      f.buckets.map((b) => [minutes(b.startMs), b.lookups, pct(b.lookupSuccess), b.searches, pct(b.recall)]),
    ),
  ];
}

export function churnHtml(r: ChurnResult): string {
  return htmlReport({ title: 'kadswarm churn run', params: describeRun(r), sections: [{ heading: 'Summary', pre: formatChurnRun(r) }, ...svgSections(churnPlots(r))] });
}

export interface SweepPoint {
  label: string;
  k: number;
  alpha: number;
  uptimeMin: number;
  result: ChurnResult;
  /**
   * Optional interval of the success ratio (fractions, like result.gets.success), e.g. the 95 %
   * t-interval of the mean over the seeds of `churn --sweep --runs R`; when set, the sweep chart draws error bars.
   * Both or neither.
   */
  successLow?: number;
  successHigh?: number;
}

export function sweepCsv(points: SweepPoint[]): string {
  const rows = ['config,k,alpha,uptime_min,downtime_min,nodes,gets,success,depth_mean,rpcs_mean,timeouts_mean,latency_p50_ms,latency_p95_ms,stale_share_mean,replicas_mean,gets_cut_short,wall_s,trace_hash'];
  for (const p of points) {
    const r = p.result;
    const mean = (f: (b: ChurnResult['buckets'][number]) => number): number => r.buckets.reduce((a, b) => a + f(b), 0) / Math.max(1, r.buckets.length);
    rows.push(
      [
        `"${p.label}"`,
        p.k,
        p.alpha,
        p.uptimeMin,
        p.uptimeMin,
        r.options.nodes,
        r.gets.count,
        r.gets.success.toFixed(5),
        r.gets.depth.mean.toFixed(3),
        r.gets.rpcs.mean.toFixed(2),
        r.gets.timeouts.mean.toFixed(3),
        r.gets.latencyMs.p50.toFixed(1),
        r.gets.latencyMs.p95.toFixed(1),
        mean((b) => b.staleShare).toFixed(4),
        mean((b) => b.meanReplicas).toFixed(3),
        r.gets.cutShort,
        (r.wallMs / 1000).toFixed(1),
        r.traceHash,
      ].join(','),
    );
  }
  return rows.join('\n') + '\n';
}

const hasInterval = (p: SweepPoint): boolean => Number.isFinite(p.successLow) && Number.isFinite(p.successHigh);

/**
 * Success vs uptime, one line per configuration: the y axis fits the data in
 * percent and the x axis spans the uptimes run (ticks at exactly those), so
 * lines between 97 and 100 % no longer sit on top of each other at the top of
 * a 0–1 axis. Error bars when the points carry an interval; otherwise the
 * title says each point is one run. A second chart shows the failed gets on
 * a log axis, which pulls apart the configurations that all succeed > 97 %.
 */
export function sweepPlots(points: SweepPoint[]): Record<string, string> {
  const labels = [...new Set(points.map((p) => p.label))];
  const uptimes = [...new Set(points.map((p) => p.uptimeMin))].sort((a, b) => a - b);
  const intervals = points.some(hasInterval);
  const of = (label: string): SweepPoint[] => points.filter((p) => p.label === label).sort((a, b) => a.uptimeMin - b.uptimeMin);
  const per = intervals ? 'bars: interval over the runs' : 'one run per point';
  const common = { xLabel: 'mean uptime = mean downtime, minutes (log axis)', xLog: true, xTicks: uptimes, width: 720, height: 420 };
  return {
    ...linePlot('sweep', {
      ...common,
      title: `Gets that returned the stored value vs mean uptime (${per})`,
      yLabel: '% of gets',
      yFit: true,
      yMax: 100,
      series: labels.map((label) => ({
        name: label,
        points: of(label).map((p) => [p.uptimeMin, p.result.gets.success * 100] as [number, number]),
        intervals: of(label).map((p) => (hasInterval(p) ? ([p.successLow! * 100, p.successHigh! * 100] as [number, number]) : null)),
      })),
    }),
    ...linePlot('sweep-failures', {
      ...common,
      title: `Failed gets vs mean uptime (${per})`,
      yLabel: '% of gets that failed (log; 0 not drawn)',
      yLog: true,
      series: labels.map((label) => ({
        name: label,
        points: of(label).map((p) => [p.uptimeMin, (1 - p.result.gets.success) * 100] as [number, number]),
        intervals: of(label).map((p) => (hasInterval(p) ? ([(1 - p.successHigh!) * 100, (1 - p.successLow!) * 100] as [number, number]) : null)),
      })),
    }),
  };
}

/** The sweep's main chart alone (sweep.svg), for callers that want one SVG. */
export function sweepPlot(points: SweepPoint[]): string {
  return sweepPlots(points)['sweep.svg']!;
}

/**
 * The sweep's parameters: a setting every run shared as its value, one that
 * differs between runs (k, α, replicas, uptime, downtime…) as the list of its
 * values, never the first run's value as if it were the sweep's. `extra` adds
 * (or overrides with) what only the caller knows, such as the wall time.
 */
export function sweepParams(points: SweepPoint[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const runs = points.map((p) => describeRun(p.result));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = [...new Set(runs.map((r) => JSON.stringify(r[key])))].map((v) => JSON.parse(v) as unknown);
    out[key] = values.length === 1 ? values[0] : `varies: ${values.map(String).join(', ')}`;
  }
  // Grid points, not --runs (the repeats of each point, which the CLI adds as `repeats`).
  if (points.length) out.points = points.length;
  return { ...out, ...extra };
}

export function sweepHtml(points: SweepPoint[], params: Record<string, unknown> = sweepParams(points)): string {
  const labels = [...new Set(points.map((p) => p.label))];
  const uptimes = [...new Set(points.map((p) => p.uptimeMin))].sort((a, b) => a - b);
  // One row per configuration, one column per uptime; a point the sweep did not run shows n/a.
  const grid = (cell: (p: SweepPoint) => string) => ({
    headers: ['config', ...uptimes.map((u) => `${u} min`)],
    rows: labels.map((l) => [l, ...uptimes.map((u) => {
      const p = points.find((q) => q.label === l && q.uptimeMin === u);
      return p ? cell(p) : 'n/a';
    })]),
  });
  return htmlReport({
    title: 'kadswarm churn sweep: success ratio vs mean uptime',
    params,
    sections: [
      ...svgSections(sweepPlots(points)),
      { heading: 'Success ratio (fraction of gets returning the stored value)', table: grid((p) => pct(p.result.gets.success) + (hasInterval(p) ? ` (${pct(p.successLow!)}–${pct(p.successHigh!)})` : '')) },
      { heading: 'Cost per get (mean RPCs / mean depth)', table: grid((p) => `${fmt(p.result.gets.rpcs.mean, 1)} / ${fmt(p.result.gets.depth.mean, 2)}`) },
      {
        heading: 'Runs',
        pre: points.map((p) => `${p.label}, uptime ${p.uptimeMin} min: ${fmt(p.result.wallMs / 1000, 1)} s wall, trace ${p.result.traceHash}`).join('\n'),
      },
    ],
  });
}


