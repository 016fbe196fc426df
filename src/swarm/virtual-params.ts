/**
 * The parameters of a virtual-time experiment as every shard runs it (virtual-run.ts), sent in
 * the control protocol's `virtual` command (control.ts).
 */
import type { OpKind } from './op-kind.js';
import type { ChurnFilesParams, FilesSpec } from './files-workload.js';

/** A whole virtual-time experiment, as every shard runs it (see virtual-run.ts). */
export interface VirtualParams {
  /** Length of the measured part, after the joins. */
  durationMs: number;
  /**
   * 'protocol': every node joins by self-lookup and refresh; 'oracle': tables filled from the
   * sorted IDs; 'none': the nodes are already joined (a second run on the same swarm).
   */
  join: 'protocol' | 'oracle' | 'none';
  /** Node i starts its join at i × joinSpacingMs. */
  joinSpacingMs: number;
  /** Quiet time after the last join starts, before the workload. */
  settleMs: number;
  bootstraps: number;
  churn: { uptimeMs: number; downtimeMs: number; restart: 'keep' | 'fresh' } | null;
  /** Values stored at the start of the measured part, each by a live node that stays up for PUT_STAY_MS. */
  keys: number;
  putSpacingMs: number;
  /** Gets per second of virtual time (Poisson), from random live nodes, for random stored keys. */
  getRate: number;
  /** Puts per second of virtual time during the run (Poisson): a random key stored again, with the same value, from a random live node. */
  putRate?: number;
  /** FIND_NODE lookups for random targets (lookup-cost runs), spread over the measured part. */
  finds: number;
  /** How many FIND_NODE results to check against the true k closest. */
  findCheck: number;
  /** Report buckets: success per bucket, and samples of replicas and stale contacts. */
  bucketMs: number;
  /** Window length: the minimum one-way latency. */
  windowMs: number;
  /**
   * The stress workload on the virtual clock: phase after phase, operation
   * `row` starts at startMs + row × spacingMs (times after the joins).
   */
  phases?: VirtualPhase[];
  /** The file workload under churn (virtual-files.ts). */
  files?: ChurnFilesParams;
}

export interface VirtualPhase {
  kind: OpKind;
  nodes: Int32Array;
  items: Int32Array;
  sample: number;
  trace: number;
  startMs: number;
  spacingMs: number;
  /** The file workload's phases. */
  files?: FilesSpec;
}
