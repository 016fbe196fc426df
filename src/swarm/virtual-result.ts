/**
 * What one shard hands back from a virtual-time run (virtual-run.ts), the layout of its rows,
 * and what the supervisor needs to read them (churn-run.ts): kept apart from the run itself so
 * that the main thread does not load the shard's code.
 */
import { idToWords } from '../core/id.js';
import type { IdOracle } from '../sim/oracle.js';
import type { ChurnAdversaryShard } from './adversary-churn.js';
import type { OpsResult, VirtualParams } from './control.js';
import { findTarget } from './workload.js';

export interface VirtualShardResult {
  shard: number;
  /** One row per get: time (ms since the measured part began), ok, depth, rpcs, timeouts, latency. */
  gets: Float64Array;
  finds: Float64Array;
  /** find rows of the first findCheck lookups: index, then k handles (−1 padded). */
  findClosest: Int32Array;
  joinsFailed: number;
  /** Per sample: up nodes, contacts of up nodes, contacts pointing at down nodes. */
  samples: Float64Array;
  /** Per sample × key: live non-cached replicas. */
  replicas: Uint16Array;
  traceSum: number;
  traceCount: number;
  /** This shard's part of the order-sensitive trace hash (sum of its nodes' chains, hex). */
  traceChain: string;
  endTime: number;
  windows: number;
  /** Rows of each phase (only this shard's rows are filled). */
  phaseRows: OpsResult[];
  /** The file workload under churn: one row per lookup or search (only this shard's filled), and the plan's time, kind and item of each. */
  files?: { rows: OpsResult; at: Float64Array; kind: Uint8Array; item: Int32Array };
  /** Per node index: RPCs and virtual duration of its join (this shard's nodes only). */
  joinRpcs: Float64Array;
  joinDurations: Float64Array;
  joinEnd: number;
  /** With adversaries (issue 13): touched lookups, target gets, table share, puts landing (adversary-churn.ts). */
  adversary?: ChurnAdversaryShard;
}

export const GET_COLS = 6;
export const FIND_COLS = 6;
/** The `ok` column of a get whose asking node left before it ended: not a DHT outcome, counted apart. */
export const GET_CUT_SHORT = -1;
/** The same for a file lookup or search (its `ok` is a byte). */
export const FILE_CUT_SHORT = 255;

/**
 * A putting node stays up at least this long after its put starts. A put whose own node leaves
 * midway stores the value on whatever it found so far (often only itself): that is a client
 * crashing, not the DHT losing a value, and it made most of the "failed" gets at k = 20.
 */
export const PUT_STAY_MS = 60_000;

/** Where the measured part starts, in ms after the run's start: joins and settle time. */
export function measuredStartMs(p: Pick<VirtualParams, 'join' | 'joinSpacingMs' | 'settleMs'>, nodes: number): number {
  return (p.join === 'protocol' ? nodes * p.joinSpacingMs : 0) + p.settleMs;
}

/** The true k closest for a checked FIND_NODE (used by the supervisor). */
export function trueClosestFor(oracle: IdOracle, seed: number, j: number, asker: number, k: number, up: (i: number) => boolean): number[] {
  return oracle.closest(idToWords(findTarget(seed, j)), 0, k, (h) => h !== asker && up(h));
}
