/**
 * The stress report's distributions and charts, from a synthetic run (rows made
 * here, no swarm): the JSON histograms add up to the operation counts, the
 * latency CDF has one line per lookup kind on a log axis, and every SVG has a
 * Vega-Lite spec beside it.
 */
import { describe, expect, it } from 'vitest';
import { buildStressReport, formatStressReport } from '../../src/report/stress-report.js';
import { stressHtml, stressPlots } from '../../src/report/stress-plots.js';
import { emptyOpsResult } from '../../src/swarm/control.js';
import type { PhaseResult, StressResult } from '../../src/swarm/stress-run.js';
import { xmlError } from './xml.js';

/** A deterministic skewed latency: most lookups tens of ms, a tail into seconds, some 0 ms (local hits). */
function rows(n: number, seed: number, base: number) {
  const r = emptyOpsResult(n, 0, 20);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 48271) % 2147483647;
    const u = x / 2147483647;
    r.depth[i] = 1 + Math.floor(u * 4);
    r.rpcs[i] = Math.round(base / 10 + u * 20);
    r.duration[i] = i % 37 === 0 ? 0 : base * (1 + u * 3) + (u > 0.95 ? 4000 * (u - 0.95) * 20 : 0);
    r.ok[i] = u > 0.02 ? 1 : 0;
    r.stored[i] = 20;
  }
  return r;
}

function fakeResult(): StressResult {
  const phase = (name: string, kind: PhaseResult['kind'], count: number, wallMs: number, base = 50): PhaseResult =>
    kind === 'spawn' || kind === 'join'
      ? { name, kind, count, wallMs, ...(kind === 'join' ? { joinRpcs: Float64Array.from({ length: count }, (_, i) => 30 + (i % 7)), joinDurations: Float64Array.from({ length: count }, (_, i) => 100 + i), joinFailed: 0 } : {}) }
      : { name, kind, count, wallMs, rows: rows(count, 7 + count + base, base) };
  const shard = { shard: 0, sent: [10, 20, 30, 40, 0, 0, 0, 0], drops: {}, cacheHits: 0, heapUsed: 1e6, typedArrayBytes: 1e6, framesOut: 0, framesIn: 0, localMessages: 0, backpressure: 0, busyMs: 10 };
  return {
    options: { nodes: 500, seed: 1, keys: 100, concurrency: 64, joinConcurrency: 32, config: { k: 20, alpha: 3 }, network: { latency: { kind: 'constant', ms: 20 }, loss: 0 }, zipf: 0 },
    workers: 1,
    phases: [
      phase('spawn', 'spawn', 500, 20),
      phase('join', 'join', 500, 1000),
      phase('store', 'put' as PhaseResult['kind'], 300, 900, 80),
      phase('get', 'get' as PhaseResult['kind'], 400, 500, 20),
      phase('get-absent', 'get' as PhaseResult['kind'], 250, 700, 60),
      phase('find-node', 'find' as PhaseResult['kind'], 200, 400, 40),
    ],
    spawn: [{ nodes: 500, firstNodes: 50, bytesAtFirst: 1e5, bytesAtAll: 1e6 }],
    afterJoin: [shard],
    health: { knowsNearest: 9, sampled: 10, emptyBuckets: 0, fullBuckets: 0, buckets: 10, contacts: 100, nodes: 500 },
    healthAfterJoin: { knowsNearest: 7, sampled: 10, emptyBuckets: 0, fullBuckets: 0, buckets: 10, contacts: 90, nodes: 500 },
    stats: [shard],
    exactClosest: 10,
    checked: 10,
    rssBytes: 1e8,
    totalWallMs: 4000,
  } as unknown as StressResult;
}

const env = { version: '0.0.0', commit: 'test', node: 'v20', cores: 2, memoryBytes: 1e9 };
const sum = (xs: Array<number[]>, at: number): number => xs.reduce((a, x) => a + x[at]!, 0);

