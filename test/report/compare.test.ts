/**
 * kadswarm compare's table and the repeated-run summary, on made-up reports: the figures side by
 * side, B/A, "differs" only when the intervals separate, "intervals unknown" for a single run. The
 * churn sweep's points of R runs carry the mean and the interval for the error bars.
 */
import { describe, expect, it } from 'vitest';
import { compareReports, comparedReport, formatComparison } from '../../src/report/compare.js';
import { FIGURES, buildRepeatedReport, formatRepeatedSummary } from '../../src/report/figures.js';
import { repeatedSweepPoint } from '../../src/report/sweep-intervals.js';
import type { StressReport } from '../../src/report/stress-report.js';
import type { ChurnResult } from '../../src/swarm/churn-run.js';

/** Just the fields the figures read, scaled by `x`; success ratios stay below 1. */
function report(seed: number, x: number): StressReport {
  const lookup = { opsPerSec: 5000 * x, successRatio: 0.9 + x / 1000, depth: { mean: 2 * x }, rpcs: { mean: 20 * x }, latencyMs: { p50: 10 * x, p95: 50 * x, p99: 90 * x } };
  return {
    meta: { seed, clock: 'virtual', commit: 'abc', flags: { nodes: 1000, k: 20, alpha: 3, latency: '20-200ms' } },
    join: { joinsPerSec: 100 * x, rpcs: { mean: 40 * x } },
    health: { afterJoin: 0.99 - x / 1000 },
    traffic: { cpuPerMessageUs: 5 * x },
    lookups: { store: lookup, get: lookup, 'get-absent': lookup, 'find-node': lookup },
    findNode: { exactRatio: 0.9 + x / 1000 },
    store: { replicas: { mean: 6 * x, p5: 2 * x, belowHalfK: 0.1 + x / 1000 } },
    memory: { bytesPerNodeAfterJoin: 1000 * x, bytesPerNodeAfterRun: 2000 * x },
    totalWallMs: 1000 * x,
  } as unknown as StressReport;
}

const repeated = (base: number): unknown => JSON.parse(JSON.stringify(buildRepeatedReport([report(1, base), report(2, base + 0.1), report(3, base - 0.1)])));

describe('replica figures', () => {
  it('read a report as it is, and a report written before they existed as NaN (n/a)', () => {
    const byId = (id: string) => FIGURES.find((f) => f.id === id)!;
    expect(byId('store.replicas.mean').of(report(1, 2))).toBe(12);
    expect(byId('store.replicas.belowHalfK').of(report(1, 2))).toBeCloseTo(0.102, 12);
    const old = { ...report(1, 2), store: undefined } as unknown as StressReport;
    for (const id of ['store.replicas.mean', 'store.replicas.p5', 'store.replicas.belowHalfK']) expect(byId(id).of(old)).toBeNaN();
  });

  it('read the join, health, rate and CPU figures, and a report without them as NaN (n/a)', () => {
    const byId = (id: string) => FIGURES.find((f) => f.id === id)!;
    const r = report(1, 2);
    expect(byId('join.rpcs.mean').of(r)).toBe(80);
    expect(byId('health.afterJoin').of(r)).toBeCloseTo(0.988, 12);
    expect(byId('get-absent.opsPerSec').of(r)).toBe(10000);
    expect(byId('traffic.cpuPerMessageUs').of(r)).toBe(10);
    const old = { ...r, health: undefined, traffic: { cpuPerMessageUs: null }, join: { joinsPerSec: 1 } } as unknown as StressReport;
    for (const id of ['join.rpcs.mean', 'health.afterJoin', 'traffic.cpuPerMessageUs']) expect(byId(id).of(old)).toBeNaN();
    expect(formatRepeatedSummary(buildRepeatedReport([r]))).toMatch(/shard CPU per message +10 µs/);
  });
});

