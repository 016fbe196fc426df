/**
 * `kadswarm stress --nodes 10000` (alias `npm run stress -- …`): puts a swarm of real Kademlia nodes on
 * worker-thread shards, runs the workload phase by phase with progress bars,
 * and prints the report (JSON with --json, SVG plots and an HTML page in --out).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StressOptions } from '../swarm/stress-run.js';
import { startProfiler } from '../swarm/profiler.js';
import { parseLatency, type NetworkModel } from '../sim/network-model.js';
import { formatStressReport, stressPlots, stressHtml } from '../report/stress-report.js';
import { buildRepeatedReport } from '../report/figures.js';
import { openEventLog } from './events.js';
import { repeatStress, runLine, writeRepeatedOut } from './repeat.js';
import { choiceFlag, intFlag as int, numberFlag, ratioFlag as ratio } from './flags.js';

export const STRESS_USAGE = `Usage: kadswarm stress [options]
   or: npm run stress -- [options]   (in a checkout: builds first)
  --nodes N            nodes in the swarm (default 10000)
  --workers W          shards = worker threads (default: number of cores)
  --keys K             keys stored, then read back (default = nodes)
  --k K, --alpha A     bucket size and lookup parallelism (default 20, 3)
  --concurrency C      lookups in flight across the swarm (default 256)
  --join-concurrency C joins in flight across the swarm (default 256)
  --seed S             same seed, same IDs, keys and workload (default 1)
  --clock real|virtual real time (default), or virtual time: deterministic from the seed, any worker count
  --latency L          one-way latency: 0, 20ms, 20-200ms, pareto:20-2000ms (default 0; 20-200ms with --clock virtual)
  --loss P             fraction of messages lost (default 0)
  --zipf S             Zipf exponent of key popularity for gets (default 0: every key once)
  --min-success R      exit non-zero below this ratio of present keys found (default 0.999)
  --trace N            write the step-by-step trace of N lookups per lookup phase to trace.json in --out
  --json FILE|-        also write the report as JSON to FILE, or to stdout with - (the text report then goes to stderr)
  --csv DIR            write operations.csv (one row per operation), phases.csv and health.csv (per sampled node) to DIR
  --ndjson FILE|-      write events as they happen (run and phase start/end, progress), one JSON object a line
  --runs R             repeat on R networks (seed, seed+1, …) and report mean and 95 % interval of each figure (default 1)
  --out DIR            folder for report.json, report.html and SVG plots (default reports/stress-<time>)
  --cpu-prof [DIR]     write .cpuprofile files for the supervisor and every shard (default profiles/)
  --check-invariants   check the simulator's invariants after every event (slower); a broken one ends the run with the seed`;

export async function stressCommand(argv: string[]): Promise<number> {
  // --cpu-prof takes an optional folder: give it one when none follows.
  const args = argv.flatMap((a, i) => (a === '--cpu-prof' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) ? ['--cpu-prof', 'profiles'] : [a]));
  const { values } = parseArgs({
    args,
    options: {
      nodes: { type: 'string', default: '10000' },
      workers: { type: 'string' },
      keys: { type: 'string' },
      k: { type: 'string', default: '20' },
      alpha: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '256' },
      'join-concurrency': { type: 'string', default: '256' },
      seed: { type: 'string', default: '1' },
      latency: { type: 'string' },
      clock: { type: 'string', default: 'real' },
      loss: { type: 'string', default: '0' },
      zipf: { type: 'string', default: '0' },
      'min-success': { type: 'string', default: '0.999' },
      json: { type: 'string' },
      csv: { type: 'string' },
      ndjson: { type: 'string' },
      runs: { type: 'string', default: '1' },
      trace: { type: 'string', default: '0' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'max-heap-mb': { type: 'string' },
      'fault-shard': { type: 'string' },
      'fault-after': { type: 'string' },
      'check-invariants': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(STRESS_USAGE);
    return 0;
  }
  const nodes = int('nodes', values.nodes!, 1);
  const seed = int('seed', values.seed!, 0);
  const clock = choiceFlag('clock', values.clock!, ['real', 'virtual'] as const);
  const network: NetworkModel = { latency: parseLatency(values.latency ?? (clock === 'virtual' ? '20-200ms' : '0')), loss: ratio('loss', values.loss!), jitter: 0.1, seed };
  const zipf = numberFlag('zipf', values.zipf!, 0);
  const cpuProfileDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
  const opts: StressOptions = {
    nodes,
    keys: values.keys ? int('keys', values.keys, 1) : nodes,
    seed,
    concurrency: int('concurrency', values.concurrency!, 1),
    joinConcurrency: int('join-concurrency', values['join-concurrency']!, 1),
    config: {
      k: int('k', values.k!, 1),
      alpha: int('alpha', values.alpha!, 1),
      // Real time on a loaded machine: a reply can wait behind thousands of messages, so timeouts start
      // generous. Virtual time has no such wait: the protocol's own defaults apply.
      ...(clock === 'real' ? { minTimeoutMs: 2000, maxTimeoutMs: 10_000, initialTimeoutMs: 5000 } : {}),
    },
    network,
    zipf,
    checkSample: 1000,
    healthSample: 1000,
    trace: int('trace', values.trace!, 0),
    clock,
    bootstraps: 16,
    checkInvariants: values['check-invariants']!,
    ...(values.workers ? { workers: int('workers', values.workers, 1) } : {}),
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    ...(values['max-heap-mb'] ? { maxHeapMb: int('max-heap-mb', values['max-heap-mb'], 64) } : {}),
    ...(values['fault-shard'] !== undefined ? { fault: { shard: int('fault-shard', values['fault-shard'], 0), afterMessages: int('fault-after', values['fault-after'] ?? '1000', 0) } } : {}),
  };
  if (values['fault-after'] !== undefined && values['fault-shard'] === undefined) throw new Error('--fault-after needs --fault-shard');
  const minSuccess = ratio('min-success', values['min-success']!);
  const runs = int('runs', values.runs!, 1);
  if (values.json === '-' && values.ndjson === '-') throw new Error('--json - and --ndjson - cannot both write to stdout: send one to a file');
  // Stdout carries the JSON or the events: the text report goes to stderr so it cannot corrupt them.
  const log = values.json === '-' || values.ndjson === '-' ? console.error : console.log;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const profiler = cpuProfileDir ? await startProfiler() : null;

  const events = openEventLog(values.ndjson);
  let done;
  try {
    done = await repeatStress(opts, { runs, events, ...(values.csv ? { csvDir: resolve(values.csv) } : {}) });
  } catch (err) {
    console.error(`stress: ${(err as Error).message}`);
    return 1;
  } finally {
    events.close();
    if (profiler) await profiler.stop(join(cpuProfileDir!, 'supervisor.cpuprofile'));
  }
  const { reports, first: result } = done;
  const report = reports[0]!;
  const out = resolve(values.out ?? join('reports', `stress-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(out, { recursive: true });
  if (runs === 1) {
    log(formatStressReport(report));
    writeFileSync(join(out, 'report.json'), JSON.stringify(report, null, 2));
    for (const [name, svg] of Object.entries(stressPlots(report))) writeFileSync(join(out, name), svg);
    writeFileSync(join(out, 'report.html'), stressHtml(report));
  } else {
    log('');
    for (const [i, r] of reports.entries()) log(runLine(r, i));
    log('');
    log(writeRepeatedOut(out, reports));
  }
  const json = JSON.stringify(runs === 1 ? report : buildRepeatedReport(reports), null, 2);
  if (values.json === '-') process.stdout.write(`${json}\n`);
  else if (values.json) writeFileSync(values.json, json);
  if (values.csv) log(`CSV: ${['operations.csv', 'phases.csv', 'health.csv'].map((f) => join(resolve(values.csv!), f)).join(', ')}`);
  if (opts.trace > 0) {
    const traces = result.phases.flatMap((p) => (p.rows?.traces ?? []).map((t) => ({ phase: p.name, ...t })));
    writeFileSync(join(out, 'trace.json'), JSON.stringify({ note: 'peer = node index; t = ms since the lookup started; depth = learned-from depth', traces }, null, 1));
    log(`Traces of ${traces.length} lookups${runs > 1 ? ' (first run)' : ''}: ${join(out, 'trace.json')}`);
  }
  log(`Report: ${join(out, 'report.html')} (JSON ${runs > 1 ? 'beside it, each run in run-N/' : 'and SVG plots beside it'})${values.json && values.json !== '-' ? `; JSON also in ${values.json}` : ''}`);
  if (cpuProfileDir) log(`CPU profiles: ${cpuProfileDir} (open in Chrome DevTools → Performance, or speedscope)`);

  // Every run must pass; a failure names its seed when there are several.
  for (const r of reports) {
    const which = runs > 1 ? ` (run with seed ${String(r.meta.seed)})` : '';
    const failedJoins = r.join.failed;
    const present = r.lookups.get.successRatio;
    if (failedJoins > 0) {
      console.error(`FAIL: ${failedJoins} joins failed${which}`);
      return 1;
    }
    if (opts.network.loss === 0 && present < minSuccess) {
      console.error(`FAIL: ${(present * 100).toFixed(3)}% of present keys found, below --min-success ${minSuccess}${which}`);
      return 1;
    }
  }
  return 0;
}

