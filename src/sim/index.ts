/**
 * The sim layer: nodes hosted in one thread on one event queue, and the models a run is made
 * of. The swarm's shards are built from it, and so is the in-thread simulator the tests drive.
 *
 * - `Cluster`: node actors on the host loop, one event queue for their wake-ups, deliveries and
 *   driver actions, the codec between every pair, latency and loss from the network model, the
 *   trace hash and the invariant checker.
 * - `SimNetwork`: a Cluster holding every node, on virtual time, with operations that run to
 *   completion (tests, experiments, the library's simulator).
 * - Models: network (latency, loss), placement (node → shard), churn, the ID oracle (true k
 *   closest) and its table filler (`--join oracle`, oracle-fill.ts), samples (summaries),
 *   histograms (fixed log buckets, < 1 % wide, shared with the gateway).
 *
 * In: operations, frames from other shards, driver actions. Out: frames for other shards
 * (`RemoteLinks`), counters, results. Never here: worker threads, rings, sockets, reports.
 */
export { Cluster, ClusterStats, type ClusterOptions, type RemoteLinks } from './cluster.js';
export { SimNetwork, type SimOptions } from './sim-network.js';
export { InvariantChecker, InvariantError } from './invariants.js';
export { TraceHash, combineChains, formatChain } from './trace-hash.js';
export { EventQueue } from './event-queue.js';
export { IntHistogram, LogHistogram, LOG_HISTOGRAM_ERROR, type HistogramJson } from './histograms.js';
