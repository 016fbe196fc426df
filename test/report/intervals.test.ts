/**
 * The 95 % interval over repeated runs: Student's t for small R, 1.96 above 30 degrees of freedom,
 * no interval (not a zero-width one) for a single run, and overlap as the test of a difference.
 */
import { describe, expect, it } from 'vitest';
import { formatInterval, interval, intervalsDiffer, tCritical95, T_95 } from '../../src/report/intervals.js';

describe('tCritical95', () => {
  it('is the two-sided 95 % t value for 1..30 degrees of freedom, then 1.96', () => {
    expect(T_95).toHaveLength(30);
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(2)).toBe(4.303);
    expect(tCritical95(4)).toBe(2.776);
    expect(tCritical95(30)).toBe(2.042);
    expect(tCritical95(31)).toBe(1.96);
    expect(tCritical95(1000)).toBe(1.96);
    // Falling towards the normal value.
    for (let df = 1; df < 30; df++) expect(tCritical95(df)).toBeGreaterThan(tCritical95(df + 1));
    expect(() => tCritical95(0)).toThrow(/degree/);
  });
});

describe('interval', () => {
  it('is mean ± t · s / √n', () => {
    const i = interval([1, 2, 3]);
    const half = (4.303 * 1) / Math.sqrt(3);
    expect(i.mean).toBe(2);
    expect(i.low).toBeCloseTo(2 - half, 12);
    expect(i.high).toBeCloseTo(2 + half, 12);
    expect(i.runs).toBe(3);
  });

  it('has no interval with one run, and no mean with none; NaN runs are left out', () => {
    expect(interval([5])).toEqual({ mean: 5, low: null, high: null, runs: 1 });
    expect(interval([])).toEqual({ mean: null, low: null, high: null, runs: 0 });
    expect(interval([NaN, 4, NaN])).toEqual({ mean: 4, low: null, high: null, runs: 1 });
    expect(formatInterval(interval([5]))).toBe('5 (one run: no interval)');
    expect(formatInterval(interval([]))).toBe('n/a');
    expect(formatInterval(interval([1, 2, 3]), (x) => x.toFixed(1))).toBe('2.0 [-0.5, 4.5]');
  });

  it('says a difference only when both intervals are known and apart', () => {
    const a = interval([1, 1.1, 0.9]);
    const b = interval([2, 2.1, 1.9]);
    expect(intervalsDiffer(a, b)).toBe(true);
    expect(intervalsDiffer(b, a)).toBe(true);
    expect(intervalsDiffer(a, interval([1.05, 1.0, 1.1]))).toBe(false);
    expect(intervalsDiffer(a, interval([100]))).toBeNull();
  });
});
