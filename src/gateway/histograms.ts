/**
 * Fixed-bucket histograms for a gateway that runs for hours: constant memory
 * whatever the number of requests, mergeable (a window is the sum of its
 * one-second slots) and subtractable (a load run is "after minus before").
 *
 * LogHistogram holds latencies in milliseconds: 20 buckets per decade from
 * 0.01 ms to 100 s, so a percentile is the upper edge of its bucket, at most
 * 12 % (10^(1/20)) above the true value, and never above the largest value
 * seen. Values below 0.01 ms (a record the asking node held itself: 0 ms) go
 * to an underflow bucket, values from 100 s up to an overflow bucket.
 *
 * IntHistogram holds small integers (hops, RPCs per lookup) exactly, with an
 * overflow bucket from 4096 up.
 */

const PER_DECADE = 20;
const MIN_EXP = -2;
const DECADES = 7;
/** Fine buckets between the underflow and the overflow bucket. */
const FINE = PER_DECADE * DECADES;

/** Upper edge of fine bucket i (0-based), in ms. */
export function logEdge(i: number): number {
  return 10 ** (MIN_EXP + (i + 1) / PER_DECADE);
}

const LOW = 10 ** MIN_EXP;
const HIGH = 10 ** (MIN_EXP + DECADES);

export interface HistogramJson {
  count: number;
  sum: number;
  /** Largest value seen; null after a subtraction (it cannot be known). */
  max: number | null;
  /** Bucket counts; see the class for the layout. */
  counts: number[];
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

  toJSON(): HistogramJson {
    return { count: this.count, sum: this.sum, max: Number.isFinite(this.max) ? this.max : null, counts: Array.from(this.counts) };
  }

  protected load(j: HistogramJson): this {
    if (j.counts.length !== this.counts.length) throw new Error(`histogram: expected ${this.counts.length} buckets, got ${j.counts.length}`);
    this.counts.set(j.counts);
    this.count = j.count;
    this.sum = j.sum;
    this.max = j.max ?? -Infinity;
    return this;
  }

  /** this − earlier, bucket by bucket (for "what happened between two snapshots"). */
  protected subtract(earlier: HistogramJson): this {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = Math.max(0, this.counts[i]! - (earlier.counts[i] ?? 0));
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
    if (slot === 0) return LOW;
    if (slot === FINE + 1) return Number.isFinite(this.max) ? this.max : HIGH;
    return logEdge(slot - 1);
  }

  /**
   * Buckets for a chart, `perDecade` (a divisor of 20) per decade, from the
   * first to the last non-empty one; the underflow bucket shows as [0, 0.01).
   */
  display(perDecade = 4): DisplayBucket[] {
    const step = PER_DECADE / perDecade;
    if (!Number.isInteger(step)) throw new RangeError('display: perDecade must divide 20');
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

  /** Compact form for JSON: only the non-empty values. */
  override toJSON(): HistogramJson {
    let last = this.counts.length;
    while (last > 0 && this.counts[last - 1] === 0) last--;
    return { count: this.count, sum: this.sum, max: Number.isFinite(this.max) ? this.max : null, counts: Array.from(this.counts.subarray(0, last)) };
  }

  protected override load(j: HistogramJson): this {
    const padded = { ...j, counts: [...j.counts, ...new Array<number>(Math.max(0, this.counts.length - j.counts.length)).fill(0)] };
    return super.load(padded);
  }
}

function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Number(x.toPrecision(4));
}
