/**
 * The supervisor ↔ shard control protocol, over a MessagePort. Bulk numbers
 * travel as typed arrays; every command gets exactly one reply with its id,
 * and long commands send progress messages in between. The results of single
 * user operations are in kv-results.ts, a virtual-time experiment's
 * parameters in virtual-params.ts (both re-exported here).
 */
import type { KadConfig } from '../core/config.js';
import type { LookupStep } from '../core/index.js';
import type { RingMesh } from '../net/ring-mesh.js';
import type { NetworkModel } from '../sim/network-model.js';
import type { AdversaryPlan } from '../sim/adversary.js';
import type { BarrierMemory } from './barrier.js';
import type { FilesSpec } from './files-workload.js';
import type { OpKind } from './op-kind.js';
import type { SignedKv } from './kv-results.js';
import type { VirtualParams } from './virtual-params.js';

export type { OpKind } from './op-kind.js';
export type { KvCost, KvResult, NodeInfo, SignedKv, SourcesKvResult } from './kv-results.js';
export type { VirtualParams, VirtualPhase } from './virtual-params.js';

export interface ShardSetup {
  shard: number;
  shards: number;
  nodes: number;
  seed: number;
  /** IDs of all nodes, five u32 words each. */
  ids: SharedArrayBuffer;
  mesh: RingMesh;
  config: Partial<KadConfig>;
  network: NetworkModel;
  port: import('node:worker_threads').MessagePort;
  /** Write a .cpuprofile of this shard into this folder at shutdown. */
  cpuProfileDir?: string;
  /** Test hook: throw from the message loop after this many delivered messages. */
  faultAfterMessages?: number;
  /** Check the simulator's invariants after every event (tests; costs a table walk per event). */
  checkInvariants?: boolean;
  /** 'virtual': time advances from event to event under the virtual-time driver. */
  clock?: 'real' | 'virtual';
  barrier?: BarrierMemory;
  /**
   * Multi-host runs (issue 16): `shard`/`shards` are global (host × workers + worker), the mesh is
   * this host's — `workers` shards plus the edge at mesh index `workers`, which carries every frame
   * for a shard on another host. Local shard w is global shard base + w.
   */
  host?: { base: number; workers: number };
  /** Adversary nodes and their attack (issue 13; src/sim/adversary.ts). */
  adversary?: AdversaryPlan;
  /** Issue 13: synthetic IPv4 addresses (u32 a node) and puzzle keys (3 words a node, or null), when a defence needs them. */
  identity?: { ips: SharedArrayBuffer; keys: SharedArrayBuffer | null };
}


export type Command =
  | { id: number; op: 'spawn' }
  | { id: number; op: 'join'; nodes: Int32Array; bootstraps: number[]; concurrency: number }
  | { id: number; op: 'ops'; kind: OpKind; nodes: Int32Array; items: Int32Array; concurrency: number; sample: number; trace: number; files?: FilesSpec }
  | { id: number; op: 'kill'; nodes: Int32Array }
  | { id: number; op: 'revive'; nodes: Int32Array; bootstraps: number[]; fresh: boolean }
  | { id: number; op: 'put-kv'; node: number; key: Uint8Array; value: Uint8Array; signed?: SignedKv }
  | { id: number; op: 'get-kv'; node: number; key: Uint8Array }
  | { id: number; op: 'add-source'; node: number; key: Uint8Array; value: Uint8Array }
  | { id: number; op: 'find-sources'; node: number; key: Uint8Array }
  | { id: number; op: 'node-info'; node: number }
  | { id: number; op: 'virtual'; params: VirtualParams }
  | { id: number; op: 'stats'; gc?: boolean }
  | { id: number; op: 'health'; sample: Int32Array }
  | { id: number; op: 'adversary'; keys: Int32Array; except: Int32Array }
  | { id: number; op: 'stop' };

export interface SpawnResult {
  nodes: number;
  /** Heap + typed-array bytes after the first tenth and after all nodes (slope = bytes per node). */
  firstNodes: number;
  bytesAtFirst: number;
  bytesAtAll: number;
}

export interface JoinBatchResult {
  failed: number;
  rpcs: Float64Array;
  durations: Float64Array;
}

/** One row per operation, in the order of the command's items. */
export interface OpsResult {
  depth: Float64Array;
  rpcs: Float64Array;
  timeouts: Float64Array;
  timeoutWait: Float64Array;
  duration: Float64Array;
  /** 1 when the operation succeeded: value found and equal, put acknowledged by ≥ 1 node other than the putter, lookup answered. */
  ok: Uint8Array;
  /** put: nodes that hold the value (the putter's own copy included). */
  stored: Uint8Array;
  /** put: nodes other than the putter that acknowledged the STORE. */
  acked: Uint8Array;
  /** find: the closest handles of the first `sample` operations, k per row (−1 padded). */
  closest: Int32Array;
  /** Step-by-step traces of the first `trace` operations (row index, asking node, steps). */
  traces: Array<{ row: number; node: number; steps: LookupStep[] }>;
  /** find-sources: distinct values found; search: distinct matches returned. */
  found: Uint32Array;
  /** Of those, the real ones: the file's own publishers, or files of the workload that match the query. */
  correct: Uint32Array;
  /** With adversaries (issue 13): 1 when the lookup sent a request to an adversary. */
  touched: Uint8Array;
}

