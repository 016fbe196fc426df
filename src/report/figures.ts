/**
 * The headline figures of a stress report, and the report of R repeated runs
 * (--runs R): every run's report plus, per figure, the mean and 95 %
 * interval over the runs. `kadswarm compare` reads the same figures, so
 * what a repeated run summarises is exactly what a comparison compares.
 */
import { interval, formatInterval, tCritical95, type Interval } from './intervals.js';
import type { StressReport } from './stress-report.js';
import { fmt, formatBytes, formatTable } from './table.js';

export type FigureUnit = 'ratio' | 'ms' | 'us' | 's' | 'count' | 'bytes' | 'rate';

export interface Figure {
  /** Key in the repeated report's `summary` (stable: scripts read it). */
  id: string;
  label: string;
  unit: FigureUnit;
  of(r: StressReport): number;
}

const OPS = ['store', 'get', 'get-absent', 'find-node'] as const;

// Figures added after the first repeated reports read `?? NaN`: an older report shows them as n/a.
export const FIGURES: readonly Figure[] = [
  { id: 'join.joinsPerSec', label: 'join rate, joins/s', unit: 'rate', of: (r) => r.join.joinsPerSec },
  { id: 'join.rpcs.mean', label: 'RPCs per join mean', unit: 'count', of: (r) => r.join.rpcs?.mean ?? NaN },
  { id: 'health.afterJoin', label: 'tables knowing their k nearest after join', unit: 'ratio', of: (r) => r.health?.afterJoin ?? NaN },
  ...OPS.flatMap((op): Figure[] => [
    { id: `${op}.opsPerSec`, label: `${op} ops/s`, unit: 'rate', of: (r) => r.lookups[op].opsPerSec ?? NaN },
    { id: `${op}.successRatio`, label: `${op} success`, unit: 'ratio', of: (r) => r.lookups[op].successRatio },
    { id: `${op}.depth.mean`, label: `${op} depth mean`, unit: 'count', of: (r) => r.lookups[op].depth.mean },
    { id: `${op}.rpcs.mean`, label: `${op} RPCs mean`, unit: 'count', of: (r) => r.lookups[op].rpcs.mean },
    { id: `${op}.latencyMs.p50`, label: `${op} latency p50`, unit: 'ms', of: (r) => r.lookups[op].latencyMs.p50 },
    { id: `${op}.latencyMs.p95`, label: `${op} latency p95`, unit: 'ms', of: (r) => r.lookups[op].latencyMs.p95 },
    { id: `${op}.latencyMs.p99`, label: `${op} latency p99`, unit: 'ms', of: (r) => r.lookups[op].latencyMs.p99 },
  ]),
  // Older reports have no replica figures: NaN, shown as n/a.
  { id: 'store.replicas.mean', label: 'store acknowledged replicas mean', unit: 'count', of: (r) => r.store?.replicas?.mean ?? NaN },
  { id: 'store.replicas.p5', label: 'store acknowledged replicas p5', unit: 'count', of: (r) => r.store?.replicas?.p5 ?? NaN },
  { id: 'store.replicas.belowHalfK', label: 'stores below k/2 replicas', unit: 'ratio', of: (r) => r.store?.replicas?.belowHalfK ?? NaN },
  { id: 'findNode.exactRatio', label: 'FIND_NODE exact k closest', unit: 'ratio', of: (r) => r.findNode.exactRatio },
  { id: 'memory.bytesPerNodeAfterJoin', label: 'bytes/node after join', unit: 'bytes', of: (r) => r.memory.bytesPerNodeAfterJoin },
  { id: 'memory.bytesPerNodeAfterRun', label: 'bytes/node after run', unit: 'bytes', of: (r) => r.memory.bytesPerNodeAfterRun },
  // null where the platform has no per-thread CPU clock: n/a.
  { id: 'traffic.cpuPerMessageUs', label: 'shard CPU per message', unit: 'us', of: (r) => r.traffic?.cpuPerMessageUs ?? NaN },
  { id: 'totalWallS', label: 'total wall time', unit: 's', of: (r) => r.totalWallMs / 1000 },
];

/** One number in the figure's unit, for tables. JSON `null` (a NaN written out) reads as n/a. */
export function formatFigure(unit: FigureUnit, x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  switch (unit) {
    case 'ratio':
      return `${(x * 100).toFixed(2)}%`;
    case 'ms':
      return `${fmt(x, 1)} ms`;
    case 'us':
      return `${fmt(x, 2)} µs`;
    case 's':
      return `${fmt(x, 2)} s`;
    case 'bytes':
      return formatBytes(x);
    case 'rate':
      return fmt(x, 0);
    case 'count':
      return fmt(x, 2);
  }
}

/** The figures of one report, by id. */
export function headlineFigures(r: StressReport): Record<string, number> {
  return Object.fromEntries(FIGURES.map((f) => [f.id, f.of(r)]));
}

/**
 * The mean and interval of every figure over the runs, clipped to where the figure lives: every
 * figure here is at least 0 (rates, counts, times, bytes), a ratio at most 1. A t-interval over
 * three runs is wide, and "latency [-8.7 ms, 111.9 ms]" says nothing a reader can use.
 */
export function summarizeRuns(runs: readonly StressReport[]): Record<string, Interval> {
  return Object.fromEntries(
    FIGURES.map((f) => {
      const i = interval(runs.map((r) => f.of(r)));
      if (i.low === null || i.high === null) return [f.id, i];
      return [f.id, { ...i, low: Math.max(0, i.low), high: f.unit === 'ratio' ? Math.min(1, i.high) : i.high }];
    }),
  );
}

/** `stress --runs R`: seed, seed + 1, … each a new network; `summary` is recomputable from `runs`. */
export interface RepeatedStressReport {
  meta: { tool: 'kadswarm stress'; runs: number; seeds: number[]; interval: string };
  summary: Record<string, Interval>;
  runs: StressReport[];
}

export function buildRepeatedReport(runs: StressReport[]): RepeatedStressReport {
  return {
    meta: {
      tool: 'kadswarm stress',
      runs: runs.length,
      seeds: runs.map((r) => r.meta.seed as number),
      interval: "95 % confidence interval of the mean, Student's t with runs - 1 degrees of freedom; low/high null with one run",
    },
    summary: summarizeRuns(runs),
    runs,
  };
}

export function formatRepeatedSummary(rep: RepeatedStressReport): string {
  const n = rep.runs.length;
  const seeds = rep.meta.seeds;
  const head =
    n > 1
      ? `${n} runs (seeds ${seeds[0]}..${seeds[seeds.length - 1]}, a new network each): mean and 95 % interval of the mean (Student's t = ${tCritical95(n - 1)}, ${n - 1} degrees of freedom)`
      : `1 run (seed ${seeds[0]}): one run: no interval (use --runs 3 or more)`;
  const rows = FIGURES.map((f) => {
    const i = rep.summary[f.id]!;
    const values = rep.runs.map((r) => f.of(r)).filter((x) => Number.isFinite(x));
    const show = (x: number): string => formatFigure(f.unit, x);
    return [f.label, formatInterval(i, show), values.length ? show(Math.min(...values)) : 'n/a', values.length ? show(Math.max(...values)) : 'n/a'];
  });
  return `${head}\n${formatTable(['figure', 'mean [95% interval]', 'min run', 'max run'], rows, { align: ['left', 'left', 'right', 'right'] })}`;
}
