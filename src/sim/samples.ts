/**
 * Observations of one metric (lookup hops, RPCs per lookup, latency in ms…)
 * and the statistics the stress report prints.
 *
 * Values live in a growable Float64Array rather than a number[]: a stress run
 * records millions of lookups and a typed array costs 8 bytes a value with no
 * per-element boxing, and sorts numerically without a comparator.
 *
 * Percentiles are NEAREST-RANK: percentile(p) is the smallest observed value v
 * such that at least p% of the observations are ≤ v (rank ⌈p·n/100⌉, at least
 * 1). The result is always a value that was actually observed, which is what
 * we want for integer metrics such as hop counts ("p95 = 4 hops", never 3.7).
 *
 * Empty samples never throw: count is 0 and every statistic (mean, min, max,
 * percentiles, summary fields) is NaN. JSON.stringify renders NaN as null.
 */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
}

/** One histogram bucket: counts values with lo ≤ x < hi. */
export interface Bucket {
  lo: number;
  hi: number;
  count: number;
}

export class Samples {
  private buf: Float64Array;
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;
  /** True while buf[0..n) is in ascending order; cleared by an out-of-order add. */
  private sorted = true;

  constructor(capacity = 256) {
    this.buf = new Float64Array(Math.max(1, Math.floor(capacity)));
  }

  static fromArray(xs: ArrayLike<number>): Samples {
    const s = new Samples(xs.length);
    for (let i = 0; i < xs.length; i++) s.add(xs[i]);
    return s;
  }

  /** Records one observation. NaN is rejected: it has no rank, so it would silently corrupt every percentile. */
  add(x: number): void {
    if (Number.isNaN(x)) throw new RangeError('Samples.add: NaN is not an observation');
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    // Appending in ascending order (common for monotone metrics) keeps the sort cache valid.
    if (this.n > 0 && x < this.buf[this.n - 1]) this.sorted = false;
    this.buf[this.n++] = x;
    this.sum += x;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  get min(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  get max(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /** Nearest-rank percentile, p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
    if (this.n === 0) return NaN;
    const v = this.sortedView();
    // p·n before dividing keeps integer p exact (0.07·100 would round up to rank 8).
    const rank = Math.max(1, Math.ceil((p * this.n) / 100));
    return v[Math.min(rank, this.n) - 1];
  }

  summary(): Summary {
    return {
      count: this.n,
      mean: this.mean,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.max,
      min: this.min,
    };
  }

  toJSON(): Summary {
    return this.summary();
  }

  /** Distinct values with their counts, ascending by value — the histogram for integer metrics (hops, RPCs). */
  countsByValue(): Array<[number, number]> {
    const v = this.sortedView();
    const out: Array<[number, number]> = [];
    for (let i = 0; i < v.length; ) {
      let j = i + 1;
      while (j < v.length && v[j] === v[i]) j++;
      out.push([v[i], j - i]);
      i = j;
    }
    return out;
  }

  /**
   * Log-spaced histogram for latencies: bucket edges are 10^(k/perDecade), so
   * each decade is split into perDecade buckets and the ms-to-seconds tail
   * stays readable. Empty buckets between the first and last are included so
   * the buckets are contiguous (a chart needs the gaps). Values ≤ 0 (a 0 ms
   * reply under a virtual clock) go into a leading bucket [min, first edge),
   * which holds nothing else because the first edge is ≤ the smallest positive
   * value. Returns [] when empty.
   */
  logHistogram(perDecade = 4): Bucket[] {
    if (!Number.isInteger(perDecade) || perDecade < 1) throw new RangeError('logHistogram: perDecade must be a positive integer');
    const v = this.sortedView();
    if (v.length === 0) return [];
    const edge = (k: number): number => 10 ** (k / perDecade);
    const indexOf = (x: number): number => {
      let k = Math.floor(Math.log10(x) * perDecade);
      // log10 is not exact (log10(1000) may be 2.9999…), so nudge k until edge(k) ≤ x < edge(k+1).
      while (edge(k) > x) k--;
      while (edge(k + 1) <= x) k++;
      return k;
    };
    let i = 0;
    while (i < v.length && v[i] <= 0) i++;
    const out: Bucket[] = [];
    if (i === v.length) return [{ lo: v[0], hi: 1, count: i }];
    const first = indexOf(v[i]);
    if (i > 0) out.push({ lo: v[0], hi: edge(first), count: i });
    for (let k = first; i < v.length; k++) {
      const b: Bucket = { lo: edge(k), hi: edge(k + 1), count: 0 };
      while (i < v.length && v[i] < b.hi) {
        b.count++;
        i++;
      }
      out.push(b);
    }
    return out;
  }

  /** Sorts in place (insertion order is not needed by any statistic) and caches until the next out-of-order add. */
  private sortedView(): Float64Array {
    const v = this.buf.subarray(0, this.n);
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    return v;
  }
}

/**
 * Named counters, e.g. dropped messages by reason or traffic by RPC type.
 * entries() and toJSON() order by count (descending) then name, so a report
 * does not depend on which event happened to be counted first.
 */
export class Counters {
  private readonly map = new Map<string, number>();

  inc(name: string, n = 1): void {
    this.map.set(name, (this.map.get(name) ?? 0) + n);
  }

  /** 0 for a name never counted. */
  get(name: string): number {
    return this.map.get(name) ?? 0;
  }

  get total(): number {
    let t = 0;
    for (const n of this.map.values()) t += n;
    return t;
  }

  entries(): Array<[string, number]> {
    return [...this.map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Same order as entries(), except that JS objects list integer-like keys ("404") first, ascending. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries());
  }
}
