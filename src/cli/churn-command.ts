/**
 * `kadswarm churn` (alias `npm run churn -- …`): Kademlia under churn in
 * deterministic virtual time — one run, or with --sweep the grid of mean
 * uptimes × (k, α) configurations — and lookup cost at scale without churn
 * (--finds N, --join oracle).
 */
import { runEnvironment } from './environment.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MINUTE, SECOND, type KadConfig } from '../core/config.js';
import { linksVersion } from './host-command.js';
import { runChurn, type ChurnOptions, type ChurnResult } from '../swarm/churn-run.js';
import { churnHtml, churnJson, churnPlots, formatChurnRun, sweepCsv, sweepHtml, sweepParams, sweepPlots, type SweepPoint } from '../report/churn-report.js';
import { repeatedSweepPoint, sweepSuccess } from '../report/sweep-intervals.js';
import { BITS_FLAG, EXIT, bitsFlag, UsageError, filesWorkloadFlags, choiceFlag, commandUsage, durationFlag as duration, intFlag as int, latencyFlag, numberFlag, parseFlags, ratioFlag, resolveKad, type FlagSpecs } from './flags.js';
import { checkMemory } from './memory-check.js';
import { DEFENCE_FLAGS, defenceConfig, subnetsFlag } from './defence-flags.js';
import { ADVERSARY_FLAGS, adversarySpec } from './adversary-flags.js';
import { joinFlag, RUN_FLAGS } from './run-flags.js';
import { phaseProgress } from './progress.js';

