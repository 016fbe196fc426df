/**
 * What the gateway counts, and the figures /stats, /events and /metrics
 * serve. Recording is O(1) and never waits on a shard: lookups are recorded
 * when their HTTP response is decided, and shard counters arrive from the
 * poller (ShardRates) once a second.
 *
 * Three kinds of lookup are told apart by what the gateway knows, not by the
 * outcome: `put`; `get-present`, a get of a key stored through this gateway;
 * `get-absent`, a get of any other key. Success means: a put stored on at
 * least one node; a get of a present key found the value; a get of an absent
 * key was answered (found, or a completed 404). A 503 or a 500 is a failure.
 *
 * Cumulative totals (since start) live in fixed-bucket histograms, so memory
 * stays constant and a load run can subtract a snapshot taken before it. The
 * live window is one slot per second over the last WINDOW_S complete seconds.
 */
import type { KvResult, ShardStats } from '../swarm/control.js';
import { IntHistogram, LogHistogram, type DisplayBucket, type HistogramJson } from '../sim/histograms.js';

export type LookupOp = 'put' | 'get-present' | 'get-absent';
export type Outcome = 'ok' | 'not-found' | 'unavailable' | 'error';

export const LOOKUP_OPS: readonly LookupOp[] = ['put', 'get-present', 'get-absent'];
export const OUTCOMES: readonly Outcome[] = ['ok', 'not-found', 'unavailable', 'error'];

/** Seconds the live rates and percentiles cover. */
export const WINDOW_S = 5;
const SLOTS = 16;

export function isSuccess(op: LookupOp, outcome: Outcome): boolean {
  if (outcome === 'ok') return true;
  return op === 'get-absent' && outcome === 'not-found';
}

class OpTotals {
  readonly outcomes: Record<Outcome, number> = { ok: 0, 'not-found': 0, unavailable: 0, error: 0 };
  readonly latency = new LogHistogram();
  readonly depth = new IntHistogram();
  readonly rpcs = new IntHistogram();
  timeouts = 0;
  success = 0;
  count = 0;

  record(op: LookupOp, outcome: Outcome, r: KvResult | null): void {
    this.count++;
    this.outcomes[outcome]++;
    if (isSuccess(op, outcome)) this.success++;
    if (r) {
      this.latency.add(r.duration);
      this.depth.add(r.depth);
      this.rpcs.add(r.rpcs);
      this.timeouts += r.timeouts;
    }
  }

  toJSON(): OpJson {
    return {
      count: this.count,
      ok: this.outcomes.ok,
      notFound: this.outcomes['not-found'],
      unavailable: this.outcomes.unavailable,
      errors: this.outcomes.error,
      successRatio: this.count ? this.success / this.count : null,
      timeouts: this.timeouts,
      latencyMs: this.latency.summary(),
      depth: this.depth.summary(),
      rpcs: this.rpcs.summary(),
      hist: { latency: this.latency.toJSON(), depth: this.depth.toJSON(), rpcs: this.rpcs.toJSON() },
    };
  }
}

/** Outcomes of one kind of lookup: the part the gateway's /stats and the load report share. */
export interface OpCounts {
  count: number;
  ok: number;
  notFound: number;
  unavailable: number;
  errors: number;
  successRatio: number | null;
}

export interface OpJson extends OpCounts {
  timeouts: number;
  latencyMs: ReturnType<LogHistogram['summary']>;
  depth: ReturnType<IntHistogram['summary']>;
  rpcs: ReturnType<IntHistogram['summary']>;
  /** The cumulative histograms, for subtracting two snapshots. */
  hist: { latency: HistogramJson; depth: HistogramJson; rpcs: HistogramJson };
}

interface Slot {
  sec: number;
  lookups: number;
  success: number;
  puts: number;
  gets: number;
  requests: number;
  latency: LogHistogram;
}

function emptySlot(sec: number): Slot {
  return { sec, lookups: 0, success: 0, puts: 0, gets: 0, requests: 0, latency: new LogHistogram() };
}

export interface ShardRate {
  shard: number;
  /** Messages sent by this shard's nodes per second, over the last poll interval. */
  messagesPerSec: number;
  deliveredPerSec: number;
  /** Sent per second by message type (PING, PONG, …). */
  byType: Record<string, number>;
  sent: number;
  delivered: number;
  drops: number;
  handlerErrors: number;
  heapMb: number;
}

