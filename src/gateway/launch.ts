/**
 * Starts a swarm, joins every node (bootstrap nodes first, as the stress run
 * does) and puts the HTTP gateway in front of it. `close()` stops serving,
 * then stops the swarm. Used by `kadswarm serve` and by the tests.
 */
import type { PhaseObserver } from '../swarm/observer.js';
import type { KadConfig } from '../core/config.js';
import type { NetworkModel } from '../sim/network-model.js';
import { joinSwarm } from '../swarm/stress-run.js';
import { Swarm } from '../swarm/supervisor.js';
import { Gateway } from './gateway.js';

export interface LaunchOptions {
  nodes: number;
  workers?: number;
  seed: number;
  config: Partial<KadConfig>;
  network: NetworkModel;
  joinConcurrency: number;
  bootstraps: number;
  host?: string;
  port?: number;
  requestTimeoutMs?: number;
  tickMs?: number;
  /** Bearer token of the admin routes (Gateway's adminToken); absent: made at start off loopback. */
  adminToken?: string;
}

/** Progress of the spawn and join phases. */
export type LaunchObserver = PhaseObserver;

export interface Launched {
  swarm: Swarm;
  gateway: Gateway;
  joinFailed: number;
  joinMs: number;
  close(): Promise<void>;
}

/** Real-time timeouts that survive a busy 2-core machine (as the stress run uses). */
export const SERVE_TIMEOUTS: Partial<KadConfig> = { minTimeoutMs: 2000, maxTimeoutMs: 10_000, initialTimeoutMs: 5000 };

export async function launchGateway(o: LaunchOptions, observer?: LaunchObserver): Promise<Launched> {
  const swarm = Swarm.start({ nodes: o.nodes, seed: o.seed, config: o.config, network: o.network, ...(o.workers !== undefined ? { workers: o.workers } : {}) });
  let gateway: Gateway | null = null;
  try {
    const run = async (): Promise<{ failed: number; joinMs: number }> => {
      observer?.start('spawn', o.nodes);
      await swarm.spawn();
      observer?.progress(o.nodes);
      observer?.end();
      const bootstraps = Array.from({ length: Math.min(o.bootstraps, o.nodes) }, (_, i) => i);
      observer?.start('join', o.nodes - 1);
      const t0 = performance.now();
      const joined = await joinSwarm(swarm, bootstraps, o.joinConcurrency, (d) => observer?.progress(d));
      const joinMs = performance.now() - t0;
      observer?.end();
      return { failed: joined.failed, joinMs };
    };
    const { failed, joinMs } = await Promise.race([run(), swarm.failed]);
    gateway = await Gateway.start({
      swarm,
      bootstraps: o.bootstraps,
      ...(o.host !== undefined ? { host: o.host } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.requestTimeoutMs !== undefined ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
      ...(o.tickMs !== undefined ? { tickMs: o.tickMs } : {}),
      ...(o.adminToken !== undefined ? { adminToken: o.adminToken } : {}),
    });
    const gw = gateway;
    let closing: Promise<void> | null = null;
    return {
      swarm,
      gateway: gw,
      joinFailed: failed,
      joinMs,
      close: () =>
        (closing ??= (async () => {
          await gw.close();
          await swarm.stop();
        })()),
    };
  } catch (err) {
    if (gateway) await gateway.close().catch(() => undefined);
    await swarm.stop().catch(() => undefined);
    throw err;
  }
}
