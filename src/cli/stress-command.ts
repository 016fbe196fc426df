/**
 * `kadswarm stress --nodes 10000` (alias `npm run stress -- …`): puts a swarm of real Kademlia nodes on
 * worker-thread shards, runs the workload phase by phase with progress bars,
 * and prints the report (JSON with --json, SVG plots and an HTML page in --out).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { StressOptions } from '../swarm/stress-run.js';
import { startProfiler } from '../swarm/profiler.js';
import { minLatency, type NetworkModel } from '../sim/network-model.js';
import { formatStressReport } from '../report/stress-report.js';
import { stressPlots, stressHtml } from '../report/stress-plots.js';
import { buildRepeatedReport } from '../report/figures.js';
import { openEventLog } from './events.js';
import { repeatStress, runLine, writeRepeatedOut } from './repeat.js';
import { BITS_FLAG, EXIT, bitsFlag, UsageError, filesWorkloadFlags, choiceFlag, commandUsage, intFlag as int, latencyFlag, numberFlag, parseFlags, ratioFlag as ratio, resolveKad, type FlagSpecs } from './flags.js';
import { checkMemory } from './memory-check.js';
import { DEFENCE_FLAGS, defenceConfig, subnetsFlag } from './defence-flags.js';
import { joinFlag, RUN_FLAGS } from './run-flags.js';
import { ADVERSARY_FLAGS, adversarySpec } from './adversary-flags.js';
import { SWEEP_ADVERSARY_FLAGS, adversarySweep, sweepGrid } from './adversary-sweep.js';

/** The flags of kadswarm stress: the parser and the --help lines (flags.ts). */
const STRESS_FLAGS = {
  config: RUN_FLAGS.config,
  nodes: { type: 'string', arg: 'N', default: '10000', help: 'nodes in the swarm' },
  workers: { type: 'string', arg: 'W', help: 'shards = worker threads (default: number of cores)' },
  keys: { type: 'string', arg: 'K', help: 'keys stored, then read back (default = nodes)' },
  k: { type: 'string', arg: 'K', help: 'bucket size and replication factor (default 20)' },
  alpha: { type: 'string', arg: 'A', help: 'lookup parallelism (default 3)' },
  bits: BITS_FLAG,
  ...DEFENCE_FLAGS,
  concurrency: { type: 'string', arg: 'C', default: '256', help: 'lookups in flight across the swarm' },
  'join-concurrency': { type: 'string', arg: 'C', default: '256', help: 'joins in flight across the swarm' },
  seed: { type: 'string', arg: 'S', default: '1', help: 'same seed, same IDs, keys and workload' },
  clock: { type: 'string', arg: 'real|virtual', default: 'real', help: 'wall-clock time, or virtual time: deterministic from the seed, any worker count' },
  latency: { type: 'string', arg: 'L', help: 'one-way latency: 0, 20ms, 20-200ms, pareto:20-2000ms (default 0; 20-200ms with --clock virtual)' },
  loss: { type: 'string', arg: 'P', default: '0', help: 'fraction of messages lost, 0..1' },
  zipf: { type: 'string', arg: 'S', default: '0', help: 'Zipf exponent of key popularity for gets; 0: every key once' },
  'min-success': { type: 'string', arg: 'R', default: '0.999', help: 'exit 1 below this ratio (0..1) of present keys found' },
  'max-p99-ms': { type: 'string', arg: 'MS', help: 'exit 1 when the 99th percentile latency of gets is above MS milliseconds (virtual ms with --clock virtual)' },
  trace: { type: 'string', arg: 'N', default: '0', help: 'write the step-by-step trace of N lookups per lookup phase to trace.json in --out' },
  json: { type: 'string', arg: 'FILE|-', help: 'also write the report as JSON to FILE, or to stdout with - (the text report then goes to stderr)' },
  csv: { type: 'string', arg: 'DIR', help: 'write operations.csv (one row per operation), phases.csv and health.csv (per sampled node) to DIR' },
  ndjson: { type: 'string', arg: 'FILE|-', help: 'write events as they happen (run and phase start/end, progress), one JSON object a line' },
  runs: { type: 'string', arg: 'R', default: '1', help: 'repeat on R networks (seed, seed+1, …) and report mean and 95 % interval of each figure' },
  out: { type: 'string', arg: 'DIR', help: 'folder for report.json, report.html and SVG plots (default reports/stress-<time>)' },
  'max-heap-mb': RUN_FLAGS['max-heap-mb'],
  force: RUN_FLAGS.force,
  'cpu-prof': { type: 'string', arg: '[DIR]', help: 'write .cpuprofile files for the supervisor and every shard (default profiles/)' },
  'check-invariants': RUN_FLAGS['check-invariants'],
  workload: RUN_FLAGS.workload,
  files: RUN_FLAGS.files,
  sources: RUN_FLAGS.sources,
  hosts: { type: 'string', arg: 'H', help: 'coordinate H `kadswarm host` processes (README "Running across machines"); --workers is then per host' },
  listen: { type: 'string', arg: 'ADDR', default: '0.0.0.0:7400', help: 'with --hosts: host:port the coordinator listens on (:0 picks a free port)' },
  ...ADVERSARY_FLAGS,
  ...SWEEP_ADVERSARY_FLAGS,
  join: RUN_FLAGS.join,
  'fault-shard': { type: 'string' },
  'fault-after': { type: 'string' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpecs;

/** Real-time timeouts with --loss > 0 (why: stressCommand); flags and --config "kad" override them. */
export const LOSSY_REAL_TIMEOUTS = { minTimeoutMs: 50, maxTimeoutMs: 2000, initialTimeoutMs: 250 } as const;

export const STRESS_USAGE = commandUsage('stress', STRESS_FLAGS, [
  'kadswarm stress --nodes 50000 --keys 10000',
  'kadswarm stress --nodes 20000 --clock virtual --latency pareto:20-2000ms --loss 0.01',
  'kadswarm stress --config swarm.json --nodes 2000 --max-p99-ms 500 --json report.json',
  'kadswarm stress --nodes 5000 --runs 5 --csv results/ --json runs.json',
  'kadswarm stress --nodes 10000 --workload files --files 1000 --sources 3',
], '0 ok, 1 the run failed a check (joins, --min-success, --max-p99-ms), 2 bad usage.');

export async function stressCommand(argv: string[]): Promise<number> {
  // --cpu-prof takes an optional folder: give it one when none follows.
  const args = argv.flatMap((a, i) => (a === '--cpu-prof' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) ? ['--cpu-prof', 'profiles'] : [a]));
  const { values, kad } = parseFlags('stress', args, STRESS_FLAGS);
  if (values.help) {
    console.log(STRESS_USAGE);
    return EXIT.ok;
  }
  // A routing-table slot keeps 24 bits of a node's handle (core/bucket-layout.ts): 2^24 nodes at most.
  const nodes = int('nodes', values.nodes, 1, 2 ** 24);
  const seed = int('seed', values.seed, 0);
  const clock = choiceFlag('clock', values.clock, ['real', 'virtual'] as const);
  const network: NetworkModel = { latency: latencyFlag('latency', values.latency ?? (clock === 'virtual' ? '20-200ms' : '0')), loss: ratio('loss', values.loss), jitter: 0.1, seed };
  // Virtual time advances in windows of the smallest latency: refuse zero before anything is spawned.
  if (clock === 'virtual' && !(minLatency(network) > 0)) throw new UsageError('--clock virtual needs a minimum latency above zero (e.g. --latency 20-200ms)');
  const zipf = numberFlag('zipf', values.zipf, 0);
  const joinMode = joinFlag(values.join, 'stress');
  const cpuProfileDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
  const config = {
    // Real time on a loaded machine: a reply can wait behind thousands of messages, so timeouts start
    // generous — on a lossless network every timeout is a slow reply, never a lost one. With --loss,
    // every lost message costs a lookup one timeout: a 2 s floor made a 30 %-loss run of 2,000 nodes
    // take 663 s (each lookup waited out ~13 of them; BENCHMARKS.md "Joins under loss"), so the
    // timeout follows what the replies measure (srtt + 4·rttvar, per contact, else twice the node's)
    // down to a 50 ms floor, and a newcomer with no sample yet waits 250 ms: a 250 ms floor and 1 s
    // initial timeout still made the 2,000-node run at 30 % loss take 194 s, while the replies come
    // back in milliseconds (latency 0). The adaptive timeout and the wait for a late reply stop at
    // 2 s: one RTT sample taken while the machine stalled inflates rttvar for many samples. Measured
    // 194 s → 63 s (floor, first timeout) → 48 s (the 2 s cap) on a quiet machine (BENCHMARKS.md
    // "Joins under loss", second step).
    // Virtual time has no such wait: the protocol's own defaults apply.
    ...(clock === 'real' ? (network.loss > 0 ? LOSSY_REAL_TIMEOUTS : { minTimeoutMs: 2000, maxTimeoutMs: 10_000, initialTimeoutMs: 5000 }) : {}),
    ...kad,
    ...(values.k !== undefined ? { k: int('k', values.k, 1) } : {}),
    ...(values.alpha !== undefined ? { alpha: int('alpha', values.alpha, 1) } : {}),
    ...bitsFlag(values.bits),
    ...defenceConfig(values),
    ...(joinMode.mode ? { joinMode: joinMode.mode } : {}),
  };
  const resolved = resolveKad(config);
  const files = filesWorkloadFlags(values, nodes);
  const sweeping = values['sweep-adversary'] === true;
  // The sweep sets F and the attack per run: --adversary and --attack are its, not the user's.
  if (sweeping && (values.adversary !== undefined || values.attack !== undefined)) throw new UsageError('--sweep-adversary sets --adversary and --attack itself: give --sweep-fractions and --sweep-attacks instead');
  const adversary = sweeping ? undefined : adversarySpec(values);
  const opts: StressOptions = {
    nodes,
    keys: values.keys ? int('keys', values.keys, 1) : nodes,
    seed,
    concurrency: int('concurrency', values.concurrency, 1),
    joinConcurrency: int('join-concurrency', values['join-concurrency'], 1),
    config: { ...config, k: resolved.k, alpha: resolved.alpha },
    network,
    zipf,
    checkSample: 1000,
    healthSample: 1000,
    trace: int('trace', values.trace, 0),
    clock,
    bootstraps: 16,
    checkInvariants: values['check-invariants'] === true,
    ...(files ? { files } : {}),
    ...(adversary ? { adversary } : {}),
    subnets: subnetsFlag(values),
    ...(values.workers ? { workers: int('workers', values.workers, 1) } : {}),
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    ...(values['max-heap-mb'] ? { maxHeapMb: int('max-heap-mb', values['max-heap-mb'], 64) } : {}),
    ...(values['fault-shard'] !== undefined ? { fault: { shard: int('fault-shard', values['fault-shard'], 0), afterMessages: int('fault-after', values['fault-after'] ?? '1000', 0) } } : {}),
  };
  if (values['fault-after'] !== undefined && values['fault-shard'] === undefined) throw new UsageError('--fault-after needs --fault-shard');
  const minSuccess = ratio('min-success', values['min-success']);
  const maxP99Ms = values['max-p99-ms'] !== undefined ? numberFlag('max-p99-ms', values['max-p99-ms'], 0) : Infinity;
  const runs = int('runs', values.runs, 1);
  if (values.hosts !== undefined) {
    const count = int('hosts', values.hosts, 1);
    if (runs > 1) throw new UsageError('--hosts runs once: the hosts end with the run (drop --runs)');
    if (opts.fault || cpuProfileDir) throw new UsageError('--hosts does not take --fault-shard or --cpu-prof');
    if (opts.adversary || values['sweep-adversary']) throw new UsageError('--hosts does not take --adversary or --sweep-adversary yet: run adversarial experiments on one host');
    // Imported only here: the host runner's modules (edge, coordinator, gateway) are not a one-machine run's.
    const { linksVersion } = await import('./host-command.js');
    opts.hosts = { count, listen: values.listen, version: linksVersion(), log: (line) => console.error(line) };
  }
  if (values.json === '-' && values.ndjson === '-') throw new UsageError('--json - and --ndjson - cannot both write to stdout: send one to a file');
  // Stdout carries the JSON or the events: the text report goes to stderr so it cannot corrupt them.
  const log = values.json === '-' || values.ndjson === '-' ? console.error : console.log;
  if (!opts.hosts) checkMemory({ nodes, workers: opts.workers ?? availableParallelism(), replicas: opts.keys * resolved.replicas }, values.force === true);
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const profiler = cpuProfileDir ? await startProfiler() : null;

  if (sweeping) {
    const out = resolve(values.out ?? join('reports', `adversary-sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`));
    try {
      await adversarySweep(opts, sweepGrid(values), out, log);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      console.error(`stress: ${(err as Error).message}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  }
  const events = openEventLog(values.ndjson);
  let done;
  try {
    done = await repeatStress(opts, { runs, events, ...(values.csv ? { csvDir: resolve(values.csv) } : {}) });
  } catch (err) {
    console.error(`stress: ${(err as Error).message}`);
    return EXIT.failed;
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
      return EXIT.failed;
    }
    // With adversaries a failed get is the measurement, not a fault: only an explicit --min-success checks.
    const checkSuccess = !adversary || argv.some((a) => a === '--min-success' || a.startsWith('--min-success='));
    if (checkSuccess && opts.network.loss === 0 && present < minSuccess) {
      console.error(`FAIL: ${(present * 100).toFixed(3)}% of present keys found, below --min-success ${minSuccess}${which}`);
      return EXIT.failed;
    }
    const p99 = r.lookups.get.latencyMs.p99;
    if (p99 > maxP99Ms) {
      console.error(`FAIL: the 99th percentile latency of gets is ${p99.toFixed(1)} ms, above --max-p99-ms ${maxP99Ms}${which}`);
      return EXIT.failed;
    }
  }
  return EXIT.ok;
}