/** Per-shard message rates from the deltas of two successive stats() snapshots. */
export class ShardRates {
  latest: ShardStats[] = [];
  rates: ShardRate[] = [];
  sampledAt = 0;
  polls = 0;
  failures = 0;
  lastError: string | null = null;

  constructor(private readonly typeNames: readonly string[]) {}

  update(stats: ShardStats[], at: number): void {
    const dt = (at - this.sampledAt) / 1000;
    const prev = new Map(this.latest.map((s) => [s.shard, s]));
    this.rates = stats.map((s) => {
      const p = prev.get(s.shard);
      const sent = sum(s.sent);
      const byType: Record<string, number> = {};
      s.sent.forEach((n, i) => {
        byType[this.typeNames[i] ?? `type${i}`] = p && dt > 0 ? Math.max(0, n - (p.sent[i] ?? 0)) / dt : 0;
      });
      return {
        shard: s.shard,
        messagesPerSec: p && dt > 0 ? Math.max(0, sent - sum(p.sent)) / dt : 0,
        deliveredPerSec: p && dt > 0 ? Math.max(0, s.delivered - p.delivered) / dt : 0,
        byType,
        sent,
        delivered: s.delivered,
        drops: sum(Object.values(s.drops)),
        handlerErrors: s.handlerErrors,
        heapMb: s.heapUsed / 2 ** 20,
      };
    });
    this.latest = stats;
    this.sampledAt = at;
    this.polls++;
  }
}

function sum(xs: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < xs.length; i++) t += xs[i]!;
  return t;
}

export interface WindowJson {
  seconds: number;
  lookupsPerSec: number;
  putsPerSec: number;
  getsPerSec: number;
  requestsPerSec: number;
  successRatio: number | null;
  latencyMs: ReturnType<LogHistogram['summary']>;
  histogram: DisplayBucket[];
}

export class GatewayMetrics {
  readonly ops: Record<LookupOp, OpTotals> = { put: new OpTotals(), 'get-present': new OpTotals(), 'get-absent': new OpTotals() };
  /** HTTP responses by route and status. */
  readonly http = new Map<string, number>();
  requests = 0;
  churnKilled = 0;
  churnRevived = 0;
  private readonly slots: Slot[] = Array.from({ length: SLOTS }, () => emptySlot(-1));

  constructor(private readonly clock: () => number = Date.now) {}

  private slot(): Slot {
    const sec = Math.floor(this.clock() / 1000);
    const i = sec % SLOTS;
    let s = this.slots[i]!;
    if (s.sec !== sec) s = this.slots[i] = emptySlot(sec);
    return s;
  }

  recordLookup(op: LookupOp, outcome: Outcome, r: KvResult | null): void {
    this.ops[op].record(op, outcome, r);
    const s = this.slot();
    s.lookups++;
    if (isSuccess(op, outcome)) s.success++;
    if (op === 'put') s.puts++;
    else s.gets++;
    if (r) s.latency.add(r.duration);
  }

  recordHttp(route: string, status: number): void {
    this.requests++;
    const key = `${route} ${status}`;
    this.http.set(key, (this.http.get(key) ?? 0) + 1);
    this.slot().requests++;
  }

  /** Rates and percentiles over the last WINDOW_S complete seconds (fewer just after start). */
  window(startedAt: number): WindowJson {
    const now = this.clock();
    const cur = Math.floor(now / 1000);
    const span = Math.max(1, Math.min(WINDOW_S, Math.floor((now - startedAt) / 1000)));
    const lat = new LogHistogram();
    let lookups = 0;
    let success = 0;
    let puts = 0;
    let gets = 0;
    let requests = 0;
    for (const s of this.slots) {
      if (s.sec >= cur - span && s.sec < cur) {
        lookups += s.lookups;
        success += s.success;
        puts += s.puts;
        gets += s.gets;
        requests += s.requests;
        lat.merge(s.latency);
      }
    }
    return {
      seconds: span,
      lookupsPerSec: lookups / span,
      putsPerSec: puts / span,
      getsPerSec: gets / span,
      requestsPerSec: requests / span,
      successRatio: lookups ? success / lookups : null,
      latencyMs: lat.summary(),
      histogram: lat.display(4),
    };
  }
}