/** A shard's adversary figures (issue 13): its honest tables, its attackers' answers, its honest holders. */
export interface AdversaryShardResult {
  /** Contacts in the honest running nodes' tables, and how many of them are adversaries. */
  tableContacts: number;
  tableAdversaries: number;
  /** Requests the attack answered / swallowed, by message type. */
  answered: number[];
  silenced: number[];
  /** Per asked key: honest running nodes here, other than its putter, that hold it. */
  holders: Uint32Array;
}

/** Rows for n operations, all zero; `sample` rows of k closest handles, −1 padded. */
export function emptyOpsResult(n: number, sample: number, k: number): OpsResult {
  return {
    depth: new Float64Array(n),
    rpcs: new Float64Array(n),
    timeouts: new Float64Array(n),
    timeoutWait: new Float64Array(n),
    duration: new Float64Array(n),
    ok: new Uint8Array(n),
    stored: new Uint8Array(n),
    acked: new Uint8Array(n),
    closest: new Int32Array(Math.min(sample, n) * k).fill(-1),
    traces: [],
    found: new Uint32Array(n),
    correct: new Uint32Array(n),
    touched: new Uint8Array(n),
  };
}

/** Copies row `j` of `from` into row `pos` of `to` (the k closest too, for sampled rows). */
export function copyOpsRow(from: OpsResult, j: number, to: OpsResult, pos: number, k: number, sample: number): void {
  to.depth[pos] = from.depth[j]!;
  to.rpcs[pos] = from.rpcs[j]!;
  to.timeouts[pos] = from.timeouts[j]!;
  to.timeoutWait[pos] = from.timeoutWait[j]!;
  to.duration[pos] = from.duration[j]!;
  to.ok[pos] = from.ok[j]!;
  to.stored[pos] = from.stored[j]!;
  to.acked[pos] = from.acked[j]!;
  to.found[pos] = from.found[j]!;
  to.correct[pos] = from.correct[j]!;
  to.touched[pos] = from.touched[j]!;
  if (pos < sample) to.closest.set(from.closest.subarray(j * k, j * k + k), pos * k);
}

/** A shard's exact message accounts: received === handled + Σ refused + queued (ClusterStats). */
export interface MessageAccounts {
  received: number;
  handled: number;
  /** Messages not handled, by their one reason. */
  refused: Record<string, number>;
  /** Decoded and waiting in the shard's queue when the snapshot was taken. */
  queued: number;
}

export interface ShardStats {
  shard: number;
  sent: number[];
  /** Every drop by reason: messages refused (see accounts) and refusals inside handled messages. */
  drops: Record<string, number>;
  accounts: MessageAccounts;
  framesOut: number;
  framesIn: number;
  localMessages: number;
  backpressure: number;
  delivered: number;
  cacheHits: number;
  /** Hand-over STOREs to newcomers (also counted under STORE in `sent`). */
  handOvers: number;
  handlerErrors: number;
  busyMs: number;
  /** CPU milliseconds the shard's thread has run since it started (src/swarm/thread-cpu.ts); -1 when the platform does not say. */
  cpuMs?: number;
  heapUsed: number;
  /** Routing tables' and the record space's typed arrays (ArrayBuffer memory heapUsed leaves out). */
  typedArrayBytes: number;
  /** The shard's record space (record-space.ts): copies held, distinct blobs and their bytes, key + value summed per copy, typed-array bytes. */
  records?: RecordSpaceStats;
  /** SOURCES replies sent: count, bytes on the wire summed, the largest (absent when none was sent). */
  sourcesReplies?: { count: number; bytes: number; maxBytes: number };
  /** FIND_SOURCES received per local node, as [node, count] pairs of the nodes that got any (hot-key load). */
  findSourcesReceived?: Array<[number, number]>;
}

export interface RecordSpaceStats {
  copies: number;
  blobs: number;
  blobBytes: number;
  copyBytes: number;
  spaceBytes: number;
}

export interface HealthResult {
  /** Sampled nodes that hold all of their true k nearest neighbours. */
  knowsNearest: number;
  sampled: number;
  emptyBuckets: number;
  fullBuckets: number;
  buckets: number;
  contacts: number;
  nodes: number;
  /** One row per sampled node hosted on the shard, for the per-node export (--csv health.csv). */
  sampledNodes?: HealthNode[];
}

/** The routing table of one sampled node, against the true k nearest neighbours. */
export interface HealthNode {
  node: number;
  contacts: number;
  buckets: number;
  emptyBuckets: number;
  fullBuckets: number;
  /** Of the node's true k nearest neighbours, how many its table holds. */
  nearestKnown: number;
  nearestTotal: number;
}

export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { progress: number; done: number };
