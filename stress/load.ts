/**
 * `npm run load -- --nodes 10000 --connections 100 --duration 20`: starts
 * `kadswarm serve` in its own process (port 0; the URL is read from its
 * stdout), pre-stores keys, then drives the gateway with autocannon (as a
 * library, from this process) with a mix of puts, gets of present keys and
 * gets of absent keys, and prints autocannon's table plus the DHT-side
 * figures of the run taken from the gateway's /stats (before/after
 * difference of its cumulative histograms). `--url` drives a gateway that is
 * already running instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random, deriveSeed } from '../src/core/random.js';
import { IntHistogram, LogHistogram } from '../src/gateway/histograms.js';
import type { StatsJson } from '../src/gateway/gateway.js';
import type { OpCounts, OpJson } from '../src/gateway/metrics.js';
import { fmt, formatTable } from '../src/report/table.js';
import { intFlag as int } from '../src/cli/flags.js';

export const LOAD_USAGE = `Usage: npm run load -- [options]
  --nodes N            nodes in the swarm (default 10000)
  --connections C      concurrent HTTP connections (default 100)
  --duration S         seconds of load (default 20)
  --mix P:G:A          weights of puts, gets of present keys, gets of absent keys (default 10:45:45)
  --keys K             keys stored before the run; present gets pick among them (default 1000)
  --json FILE          write the results as JSON
  --url URL            drive a gateway that is already running instead of starting one
  --workers W, --k K, --alpha A, --seed S, --latency L, --loss P
                       passed to kadswarm serve (see npm run stress -- --help)`;

// ------------------------------------------------------------------ autocannon (CommonJS, untyped)

interface AcRequest {
  method?: string;
  path?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
}

interface AcHist {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  total?: number;
  [percentile: string]: number | undefined;
}

export interface AcResult {
  url: string;
  connections: number;
  duration: number;
  requests: AcHist;
  latency: AcHist;
  throughput: AcHist;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AcInstance {
  stop(): void;
}

interface Autocannon {
  (opts: Record<string, unknown>, cb: (err: Error | null, result: AcResult) => void): AcInstance;
  track(instance: AcInstance, opts: Record<string, unknown>): void;
  printResult(result: AcResult, opts?: Record<string, unknown>): string;
}

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ------------------------------------------------------------------ the mix

export type Kind = 'put' | 'present' | 'absent';
const KINDS: Kind[] = ['put', 'present', 'absent'];

export interface Mix {
  put: number;
  present: number;
  absent: number;
}

export function parseMix(s: string): Mix {
  const parts = s.split(':');
  const w = parts.map(Number);
  if (parts.length !== 3 || w.some((x) => !Number.isFinite(x) || x < 0) || w[0]! + w[1]! + w[2]! <= 0) {
    throw new Error(`--mix must be three non-negative weights put:present:absent with a positive sum, e.g. 10:45:45; got "${s}"`);
  }
  return { put: w[0]!, present: w[1]!, absent: w[2]! };
}

export interface KindStats {
  requests: number;
  statuses: Record<string, number>;
  /** Present gets whose 200 body was not the stored value. */
  wrongValues: number;
}

export interface DriveOptions {
  url: string;
  connections: number;
  durationS: number;
  mix: Mix;
  /** Keys already stored with presentValue(key); present gets pick among them. */
  presentKeys: string[];
  seed: number;
  /** Per-request timeout, seconds. */
  timeoutS?: number;
  progress?: boolean;
  /** Called with the running instance, so a caller can stop it early. */
  onStart?: (stop: () => void) => void;
}

export interface DriveResult {
  result: AcResult;
  byKind: Record<Kind, KindStats>;
}

export const presentValue = (key: string): string => `value of ${key}: ${'x'.repeat(64)}`;

