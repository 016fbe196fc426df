/**
 * What a stress run takes and gives back: its options (the CLI builds them), the phases it plans,
 * and the raw result per phase that src/report turns into the report. Types only, so the report
 * and the CLI can name them without loading the run itself.
 */
import type { KadConfig } from '../core/config.js';
import type { HealthNode, HealthResult, OpKind, OpsResult, ShardStats, SpawnResult } from './control.js';
import type { NetworkModel } from '../sim/network-model.js';
import type { FilesSpec } from './files-workload.js';
import type { AdversarySpec } from '../sim/adversary.js';
import type { AdversaryRun } from './adversary-run.js';

export interface StressOptions {
  nodes: number;
  workers?: number;
  keys: number;
  seed: number;
  concurrency: number;
  joinConcurrency: number;
  config: Partial<KadConfig> & { k: number; alpha: number };
  network: NetworkModel;
  zipf: number;
  /** FIND_NODE results checked against the true k closest. */
  checkSample: number;
  /** Nodes whose tables are checked for their true k nearest neighbours. */
  healthSample: number;
  /** Lookups traced step by step in each lookup phase (get, get-absent, find-node). */
  trace: number;
  /** 'virtual': the whole run on the virtual clock (deterministic from the seed; latency must be above zero). */
  clock?: 'real' | 'virtual';
  bootstraps: number;
  cpuProfileDir?: string;
  maxHeapMb?: number;
  fault?: { shard: number; afterMessages: number };
  /** Check the simulator's invariants after every event; a broken one ends the run with the seed and the event. */
  checkInvariants?: boolean;
  /** `--workload files`: after the default phases, publish, find-sources and search (files-workload.ts). */
  files?: FilesSpec;
  /** `--adversary F --attack KIND`: adversary nodes in the shards (issue 13; adversary-run.ts). */
  adversary?: AdversarySpec;
  /** --subnets S: the /24s the adversaries share when a defence gives nodes addresses (default 1). */
  subnets?: number;
  /** Multi-host (issue 16): this process is the coordinator of `count` hosts (coordinator.ts); `workers` is per host. */
  hosts?: HostsSpec;
}

export interface HostsSpec {
  count: number;
  listen: string;
  version: string;
  stallMs?: number;
  log: (line: string) => void;
}

export interface PlannedPhase {
  name: string;
  kind: OpKind;
  nodes: number[];
  items: number[];
  sample: number;
  files?: FilesSpec;
}

export interface PhaseResult {
  name: string;
  kind: OpKind | 'join' | 'spawn';
  wallMs: number;
  count: number;
  rows?: OpsResult;
  /** Lookup phases: the asking node and the workload item (key or target number) of each row, for the per-operation export. */
  nodes?: Int32Array;
  items?: Int32Array;
  joinRpcs?: Float64Array;
  joinDurations?: Float64Array;
  joinFailed?: number;
}

export interface StressResult {
  options: StressOptions;
  workers: number;
  phases: PhaseResult[];
  spawn: SpawnResult[];
  /** Shard counters and memory right after the join (after a full GC). */
  afterJoin: ShardStats[];
  health: HealthResult;
  /** The same sample's tables right after the join phase, before the workload (issue 14: health.afterJoin). */
  healthAfterJoin: HealthResult;
  /** The sampled nodes' tables one by one, ascending by node. */
  healthNodes: HealthNode[];
  stats: ShardStats[];
  /** FIND_NODE results equal to the true k closest, over the checked sample. */
  exactClosest: number;
  checked: number;
  rssBytes: number;
  totalWallMs: number;
  /** Virtual clock only: hash of the full message trace (sum of per-message hashes : messages). */
  /** Virtual clock: today's order-independent hash of the message trace, "sum:messages". */
  traceHash?: string;
  /** Virtual clock: the order-sensitive 64-bit hash (per node, chained over what it receives, summed over nodes). */
  traceChain?: string;
  /** With adversaries: who they were and what the shards counted (src/report/adversary-report.ts reads it). */
  adversary?: AdversaryRun;
}
