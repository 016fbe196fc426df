/**
 * `kadswarm compare A.json B.json`: the headline figures of two stress
 * reports side by side with the ratio B/A, and whether the difference is more
 * than run-to-run spread. Either file may be one run (stress --json) or a
 * repeated run (stress --runs R --json). Only repeated runs have intervals,
 * so only they can say "differs"; a single run is one sample and its spread
 * is unknown.
 */
import { FIGURES, formatFigure, summarizeRuns, type RepeatedStressReport } from './figures.js';
import { intervalsDiffer, type Interval } from './intervals.js';
import type { StressReport } from './stress-report.js';
import { formatTable } from './table.js';

export interface ComparedReport {
  /** The runs in the file (one for a single report). */
  runs: StressReport[];
  figures: Record<string, Interval>;
}

function isStressReport(x: unknown): x is StressReport {
  const r = x as Partial<StressReport> | null;
  return typeof r === 'object' && r !== null && typeof r.lookups === 'object' && typeof r.join === 'object' && typeof r.meta === 'object';
}

/** Reads a parsed report file; throws when it is neither a stress report nor a repeated one. */
export function comparedReport(doc: unknown, name: string): ComparedReport {
  const runs = (doc as Partial<RepeatedStressReport> | null)?.runs;
  if (Array.isArray(runs) && runs.length > 0 && runs.every(isStressReport)) return { runs, figures: summarizeRuns(runs) };
  if (isStressReport(doc)) return { runs: [doc], figures: summarizeRuns([doc]) };
  throw new Error(`${name} is not a kadswarm stress report (the JSON of stress --json or report.json)`);
}

export interface ComparisonRow {
  id: string;
  label: string;
  a: Interval;
  b: Interval;
  /** B / A, null when A is zero or either is missing. */
  ratio: number | null;
  /** true: the intervals do not overlap; false: they do; null: a side has no interval. */
  differs: boolean | null;
}

export function compareReports(a: ComparedReport, b: ComparedReport): ComparisonRow[] {
  return FIGURES.map((f) => {
    const x = a.figures[f.id]!;
    const y = b.figures[f.id]!;
    const ratio = x.mean !== null && y.mean !== null && x.mean !== 0 ? y.mean / x.mean : null;
    return { id: f.id, label: f.label, a: x, b: y, ratio, differs: intervalsDiffer(x, y) };
  });
}

/** The run settings that make two reports comparable; the ones that differ are listed above the table. */
const SETTINGS = ['nodes', 'workers', 'keys', 'k', 'alpha', 'concurrency', 'latency', 'loss', 'zipf'] as const;

function describe(r: ComparedReport): string {
  const m = r.runs[0]!.meta;
  const f = m.flags as Record<string, unknown>;
  const seeds = r.runs.map((x) => x.meta.seed);
  const runs = r.runs.length === 1 ? `1 run, seed ${String(seeds[0])}` : `${r.runs.length} runs, seeds ${String(seeds[0])}..${String(seeds[seeds.length - 1])}`;
  return `${String(f.nodes)} nodes, k = ${String(f.k)}, α = ${String(f.alpha)}, latency ${String(f.latency)}, ${String(m.clock)} clock; ${runs}; commit ${String(m.commit)}`;
}

export function formatComparison(a: ComparedReport, b: ComparedReport, names: { a: string; b: string }): string {
  const rows = compareReports(a, b);
  const unit = new Map(FIGURES.map((f) => [f.id, f.unit]));
  const show = (id: string, i: Interval): string => {
    const u = unit.get(id)!;
    if (i.low === null || i.high === null) return formatFigure(u, i.mean);
    return `${formatFigure(u, i.mean)} [${formatFigure(u, i.low)}, ${formatFigure(u, i.high)}]`;
  };
  const out = [`A: ${names.a} — ${describe(a)}`, `B: ${names.b} — ${describe(b)}`];
  const fa = a.runs[0]!.meta.flags as Record<string, unknown>;
  const fb = b.runs[0]!.meta.flags as Record<string, unknown>;
  const changed = SETTINGS.filter((s) => String(fa[s]) !== String(fb[s])).map((s) => `${s} ${String(fa[s])} vs ${String(fb[s])}`);
  if (a.runs[0]!.meta.clock !== b.runs[0]!.meta.clock) changed.push(`clock ${String(a.runs[0]!.meta.clock)} vs ${String(b.runs[0]!.meta.clock)}`);
  if (changed.length) out.push(`Settings that differ: ${changed.join(', ')}`);
  out.push('');
  out.push(
    formatTable(
      ['figure', 'A', 'B', 'B/A', 'difference'],
      rows.map((r) => [r.label, show(r.id, r.a), show(r.id, r.b), r.ratio === null ? 'n/a' : r.ratio.toFixed(3), r.differs === null ? 'intervals unknown' : r.differs ? 'differs' : 'within intervals']),
      { align: ['left', 'right', 'right', 'right', 'left'] },
    ),
  );
  out.push('');
  const single = [a.runs.length === 1 ? 'A' : '', b.runs.length === 1 ? 'B' : ''].filter(Boolean);
  if (single.length) {
    out.push(`${single.join(' and ')} ${single.length === 1 ? 'is a single run' : 'are single runs'}: intervals unknown, so no difference is called; repeat with stress --runs 3 (or more) to tell a difference from run-to-run spread.`);
  } else {
    out.push('"differs": the 95 % intervals of the two means do not overlap; "within intervals": they overlap (no difference shown at this number of runs).');
  }
  return out.join('\n');
}
