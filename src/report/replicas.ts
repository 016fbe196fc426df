/**
 * How many copies a put really made: the distribution of acknowledged replicas (nodes other
 * than the putter that answered STORE_ACK ok), shown beside the store success ratio. Under
 * loss a put can "succeed" (≥ 1 acknowledgement) with a third of its replicas, and a success
 * ratio alone would say 100 % about it; these figures say how far below `replicas` puts land.
 */
import { Samples } from '../sim/samples.js';
import { fmt } from './table.js';

export interface ReplicaFigures {
  /** Puts measured. */
  puts: number;
  /** Replicas a put aims for (config `replicas`, k by default); acknowledgements count other nodes, so at most this. */
  target: number;
  /** k / 2: the line below which a put is counted as thin. */
  halfK: number;
  /** Acknowledged replicas per put (other nodes only). */
  mean: number;
  p5: number;
  p50: number;
  min: number;
  max: number;
  /** Share of puts acknowledged by fewer than k/2 other nodes. */
  belowHalfK: number;
  /** Share of puts acknowledged by no other node (failed puts, even when the putter kept a copy). */
  none: number;
  /** Nodes holding the value per put, the putter's own copy included (the figure reported before acked existed). */
  storedMean: number;
  /** [acknowledged replicas, puts] ascending; adds up to `puts`. */
  counts: Array<[number, number]>;
}

/** The figures from per-put rows: `acked` (other nodes that acknowledged) and `stored` (holders, putter included). */
export function replicaFigures(acked: ArrayLike<number>, stored: ArrayLike<number>, target: number, k: number): ReplicaFigures {
  const s = Samples.fromArray(acked);
  const halfK = k / 2;
  let below = 0;
  let none = 0;
  let holders = 0;
  for (let i = 0; i < acked.length; i++) {
    const a = acked[i]!;
    if (a < halfK) below++;
    if (a === 0) none++;
    holders += stored[i]!;
  }
  const n = acked.length;
  return {
    puts: n,
    target,
    halfK,
    mean: s.mean,
    p5: s.percentile(5),
    p50: s.percentile(50),
    min: s.min,
    max: s.max,
    belowHalfK: n ? below / n : NaN,
    none: n ? none / n : NaN,
    storedMean: n ? holders / n : NaN,
    counts: s.countsByValue(),
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');

/** One line for the terminal report, beside the store success ratio. */
export function formatReplicaLine(r: ReplicaFigures, successRatio: number): string {
  return (
    `Stores: ${pct(successRatio)} acknowledged by at least one other node; acknowledged replicas per put mean ${fmt(r.mean, 2)} of ${r.target}, ` +
    `p5 ${fmt(r.p5, 0)}, p50 ${fmt(r.p50, 0)}, min ${fmt(r.min, 0)}; ${pct(r.belowHalfK)} of puts below k/2 = ${fmt(r.halfK, 1)}, ${pct(r.none)} acknowledged by none` +
    ` (holders with the putter's own copy: ${fmt(r.storedMean, 2)})`
  );
}

/** The HTML table: acknowledged replicas → puts and share. */
export function replicaTable(r: ReplicaFigures): { headers: string[]; rows: Array<Array<string | number>> } {
  return {
    headers: ['acknowledged replicas (other nodes)', 'puts', 'share'],
    rows: r.counts.map(([v, c]) => [v, c, pct(r.puts ? c / r.puts : NaN)]),
  };
}
