/**
 * The stress report's pictures: SVG plots (latency and RPC CDFs, depth, cost and phase bars, each
 * with its Vega-Lite spec) and the one HTML page, all drawn from the StressReport object that
 * buildStressReport made (stress-report.ts), so what is plotted is what is printed and kept.
 */
import { filesCostTable, filesLines } from './files-report.js';
import { htmlReport } from './html.js';
import { formatReplicaLine, replicaTable } from './replicas.js';
import { formatStressReport, type StressReport } from './stress-report.js';
import { barPlot, linePlot, svgSections } from './vega.js';

const KINDS = ['store', 'get', 'get-absent', 'find-node'] as const;
const KIND_NAMES: Record<(typeof KINDS)[number], string> = { store: 'store', get: 'get (present)', 'get-absent': 'get (absent)', 'find-node': 'find-node' };

/**
 * Cumulative share of lookups at each bucket's upper edge, starting at the
 * first positive lower edge. Lookups answered in 0 ms (the asker held the
 * record) have no place on a log axis: the line starts at their share instead
 * of 0, and the axis is not stretched down to 0.001 ms for them.
 */
function cdfPoints(buckets: Array<[number, number, number]>, count: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let seen = 0;
  for (const [lo, hi, c] of buckets) {
    if (lo === 0) {
      seen += c;
      continue;
    }
    if (out.length === 0) out.push([lo, seen / Math.max(1, count)]);
    seen += c;
    out.push([hi, seen / Math.max(1, count)]);
  }
  return out;
}

/** The same for exact integer counts: a step at each value. */
function stepCdf(counts: Array<[number, number]>, count: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let seen = 0;
  for (const [v, c] of counts) {
    out.push([v, seen / Math.max(1, count)]);
    seen += c;
    out.push([v, seen / Math.max(1, count)]);
  }
  return out;
}

/** Log where the positive data span more than about a decade and a half, as the tracker asks ("log where the data span decades"). */
function spansDecades(xs: number[]): boolean {
  const pos = xs.filter((x) => x > 0);
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) > 30;
}

/**
 * The report's charts, one unit per chart: `<name>.svg` with its Vega-Lite
 * spec `<name>.vl.json` beside it (the CLI writes every entry).
 */
export function stressPlots(rep: StressReport): Record<string, string> {
  const L = rep.lookups;
  const names = ['get', 'get-absent', 'find-node'] as const;
  const maxDepth = Math.max(...names.flatMap((n) => L[n].depthCounts.map(([d]) => d)));
  const depthBars = Array.from({ length: maxDepth + 1 }, (_, d) => ({
    label: String(d),
    value: names.map((n) => (L[n].depthCounts.find(([v]) => v === d)?.[1] ?? 0) / Math.max(1, L[n].count)),
  }));
  const latency = KINDS.map((n) => ({ name: KIND_NAMES[n], points: cdfPoints(L[n].histograms.latencyMs.buckets, L[n].count) }));
  const latencyLog = spansDecades(latency.flatMap((s) => s.points.map((q) => q[0])));
  const zeroMs = KINDS.filter((n) => (L[n].histograms.latencyMs.buckets[0]?.[0] ?? 1) === 0);
  const rpcs = KINDS.map((n) => ({ name: KIND_NAMES[n], points: stepCdf(L[n].histograms.rpcs, L[n].count) }));
  const opsLog = spansDecades(rep.phases.map((p) => p.opsPerSec));
  const virtual = rep.meta.clock === 'virtual' ? 'virtual ' : '';
  return {
    ...linePlot('latency-cdf', {
      title: `Lookup latency: share of lookups done within x ${virtual}ms${latencyLog ? ' (log axis)' : ''}`,
      xLabel: `${virtual}ms${zeroMs.length ? ` (0 ms lookups lift the start of ${zeroMs.map((n) => KIND_NAMES[n]).join(', ')})` : ''}`,
      yLabel: 'share of lookups (CDF)',
      xLog: latencyLog,
      yMin: 0,
      yMax: 1,
      markers: false,
      series: latency,
    }),
    ...linePlot('rpcs-cdf', {
      title: 'RPCs per lookup: share of lookups that needed at most x',
      xLabel: 'RPCs sent per lookup (timed-out ones included)',
      yLabel: 'share of lookups (CDF)',
      yMin: 0,
      yMax: 1,
      markers: false,
      series: rpcs,
    }),
    ...barPlot('depth', { title: 'Lookup depth (learned-from hops)', xLabel: 'depth', yLabel: 'share of lookups', bars: depthBars, series: ['get (present)', 'get (absent)', 'find-node'] }),
    ...barPlot('cost', {
      title: 'RPCs per lookup: mean, p50, p95 and p99',
      xLabel: 'lookup kind',
      yLabel: 'RPCs per lookup',
      bars: KINDS.map((n) => ({ label: KIND_NAMES[n], value: [L[n].rpcs.mean, L[n].rpcs.p50, L[n].rpcs.p95, L[n].rpcs.p99] })),
      series: ['mean', 'p50', 'p95', 'p99'],
    }),
    ...barPlot('latency-percentiles', {
      title: `Lookup latency: p50, p95 and p99 (${virtual}ms)`,
      xLabel: 'lookup kind',
      yLabel: `${virtual}ms`,
      bars: KINDS.map((n) => ({ label: KIND_NAMES[n], value: [L[n].latencyMs.p50, L[n].latencyMs.p95, L[n].latencyMs.p99] })),
      series: ['p50', 'p95', 'p99'],
    }),
    ...barPlot('phases', {
      title: `Operations per ${virtual}second by phase${opsLog ? ' (log axis)' : ''}`,
      xLabel: 'phase',
      yLabel: `ops per ${virtual}s`,
      yLog: opsLog,
      valueLabels: true,
      bars: rep.phases.map((p) => ({ label: p.name, value: p.opsPerSec })),
    }),
  };
}

export function stressHtml(rep: StressReport): string {
  const plots = stressPlots(rep);
  const text = formatStressReport(rep);
  return htmlReport({
    title: `kadswarm stress: ${(rep.meta.flags as { nodes: number }).nodes} nodes`,
    // The flags first, then every protocol setting the run resolved (what a --config file set shows here too).
    params: { ...(rep.meta.flags as Record<string, unknown>), ...prefixed('kad.', (rep.meta as { config?: Record<string, unknown> }).config ?? {}) },
    sections: [
      { heading: 'Summary', pre: text },
      {
        heading: 'Acknowledged replicas per put',
        text: formatReplicaLine(rep.store.replicas, rep.lookups.store.successRatio),
        table: replicaTable(rep.store.replicas),
      },
      ...(rep.files ? [{ heading: 'File sharing', text: filesLines(rep.files).join('\n\n'), table: filesCostTable(rep.files) }] : []),
      ...svgSections(plots),
    ],
  });
}

function prefixed(prefix: string, o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [prefix + k, v]));
}