describe('stress report distributions', () => {
  it('reports table health right after the join and after the run, apart, in the JSON and the text', () => {
    const rep = buildStressReport(fakeResult(), env);
    expect(rep.health.afterJoin).toBe(0.7);
    expect(rep.health.afterRun).toBe(0.9);
    expect(rep.health.afterJoinKnowsNearest).toBe(7);
    expect(formatStressReport(rep)).toContain('Routing tables: 7/10 sampled nodes know all their true k nearest right after the join (70.00%), 9/10 after the run (90.00%)');
  });

  it('says why CPU per message is n/a: no per-thread CPU clock, or no message delivered at all', () => {
    // The fake shards carry no cpuMs: the platform reason. With nothing sent, that reason would be wrong.
    expect(formatStressReport(buildStressReport(fakeResult(), env))).toContain('CPU per message: n/a (no per-thread CPU time on this platform)');
    const silent = fakeResult();
    const quiet = { ...silent.stats[0]!, sent: [0, 0, 0, 0, 0, 0, 0, 0] };
    const text = formatStressReport(buildStressReport({ ...silent, stats: [quiet], afterJoin: [quiet] } as StressResult, env));
    expect(text).toContain('CPU per message: n/a (no messages were delivered)');
  });

  it('marks the phase rates of a virtual-clock run as virtual, since the pacing sets them, not the machine', () => {
    const real = formatStressReport(buildStressReport(fakeResult(), env));
    expect(real).toMatch(/^phase +ops +wall s +ops\/s$/m);
    expect(real).not.toMatch(/in virtual time these rates/);
    const virt = fakeResult();
    virt.options = { ...virt.options, clock: 'virtual' };
    const text = formatStressReport(buildStressReport(virt, env));
    expect(text).toMatch(/^phase +ops +virtual s +ops per virtual s$/m);
    expect(text).toContain('(in virtual time these rates follow --concurrency and the simulated latency, not this machine');
  });

  const rep = buildStressReport(fakeResult(), env);

  it('the JSON histograms add up to the operation counts', () => {
    const back = JSON.parse(JSON.stringify(rep));
    for (const op of ['store', 'get', 'get-absent', 'find-node']) {
      const l = back.lookups[op];
      expect(l.count).toBeGreaterThan(0);
      expect(sum(l.histograms.latencyMs.buckets, 2)).toBe(l.count);
      expect(sum(l.histograms.depth, 1)).toBe(l.count);
      expect(sum(l.histograms.rpcs, 1)).toBe(l.count);
      expect(l.histograms.latencyMs.relativeWidth).toBeLessThan(0.01);
      // Buckets ascend, do not overlap, and bracket the exact percentiles within their width.
      const b: number[][] = l.histograms.latencyMs.buckets;
      for (let i = 1; i < b.length; i++) expect(b[i]![0]).toBeGreaterThanOrEqual(b[i - 1]![1]!);
      expect(b[0]![0]).toBeLessThanOrEqual(l.latencyMs.min);
      expect(b.at(-1)![1]).toBeGreaterThanOrEqual(l.latencyMs.max);
      // The existing fields stay.
      expect(typeof l.successRatio).toBe('number');
      expect(l.latencyMs.p99).toBeGreaterThanOrEqual(l.latencyMs.p50);
    }
    expect(sum(back.join.histograms.latencyMs.buckets, 2)).toBe(500);
    expect(sum(back.join.histograms.rpcs, 1)).toBe(500);
  });

  it('the latency CDF has one line per lookup kind and a log axis', () => {
    const plots = stressPlots(rep);
    const svg = plots['latency-cdf.svg']!;
    expect(xmlError(svg)).toBeNull();
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg.split('<polyline').length - 1).toBe(4);
    for (const kind of ['store', 'get (present)', 'get (absent)', 'find-node']) expect(svg).toContain(`>${kind}</text>`);
    expect(svg).toContain('log axis');
    // Log ticks: successive decades on the axis (data from ~20 ms to seconds).
    expect(svg).toContain('>100</text>');
    expect(svg).toContain('>1,000</text>');
    const spec = JSON.parse(plots['latency-cdf.vl.json']!);
    expect(spec.$schema).toMatch(/vega-lite\/v5/);
    expect(spec.layer[0].encoding.x.scale.type).toBe('log');
    expect(new Set(spec.data.values.map((v: { series: string }) => v.series)).size).toBe(4);
    // A CDF ends at 1.
    for (const s of ['store', 'get (present)']) expect(spec.data.values.filter((v: { series: string }) => v.series === s).at(-1).y).toBeCloseTo(1, 9);
  });

  it('writes a Vega-Lite spec beside every SVG, keeps units apart and draws only SVGs in the page', () => {
    const plots = stressPlots(rep);
    const svgs = Object.keys(plots).filter((n) => n.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThanOrEqual(5);
    for (const n of svgs) {
      const spec = JSON.parse(plots[n.replace(/\.svg$/, '.vl.json')]!);
      expect(spec.data.values.length).toBeGreaterThan(0);
      expect(xmlError(plots[n]!)).toBeNull();
      expect(plots[n]).not.toContain('>value</text>'); // every axis says its unit
    }
    expect(plots['cost.svg']).not.toContain(' ms');
    const html = stressHtml(rep);
    expect(html.split('<svg xmlns').length - 1).toBe(svgs.length);
    expect(html).not.toContain('"$schema"');
    expect(html).toContain('latency-cdf.vl.json');
    // The parameters table lists the resolved protocol settings beside the flags.
    expect(html).toContain('kad.maxTimeoutMs');
    expect(html).toContain('kad.bitsPerStep');
  });

  it('puts phases on a log axis when their rates span decades', () => {
    const r = fakeResult();
    r.phases[0]!.wallMs = 0.01; // spawn at 50,000,000 ops/s against join's 500
    const svg = stressPlots(buildStressReport(r, env))['phases.svg']!;
    expect(svg).toContain('log axis');
    expect(svg).toContain('>500</text>'); // join's value label is readable
  });
});
