/**
 * Fixed-bucket histograms that the stress report, the gateway and its
 * dashboard share: constant memory whatever the number of values, mergeable
 * (a window is the sum of its one-second slots) and subtractable (a load run
 * is "after minus before").
 *
 * LogHistogram holds latencies in milliseconds: 240 buckets per decade from
 * 0.001 ms to 1,000 s, so a bucket is 10^(1/240) ≈ 1.0096 times as wide as it
 * is high up, and a percentile (the upper edge of its bucket, capped at the
 * largest value seen) is at most 0.97 % above the exact nearest-rank value at
 * any count, 50 values or 50 million. Values below 0.001 ms (a record the
 * asking node held itself: 0 ms) go to an underflow bucket that reports 0,
 * values from 1,000 s up to an overflow bucket that reports the maximum.
 * (The gateway used to keep 20 buckets a decade: up to 12 % high, so at low
 * load p50, p95 and p99 often fell into one bucket and printed the same.)
 *
 * Our own layout rather than hdr-histogram-js: the error bound is one line of
 * arithmetic, the buckets are plain arrays that JSON, merge and subtract
 * without a WASM or class round trip, and no dependency is added.
 *
 * IntHistogram holds small integers (hops, RPCs per lookup) exactly, with an
 * overflow bucket from 4096 up.
 */

const PER_DECADE = 240;
const MIN_EXP = -3;
const DECADES = 9;
/** Fine buckets between the underflow and the overflow bucket. */
const FINE = PER_DECADE * DECADES;

/** Upper edge of fine bucket i (0-based), in ms. */
export function logEdge(i: number): number {
  return 10 ** (MIN_EXP + (i + 1) / PER_DECADE);
}

const LOW = 10 ** MIN_EXP;
const HIGH = 10 ** (MIN_EXP + DECADES);

/** Largest relative amount by which a LogHistogram percentile exceeds the exact one (above LOW). */
export const LOG_HISTOGRAM_ERROR = 10 ** (1 / PER_DECADE) - 1;

export interface HistogramJson {
  count: number;
  sum: number;
  /** Largest value seen; null after a subtraction (it cannot be known). */
  max: number | null;
  /** Bucket counts from bucket `offset` on (trailing and, with offset, leading empty ones left out); see the class for the layout. */
  counts: number[];
  /** Index of the bucket counts[0] holds; 0 when absent. */
  offset?: number;
}

export interface DisplayBucket {
  lo: number;
  hi: number;
  count: number;
}

abstract class Histogram {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  max = -Infinity;

  constructor(size: number) {
    this.counts = new Float64Array(size);
  }

  protected abstract slot(x: number): number;
  /** The value a percentile landing in `slot` reports (before capping at max). */
  protected abstract upper(slot: number): number;

  add(x: number, times = 1): void {
    if (!(x >= 0) || !Number.isFinite(x)) return;
    this.counts[this.slot(x)] += times;
    this.count += times;
    this.sum += x * times;
    if (x > this.max) this.max = x;
  }

  merge(o: Histogram): this {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += o.counts[i]!;
    this.count += o.count;
    this.sum += o.sum;
    if (o.max > this.max) this.max = o.max;
    return this;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** Nearest-rank percentile, p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p * this.count) / 100));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const v = this.upper(i);
        return Number.isFinite(this.max) && this.max < v ? this.max : v;
      }
    }
    return Number.isFinite(this.max) ? this.max : NaN;
  }

  summary(): { count: number; mean: number | null; p50: number | null; p95: number | null; p99: number | null; max: number | null } {
    const n = (x: number): number | null => (Number.isFinite(x) ? round(x) : null);
    return { count: this.count, mean: n(this.mean), p50: n(this.percentile(50)), p95: n(this.percentile(95)), p99: n(this.percentile(99)), max: n(this.max) };
  }

  /** Sparse enough for JSON: leading and trailing empty buckets are left out (`offset` says where counts start). */
  toJSON(): HistogramJson {
    let first = 0;
    while (first < this.counts.length && this.counts[first] === 0) first++;
    let last = this.counts.length;
    while (last > first && this.counts[last - 1] === 0) last--;
    const j: HistogramJson = { count: this.count, sum: this.sum, max: Number.isFinite(this.max) ? this.max : null, counts: Array.from(this.counts.subarray(first, last)) };
    if (first > 0 && first < last) j.offset = first;
    return j;
  }

  /** Accepts the sparse form above and the older dense one (offset 0, every bucket). */
  protected load(j: HistogramJson): this {
    const offset = j.offset ?? 0;
    if (offset < 0 || offset + j.counts.length > this.counts.length) throw new Error(`histogram: ${offset + j.counts.length} buckets do not fit in ${this.counts.length}`);
    this.counts.fill(0);
    this.counts.set(j.counts, offset);
    this.count = j.count;
    this.sum = j.sum;
    this.max = j.max ?? -Infinity;
    return this;
  }

  /** this − earlier, bucket by bucket (for "what happened between two snapshots"). */
  protected subtract(earlier: HistogramJson): this {
    const offset = earlier.offset ?? 0;
    earlier.counts.forEach((c, i) => {
      this.counts[offset + i] = Math.max(0, this.counts[offset + i]! - c);
    });
    this.count = Math.max(0, this.count - earlier.count);
    this.sum = Math.max(0, this.sum - earlier.sum);
    this.max = -Infinity;
    return this;
  }
}

