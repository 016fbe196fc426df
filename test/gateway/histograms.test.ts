/**
 * The gateway's fixed-bucket histograms: percentiles within one bucket
 * (≤ 12 % high, never above the maximum), exact small integers, and
 * "after minus before" for a load run.
 */
import { describe, expect, it } from 'vitest';
import { IntHistogram, LogHistogram } from '../../src/gateway/histograms.js';
import { Samples } from '../../src/sim/samples.js';

describe('LogHistogram', () => {
  it('percentiles are within one bucket above the exact nearest-rank value', () => {
    const h = new LogHistogram();
    const s = new Samples();
    let x = 1;
    for (let i = 0; i < 5000; i++) {
      x = (x * 48271) % 2147483647;
      const v = (x / 2147483647) ** 3 * 2000; // skewed, 0..2000 ms
      h.add(v);
      s.add(v);
    }
    for (const p of [1, 50, 90, 95, 99, 100]) {
      const exact = s.percentile(p);
      const approx = h.percentile(p);
      expect(approx).toBeGreaterThanOrEqual(exact);
      expect(approx).toBeLessThanOrEqual(Math.max(exact * 10 ** (1 / 20) * 1.0000001, 0.01));
    }
    expect(h.percentile(100)).toBe(s.max);
    expect(h.mean).toBeCloseTo(s.mean, 9);
  });

  it('0 ms (a local hit) goes to the underflow bucket; empty is NaN', () => {
    const h = new LogHistogram();
    expect(h.percentile(50)).toBeNaN();
    h.add(0);
    h.add(0);
    h.add(5);
    expect(h.percentile(50)).toBe(0.01); // the upper edge of the underflow bucket
    expect(h.display(4)[0]).toMatchObject({ lo: 0, hi: 0.01, count: 2 });
  });

  it('between() gives what was added between two snapshots', () => {
    const h = new LogHistogram();
    for (let i = 0; i < 100; i++) h.add(1000);
    const before = h.toJSON();
    for (let i = 0; i < 100; i++) h.add(2);
    const d = LogHistogram.between(before, h.toJSON());
    expect(d.count).toBe(100);
    expect(d.percentile(99)).toBeGreaterThanOrEqual(2);
    expect(d.percentile(99)).toBeLessThan(2.3);
    expect(d.mean).toBeCloseTo(2, 9);
  });

  it('cumulativeAt counts values at or below each bound', () => {
    const h = new LogHistogram();
    [0.05, 0.5, 5, 50, 500].forEach((v) => h.add(v));
    expect(h.cumulativeAt([0.1, 1, 10, 100, 1000])).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('IntHistogram', () => {
  it('holds small integers exactly and survives a JSON round trip', () => {
    const h = new IntHistogram();
    [1, 2, 2, 3, 3, 3, 40].forEach((v) => h.add(v));
    expect(h.percentile(50)).toBe(3);
    expect(h.percentile(100)).toBe(40);
    const back = IntHistogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.percentile(50)).toBe(3);
    expect(back.count).toBe(7);
    expect(IntHistogram.between({ count: 0, sum: 0, max: null, counts: [] }, h.toJSON()).mean).toBeCloseTo(54 / 7, 9);
  });
});
