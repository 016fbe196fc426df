/**
 * A load run against the HTTP gateway: pre-stores keys, drives the gateway
 * with autocannon (as a library, from this process) with a mix of puts, gets
 * of present keys and gets of absent keys, and turns two /stats snapshots
 * into the DHT-side figures of the run (before/after difference of the
 * gateway's cumulative histograms). `kadswarm load` (src/cli/load-command.ts)
 * is the command around it; the gateway tests drive it directly.
 */
import { createRequire } from 'node:module';
import { Random, deriveSeed } from '../core/random.js';
import { IntHistogram, LogHistogram } from '../sim/histograms.js';
import type { StatsJson } from './gateway.js';
import type { OpCounts, OpJson } from './metrics.js';

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

/** Required on first use, so a command that only prints its help does not load autocannon. */
let loaded: Autocannon | null = null;
function autocannon(): Autocannon {
  loaded ??= createRequire(import.meta.url)('autocannon') as Autocannon;
  return loaded;
}

/** autocannon's own results table (requests/s, latency, throughput). */
export function formatAutocannonResult(result: AcResult): string {
  return autocannon().printResult(result, { outputStream: process.stdout });
}

// ------------------------------------------------------------------ the mix

export type Kind = 'put' | 'present' | 'absent';
export const KINDS: Kind[] = ['put', 'present', 'absent'];

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
    const instance = autocannon()(
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
    if (o.progress) autocannon().track(instance, { renderProgressBar: process.stderr.isTTY, renderResultsTable: false, renderLatencyTable: false });
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
