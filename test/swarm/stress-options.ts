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

/**
 * The 2,000-node eclipse both eclipse tests run (adversary-eclipse, adversary-puzzle): 100
 * minters (F = 0.05, targeted) around 5 target keys, seed 13, 8 bootstrap nodes; `config` adds
 * the defences under test, `budget` the attacker's SHA-1 budget under the ID puzzle.
 */
export function eclipseStressOptions(config: Partial<StressOptions['config']>, budget?: number): StressOptions {
  return virtualStressOptions({
    nodes: 2000,
    workers: 2,
    keys: 100,
    seed: 13,
    joinConcurrency: 128,
    config: { k: 20, alpha: 3, ...config },
    checkSample: 0,
    healthSample: 0,
    bootstraps: 8,
    adversary: { fraction: 0.05, attack: 'eclipse', placement: 'targeted', targets: 5, ...(budget !== undefined ? { budget } : {}) },
    subnets: 1,
  });
}
