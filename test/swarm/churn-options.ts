/**
 * The churn experiment the virtual-time tests run (a few hundred nodes, churn with fresh restarts,
 * puts then gets), as options for runChurn. Shared by virtual.test.ts and the fault fixture,
 * which runs the same experiment with a shard failing in it.
 */
import { MINUTE, type JoinMode } from '../../src/core/config.js';
import { parseLatency } from '../../src/sim/network-model.js';
import type { ChurnOptions } from '../../src/swarm/churn-run.js';

export function churnOptions(over: { workers: number; seed: number; nodes?: number; churn?: boolean; replicate?: boolean; k?: number; minutes?: number; joinMode?: JoinMode }): ChurnOptions {
  return {
    nodes: over.nodes ?? 300,
    workers: over.workers,
    seed: over.seed,
    config: {
      k: over.k ?? 5,
      alpha: 3,
      replicate: over.replicate ?? true,
      // Replication shortened so many rounds fit the run; records outlive it (replicate < republish < expire).
      replicateMs: 2 * MINUTE,
      republishMs: 120 * MINUTE,
      expireMs: 180 * MINUTE,
      refreshMs: 10 * MINUTE,
      ...(over.joinMode ? { joinMode: over.joinMode } : {}),
    },
    network: { latency: parseLatency('20-200ms'), loss: 0, jitter: 0.1, seed: over.seed },
    params: {
      durationMs: (over.minutes ?? 120) * MINUTE,
      join: 'protocol',
      joinSpacingMs: 5,
      settleMs: 30_000,
      bootstraps: 1,
      churn: over.churn === false ? null : { uptimeMs: 20 * MINUTE, downtimeMs: 20 * MINUTE, restart: 'fresh' },
      keys: 40,
      putSpacingMs: 10,
      getRate: 2,
      finds: 0,
      findCheck: 0,
      bucketMs: 15 * MINUTE,
    },
  };
}
