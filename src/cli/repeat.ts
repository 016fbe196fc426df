/**
 * `stress --runs R`: the run repeated on R independently sampled networks
 * (seed, seed + 1, …: new IDs, keys, askers and latencies each time), each
 * on a fresh swarm, one after another. Each run's rows go to the CSV files
 * (--csv) as soon as it ends and only its report is kept, so R runs of a big
 * swarm do not hold R sets of per-operation arrays.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStress, type StressOptions, type StressResult } from '../swarm/stress-run.js';
import { buildStressReport, formatStressReport, type StressReport } from '../report/stress-report.js';
import { stressPlots, stressHtml } from '../report/stress-plots.js';
import { stressCsvFiles } from '../report/export.js';
import { buildRepeatedReport, formatRepeatedSummary, headlineFigures, summarizeRuns } from '../report/figures.js';
import { htmlReport } from '../report/html.js';
import { runEnvironmentAsync } from './environment.js';
import { observeEvents, type EventLog } from './events.js';
import { phaseProgress } from './progress.js';

export interface RepeatOptions {
  runs: number;
  events: EventLog;
  /** Folder for operations.csv, phases.csv and health.csv (created; files replaced). */
  csvDir?: string;
}

export interface RepeatedRuns {
  reports: StressReport[];
  /** The first run's raw result (its traces go to trace.json). */
  first: StressResult;
}

export async function repeatStress(opts: StressOptions, o: RepeatOptions): Promise<RepeatedRuns> {
  // The commit is read (a git process) while the first run starts, not before it.
  const environment = runEnvironmentAsync();
  const reports: StressReport[] = [];
  let first: StressResult | undefined;
  if (o.csvDir) mkdirSync(o.csvDir, { recursive: true });
  for (let i = 0; i < o.runs; i++) {
    const run = i + 1;
    const seed = opts.seed + i;
    if (o.runs > 1) console.error(`run ${run}/${o.runs}: seed ${seed}`);
    o.events.emit('run-start', { run, seed, nodes: opts.nodes });
    const bar = phaseProgress();
    let result: StressResult;
    try {
      result = await runStress({ ...opts, seed, network: { ...opts.network, seed } }, observeEvents(bar, o.events, { run, seed }));
    } catch (err) {
      bar.abort();
      o.events.emit('run-failed', { run, seed, error: (err as Error).message });
      throw err;
    }
    const report = buildStressReport(result, await environment);
    if (o.csvDir) {
      for (const [name, t] of Object.entries(stressCsvFiles(result, report, run))) {
        const file = join(o.csvDir, name);
        if (i === 0) writeFileSync(file, `${t.header}\n`);
        if (t.rows.length) appendFileSync(file, `${t.rows.join('\n')}\n`);
      }
    }
    o.events.emit('run-end', { run, seed, wallMs: report.totalWallMs, figures: headlineFigures(report) });
    reports.push(report);
    first ??= result;
  }
  if (o.runs > 1) o.events.emit('summary', { runs: o.runs, summary: summarizeRuns(reports) });
  return { reports, first: first! };
}

/**
 * The --out folder of a repeated run: report.json (every run plus the
 * summary), report.html (the summary and each run's text), and each run's own
 * report.json, HTML and plots in run-1/, run-2/, …
 */
export function writeRepeatedOut(out: string, reports: StressReport[]): string {
  const repeated = buildRepeatedReport(reports);
  const summary = formatRepeatedSummary(repeated);
  reports.forEach((r, i) => {
    const dir = join(out, `run-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.json'), JSON.stringify(r, null, 2));
    for (const [name, svg] of Object.entries(stressPlots(r))) writeFileSync(join(dir, name), svg);
    writeFileSync(join(dir, 'report.html'), stressHtml(r));
  });
  writeFileSync(join(out, 'report.json'), JSON.stringify(repeated, null, 2));
  const flags = reports[0]!.meta.flags as Record<string, unknown>;
  writeFileSync(
    join(out, 'report.html'),
    htmlReport({
      title: `kadswarm stress: ${String(flags.nodes)} nodes, ${reports.length} runs`,
      params: { ...flags, runs: reports.length, seeds: repeated.meta.seeds.join(', ') },
      sections: [{ heading: 'Mean and 95 % interval over the runs', pre: summary }, ...reports.map((r, i) => ({ heading: `Run ${i + 1} (seed ${String(r.meta.seed)})`, pre: formatStressReport(r) }))],
    }),
  );
  return summary;
}

/** One line per run for the terminal, before the summary table. */
export function runLine(r: StressReport, i: number): string {
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');
  return `run ${i + 1} (seed ${String(r.meta.seed)}): ${r.join.failed} joins failed, get ${pct(r.lookups.get.successRatio)}, get p95 ${r.lookups.get.latencyMs.p95.toFixed(1)} ms, FIND_NODE exact ${pct(r.findNode.exactRatio)}, ${(r.totalWallMs / 1000).toFixed(1)} s`;
}