/** Runs autocannon against the gateway with the given mix; resolves with its result and per-kind statuses. */
export function driveLoad(o: DriveOptions): Promise<DriveResult> {
  const rng = new Random(deriveSeed(o.seed, 0x10ad), 7);
  const run = rng.nextU32().toString(36);
  const total = o.mix.put + o.mix.present + o.mix.absent;
  const present = o.presentKeys.length > 0 ? o.mix.present : 0;
  let counter = 0;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, { requests: 0, statuses: {}, wrongValues: 0 } satisfies KindStats])) as Record<Kind, KindStats>;

  const pickKind = (): Kind => {
    const x = rng.next() * (total - (o.mix.present - present));
    if (x < o.mix.put) return 'put';
    if (x < o.mix.put + present) return 'present';
    return 'absent';
  };
  const request: AcRequest = {
    setupRequest: (req, context): AcRequest => {
      const kind = pickKind();
      context.kind = kind;
      if (kind === 'put') {
        const key = `load-${run}-put-${counter++}`;
        return { ...req, method: 'PUT', path: `/kv/${encodeURIComponent(key)}`, body: presentValue(key), headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
      }
      if (kind === 'present') {
        const key = o.presentKeys[rng.int(o.presentKeys.length)]!;
        context.key = key;
        return { ...req, method: 'GET', path: `/kv/${encodeURIComponent(key)}`, body: Buffer.alloc(0), headers: {} };
      }
      const key = `load-${run}-absent-${counter++}`;
      return { ...req, method: 'GET', path: `/kv/${encodeURIComponent(key)}`, body: Buffer.alloc(0), headers: {} };
    },
    onResponse: (status, body, context) => {
      const s = byKind[(context.kind as Kind) ?? 'absent'];
      s.requests++;
      s.statuses[status] = (s.statuses[status] ?? 0) + 1;
      if (context.kind === 'present' && status === 200 && body !== presentValue(context.key as string)) s.wrongValues++;
    },
  };
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: o.durationS,
        timeout: o.timeoutS ?? 30,
        requests: [request],
      },
      (err, result) => (err ? reject(err) : resolvePromise({ result, byKind })),
    );
    o.onStart?.(() => instance.stop());
    if (o.progress) autocannon.track(instance, { renderProgressBar: process.stderr.isTTY, renderResultsTable: false, renderLatencyTable: false });
  });
}

/** PUTs every key with presentValue(key), `concurrency` at a time; throws on any non-201. */
export async function prestore(url: string, keys: string[], concurrency: number, progress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const r = await fetch(new URL(`kv/${encodeURIComponent(key)}`, url), { method: 'PUT', body: presentValue(key) });
      const text = await r.text();
      if (r.status !== 201) throw new Error(`pre-store of ${key}: HTTP ${r.status} ${text.slice(0, 200)}`);
      progress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
}

export async function fetchStats(url: string): Promise<StatsJson> {
  const r = await fetch(new URL('stats?hist=1', url));
  if (r.status !== 200) throw new Error(`GET /stats: HTTP ${r.status}`);
  return (await r.json()) as StatsJson;
}

// ------------------------------------------------------------------ DHT-side figures of one run

