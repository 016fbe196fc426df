/**
 * churn --sweep --runs R: one sweep point from R runs of the same
 * configuration and uptime on networks sampled from seed, seed + 1, … The
 * point's success ratio is the mean over the runs and successLow/High its
 * 95 % interval, which the sweep plot draws as error bars.
 */
import type { ChurnResult } from '../swarm/churn-run.js';
import type { SweepPoint } from './churn-report.js';
import { interval, type Interval } from './intervals.js';

export function sweepSuccess(results: readonly ChurnResult[]): Interval {
  const i = interval(results.map((r) => r.gets.success));
  // A ratio lives in [0, 1]; the t-interval of a mean near 1 would otherwise poke above it.
  return i.low === null || i.high === null ? i : { ...i, low: Math.max(0, i.low), high: Math.min(1, i.high) };
}

/**
 * The point of R runs: `result` is the first run's result with gets.success
 * replaced by the mean (the plot, the HTML tables and sweep.csv read it
 * there); its other figures are the first run's. Every run stays available
 * to the caller for the per-run CSV and JSON.
 */
export function repeatedSweepPoint(at: Omit<SweepPoint, 'result' | 'successLow' | 'successHigh'>, results: readonly ChurnResult[]): SweepPoint {
  const first = results[0]!;
  const s = sweepSuccess(results);
  const point: SweepPoint = { ...at, result: { ...first, gets: { ...first.gets, success: s.mean ?? NaN } } };
  if (s.low !== null && s.high !== null) {
    point.successLow = s.low;
    point.successHigh = s.high;
  }
  return point;
}
