/**
 * Flat exports of a stress run for pandas, R or a spreadsheet (--csv DIR):
 * one row per operation, one per phase, one per sampled node's routing table.
 * Every row starts with the run number and seed, so the rows of `--runs R`
 * go into the same files and group by run. Functions return header and rows
 * as strings; the CLI writes the files.
 */
import { idToHex } from '../core/id.js';
import type { StressResult } from '../swarm/stress-run.js';
import { absentKeyName, findTarget, keyName } from '../swarm/workload.js';
import { fileWorkload } from '../swarm/files-workload.js';
import type { StressReport } from './stress-report.js';

type Cell = string | number | null | undefined;

/** A CSV cell: numbers as JavaScript prints them (full precision), NaN and missing as empty, text quoted when it needs to be. */
function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const csvLine = (cells: readonly Cell[]): string => cells.map(cell).join(',');

export interface CsvTable {
  header: string;
  rows: string[];
}

export const OPERATION_COLUMNS = ['run', 'seed', 'phase', 'kind', 'row', 'node', 'item', 'key', 'depth', 'rpcs', 'timeouts', 'timeout_wait_ms', 'latency_ms', 'ok', 'stored', 'acked'] as const;

/**
 * One row per operation of every phase but spawn, in phase order: joins
 * (node, RPCs and latency; `ok` is not kept per join, only the failed count in
 * phases.csv), then store, get, get-absent and find-node. `key` is the key's
 * name (key17, absent3) or, for find-node, the target ID in hex; for the file workload's
 * publish and find-sources the file's hash, for search the query's words.
 * `latency_ms` is virtual time under --clock virtual.
 */
export function operationsCsv(r: StressResult, run: number): CsvTable {
  const seed = r.options.seed;
  const rows: string[] = [];
  for (const p of r.phases) {
    if (p.kind === 'join') {
      // Joins run in node order 1..n−1 in both clocks (node 0 is the first contact), so row j is node j + 1.
      const rpcs = p.joinRpcs!;
      const durations = p.joinDurations!;
      for (let j = 0; j < p.count; j++) rows.push(csvLine([run, seed, p.name, 'join', j, j + 1, null, null, null, rpcs[j], null, null, durations[j], null, null, null]));
      continue;
    }
    const o = p.rows;
    if (!o) continue;
    const files = r.options.files ? fileWorkload(seed, r.options.nodes, r.options.files) : null;
    const key = (item: number): string => {
      // The file workload: the file's hash, or a search's words.
      if (files && p.kind === 'publish') return files.hex[Math.floor(item / files.spec.sources)]!;
      if (files && p.kind === 'find-sources') return files.hex[item]!;
      if (files && p.kind === 'search') return files.queries[item]!.join(' ');
      return p.kind === 'get-absent' ? absentKeyName(item) : p.kind === 'find' ? idToHex(findTarget(seed, item)) : keyName(item);
    };
    for (let j = 0; j < p.count; j++) {
      const item = p.items ? p.items[j]! : j;
      rows.push(csvLine([run, seed, p.name, p.kind, j, p.nodes?.[j], item, key(item), o.depth[j], o.rpcs[j], o.timeouts[j], o.timeoutWait[j], o.duration[j], o.ok[j], p.kind === 'put' ? o.stored[j] : null, p.kind === 'put' ? o.acked[j] : null]));
    }
  }
  return { header: csvLine(OPERATION_COLUMNS), rows };
}

export const PHASE_COLUMNS = ['run', 'seed', 'clock', 'phase', 'count', 'wall_ms', 'ops_per_sec', 'failed', 'ok_ratio', 'depth_mean', 'rpcs_mean', 'timeouts_mean', 'latency_mean_ms', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'latency_max_ms'] as const;

/** One row per phase; `wall_ms` is virtual time under --clock virtual, `failed` only for the join. */
export function phasesCsv(rep: StressReport, run: number): CsvTable {
  const lookups = rep.lookups as Record<string, StressReport['lookups']['get'] | undefined>;
  const rows = rep.phases.map((p) => {
    const l = lookups[p.name];
    const lat = l?.latencyMs ?? (p.name === 'join' ? rep.join.latencyMs : undefined);
    const rpcs = l?.rpcs ?? (p.name === 'join' ? rep.join.rpcs : undefined);
    return csvLine([
      run,
      rep.meta.seed as number,
      rep.meta.clock as string,
      p.name,
      p.count,
      p.wallMs,
      p.opsPerSec,
      p.name === 'join' ? rep.join.failed : null,
      l?.successRatio,
      l?.depth.mean,
      rpcs?.mean,
      l?.timeouts.mean,
      lat?.mean,
      lat?.p50,
      lat?.p95,
      lat?.p99,
      lat?.max,
    ]);
  });
  return { header: csvLine(PHASE_COLUMNS), rows };
}

export const HEALTH_COLUMNS = ['run', 'seed', 'node', 'contacts', 'buckets', 'empty_buckets', 'full_buckets', 'nearest_known', 'nearest_total', 'knows_all_nearest'] as const;

/** One row per sampled node (the --healthSample nodes whose tables are checked against the true k nearest). */
export function healthCsv(r: StressResult, run: number): CsvTable {
  const rows = r.healthNodes.map((h) => csvLine([run, r.options.seed, h.node, h.contacts, h.buckets, h.emptyBuckets, h.fullBuckets, h.nearestKnown, h.nearestTotal, h.nearestKnown === h.nearestTotal ? 1 : 0]));
  return { header: csvLine(HEALTH_COLUMNS), rows };
}

/** The three tables of one run, by file name. */
export function stressCsvFiles(r: StressResult, rep: StressReport, run: number): Record<string, CsvTable> {
  return { 'operations.csv': operationsCsv(r, run), 'phases.csv': phasesCsv(rep, run), 'health.csv': healthCsv(r, run) };
}