export class LogHistogram extends Histogram {
  constructor() {
    super(FINE + 2);
  }

  static fromJSON(j: HistogramJson): LogHistogram {
    return new LogHistogram().load(j);
  }

  /** later − earlier, from two snapshots of the same cumulative histogram. */
  static between(earlier: HistogramJson, later: HistogramJson): LogHistogram {
    return new LogHistogram().load(later).subtract(earlier);
  }

  protected slot(x: number): number {
    if (x < LOW) return 0;
    if (x >= HIGH) return FINE + 1;
    let i = Math.floor((Math.log10(x) - MIN_EXP) * PER_DECADE);
    // log10 is not exact at the edges: nudge until logEdge(i − 1) ≤ x < logEdge(i).
    while (i > 0 && x < logEdge(i - 1)) i--;
    while (i < FINE - 1 && x >= logEdge(i)) i++;
    return i + 1;
  }

  protected upper(slot: number): number {
    // Everything in the underflow bucket is below 0.001 ms: 0 is within that of any of it, and exact for a local hit.
    if (slot === 0) return 0;
    if (slot === FINE + 1) return Number.isFinite(this.max) ? this.max : HIGH;
    return logEdge(slot - 1);
  }

  /**
   * Buckets for a chart, `perDecade` (a divisor of 240) per decade, from the
   * first to the last non-empty one; the underflow bucket shows as [0, 0.001).
   */
  display(perDecade = 4): DisplayBucket[] {
    const step = PER_DECADE / perDecade;
    if (!Number.isInteger(step)) throw new RangeError('display: perDecade must divide 240');
    const out: DisplayBucket[] = [];
    if (this.counts[0]! > 0) out.push({ lo: 0, hi: LOW, count: this.counts[0]! });
    for (let i = 0; i < FINE; i += step) {
      let c = 0;
      for (let j = i; j < i + step; j++) c += this.counts[j + 1]!;
      out.push({ lo: i === 0 ? LOW : logEdge(i - 1), hi: logEdge(i + step - 1), count: c });
    }
    if (this.counts[FINE + 1]! > 0) out.push({ lo: HIGH, hi: Infinity, count: this.counts[FINE + 1]! });
    let a = 0;
    while (a < out.length && out[a]!.count === 0) a++;
    let b = out.length;
    while (b > a && out[b - 1]!.count === 0) b--;
    return out.slice(a, b).map((x) => ({ lo: round(x.lo), hi: Number.isFinite(x.hi) ? round(x.hi) : x.hi, count: x.count }));
  }

  /**
   * The non-empty buckets at full resolution, ascending, for a report a user
   * can draw a CDF from: [lo, hi) in ms (edges to 6 significant digits; the
   * underflow bucket is [0, 0.001), the overflow one ends at the maximum).
   */
  buckets(): DisplayBucket[] {
    const out: DisplayBucket[] = [];
    const edge = (v: number): number => Number(v.toPrecision(6));
    for (let s = 0; s < this.counts.length; s++) {
      const c = this.counts[s]!;
      if (c === 0) continue;
      const lo = s === 0 ? 0 : s === 1 ? LOW : logEdge(s - 2);
      const hi = s === 0 ? LOW : s === FINE + 1 ? (Number.isFinite(this.max) ? this.max : HIGH) : logEdge(s - 1);
      out.push({ lo: edge(lo), hi: edge(hi), count: c });
    }
    return out;
  }

  /** Cumulative counts at the given upper bounds (ms), for a Prometheus histogram; bounds must be fine-bucket edges or LOW. */
  cumulativeAt(boundsMs: number[]): number[] {
    return boundsMs.map((b) => {
      let c = this.counts[0]!;
      for (let i = 0; i < FINE && logEdge(i) <= b * (1 + 1e-9); i++) c += this.counts[i + 1]!;
      return c;
    });
  }
}

const INT_MAX = 4096;

export class IntHistogram extends Histogram {
  constructor() {
    super(INT_MAX + 1);
  }

  static fromJSON(j: HistogramJson): IntHistogram {
    return new IntHistogram().load(j);
  }

  static between(earlier: HistogramJson, later: HistogramJson): IntHistogram {
    return new IntHistogram().load(later).subtract(earlier);
  }

  protected slot(x: number): number {
    return Math.min(INT_MAX, Math.round(x));
  }

  protected upper(slot: number): number {
    return slot;
  }
}

function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Number(x.toPrecision(4));
}
