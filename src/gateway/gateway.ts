/**
 * The HTTP gateway over a running, joined swarm. It owns the HTTP server, the
 * view of which nodes are up, the counters, the once-a-second poll of the
 * shard counters and the server-sent-event stream; the routes (routes.ts)
 * turn requests into swarm commands.
 *
 * Nothing a client sends can crash it: every handler runs inside a
 * try/catch, client mistakes are 4xx JSON, a failed swarm command is a 5xx
 * JSON, and a malformed HTTP message gets a 400 from the clientError hook.
 * The gateway never waits on a shard to answer /stats, /events or /metrics:
 * those serve the last polled figures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolveConfig, type KadConfig } from '../core/config.js';
import { MESSAGE_TYPE_NAMES } from '../core/messages.js';
import { Random, deriveSeed } from '../core/random.js';
import type { Swarm } from '../swarm/supervisor.js';
import { HttpError, sendJson } from './http-util.js';
import { checkAdminToken, generateAdminToken, isLoopbackHost } from './admin-auth.js';
import { GatewayMetrics, LOOKUP_OPS, ShardRates, type OpJson, type ShardRate, type WindowJson } from './metrics.js';
import { NodePool } from './node-pool.js';
import type { RouteContext, StatsJson } from './route-context.js';
import { handle, routeName } from './routes.js';

export type { StatsJson } from './route-context.js';

/** Bytes of unsent /events frames after which a client is dropped (about ten minutes of updates). */
const SSE_MAX_BUFFERED = 1 << 20;

export interface GatewayOptions {
  swarm: Swarm;
  /** Nodes 0..bootstraps−1 are never taken down; revived nodes rejoin through them. */
  bootstraps: number;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A swarm command that takes longer than this answers 504 (the command itself is not cancelled). */
  requestTimeoutMs?: number;
  /** How often shard counters are polled and /events pushes an update. */
  tickMs?: number;
  /** Known (stored through this gateway) keys remembered at most, to tell present from absent gets. */
  maxKnownKeys?: number;
  /**
   * Token the mutating admin routes (POST /churn) require as `Authorization: Bearer <token>`.
   * Absent: none on a loopback address, a random one (see `adminToken`) on any other.
   */
  adminToken?: string;
}


export class Gateway implements RouteContext {
  readonly swarm: Swarm;
  readonly config: KadConfig;
  readonly pool: NodePool;
  readonly metrics = new GatewayMetrics();
  readonly shards = new ShardRates(MESSAGE_TYPE_NAMES);
  /** Hex IDs of keys stored through this gateway (bounded). */
  readonly known = new Set<string>();
  readonly maxKnownKeys: number;
  readonly requestTimeoutMs: number;
  readonly bootstraps: number[];
  readonly startedAt = Date.now();
  swarmFailure: Error | null = null;
  /** The token the admin routes require, or null when they are open (loopback and no token given). */
  adminToken: string | null = null;
  /** True when the gateway made the token itself (the caller should print it). */
  adminTokenGenerated = false;
  private readonly server: Server;
  private readonly sse = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly ticker: NodeJS.Timeout;
  private polling = false;
  private churnQueue: Promise<unknown> = Promise.resolve();
  private closed = false;
  url = '';

  private constructor(private readonly opts: GatewayOptions) {
    this.swarm = opts.swarm;
    this.config = resolveConfig(opts.swarm.opts.config);
    this.pool = new NodePool(opts.swarm.nodes, Math.min(opts.bootstraps, opts.swarm.nodes), new Random(deriveSeed(opts.swarm.opts.seed, 0x4757), 5));
    this.bootstraps = Array.from({ length: Math.min(opts.bootstraps, opts.swarm.nodes) }, (_, i) => i);
    this.maxKnownKeys = opts.maxKnownKeys ?? 250_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.swarm.failed.catch((e: Error) => (this.swarmFailure = e));
    this.server = createServer({ keepAlive: true }, (req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = 10_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify({ error: `bad request: ${err.code ?? err.message}` });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    const tick = opts.tickMs ?? 1000;
    this.ticker = setInterval(() => this.onTick(), tick);
    this.ticker.unref();
  }

  /** Starts serving over an already joined swarm; resolves once listening. */
  static async start(opts: GatewayOptions): Promise<Gateway> {
    if (opts.adminToken !== undefined) {
      const bad = checkAdminToken(opts.adminToken);
      if (bad) throw new Error(bad);
    }
    const gw = new Gateway(opts);
    await new Promise<void>((resolve, reject) => {
      gw.server.once('error', reject);
      gw.server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => {
        gw.server.off('error', reject);
        resolve();
      });
    });
    const a = gw.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    gw.url = `http://${host}:${a.port}/`;
    // Decided on the bound address: "localhost" may bind ::1 or 127.0.0.1, "0.0.0.0" and "::" reach every interface.
    if (opts.adminToken !== undefined) gw.adminToken = opts.adminToken;
    else if (!isLoopbackHost(a.address)) {
      gw.adminToken = generateAdminToken();
      gw.adminTokenGenerated = true;
    }
    gw.onTick();
    return gw;
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  get sseClients(): number {
    return this.sse.size;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const route = routeName(req.url);
    res.on('finish', () => this.metrics.recordHttp(route, res.statusCode));
    let p: Promise<void>;
    try {
      p = handle(this, req, res);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.catch((err: unknown) => this.fail(res, err));
  }

  /** Turns a thrown error into a JSON error response (or drops the connection if the response has started). */
  private fail(res: ServerResponse, err: unknown): void {
    try {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message }, err.headers);
        return;
      }
      const msg = err instanceof Error ? err.message : String(err);
      sendJson(res, this.swarmFailure ? 503 : 500, { error: this.swarmFailure ? `the swarm failed: ${this.swarmFailure.message}` : `internal error: ${msg}` });
    } catch {
      res.destroy();
    }
  }