export interface DhtFigures extends OpCounts {
  depth: { mean: number | null; p50: number | null; p95: number | null };
  rpcs: { mean: number | null; p50: number | null; p95: number | null };
  latencyMs: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

/** What happened between two /stats?hist=1 snapshots, for one kind of lookup. */
export function dhtBetween(before: OpJson, after: OpJson, op: 'put' | 'get-present' | 'get-absent'): DhtFigures {
  const lat = LogHistogram.between(before.hist.latency, after.hist.latency);
  const depth = IntHistogram.between(before.hist.depth, after.hist.depth);
  const rpcs = IntHistogram.between(before.hist.rpcs, after.hist.rpcs);
  const d = (f: 'count' | 'ok' | 'notFound' | 'unavailable' | 'errors'): number => after[f] - before[f];
  const count = d('count');
  const successes = op === 'get-absent' ? d('ok') + d('notFound') : d('ok');
  return {
    count,
    ok: d('ok'),
    notFound: d('notFound'),
    unavailable: d('unavailable'),
    errors: d('errors'),
    successRatio: count ? successes / count : null,
    depth: { mean: orNull(depth.mean), p50: orNull(depth.percentile(50)), p95: orNull(depth.percentile(95)) },
    rpcs: { mean: orNull(rpcs.mean), p50: orNull(rpcs.percentile(50)), p95: orNull(rpcs.percentile(95)) },
    latencyMs: { mean: orNull(lat.mean), p50: orNull(lat.percentile(50)), p95: orNull(lat.percentile(95)), p99: orNull(lat.percentile(99)) },
  };
}

// ------------------------------------------------------------------ the child gateway

interface Child {
  url: string;
  stop(): Promise<void>;
}

/** Starts `kadswarm serve --port 0 …` and waits for the URL line on its stdout. */
export function startGatewayProcess(args: string[]): Promise<Child> {
  const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let found = false;
    lines.on('line', (line) => {
      const m = /^kadswarm gateway: (http:\/\/\S+)/.exec(line);
      if (m && !found) {
        found = true;
        console.error(line);
        resolvePromise({ url: m[1]!, stop });
      } else if (found) process.stdout.write(`[gateway] ${line}\n`);
      else console.error(line);
    });
    child.once('error', reject);
    exited.then((code) => {
      if (!found) reject(new Error(`kadswarm serve exited with code ${code} before printing its URL`));
    });
  });
}

// ------------------------------------------------------------------ the command

