/**
 * The real-time join phase of a stress run (and of the gateway's swarm): every node joins
 * through the bootstrap nodes with a bounded number of joins in flight.
 */
import type { Swarm } from './supervisor.js';

/**
 * Joins every node: the bootstrap nodes through node 0 and one another, all at once, then
 * everyone else through them, `concurrency` joins in flight. (The bootstrap nodes joined one
 * after another before: under 30 % loss each join takes seconds of timeouts, and the 15 in a row
 * were about 100 s of a 180 s join phase at 2,000 nodes. Then all through node 0 alone: at 30 %
 * loss one of the 15 could lose its only exchange seven times in a row, and everyone else
 * waited the 6 s of its retries.)
 */
export async function joinSwarm(swarm: Swarm, bootstraps: number[], concurrency: number, progress: (done: number) => void): Promise<{ failed: number; rpcs: Float64Array; durations: Float64Array }> {
  const n = swarm.nodes;
  const b = bootstraps.length;
  let failed = 0;
  const rpcs: number[] = [];
  const durations: number[] = [];
  if (b > 1) {
    const r = await swarm.join(bootstraps.slice(1), bootstraps, b - 1, (done) => progress(done));
    failed += r.failed;
    rpcs.push(...r.rpcs);
    durations.push(...r.durations);
  }
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !bootstraps.includes(i));
  const r = await swarm.join(rest, bootstraps, concurrency, (done) => progress(b - 1 + done));
  return { failed: failed + r.failed, rpcs: Float64Array.from([...rpcs, ...r.rpcs]), durations: Float64Array.from([...durations, ...r.durations]) };
}
