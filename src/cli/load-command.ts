/**
 * `kadswarm load --nodes 10000 --connections 100 --duration 20` (alias
 * `npm run load -- …`): starts `kadswarm serve` in its own process (port 0;
 * the URL is read from its stdout), pre-stores keys, then drives the gateway
 * with autocannon with a mix of puts, gets of present keys and gets of absent
 * keys, and prints autocannon's table plus the DHT-side figures of the run
 * taken from the gateway's /stats. `--url` drives a gateway that is already
 * running instead.
 */
import { writeFileSync } from 'node:fs';
import { Random, deriveSeed } from '../core/random.js';
import { KINDS, dhtBetween, driveLoad, fetchStats, formatAutocannonResult, parseMix, prestore, type DhtFigures, type Kind, type KindStats } from '../gateway/load-run.js';
import { fmt, formatTable } from '../report/table.js';
import { UsageError, durationFlag, intFlag as int, parseFlags } from './flags.js';
import { startGatewayProcess, type GatewayProcess } from './serve-process.js';

export const LOAD_USAGE = `Usage: kadswarm load [options]
   or: npm run load -- [options]   (in a checkout: builds first)
  --nodes N            nodes in the swarm (default 10000)
  --connections C      concurrent HTTP connections (default 100)
  --duration T         how long to load: seconds, or a duration like 30s or 2m (default 20)
  --mix P:G:A          weights of puts, gets of present keys, gets of absent keys (default 10:45:45)
  --keys K             keys stored before the run; present gets pick among them (default 1000)
  --json FILE          write the results as JSON
  --url URL            drive a gateway that is already running instead of starting one
  --workers W, --k K, --alpha A, --seed S, --latency L, --loss P
                       passed to kadswarm serve (see kadswarm serve --help)

Examples:
  kadswarm load --nodes 10000 --connections 100 --duration 20
  kadswarm load --url http://127.0.0.1:8080/ --mix 0:100:0 --duration 60

Exit codes: 0 ok, 1 errors, timeouts, 5xx or wrong values during the load, 2 bad usage, 130 interrupted (Ctrl-C).`;

export async function loadCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('load', argv, {
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
  });
  if (values.help) {
    console.log(LOAD_USAGE);
    return 0;
  }
  const nodes = int('nodes', values.nodes!, 1, 2 ** 24); // 24-bit handles in table slots (core/bucket-layout.ts)
  const connections = int('connections', values.connections!, 1);
  // A bare number is seconds (as autocannon counts); a unit is taken as for every other duration flag.
  const durationS = /^\d+$/.test(values.duration!.trim()) ? int('duration', values.duration!, 1) : Math.round(durationFlag('duration', values.duration!) / 1000);
  if (durationS < 1) throw new UsageError(`--duration must be at least 1 s (a number of seconds, or a duration like 30s or 2m); got "${values.duration}"`);
  const keys = int('keys', values.keys!, 0);
  const seed = int('seed', values.seed!, 0);
  const mix = parseMix(values.mix!);

  const serveArgs = ['--nodes', String(nodes), '--seed', String(seed)];
  for (const f of ['workers', 'k', 'alpha', 'latency', 'loss'] as const) if (values[f] !== undefined) serveArgs.push(`--${f}`, values[f]!);

  let child: GatewayProcess | null = null;
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

    console.log(formatAutocannonResult(result));
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
    console.log(formatDhtTable(dht, byKind));
    console.log('Latency here is the lookup inside the swarm (percentiles to within 1 %); autocannon\'s table is end to end over HTTP.');
    const wrong = byKind.present.wrongValues;
    if (wrong > 0) console.log(`WARNING: ${wrong} gets of present keys returned a different value`);

    if (values.json) {
      const out = {
        command: `kadswarm load ${argv.join(' ')}`,
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

/** The DHT side of the run, one column per kind of request. */
function formatDhtTable(dht: Record<Kind, DhtFigures>, byKind: Record<Kind, KindStats>): string {
  const row = (name: string, f: (d: DhtFigures, k: Kind) => string | number): Array<string | number> => [name, ...KINDS.map((k) => f(dht[k], k))];
  const n = (x: number | null, digits = 2): string => (x === null ? 'n/a' : fmt(x, digits));
  return formatTable(
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
  );
}