export async function loadCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '10000' },
      connections: { type: 'string', default: '100' },
      duration: { type: 'string', default: '20' },
      mix: { type: 'string', default: '10:45:45' },
      keys: { type: 'string', default: '1000' },
      json: { type: 'string' },
      url: { type: 'string' },
      workers: { type: 'string' },
      k: { type: 'string' },
      alpha: { type: 'string' },
      seed: { type: 'string', default: '1' },
      latency: { type: 'string' },
      loss: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(LOAD_USAGE);
    return 0;
  }
  const nodes = int('nodes', values.nodes!, 1);
  const connections = int('connections', values.connections!, 1);
  const durationS = int('duration', values.duration!, 1);
  const keys = int('keys', values.keys!, 0);
  const seed = int('seed', values.seed!, 0);
  const mix = parseMix(values.mix!);

  const serveArgs = ['--nodes', String(nodes), '--seed', String(seed)];
  for (const f of ['workers', 'k', 'alpha', 'latency', 'loss'] as const) if (values[f] !== undefined) serveArgs.push(`--${f}`, values[f]!);

  let child: Child | null = null;
  let stopLoad: (() => void) | null = null;
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error('\nload: interrupted, stopping…');
    stopLoad?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let url: string;
    if (values.url) url = new URL(values.url).href;
    else {
      console.error(`load: starting kadswarm serve ${serveArgs.join(' ')} --port 0`);
      child = await startGatewayProcess(serveArgs);
      url = child.url;
    }
    if (interrupted) return 130;

    const runId = new Random(deriveSeed(seed, 0x5eed), Date.now() & 0xffff).nextU32().toString(36);
    const presentKeys = Array.from({ length: keys }, (_, i) => `load-${runId}-present-${i}`);
    if (keys > 0) {
      const t0 = performance.now();
      let last = 0;
      const tty = process.stderr.isTTY;
      await prestore(url, presentKeys, 32, (d) => {
        const t = performance.now();
        if (tty && (t - last > 250 || d === keys)) {
          last = t;
          process.stderr.write(`\rpre-store: ${d}/${keys}`);
        }
      });
      process.stderr.write(`${tty ? '\r' : ''}pre-store: ${keys} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }

    const before = await fetchStats(url);
    console.error(`load: ${connections} connections for ${durationS} s, mix put:present:absent = ${mix.put}:${mix.present}:${mix.absent}, against ${url}`);
    const { result, byKind } = await driveLoad({ url, connections, durationS, mix, presentKeys, seed, progress: true, onStart: (stop) => (stopLoad = stop) });
    const after = await fetchStats(url);

    console.log(autocannon.printResult(result, { outputStream: process.stdout }));
    const statuses = Object.entries(result.statusCodeStats)
      .map(([code, s]) => `${code}: ${s.count.toLocaleString('en-US')}`)
      .join(', ');
    console.log(`HTTP statuses: ${statuses || 'none'}; errors ${result.errors}, timeouts ${result.timeouts}`);

    const dht = {
      put: dhtBetween(before.lookups.put, after.lookups.put, 'put'),
      present: dhtBetween(before.lookups.getPresent, after.lookups.getPresent, 'get-present'),
      absent: dhtBetween(before.lookups.getAbsent, after.lookups.getAbsent, 'get-absent'),
    };
    console.log(`\nDHT side of this run (from /stats; ${after.nodes.up.toLocaleString('en-US')} of ${after.nodes.total.toLocaleString('en-US')} nodes up, ${after.workers} workers, k = ${after.config.k}, α = ${after.config.alpha}):`);
    const row = (name: string, f: (d: DhtFigures, k: Kind) => string | number): Array<string | number> => [name, ...KINDS.map((k) => f(dht[k], k))];
    const n = (x: number | null, digits = 2): string => (x === null ? 'n/a' : fmt(x, digits));
    console.log(
      formatTable(
        ['', 'put', 'get (present)', 'get (absent)'],
        [
          row('requests', (_, k) => byKind[k].requests),
          row('HTTP statuses', (_, k) =>
            Object.entries(byKind[k].statuses)
              .map(([c, x]) => `${c}×${x}`)
              .join(' '),
          ),
          row('lookups', (d) => d.count),
          row('success', (d) => (d.successRatio === null ? 'n/a' : `${(d.successRatio * 100).toFixed(2)}%`)),
          row('depth mean', (d) => n(d.depth.mean)),
          row('depth p95', (d) => n(d.depth.p95, 0)),
          row('RPCs mean', (d) => n(d.rpcs.mean, 1)),
          row('RPCs p95', (d) => n(d.rpcs.p95, 0)),
          row('latency mean ms', (d) => n(d.latencyMs.mean)),
          row('latency p50 ms', (d) => n(d.latencyMs.p50)),
          row('latency p95 ms', (d) => n(d.latencyMs.p95)),
          row('latency p99 ms', (d) => n(d.latencyMs.p99)),
        ],
      ),
    );
    console.log('Latency here is the lookup inside the swarm (percentiles to within 12 %); autocannon\'s table is end to end over HTTP.');
    const wrong = byKind.present.wrongValues;
    if (wrong > 0) console.log(`WARNING: ${wrong} gets of present keys returned a different value`);

    if (values.json) {
      const out = {
        command: `npm run load -- ${argv.join(' ')}`,
        date: new Date().toISOString(),
        options: { nodes, connections, durationS, mix, keys, seed, url: values.url ?? null },
        http: {
          requestsPerSec: result.requests,
          latencyMs: result.latency,
          throughputBytesPerSec: result.throughput,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCodeStats: result.statusCodeStats,
        },
        byKind,
        dht,
        gateway: { nodes: after.nodes, workers: after.workers, config: after.config },
      };
      writeFileSync(values.json, JSON.stringify(out, null, 2));
      console.log(`JSON: ${values.json}`);
    }
    const bad = result.errors + result.timeouts + (result['5xx'] ?? 0) + wrong;
    if (bad > 0) {
      console.error(`load: ${result.errors} errors, ${result.timeouts} timeouts, ${result['5xx']} 5xx responses, ${wrong} wrong values`);
      return 1;
    }
    return interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (child) {
      console.error('load: stopping the gateway…');
      await child.stop();
    }
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  loadCommand(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: Error) => {
      console.error(`load: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