/** The flags of kadswarm churn: the parser and the --help lines (flags.ts). */
const CHURN_FLAGS = {
  config: RUN_FLAGS.config,
  nodes: { type: 'string', arg: 'N', default: '400', help: 'nodes' },
  workers: { type: 'string', arg: 'W', default: '1', help: 'shards; the run is the same for any W' },
  k: { type: 'string', arg: 'K', help: 'bucket size (default 20)' },
  alpha: { type: 'string', arg: 'A', help: 'lookup parallelism (default 3)' },
  bits: BITS_FLAG,
  ...DEFENCE_FLAGS,
  ...ADVERSARY_FLAGS,
  replicas: { type: 'string', arg: 'R', help: 'nodes a value is stored on (default k)' },
  'no-replicate': { type: 'boolean', help: 'turn replication and republishing off' },
  uptime: { type: 'string', arg: 'T', default: '30m', help: 'mean uptime, a duration (ms, s, m, h); 0 = no churn' },
  downtime: { type: 'string', arg: 'T', help: 'mean downtime (default = uptime)' },
  restart: { type: 'string', arg: 'keep|fresh', default: 'keep', help: 'a returning node keeps its table and records, or loses them' },
  duration: { type: 'string', arg: 'T', help: 'measured virtual time after the joins (default 6h; 2h with --sweep, 10m with --finds)' },
  keys: { type: 'string', arg: 'K', default: '100', help: 'values stored at the start, each by a live node that stays up a minute' },
  'get-rate': { type: 'string', arg: 'R', default: '1', help: 'gets per second of virtual time' },
  'put-rate': { type: 'string', arg: 'R', default: '0', help: 'puts per second during the run: random keys stored again from random live nodes' },
  latency: { type: 'string', arg: 'L', default: '20-200ms', help: 'one-way latency, above zero: 20ms, 20-200ms, pareto:20-2000ms' },
  loss: { type: 'string', arg: 'P', default: '0', help: 'fraction of messages lost, 0..1' },
  seed: { type: 'string', arg: 'S', default: '1', help: 'the same seed gives the same run' },
  join: RUN_FLAGS.join,
  finds: { type: 'string', arg: 'N', default: '0', help: 'FIND_NODE lookups for random targets (lookup cost), checked against the truth' },
  'replicate-every': { type: 'string', arg: 'T', help: 'replication interval (default 1h)' },
  'republish-every': { type: 'string', arg: 'T', help: 'republish interval (default 23h)' },
  expire: { type: 'string', arg: 'T', help: 'record lifetime (default 24h)' },
  'refresh-every': { type: 'string', arg: 'T', help: 'bucket refresh interval (default 1h)' },
  bucket: { type: 'string', arg: 'T', default: '30m', help: 'report bucket' },
  hosts: { type: 'string', arg: 'H', help: 'coordinate H `kadswarm host` processes (README "Running across machines"); --workers is then per host' },
  listen: { type: 'string', arg: 'ADDR', default: '0.0.0.0:7400', help: 'with --hosts: host:port the coordinator listens on (:0 picks a free port)' },
  sweep: { type: 'boolean', help: 'uptime = downtime in {5,10,20,40,60,120} min × {k 1,2,3,5,20 with α 1; k 3 with α 3}' },
  json: { type: 'string', arg: 'FILE|-', help: 'also write the JSON report to FILE, or to stdout with - (the text then goes to stderr)' },
  runs: { type: 'string', arg: 'R', default: '1', help: 'with --sweep: every point on R networks (seed, seed+1, …), mean success and 95 % error bars' },
  out: { type: 'string', arg: 'DIR', help: 'folder for the reports (default reports/churn-<time>)' },
  'max-heap-mb': RUN_FLAGS['max-heap-mb'],
  force: RUN_FLAGS.force,
  'check-invariants': RUN_FLAGS['check-invariants'],
  workload: RUN_FLAGS.workload,
  files: RUN_FLAGS.files,
  sources: RUN_FLAGS.sources,
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpecs;

export const CHURN_USAGE = commandUsage('churn', CHURN_FLAGS, [
  'kadswarm churn --nodes 1000 --uptime 20m --duration 2h',
  'kadswarm churn --nodes 100000 --join oracle --finds 10000 --workers 2',
  'kadswarm churn --config churn.json --restart fresh --json churn.json',
  'kadswarm churn --nodes 1000 --workload files --files 100 --sources 3 --duration 2h',
], '0 ok, 1 joins failed, 2 bad usage.');

export async function churnCommand(argv: string[]): Promise<number> {
  const { values, kad } = parseFlags('churn', argv, CHURN_FLAGS);
  if (values.help) {
    console.log(CHURN_USAGE);
    return EXIT.ok;
  }
  const restart = choiceFlag('restart', values.restart, ['keep', 'fresh'] as const);
  const joinChoice = joinFlag(values.join, 'churn');
  const getRate = numberFlag('get-rate', values['get-rate'], 0);
  const putRate = numberFlag('put-rate', values['put-rate'], 0);
  const finds = int('finds', values.finds, 0);
  const uptimeMs = duration('uptime', values.uptime);
  const runs = int('runs', values.runs, 1);
  if (runs > 1 && !values.sweep) throw new UsageError('--runs needs --sweep (a single churn run is not repeated yet)');
  // Source lookups and searches each come at --get-rate per second, after the files are published.
  const files = filesWorkloadFlags(values, int('nodes', values.nodes, 2, 2 ** 24));
  if (files && (values.sweep || finds > 0)) throw new UsageError(`--workload files is for a single churn run, not with ${values.sweep ? '--sweep' : '--finds'}`);
  // --json -: stdout carries the JSON, so the text goes to stderr.
  const log = values.json === '-' ? console.error : console.log;
  const writeJson = (json: string): void => {
    if (values.json === '-') process.stdout.write(`${json}\n`);
    else if (values.json) writeFileSync(values.json, json);
  };
  // The protocol settings: the file's, then the flags'; a sweep sets k and α per run.
  const kadConfig: Partial<KadConfig> = { ...kad };
  if (joinChoice.mode) kadConfig.joinMode = joinChoice.mode;
  if (values.k !== undefined) kadConfig.k = int('k', values.k, 1);
  if (values.alpha !== undefined) kadConfig.alpha = int('alpha', values.alpha, 1);
  Object.assign(kadConfig, bitsFlag(values.bits), defenceConfig(values));
  if (values['no-replicate']) kadConfig.replicate = false;
  if (values.replicas) kadConfig.replicas = int('replicas', values.replicas, 1);
  if (values['replicate-every']) kadConfig.replicateMs = duration('replicate-every', values['replicate-every']);
  if (values['republish-every']) kadConfig.republishMs = duration('republish-every', values['republish-every']);
  if (values.expire) kadConfig.expireMs = duration('expire', values.expire);
  if (values['refresh-every']) kadConfig.refreshMs = duration('refresh-every', values['refresh-every']);
  const resolved = resolveKad(kadConfig);
  const adversary = adversarySpec(values);
  const base = (k: number, alpha: number, upMs: number): ChurnOptions => {
    const seed = int('seed', values.seed, 0);
    const config: ChurnOptions['config'] = { ...kadConfig, k, alpha };
    const loss = ratioFlag('loss', values.loss);
    const churn = upMs > 0 && finds === 0;
    return {
      nodes: int('nodes', values.nodes, 2, 2 ** 24),
      workers: int('workers', values.workers, 1),
      seed,
      config,
      network: { latency: latencyFlag('latency', values.latency), loss, jitter: 0.1, seed },
      checkInvariants: values['check-invariants'] === true,
      ...(values.hosts !== undefined ? { hosts: { count: int('hosts', values.hosts, 1), listen: values.listen, version: linksVersion(), log: (line: string) => console.error(line) } } : {}),
      ...(adversary ? { adversary, subnets: subnetsFlag(values) } : {}),
      ...(values['max-heap-mb'] ? { maxHeapMb: int('max-heap-mb', values['max-heap-mb'], 64) } : {}),
      params: {
        durationMs: duration('duration', values.duration ?? (values.sweep ? '2h' : finds > 0 ? '10m' : '6h')),
        join: joinChoice.oracle ? 'oracle' : 'protocol',
        joinSpacingMs: 5,
        settleMs: 60 * SECOND,
        bootstraps: 1,
        churn: churn ? { uptimeMs: upMs, downtimeMs: values.downtime ? duration('downtime', values.downtime) : upMs, restart } : null,
        keys: finds > 0 ? 0 : int('keys', values.keys, 0),
        putSpacingMs: 10,
        getRate: finds > 0 ? 0 : getRate,
        putRate: finds > 0 ? 0 : putRate,
        finds,
        findCheck: Math.min(finds, 1000),
        bucketMs: duration('bucket', values.bucket),
        ...(files ? { files: { ...files, rate: getRate, publishSpacingMs: 10 } } : {}),
      },
    };
  };
  // Every flag checked, and the memory estimated, before a folder is made or a run starts.
  const first = base(resolved.k, resolved.alpha, uptimeMs);
  if (first.hosts && values.sweep) throw new UsageError('--hosts runs one churn run, not a --sweep');
  if (first.hosts && first.adversary) throw new UsageError('--hosts does not take --adversary yet: run adversarial experiments on one host');
  if (!first.hosts) checkMemory({ nodes: first.nodes, workers: values.sweep ? 1 : first.workers, replicas: first.params.keys * resolved.replicas, parallel: values.sweep ? 2 : 1 }, values.force === true);
  const out = resolve(values.out ?? join('reports', `churn-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(out, { recursive: true });

  if (!values.sweep) {
    const o = first;
    const bar = phaseProgress();
    bar.start('simulating', 1000);
    const r = await runChurn(o, (share) => bar.progress(Math.round(share * 1000)));
    bar.end();
    log(formatChurnRun(r));
    const json = JSON.stringify(churnJson(r, runEnvironment(), new Date()), null, 1);
    writeFileSync(join(out, 'churn.json'), json);
    writeJson(json);
    const plots = churnPlots(r);
    for (const [name, svg] of Object.entries(plots)) writeFileSync(join(out, name), svg);
    writeFileSync(join(out, 'churn.html'), churnHtml(r));
    log(`Report: ${join(out, 'churn.html')} (JSON and SVG beside it)`);
    return r.joinsFailed > 0 ? EXIT.failed : EXIT.ok;
  }

  // The sweep: two runs at a time (one per core), each on one worker.
  const uptimes = [5, 10, 20, 40, 60, 120];
  const configs = [...[1, 2, 3, 5, 20].map((k) => ({ k, alpha: 1 })), { k: 3, alpha: 3 }];
  // Longest runs first (more churn and larger k mean more messages), so the two lanes end together.
  const cost = (j: { k: number; alpha: number; u: number }): number => (j.k * j.alpha + 3) * (1 + 30 / j.u);
  const jobs = configs.flatMap((c) => uptimes.flatMap((u) => Array.from({ length: runs }, (_, run) => ({ ...c, u, run })))).sort((a, b) => cost(b) - cost(a));
  const bar = phaseProgress();
  bar.start('sweep runs', jobs.length);
  let points: SweepPoint[] = [];
  // --runs: run r of a point is on the network of seed + r.
  const byRun: Array<SweepPoint & { run: number }> = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      const b = base(j.k, j.alpha, j.u * MINUTE);
      const o = { ...b, workers: 1, seed: b.seed + j.run, network: { ...b.network, seed: b.network.seed + j.run } };
      const result: ChurnResult = await runChurn(o);
      byRun.push({ label: `k=${j.k}, α=${j.alpha}`, k: j.k, alpha: j.alpha, uptimeMin: j.u, result, run: j.run });
      bar.progress(byRun.length);
      // Without a terminal there is no bar: say what finished, so a long sweep in a log is not silent.
      if (!process.stderr.isTTY) console.error(`sweep run ${byRun.length}/${jobs.length}: k = ${j.k}, α = ${j.alpha}, uptime ${j.u} min${runs > 1 ? `, seed ${o.seed}` : ''}, success ${(result.gets.success * 100).toFixed(2)}%, ${(result.wallMs / 1000).toFixed(1)} s`);
    }
  };
  await Promise.all([worker(), worker()]);
  bar.end();
  byRun.sort((a, b) => a.k - b.k || a.alpha - b.alpha || a.uptimeMin - b.uptimeMin || a.run - b.run);
  const runsOf = (p: SweepPoint): ChurnResult[] => byRun.filter((q) => q.label === p.label && q.uptimeMin === p.uptimeMin).map((q) => q.result);
  points = byRun.filter((p) => p.run === 0).map(({ run: _run, ...p }) => (runs > 1 ? repeatedSweepPoint({ label: p.label, k: p.k, alpha: p.alpha, uptimeMin: p.uptimeMin }, runsOf(p)) : p));
  points.sort((a, b) => a.k - b.k || a.alpha - b.alpha || a.uptimeMin - b.uptimeMin);
  const seed0 = int('seed', values.seed!, 0);
  const repeats = runs > 1 ? { repeats: runs, seeds: `${seed0}..${seed0 + runs - 1}`, success: 'mean over the repeats, 95 % t-interval as error bars' } : {};
  const params = sweepParams(points, { ...repeats, sweepWallSeconds: Math.round((performance.now() - t0) / 1000) });
  writeFileSync(join(out, 'sweep.csv'), sweepCsv(points));
  const env = runEnvironment();
  const date = new Date();
  const pointJson = (p: SweepPoint): object =>
    runs > 1
      ? { label: p.label, k: p.k, alpha: p.alpha, uptimeMin: p.uptimeMin, success: sweepSuccess(runsOf(p)), runs: runsOf(p).map((r) => churnJson(r, env, date)) }
      : { label: p.label, k: p.k, alpha: p.alpha, uptimeMin: p.uptimeMin, ...churnJson(p.result, env, date) };
  const json = JSON.stringify({ params, points: points.map(pointJson) }, null, 1);
  writeFileSync(join(out, 'sweep.json'), json);
  writeJson(json);
  if (runs > 1) {
    // Every run of every point, with the sweep.csv columns after run and seed.
    const lines = sweepCsv(byRun).trimEnd().split('\n');
    writeFileSync(join(out, 'sweep-runs.csv'), [`run,seed,${lines[0]}`, ...lines.slice(1).map((l, i) => `${byRun[i]!.run + 1},${byRun[i]!.result.options.seed},${l}`)].join('\n') + '\n');
  }
  for (const [name, text] of Object.entries(sweepPlots(points))) writeFileSync(join(out, name), text);
  writeFileSync(join(out, 'sweep.html'), sweepHtml(points, params));
  log(sweepCsv(points));
  log(`Sweep of ${byRun.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s. Report: ${join(out, 'sweep.html')} (CSV${runs > 1 ? ' and sweep-runs.csv' : ''}, JSON and SVG beside it)`);
  return 0;
}

