/**
 * The virtual-time stress run the swarm and report tests make (20–200 ms latency, k = 20, α = 3,
 * 64 lookups and joins in flight, 4 bootstrap nodes), as options for runStress: each test names
 * only the size, seed and whatever else it varies. The network's seed follows the run's.
 */
import { parseLatency } from '../../src/sim/network-model.js';
import type { StressOptions } from '../../src/swarm/stress-run.js';

type Required = Pick<StressOptions, 'nodes' | 'workers' | 'keys' | 'seed'>;

export function virtualStressOptions(o: Required & Partial<StressOptions> & { loss?: number }): StressOptions {
  const { loss = 0, ...rest } = o;
  return {
    concurrency: 64,
    joinConcurrency: 64,
    config: { k: 20, alpha: 3 },
    network: { latency: parseLatency('20-200ms'), loss, jitter: 0.1, seed: o.seed },
    zipf: 0,
    checkSample: 50,
    healthSample: 50,
    bootstraps: 4,
    trace: 0,
    clock: 'virtual',
    ...rest,
  };
}
