/**
 * Honest store figures under loss: 300 nodes in virtual time with 30 % of messages lost. A put
 * succeeds only when a node other than the putter acknowledged it, and the report shows how
 * many did (mean, p5, share below k/2) beside the success ratio, computed here again from the
 * per-put rows the shards returned. Runs the compiled build (shards are worker threads).
 */
import { describe, expect, it } from 'vitest';
import { virtualStressOptions } from '../swarm/stress-options.js';

type StressRun = typeof import('../../src/swarm/stress-run.js');
type Report = typeof import('../../src/report/stress-report.js');
type Plots = typeof import('../../src/report/stress-plots.js');

describe('acknowledged replicas in the stress report', () => {
  it('under --loss 0.3 the report gives the replica distribution the put results show, not a bare 100 %', async () => {
    const run = (await import(new URL('../../dist/src/swarm/stress-run.js', import.meta.url).href)) as StressRun;
    const report = (await import(new URL('../../dist/src/report/stress-report.js', import.meta.url).href)) as Report;
    const plots = (await import(new URL('../../dist/src/report/stress-plots.js', import.meta.url).href)) as Plots;
    const quiet = { start() {}, progress() {}, end() {} };
    const r = await run.runStress(
      virtualStressOptions({ nodes: 300, workers: 1, keys: 120, seed: 11, loss: 0.3, concurrency: 32, joinConcurrency: 32, checkSample: 20, healthSample: 20 }),
      quiet,
    );
    const rows = r.phases.find((p) => p.name === 'store')!.rows!;
    const n = rows.acked.length;
    expect(n).toBe(120);
    // Each put's own figures: acknowledgements from other nodes, at most the putter's copy on top, success iff acked.
    let sum = 0;
    let below = 0;
    let none = 0;
    for (let i = 0; i < n; i++) {
      const a = rows.acked[i]!;
      expect(rows.stored[i]! - a === 0 || rows.stored[i]! - a === 1).toBe(true);
      expect(a).toBeLessThanOrEqual(20);
      expect(rows.ok[i]).toBe(a > 0 ? 1 : 0);
      sum += a;
      if (a < 10) below++;
      if (a === 0) none++;
    }
    const sorted = Array.from(rows.acked).sort((x, y) => x - y);
    const rep = report.buildStressReport(r, { version: 't', commit: 't', node: 'v20', cores: 2, memoryBytes: 1e9 });
    const f = JSON.parse(JSON.stringify(rep)).store.replicas;
    expect(f.puts).toBe(n);
    expect(f.target).toBe(20);
    expect(f.halfK).toBe(10);
    expect(f.mean).toBeCloseTo(sum / n, 12);
    expect(f.p5).toBe(sorted[Math.ceil(0.05 * n) - 1]);
    expect(f.p50).toBe(sorted[Math.ceil(0.5 * n) - 1]);
    expect(f.min).toBe(sorted[0]);
    expect(f.belowHalfK).toBeCloseTo(below / n, 12);
    expect(f.none).toBeCloseTo(none / n, 12);
    expect(f.counts.reduce((a: number, [, c]: [number, number]) => a + c, 0)).toBe(n);
    expect(rep.lookups.store.successRatio).toBeCloseTo((n - none) / n, 12);
    // 30 % loss each way: a STORE and its ack both arrive about half the time, so puts land well short of 20.
    expect(f.mean).toBeLessThan(16);
    expect(f.p5).toBeLessThan(f.mean);
    // The terminal text and the HTML page say so beside the success ratio.
    const text = report.formatStressReport(rep);
    const line = text.split('\n').find((l) => l.startsWith('Stores: '))!;
    // The text prints a whole mean without decimals (report/table.ts fmt): 10 replicas on average happens.
    const mean = Number.isInteger(f.mean) ? String(f.mean) : f.mean.toFixed(2);
    expect(line).toContain(`acknowledged replicas per put mean ${mean} of 20, p5 ${f.p5}`);
    expect(line).toContain(`${(f.belowHalfK * 100).toFixed(2)}% of puts below k/2 = 10`);
    const html = plots.stressHtml(rep);
    expect(html).toContain('<h2>Acknowledged replicas per put</h2>');
    expect(html).toContain('acknowledged replicas (other nodes)');
  }, 120_000);
});
