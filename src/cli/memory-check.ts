/**
 * A look before the leap: the memory a swarm will need, estimated from the
 * bytes per node measured in BENCHMARKS.md, against the machine's memory. A
 * swarm that will not fit is refused before anything spawns (`--nodes 5000000`
 * would otherwise run for minutes towards ~23 GB and end in swapping or the
 * OOM killer); --force starts it anyway.
 */
import { totalmem } from 'node:os';
import { formatBytes } from '../report/table.js';
import { UsageError } from './flags.js';

/**
 * Conservative figures from measured runs (BENCHMARKS.md): a joined node with a full table is
 * 4.7–5.3 KB of JS heap + typed arrays in a stress run and 7.9 KB in the largest churn run; each
 * stored replica adds ~80 B since records live in a shard's RecordSpace (a row of integers per
 * copy, a value's bytes once per shard: 74 B per copy in `npm run bench`, 79 B in a 2,000-node
 * stress run; it was ~0.7 KB with an object per copy). The process and each worker thread cost
 * about 0.4 GiB together at 10,000 nodes (RSS 0.61 GiB).
 */
export const BYTES_PER_NODE = 8 * 1024;
export const BYTES_PER_REPLICA = 128;
export const BASE_BYTES = 256 * 1024 * 1024;
export const BYTES_PER_WORKER = 64 * 1024 * 1024;
/** The share of the machine's memory a run may plan to use; the rest is for the OS and everything else. */
export const USABLE_SHARE = 0.9;

export interface SwarmSize {
  nodes: number;
  workers: number;
  /** Values stored × replicas of each (0 for a swarm that stores nothing up front). */
  replicas: number;
  /** Runs at once (the churn sweep runs two). */
  parallel?: number;
}

export function estimateBytes(s: SwarmSize): number {
  return (s.parallel ?? 1) * (BASE_BYTES + s.workers * BYTES_PER_WORKER + s.nodes * BYTES_PER_NODE + s.replicas * BYTES_PER_REPLICA);
}

/**
 * Throws a UsageError with the estimate and the way out when the swarm will not fit in
 * `total` bytes (default: this machine's memory); returns the estimate otherwise.
 */
export function checkMemory(s: SwarmSize, force: boolean, total = totalmem()): number {
  const need = estimateBytes(s);
  if (force || need <= total * USABLE_SHARE) return need;
  const parts = [`${s.nodes.toLocaleString('en-US')} nodes × ${formatBytes(BYTES_PER_NODE)}`];
  if (s.replicas > 0) parts.push(`${s.replicas.toLocaleString('en-US')} stored replicas × ${BYTES_PER_REPLICA} B`);
  parts.push(`${formatBytes(BASE_BYTES + s.workers * BYTES_PER_WORKER)} for the process and ${s.workers} workers`);
  throw new UsageError(
    `a swarm of ${s.nodes.toLocaleString('en-US')} nodes would need about ${formatBytes(need)} (${parts.join(' + ')}${(s.parallel ?? 1) > 1 ? `, ${s.parallel} runs at once` : ''}), ` +
      `more than ${Math.round(USABLE_SHARE * 100)}% of this machine's ${formatBytes(total)}. Use fewer nodes or keys, or pass --force to start anyway.`,
  );
}