describe('repeated report', () => {
  it('clips intervals to where a figure lives: none below 0, no ratio above 1', () => {
    // Three runs that spread widely: the raw t-interval of the latency would reach below 0.
    const rep = buildRepeatedReport([report(1, 0.1), report(2, 3), report(3, 0.2)]);
    const p50 = rep.summary['get.latencyMs.p50']!;
    expect(p50.mean! - (p50.high! - p50.mean!)).toBeLessThan(0); // the unclipped low end
    expect(p50.low).toBe(0);
    for (const i of Object.values(rep.summary)) expect(i.low!).toBeGreaterThanOrEqual(0);
    expect(rep.summary['get.successRatio']!.high!).toBeLessThanOrEqual(1);
  });

  it('keeps every run and a summary {mean, low, high, runs} per figure whose interval holds each run', () => {
    const runs = [report(1, 1), report(2, 1.2), report(3, 0.9)];
    const rep = buildRepeatedReport(runs);
    expect(rep.runs).toHaveLength(3);
    expect(rep.meta.seeds).toEqual([1, 2, 3]);
    expect(Object.keys(rep.summary)).toEqual(FIGURES.map((f) => f.id));
    for (const f of FIGURES) {
      const s = rep.summary[f.id]!;
      expect(Object.keys(s).sort()).toEqual(['high', 'low', 'mean', 'runs']);
      for (const r of runs) {
        expect(f.of(r)).toBeGreaterThanOrEqual(s.low!);
        expect(f.of(r)).toBeLessThanOrEqual(s.high!);
      }
    }
    expect(formatRepeatedSummary(rep)).toMatch(/^3 runs \(seeds 1\.\.3.*t = 4\.303/);
  });

  it('with one run says so instead of printing an interval', () => {
    const text = formatRepeatedSummary(buildRepeatedReport([report(1, 1)]));
    const rows = text.split('\n').slice(3);
    expect(rows).toHaveLength(FIGURES.length);
    for (const row of rows) {
      expect(row).toMatch(/one run: no interval/);
      expect(row).not.toMatch(/\[/);
    }
  });
});

describe('compare', () => {
  it('puts every figure side by side with B/A and calls a difference when the intervals separate', () => {
    const a = comparedReport(repeated(1), 'a.json');
    const b = comparedReport(repeated(2), 'b.json');
    const rows = compareReports(a, b);
    expect(rows.map((r) => r.id)).toEqual(FIGURES.map((f) => f.id));
    const join = rows.find((r) => r.id === 'join.joinsPerSec')!;
    expect(join.ratio).toBeCloseTo(2, 10);
    expect(join.differs).toBe(true);
    expect(rows.every((r) => r.differs === true)).toBe(true);
    const text = formatComparison(a, b, { a: 'a.json', b: 'b.json' });
    expect(text).toMatch(/^A: a\.json — 1000 nodes/);
    expect(text).toMatch(/join rate, joins\/s .* 2\.000 +differs$/m);
  });

  it('overlapping intervals are "within intervals"; a single run is "intervals unknown"', () => {
    const a = comparedReport(repeated(1), 'a.json');
    expect(compareReports(a, comparedReport(repeated(1.01), 'b')).every((r) => r.differs === false)).toBe(true);
    const single = comparedReport(JSON.parse(JSON.stringify(report(9, 2))), 'one.json');
    expect(single.runs).toHaveLength(1);
    const rows = compareReports(a, single);
    expect(rows.every((r) => r.differs === null)).toBe(true);
    const text = formatComparison(a, single, { a: 'a.json', b: 'one.json' });
    expect(text).toMatch(/intervals unknown/);
    expect(text).not.toMatch(/\bdiffers\b/);
    expect(text).toMatch(/B is a single run/);
  });

  it('rejects a file that is not a stress report', () => {
    expect(() => comparedReport({ points: [] }, 'sweep.json')).toThrow(/sweep\.json is not a kadswarm stress report/);
    expect(() => comparedReport(null, 'x')).toThrow(/not a kadswarm stress report/);
  });

  it('names the settings that differ between A and B', () => {
    const b = report(1, 1);
    (b.meta.flags as Record<string, unknown>).nodes = 2000;
    expect(formatComparison(comparedReport(report(1, 1), 'a'), comparedReport(b, 'b'), { a: 'a', b: 'b' })).toMatch(/Settings that differ: nodes 1000 vs 2000/);
  });
});

describe('sweep point of repeated runs', () => {
  const churn = (success: number): ChurnResult => ({ gets: { success }, traceHash: String(success) }) as unknown as ChurnResult;

  it('is the mean success with its interval, clipped to [0, 1], for the error bars', () => {
    const p = repeatedSweepPoint({ label: 'k=3, α=1', k: 3, alpha: 1, uptimeMin: 10 }, [churn(0.8), churn(0.9), churn(1)]);
    expect(p.result.gets.success).toBeCloseTo(0.9, 12);
    expect(p.result.traceHash).toBe('0.8');
    expect(p.successLow).toBeCloseTo(0.9 - (4.303 * 0.1) / Math.sqrt(3), 12);
    expect(p.successHigh).toBe(1);
  });

  it('has no error bars for one run', () => {
    const p = repeatedSweepPoint({ label: 'x', k: 1, alpha: 1, uptimeMin: 5 }, [churn(0.5)]);
    expect(p.result.gets.success).toBe(0.5);
    expect(p.successLow).toBeUndefined();
    expect(p.successHigh).toBeUndefined();
  });
});
