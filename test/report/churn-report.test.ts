/**
 * The churn charts and the sweep page from synthetic results (no simulation):
 * axes that fit the data, one quantity per chart, error bars when the sweep's
 * points carry an interval, and parameters that say what varied.
 */
import { describe, expect, it } from 'vitest';
import { churnHtml, churnPlots, sweepHtml, sweepParams, sweepPlots, type SweepPoint } from '../../src/report/churn-report.js';
import type { ChurnResult } from '../../src/swarm/churn-run.js';
import { xmlError } from './xml.js';

const MIN = 60_000;
const summary = (mean: number) => ({ count: 100, mean, p50: mean, p95: mean * 2, p99: mean * 3, max: mean * 4, min: 0 });

function result(k: number, uptimeMin: number, success: number): ChurnResult {
  return {
    options: {
      nodes: 200,
      workers: 1,
      seed: 1,
      config: { k, alpha: 1, replicas: k },
      network: { latency: { kind: 'constant', ms: 20 }, loss: 0 },
      params: { join: 'real', churn: { uptimeMs: uptimeMin * MIN, downtimeMs: uptimeMin * MIN, restart: 'keep' }, durationMs: 30 * MIN, keys: 50, getRate: 5, putRate: 0, bucketMs: 5 * MIN },
    },
    wallMs: 1000,
    virtualMs: 30 * MIN,
    windows: 10,
    traceHash: 'abc:1',
    traceChain: 'def',
    messages: 1000,
    joinsFailed: 0,
    gets: { count: 500, success, cutShort: 0, depth: summary(1), rpcs: summary(4), timeouts: summary(0.1), latencyMs: summary(200) },
    buckets: [0, 5, 10, 15, 20, 25].map((m, i) => ({ startMs: m * MIN, gets: i === 3 ? 0 : 80, success: i === 3 ? NaN : 0.985 + i * 0.002, upNodes: 100, staleShare: 0.3 + i * 0.01, meanReplicas: 10 - i * 0.2, keysWithoutReplica: 0 })),
    finds: { count: 0, depth: summary(0), rpcs: summary(0), depthCounts: [], exact: 0, checked: 0 },
    bytesPerNode: 1000,
    traffic: { PING: 10 },
  } as unknown as ChurnResult;
}

const UPTIMES = [5, 10, 20, 40, 60, 120];
function sweep(withIntervals: boolean): SweepPoint[] {
  return [1, 3, 20].flatMap((k) =>
    UPTIMES.map((u, i) => {
      const success = Math.min(1, 0.9 + k * 0.004 + i * 0.01);
      return { label: `k=${k}, α=1`, k, alpha: 1, uptimeMin: u, result: result(k, u, success), ...(withIntervals ? { successLow: success - 0.01, successHigh: Math.min(1, success + 0.005) } : {}) };
    }),
  );
}

/** x positions of the vertical grid lines, with their tick labels (the x axis is the row of labels under the plot). */
function xTickLabels(svg: string): string[] {
  const y = Math.max(...[...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="middle" font-size="11">/g)].map((m) => Number(m[1])));
  return [...svg.matchAll(new RegExp(`<text x="[\\d.]+" y="${y}" text-anchor="middle" font-size="11">([^<]+)</text>`, 'g'))].map((m) => m[1]!);
}

describe('churn run charts', () => {
  const plots = churnPlots(result(20, 30, 0.99));

  it('puts success in percent on an axis that fits 98–100 %, and one quantity per chart', () => {
    const svg = plots['success-over-time.svg']!;
    expect(xmlError(svg)).toBeNull();
    expect(svg).toContain('>% of gets</text>');
    expect(svg).toContain('>100</text>');
    // The y axis fits the data (98.5–99.5 % and 100 %) instead of starting at 0.
    const yTicks = [...svg.matchAll(/text-anchor="end" font-size="11">([\d.,]+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.min(...yTicks)).toBeGreaterThanOrEqual(98);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // The bucket without gets is left out, not drawn as 0 %.
    expect(svg.match(/<circle/g)!.length).toBe(5);
    expect(plots['stale-over-time.svg']).toContain('>% of contacts</text>');
    expect(plots['replicas-over-time.svg']).not.toContain('× 10');
    for (const n of Object.keys(plots).filter((k) => k.endsWith('.svg'))) expect(JSON.parse(plots[n.replace('.svg', '.vl.json')]!).$schema).toMatch(/vega-lite/);
  });

  it('draws only the SVGs into the page', () => {
    const html = churnHtml(result(20, 30, 0.99));
    expect(html.split('<svg xmlns').length - 1).toBe(3);
    expect(html).not.toContain('"$schema"');
  });
});

describe('sweep chart', () => {
  it('has an x axis that spans the data (5–120 min), ticks at the uptimes run, and says one run per point', () => {
    const plots = sweepPlots(sweep(false));
    const svg = plots['sweep.svg']!;
    expect(xmlError(svg)).toBeNull();
    expect(xTickLabels(svg)).toEqual(UPTIMES.map(String));
    expect(svg).not.toContain('>1,000</text>');
    expect(svg).not.toContain('class="error-bar"');
    expect(svg).toContain('one run per point');
    expect(svg.split('<polyline').length - 1).toBe(3);
    const spec = JSON.parse(plots['sweep.vl.json']!);
    expect(spec.layer).toHaveLength(1);
    expect(spec.layer[0].encoding.x.scale.type).toBe('log');
  });

  it('draws error bars when the points carry intervals', () => {
    const points = sweep(true);
    const plots = sweepPlots(points);
    const svg = plots['sweep.svg']!;
    expect(xmlError(svg)).toBeNull();
    expect(svg.split('class="error-bar"').length - 1).toBe(points.length);
    expect(svg).not.toContain('one run per point');
    const spec = JSON.parse(plots['sweep.vl.json']!);
    expect(spec.layer[1].mark.type).toBe('rule');
    expect(spec.data.values[0]).toHaveProperty('low');
    // The failure chart (log axis) gets them too, wherever a run had failures.
    expect(plots['sweep-failures.svg']!.split('class="error-bar"').length - 1).toBeGreaterThan(0);
    expect(sweepHtml(points)).toMatch(/\d%–\d/);
  });

  it("lists what varied between runs instead of the first run's values", () => {
    const p = sweepParams(sweep(false), { sweepWallSeconds: 12 });
    expect(p.replicas).toBe('varies: 1, 3, 20');
    expect(p.downtime).toBe('varies: 5 min, 10 min, 20 min, 40 min, 60 min, 120 min');
    expect(p.k).toBe('varies: 1, 3, 20');
    expect(p.nodes).toBe(200);
    expect(p.points).toBe(18);
    expect(p.sweepWallSeconds).toBe(12);
    const html = sweepHtml(sweep(false));
    expect(html).not.toContain('<td>replicas</td>\n<td>1</td>');
    expect(html).toContain('varies: 1, 3, 20');
  });
});
