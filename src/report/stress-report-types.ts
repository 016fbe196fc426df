/**
 * The shape of the stress report: the plain JSON-able object buildStressReport (stress-report.ts)
 * makes from a run, which the terminal text (stress-text.ts), the plots, the CSV export and the
 * comparison read. Kept apart so readers of the report need not import the code that builds it.
 */
import type { AdversaryReport } from './adversary-report.js';
import type { StressResult } from '../swarm/stress-run.js';
import type { MessageAccounts } from '../swarm/control.js';
import type { Summary } from '../sim/samples.js';
import type { ReplicaFigures } from './replicas.js';
import type { FilesFigures } from './files-report.js';

export interface LookupPhase {
  name: string;
  count: number;
  wallMs: number;
  opsPerSec: number;
  successRatio: number;
  depth: Summary;
  rpcs: Summary;
  timeouts: Summary;
  latencyMs: Summary;
  timeoutWaitMs: number;
  /** Depth value → lookups. */
  depthCounts: Array<[number, number]>;
  /** The whole distributions, so a user can draw a CDF; each adds up to `count`. */
  histograms: Distributions;
}

/**
 * Latency in log buckets [lo, hi) ms, each at most `relativeWidth` wider than
 * its lower edge (< 1 %), only the non-empty ones; depth and RPCs exactly, as
 * [value, lookups] pairs.
 */
export interface Distributions {
  latencyMs: { relativeWidth: number; buckets: Array<[number, number, number]> };
  depth: Array<[number, number]>;
  rpcs: Array<[number, number]>;
}

export interface StressReport {
  /** With --adversary: the attack's figures (adversary-report.ts). */
  adversary?: AdversaryReport;
  meta: Record<string, unknown>;
  phases: Array<{ name: string; wallMs: number; count: number; opsPerSec: number }>;
  join: { mode: string; failed: number; wallMs: number; joinsPerSec: number; rpcs: Summary; latencyMs: Summary; histograms: Omit<Distributions, 'depth'> };
  lookups: { store: LookupPhase; get: LookupPhase; 'get-absent': LookupPhase; 'find-node': LookupPhase };
  findNode: { meanDepth: number; meanRpcs: number; reference: { depth: number; rpcs: number; note: string } | null; exact: number; checked: number; exactRatio: number };
  /**
   * meanReplicas: nodes holding each value, the putter's own copy included; replicas: the
   * distribution of acknowledgements from other nodes (a put succeeds with ≥ 1 of them).
   */
  store: { meanReplicas: number; replicas: ReplicaFigures };
  /**
   * Routing tables of the sampled nodes against the true k nearest (brute force over every ID):
   * afterJoin right after the join phase, before the workload; afterRun (= knowsNearestRatio,
   * the counts beside it) at the end.
   */
  health: StressResult['health'] & { knowsNearestRatio: number; afterJoin: number; afterRun: number; afterJoinKnowsNearest: number };
  traffic: {
    messages: number;
    byType: Record<string, number>;
    perShard: Array<{ shard: number; messages: number; messagesPerSec: number; framesOut: number; framesIn: number; local: number; backpressure: number; busyRatio: number; cpuMs: number | null }>;
    /**
     * Shard threads' CPU microseconds (forced report GCs left out) ÷ messages delivered, over the
     * whole run from spawn to the last phase; null where the platform gives no per-thread CPU.
     */
    cpuPerMessageUs: number | null;
    drops: Record<string, number>;
    /**
     * Every message that reached a node, summed over shards: received === handled + Σ refused +
     * queued (each message has one outcome; `drops` also counts refusals inside handled ones).
     */
    accounts: MessageAccounts;
    cacheHits: number;
    /** STOREs sent to newcomers by hand-over (included in byType.STORE). */
    handOvers: number;
    timeoutWaitMs: number;
  };
  memory: {
    bytesPerNodeAtSpawn: number;
    bytesPerNodeAfterJoin: number;
    bytesPerNodeAfterRun: number;
    heapBytes: number;
    typedArrayBytes: number;
    rssBytes: number;
    /**
     * Record copies after the run, per node; the logical bytes of one copy as stored (key + value
     * + COPY_METADATA_BYTES of metadata row and index); and what the shards' record spaces take in
     * all per copy (the bytes of a value once per shard, however many replicas; slack included).
     * `distinctValues`: the value blobs the shards hold, summed over the shards — distinct within
     * a shard, so a value whose replicas live on two shards counts twice (the name is kept for
     * readers of older reports).
     */
    records: { copies: number; copiesPerNode: number; logicalBytesPerCopy: number; storedBytesPerCopy: number; distinctValues: number };
  };
  /** `--workload files` only. */
  files?: FilesFigures;
  totalWallMs: number;
}

/** Where a run ran; the CLI reads it (src/cli/environment.ts) so this module reads nothing itself. */
export interface RunEnvironment {
  version: string;
  commit: string;
  node: string;
  cores: number;
  memoryBytes: number;
}
