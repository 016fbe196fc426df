/**
 * The supervisor ↔ shard control protocol, over a MessagePort. Bulk numbers
 * travel as typed arrays; every command gets exactly one reply with its id,
 * and long commands send progress messages in between.
 */
import type { KadConfig } from '../core/config.js';
import type { LookupStep, PutResult } from '../core/index.js';
import type { SignedPart } from '../core/messages.js';
import type { RingMesh } from '../net/ring-mesh.js';
import type { NetworkModel } from '../sim/network-model.js';
import type { AdversaryPlan } from '../sim/adversary.js';
import type { BarrierMemory } from './barrier.js';
import type { ChurnFilesParams, FilesSpec } from './files-workload.js';

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

/** The file workload (files-workload.ts) adds 'publish' (a file's source and keyword entries), 'find-sources' and 'search'. */
export type OpKind = 'put' | 'get' | 'get-absent' | 'find' | 'publish' | 'find-sources' | 'search';

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

/** A signed put's seq and signature parts (the gateway signs; the shard's node stores). */
export interface SignedKv {
  seq: number;
  part: SignedPart;
}

/** What a lookup on behalf of a user (the gateway) cost. */
export interface KvCost {
  depth: number;
  rpcs: number;
  timeouts: number;
  duration: number;
  responded: number;
}

/** One put or get on behalf of a user (the HTTP gateway), with its cost. */
export interface KvResult extends KvCost {
  ok: boolean;
  found: boolean;
  value: Uint8Array | null;
  /** put: nodes that hold the value, the asker included; get: 0. */
  stored: number;
  /** put: nodes other than the asker that acknowledged the STORE (the put succeeded when ≥ 1); get: 0. */
  acked: number;
  /** A put: nodes that refused it, by reason (absent when none did). */
  refused?: PutResult['refused'];
  /** A get that found a signed record: its publisher's public key (hex) and seq. */
  signer?: { publicKey: string; seq: number };
}

/** One findSources on behalf of a user (the gateway): the values with their publishers, and the cost. */
export interface SourcesKvResult extends KvCost {
  values: Array<{ value: Uint8Array; publisher: string; ttlMs: number }>;
  contributors: number;
}

export interface NodeInfo {
  node: number;
  id: string;
  up: boolean;
  buckets: Array<{ depth: number; contacts: number; replacements: number; stale: number }>;
  contacts: number[];
  records: Array<{ key: string; valueBytes: number; version: number; expiresInMs: number; cached: boolean }>;
}

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
