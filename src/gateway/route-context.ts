/**
 * What the routes need of the gateway: its swarm, its view of which nodes are up, its counters
 * and the server-sent-event stream. The Gateway implements it; routes.ts depends on this
 * interface only, so the server and its routes do not import each other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KadConfig } from '../core/config.js';
import type { Swarm } from '../swarm/supervisor.js';
import type { GatewayMetrics, OpJson, ShardRate, ShardRates, WindowJson } from './metrics.js';
import type { NodePool } from './node-pool.js';

export interface StatsJson {
  time: string;
  uptimeS: number;
  nodes: { total: number; up: number; down: number; bootstrap: number };
  workers: number;
  config: { k: number; alpha: number; maxValueBytes: number };
  window: WindowJson;
  lookups: { put: OpJson; getPresent: OpJson; getAbsent: OpJson; total: number; successRatio: number | null };
  messages: { perSec: number; sampledAt: string | null; shards: ShardRate[]; pollFailures: number };
  http: { requests: number; byRoute: Record<string, number> };
  churn: { killed: number; revived: number };
  knownKeys: number;
  swarmFailed: string | null;
}

export interface RouteContext {
  readonly swarm: Swarm;
  readonly config: KadConfig;
  readonly pool: NodePool;
  readonly metrics: GatewayMetrics;
  readonly shards: ShardRates;
  readonly known: Set<string>;
  readonly requestTimeoutMs: number;
  readonly bootstraps: number[];
  readonly startedAt: number;
  readonly sseClients: number;
  readonly swarmFailure: Error | null;
  /** Bearer token of the admin routes; null: they are open (a loopback gateway given no token). */
  readonly adminToken: string | null;
  rememberKey(hex: string): void;
  openEvents(req: IncomingMessage, res: ServerResponse): void;
  serialChurn<T>(run: () => Promise<T>): Promise<T>;
  snapshot(hist?: boolean): StatsJson;
}
