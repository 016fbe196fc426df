/**
 * Mean and 95 % confidence interval over repeated runs (--runs R). A run of a
 * swarm is one sample of a random network, so one figure from one run says
 * nothing about how much it moves with the seed; R runs give the mean and an
 * interval for it. With few runs the normal 1.96 is too narrow, so the
 * interval uses Student's t with R − 1 degrees of freedom.
 */
import { fmt } from './table.js';

/**
 * Two-sided 95 % critical values of Student's t for 1..30 degrees of freedom
 * (t₀.₉₇₅,df); above 30 the normal 1.96 is within 4 % and is used instead.
 */
export const T_95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042] as const;

export function tCritical95(df: number): number {
  if (!(df >= 1)) throw new RangeError(`t critical value needs at least 1 degree of freedom, got ${df}`);
  return df <= T_95.length ? T_95[Math.floor(df) - 1]! : 1.96;
}

/**
 * A figure over R runs. `low`/`high` are null with one usable run (no
 * spread to estimate), so a report never prints a zero-width interval as if
 * it were certain; `mean` is null when no run had the figure (e.g. no lookups).
 */
export interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
  /** Runs with a finite value (a run whose figure is NaN, e.g. no operations of that kind, is left out). */
  runs: number;
}

export function interval(values: readonly number[]): Interval {
  const xs = values.filter((x) => Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return { mean: null, low: null, high: null, runs: 0 };
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  if (n === 1) return { mean, low: null, high: null, runs: 1 };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const half = (tCritical95(n - 1) * Math.sqrt(variance)) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half, runs: n };
}

/** True when both intervals are known and do not overlap: the difference is more than the run-to-run spread explains. */
export function intervalsDiffer(a: Interval, b: Interval): boolean | null {
  if (a.low === null || a.high === null || b.low === null || b.high === null) return null;
  return a.high < b.low || b.high < a.low;
}

/** "12.3 [11.9, 12.7]", or "12.3 (one run: no interval)"; `show` formats one number. */
export function formatInterval(i: Interval, show: (x: number) => string = (x) => fmt(x, 2)): string {
  if (i.mean === null) return 'n/a';
  if (i.low === null || i.high === null) return `${show(i.mean)} (one run: no interval)`;
  return `${show(i.mean)} [${show(i.low)}, ${show(i.high)}]`;
}
