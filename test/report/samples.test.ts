import { describe, expect, it } from 'vitest';
import { Counters, Samples } from '../../src/sim/samples.js';

/** mulberry32: a tiny seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest rank by definition: the smallest value with at least p% of the data at or below it. */
function brutePercentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  for (let i = 0; i < s.length; i++) if ((i + 1) * 100 >= p * s.length) return s[i];
  return s[s.length - 1];
}

const PS = [0, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 99.9, 100];

describe('Samples percentiles', () => {
  it('match a brute-force nearest rank on random data', () => {
    const r = rng(42);
    for (const n of [1, 2, 3, 7, 100, 1001, 5000]) {
      for (const kind of ['float', 'int'] as const) {
        // Integer data has many ties, the case hop counts produce.
        const xs = Array.from({ length: n }, () => (kind === 'float' ? r() * 1000 - 100 : Math.floor(r() * 8)));
        const s = Samples.fromArray(xs);
        for (const p of PS) expect(s.percentile(p), `n=${n} ${kind} p=${p}`).toBe(brutePercentile(xs, p));
      }
    }
  });

  it('are exact for 1..100 whatever the insertion order', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const r = rng(7);
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    const s = new Samples(4); // small capacity exercises growth
    for (const x of xs) s.add(x);
    expect(s.summary()).toEqual({ count: 100, mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100, min: 1 });
    expect(s.percentile(0)).toBe(1);
    expect(s.percentile(7)).toBe(7);
    expect(s.percentile(100)).toBe(100);
  });

  it('refreshes the sorted cache after later adds', () => {
    const r = rng(3);
    const xs: number[] = [];
    const s = new Samples(1);
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 37; k++) {
        const x = Math.floor(r() * 500);
        xs.push(x);
        s.add(x);
      }
      for (const p of [0, 50, 99, 100]) expect(s.percentile(p)).toBe(brutePercentile(xs, p));
    }
    s.add(-1); // below everything seen: must be visible immediately
    expect(s.percentile(0)).toBe(-1);
    expect(s.min).toBe(-1);
  });

  it('rejects out-of-range p and NaN observations', () => {
    const s = Samples.fromArray([1, 2, 3]);
    expect(() => s.percentile(-1)).toThrow(RangeError);
    expect(() => s.percentile(101)).toThrow(RangeError);
    expect(() => s.percentile(NaN)).toThrow(RangeError);
    expect(() => s.add(NaN)).toThrow(RangeError);
    expect(s.count).toBe(3);
  });
});

describe('Samples basics', () => {
  it('mean, min, max', () => {
    const s = Samples.fromArray([4, -2, 10, 0.5]);
    expect(s.count).toBe(4);
    expect(s.mean).toBeCloseTo(3.125, 12);
    expect(s.min).toBe(-2);
    expect(s.max).toBe(10);
  });

  it('empty samples give NaN statistics and never throw', () => {
    const s = new Samples();
    expect(s.count).toBe(0);
    expect(s.mean).toBeNaN();
    expect(s.min).toBeNaN();
    expect(s.max).toBeNaN();
    expect(s.percentile(50)).toBeNaN();
    const sum = s.summary();
    expect(sum.count).toBe(0);
    for (const k of ['mean', 'p50', 'p95', 'p99', 'max', 'min'] as const) expect(sum[k]).toBeNaN();
    expect(s.countsByValue()).toEqual([]);
    expect(s.logHistogram()).toEqual([]);
    // JSON has no NaN: the summary serialises with nulls.
    expect(JSON.parse(JSON.stringify(s))).toEqual({ count: 0, mean: null, p50: null, p95: null, p99: null, max: null, min: null });
  });

  it('toJSON is the summary', () => {
    const s = Samples.fromArray([3, 1, 2]);
    expect(JSON.parse(JSON.stringify({ hops: s }))).toEqual({ hops: s.summary() });
  });

  it('countsByValue groups equal values in ascending order', () => {
    const s = Samples.fromArray([3, 1, 2, 3, 3, 1, 7]);
    expect(s.countsByValue()).toEqual([
      [1, 2],
      [2, 1],
      [3, 3],
      [7, 1],
    ]);
  });
});

describe('Samples.logHistogram', () => {
  it('puts values in [lo, hi) log buckets, with values ≤ 0 in a leading bucket', () => {
    const s = Samples.fromArray([0, 0, 1, 1.5, 9.99, 10, 100, 1000]);
    expect(s.logHistogram(1)).toEqual([
      { lo: 0, hi: 1, count: 2 },
      { lo: 1, hi: 10, count: 3 },
      { lo: 10, hi: 100, count: 1 },
      { lo: 100, hi: 1000, count: 1 },
      { lo: 1000, hi: 10000, count: 1 },
    ]);
  });

  it('is contiguous, keeps empty buckets and accounts for every value', () => {
    const r = rng(11);
    const xs = Array.from({ length: 2000 }, () => 10 ** (r() * 5 - 1)); // 0.1 ms … 10 s
    xs.push(0.5, 0.5, 5000);
    const b = Samples.fromArray(xs).logHistogram(4);
    expect(b.reduce((n, q) => n + q.count, 0)).toBe(xs.length);
    for (let i = 1; i < b.length; i++) expect(b[i].lo).toBe(b[i - 1].hi);
    for (const x of xs) expect(b.filter((q) => q.lo <= x && x < q.hi).length).toBe(1);
    // Exact edges of many buckets are not whole decades, but every decade boundary is an edge.
    expect(b.some((q) => q.lo === 1)).toBe(true);
    expect(b.some((q) => q.lo === 1000)).toBe(true);
  });

  it('handles all-zero data and rejects a bad perDecade', () => {
    expect(Samples.fromArray([0, 0]).logHistogram()).toEqual([{ lo: 0, hi: 1, count: 2 }]);
    expect(() => Samples.fromArray([1]).logHistogram(0)).toThrow(RangeError);
  });
});

describe('Counters', () => {
  it('counts, defaults to 0 and orders by count then name', () => {
    const c = new Counters();
    c.inc('timeout');
    c.inc('queue-full', 5);
    c.inc('bad-frame', 2);
    c.inc('timeout');
    c.inc('unknown-peer', 2);
    expect(c.get('timeout')).toBe(2);
    expect(c.get('never')).toBe(0);
    expect(c.total).toBe(11);
    expect(c.entries()).toEqual([
      ['queue-full', 5],
      ['bad-frame', 2],
      ['timeout', 2],
      ['unknown-peer', 2],
    ]);
    expect(JSON.stringify(c)).toBe('{"queue-full":5,"bad-frame":2,"timeout":2,"unknown-peer":2}');
  });
});