  /** Runs churn operations one at a time, so the up/down view stays consistent. */
  serialChurn<T>(run: () => Promise<T>): Promise<T> {
    const next = this.churnQueue.then(run, run);
    this.churnQueue = next.catch(() => undefined);
    return next;
  }

  rememberKey(hex: string): void {
    if (this.known.size < this.maxKnownKeys) this.known.add(hex);
  }

  /** Opens a server-sent-event stream: one `data:` line of live figures now and every tick. */
  openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.sse.add(res);
    const drop = (): void => {
      this.sse.delete(res);
    };
    req.on('close', drop);
    res.on('error', drop);
    res.write(`data: ${JSON.stringify(this.snapshot(false))}\n\n`);
  }

  private onTick(): void {
    if (this.closed) return;
    if (!this.polling && !this.swarmFailure) {
      this.polling = true;
      this.swarm
        .stats()
        .then((s) => this.shards.update(s, Date.now()))
        .catch((e: Error) => {
          this.shards.failures++;
          this.shards.lastError = e.message;
        })
        .finally(() => (this.polling = false));
    }
    if (this.sse.size > 0) {
      const frame = `data: ${JSON.stringify(this.snapshot(false))}\n\n`;
      for (const res of this.sse) {
        try {
          // A client that stopped reading is dropped rather than buffered for without end.
          if (res.writableLength > SSE_MAX_BUFFERED) {
            this.sse.delete(res);
            res.destroy();
          } else res.write(frame);
        } catch {
          this.sse.delete(res);
        }
      }
    }
  }

  /** The live figures; `hist` adds the raw cumulative histograms (for subtracting two snapshots). */
  snapshot(hist = true): StatsJson {
    const ops = this.metrics.ops;
    const op = (name: (typeof LOOKUP_OPS)[number]): OpJson => {
      const j = ops[name].toJSON();
      if (!hist) delete (j as Partial<OpJson>).hist;
      return j;
    };
    const total = LOOKUP_OPS.reduce((a, o) => a + ops[o].count, 0);
    const success = LOOKUP_OPS.reduce((a, o) => a + ops[o].success, 0);
    const byRoute: Record<string, number> = {};
    for (const [k, n] of [...this.metrics.http].sort(([a], [b]) => (a < b ? -1 : 1))) byRoute[k] = n;
    const rates = this.shards.rates.map((r) => ({ ...r, messagesPerSec: round1(r.messagesPerSec), deliveredPerSec: round1(r.deliveredPerSec), heapMb: round1(r.heapMb), byType: Object.fromEntries(Object.entries(r.byType).map(([k, v]) => [k, round1(v)])) }));
    return {
      time: new Date().toISOString(),
      uptimeS: round1((Date.now() - this.startedAt) / 1000),
      nodes: { total: this.pool.total, up: this.pool.upCount, down: this.pool.downCount, bootstrap: this.bootstraps.length },
      workers: this.swarm.workers,
      config: { k: this.config.k, alpha: this.config.alpha, maxValueBytes: this.config.maxValueBytes },
      window: this.metrics.window(this.startedAt),
      lookups: { put: op('put'), getPresent: op('get-present'), getAbsent: op('get-absent'), total, successRatio: total ? success / total : null },
      messages: {
        perSec: round1(this.shards.rates.reduce((a, r) => a + r.messagesPerSec, 0)),
        sampledAt: this.shards.sampledAt ? new Date(this.shards.sampledAt).toISOString() : null,
        shards: rates,
        pollFailures: this.shards.failures,
      },
      http: { requests: this.metrics.requests, byRoute },
      churn: { killed: this.metrics.churnKilled, revived: this.metrics.churnRevived },
      knownKeys: this.known.size,
      swarmFailed: this.swarmFailure?.message ?? null,
    };
  }

  /** Stops serving: ends event streams and open connections. Does not stop the swarm. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    for (const res of this.sse) res.end();
    this.sse.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // Requests still waiting on a lookup get a moment to finish, then their connections are cut.
    const grace = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, 1000);
    await closed;
    clearTimeout(grace);
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
