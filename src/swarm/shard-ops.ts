/**
 * What a shard does for the supervisor's commands: spawn its nodes, join a
 * batch of them, run a list of operations with bounded concurrency, and
 * report routing-table health. Results come back as typed arrays, one row per
 * operation in command order.
 */
import { getHeapStatistics } from 'node:v8';
import { ID_WORDS } from '../core/id.js';
import type { GetResult, LookupCost, PutResult } from '../core/index.js';
import {
  emptyOpsResult,
  type HealthNode,
  type HealthResult,
  type JoinBatchResult,
  type KvResult,
  type SignedKv,
  type NodeInfo,
  type OpKind,
  type OpsResult,
  type SourcesKvResult,
  type SpawnResult,
} from './control.js';
import { idToHex } from '../core/id.js';
import { IdOracle } from '../sim/oracle.js';
import { localSlot } from '../sim/placement.js';
import type { Shard } from './shard.js';
import { absentKey, findTarget, presentKey, valueBytes } from './workload.js';
import { fileWorkload, type FilesSpec } from './files-workload.js';
import { startFileOp } from './file-ops.js';
import { touchedAdversary } from './adversary-wiring.js';

export function spawnAll(shard: Shard): SpawnResult {
  const total = shard.nodes.length;
  const first = Math.max(1, Math.floor(total / 10));
  const measure = (): number => {
    shard.gcForReport();
    let typed = 0;
    for (const n of shard.nodes) if (n) typed += n.table.bytes;
    return getHeapStatistics().used_heap_size + typed;
  };
  for (let s = 0; s < first; s++) shard.spawn(s);
  const bytesAtFirst = measure();
  for (let s = first; s < total; s++) shard.spawn(s);
  const bytesAtAll = measure();
  return { nodes: total, firstNodes: first, bytesAtFirst, bytesAtAll };
}

/** Runs `count` asynchronous jobs, at most `concurrency` at a time; `onProgress` sees the number done. */
export function runBounded(count: number, concurrency: number, job: (i: number, done: () => void) => void, onProgress: (done: number) => void): Promise<void> {
  return new Promise((resolve) => {
    if (count === 0) return resolve();
    let next = 0;
    let finished = 0;
    const startMore = (): void => {
      while (next < count && next - finished < concurrency) {
        const i = next++;
        job(i, () => {
          finished++;
          onProgress(finished);
          if (finished === count) resolve();
          else startMore();
        });
      }
    };
    startMore();
  });
}

/** Bootstrap contacts a newcomer is given (as a client ships several router addresses): at 30 % loss all three are lost for one join in eight, one alone for every second. */
export const JOIN_VIA = 3;

/**
 * The bootstrap nodes node `self` joins through: JOIN_VIA of them (fewer when there are not so
 * many), never itself, the first chosen by its index so the joins spread over all of them. With
 * one, a lost exchange (half of them at 30 % loss) cost the join a timeout and a retry at twice it.
 */
export function joinVia(self: number, bootstraps: readonly number[]): number[] {
  const others = bootstraps.filter((b) => b !== self);
  const via: number[] = [];
  for (let j = 0; j < Math.min(JOIN_VIA, others.length); j++) via.push(others[(self + j) % others.length]!);
  return via;
}

export async function joinBatch(shard: Shard, nodes: Int32Array, bootstraps: number[], concurrency: number, onProgress: (done: number) => void): Promise<JoinBatchResult> {
  const rpcs = new Float64Array(nodes.length);
  const durations = new Float64Array(nodes.length);
  let failed = 0;
  await runBounded(
    nodes.length,
    concurrency,
    (i, done) => {
      const node = shard.node(nodes[i]!);
      shard.join(node.self, joinVia(node.self, bootstraps), (r) => {
        if (!r.ok) failed++;
        rpcs[i] = r.rpcs;
        durations[i] = r.duration;
        done();
      });
      shard.ringOwnBell();
    },
    onProgress,
  );
  return { failed, rpcs, durations };
}

export async function runOps(shard: Shard, kind: OpKind, nodes: Int32Array, items: Int32Array, concurrency: number, sample: number, trace: number, seed: number, onProgress: (done: number) => void, files?: FilesSpec): Promise<OpsResult> {
  const out = emptyOpsResult(nodes.length, sample, shard.config.k);
  await runBounded(
    nodes.length,
    concurrency,
    (i, done) => {
      startOp(shard, kind, nodes, items, i, out, sample, trace, seed, done, files);
      shard.ringOwnBell();
    },
    onProgress,
  );
  return out;
}

/**
 * Starts operation `row` (kind, asking node nodes[row], item items[row]) and
 * records its outcome in row `row` of `out`; `done` runs when it has ended.
 * Shared by the real-time runner (bounded concurrency) and the virtual-time
 * driver (operations at scheduled instants).
 */
export function startOp(shard: Shard, kind: OpKind, nodes: Int32Array, items: Int32Array, row: number, out: OpsResult, sample: number, trace: number, seed: number, done: () => void, files?: FilesSpec): void {
  const k = shard.config.k;
  const i = row;
  const adversary = shard.adversary;
  const record = (c: LookupCost, ok: boolean): void => {
    if (adversary && c.trace) out.touched[i] = touchedAdversary(adversary, c.trace) ? 1 : 0;
    if (c.trace && i < trace) out.traces.push({ row: i, node: nodes[i]!, steps: c.trace });
    out.depth[i] = c.depth;
    out.rpcs[i] = c.rpcs;
    out.timeouts[i] = c.timeouts;
    out.timeoutWait[i] = c.timeoutWait;
    out.duration[i] = c.duration;
    out.ok[i] = ok ? 1 : 0;
    done();
  };
  const node = nodes[i]!;
  const item = items[i]!;
  // With adversaries every lookup is traced: its steps say whether it asked one (touchedAdversary).
  if (i < trace || adversary) shard.node(node).traceNextLookup();
  switch (kind) {
    case 'put':
      shard.put(node, presentKey(item, shard.config.contentAddressed), valueBytes(item), (r) => {
        out.stored[i] = Math.min(255, r.stored);
        out.acked[i] = Math.min(255, r.acked);
        // A copy on the putter alone is not in the DHT: success needs another node's acknowledgement.
        record(r, r.acked > 0);
      });
      break;
    case 'get':
      shard.get(node, presentKey(item, shard.config.contentAddressed), (r) => record(r, r.found && sameBytes(r, valueBytes(item))));
      break;
    case 'get-absent':
      // Success for an absent key: the lookup completed and found nothing.
      shard.get(node, absentKey(item), (r) => record(r, !r.found && r.responded > 0));
      break;
    case 'find':
      shard.findNode(node, findTarget(seed, item), (r) => {
        if (i < sample) for (let j = 0; j < Math.min(k, r.closest.length); j++) out.closest[i * k + j] = r.closest[j]!;
        record(r, r.closest.length > 0);
      });
      break;
    case 'publish':
    case 'find-sources':
    case 'search':
      if (!files) throw new Error(`${kind} needs the file workload's spec`);
      startFileOp(shard, kind, node, item, i, out, fileWorkload(seed, shard.total, files), record);
      break;
  }
}

function sameBytes(r: GetResult, expected: Uint8Array): boolean {
  const v = r.value;
  if (!v || v.length !== expected.length) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== expected[i]) return false;
  return true;
}

let oracle: IdOracle | null = null;

/** Routing-table health: bucket counts over all local nodes, nearest-neighbour completeness over a sample. */
export function health(shard: Shard, sample: Int32Array): HealthResult {
  const r: HealthResult = { knowsNearest: 0, sampled: 0, emptyBuckets: 0, fullBuckets: 0, buckets: 0, contacts: 0, nodes: 0 };
  const k = shard.config.k;
  for (const node of shard.nodes) {
    if (!node || !node.up) continue;
    r.nodes++;
    for (const b of node.table.describeBuckets()) {
      r.buckets++;
      r.contacts += b.contacts;
      if (b.contacts === 0) r.emptyBuckets++;
      if (b.contacts === k) r.fullBuckets++;
    }
  }
  if (sample.length > 0) {
    oracle ??= new IdOracle(shard.peers.words, shard.total);
    for (const i of sample) {
      const node = shard.nodes[localSlot(i, shard.shards)];
      if (!node || node.self !== i) continue;
      r.sampled++;
      const truth = oracle.closest(shard.peers.words.subarray(i * ID_WORDS, i * ID_WORDS + ID_WORDS), 0, k, (h) => h !== i);
      const known = truth.reduce((a, h) => a + (node.table.has(h) ? 1 : 0), 0);
      if (known === truth.length) r.knowsNearest++;
      const row: HealthNode = { node: i, contacts: 0, buckets: 0, emptyBuckets: 0, fullBuckets: 0, nearestKnown: known, nearestTotal: truth.length };
      for (const b of node.table.describeBuckets()) {
        row.buckets++;
        row.contacts += b.contacts;
        if (b.contacts === 0) row.emptyBuckets++;
        if (b.contacts === k) row.fullBuckets++;
      }
      (r.sampledNodes ??= []).push(row);
    }
  }
  return r;
}

/** Takes nodes down as a crashed process would: they stop answering and forget in-flight work. */
export function kill(shard: Shard, nodes: Int32Array): number {
  let killed = 0;
  for (const i of nodes) {
    const node = shard.nodes[localSlot(i, shard.shards)];
    if (node && node.self === i && node.up) {
      shard.stop(i);
      killed++;
    }
  }
  return killed;
}

/**
 * Brings nodes back and rejoins them through the bootstrap nodes with their
 * old IDs: `fresh` loses their routing table and records (a crashed process),
 * otherwise they keep both (a paused one).
 */
export async function revive(shard: Shard, nodes: Int32Array, bootstraps: number[], fresh: boolean): Promise<number> {
  const down = Array.from(nodes).filter((i) => {
    const n = shard.nodes[localSlot(i, shard.shards)];
    return n && n.self === i && !n.up;
  });
  for (const i of down) {
    if (fresh) shard.spawn(localSlot(i, shard.shards));
    else shard.node(i).resume();
  }
  await joinBatch(shard, Int32Array.from(down), bootstraps, 64, () => {});
  return down.length;
}

export function putKv(shard: Shard, node: number, key: Uint8Array, value: Uint8Array, signed?: SignedKv): Promise<KvResult> {
  return new Promise((resolve) => {
    const n = shard.node(node);
    if (!n.up) throw new Error(`node ${node} is down`);
    const done = (r: PutResult): void => {
      const out: KvResult = { ok: r.acked > 0, found: false, value: null, stored: r.stored, acked: r.acked, depth: r.depth, rpcs: r.rpcs, timeouts: r.timeouts, duration: r.duration, responded: r.responded };
      if (r.refused) out.refused = r.refused;
      resolve(out);
    };
    if (signed) shard.putSigned(node, key, value, signed.seq, signed.part, done);
    else shard.put(node, key, value, done);
    shard.ringOwnBell();
  });
}

export function getKv(shard: Shard, node: number, key: Uint8Array): Promise<KvResult> {
  return new Promise((resolve) => {
    const n = shard.node(node);
    if (!n.up) throw new Error(`node ${node} is down`);
    shard.get(node, key, (r) => {
      const out: KvResult = { ok: true, found: r.found, value: r.value ?? null, stored: 0, acked: 0, depth: r.depth, rpcs: r.rpcs, timeouts: r.timeouts, duration: r.duration, responded: r.responded };
      if (r.signed) out.signer = { publicKey: Buffer.from(r.signed.publicKey).toString('hex'), seq: r.version! };
      resolve(out);
    });
    shard.ringOwnBell();
  });
}

/** addSource from `node` (the gateway's POST /sources/:key); `refused` counts holders that said no. */
export function addSourceKv(shard: Shard, node: number, key: Uint8Array, value: Uint8Array): Promise<KvResult & { refused: number }> {
  return new Promise((resolve) => {
    const n = shard.node(node);
    if (!n.up) throw new Error(`node ${node} is down`);
    shard.addSource(node, key, value, (r) =>
      resolve({ ok: r.acked > 0, found: false, value: null, stored: r.stored, acked: r.acked, refused: r.refused, depth: r.depth, rpcs: r.rpcs, timeouts: r.timeouts, duration: r.duration, responded: r.responded }),
    );
    shard.ringOwnBell();
  });
}

export function findSourcesKv(shard: Shard, node: number, key: Uint8Array): Promise<SourcesKvResult> {
  return new Promise((resolve) => {
    const n = shard.node(node);
    if (!n.up) throw new Error(`node ${node} is down`);
    shard.findSources(node, key, (r) =>
      resolve({
        values: r.values.map((v) => ({ value: v.value.slice(), publisher: idToHex(v.publisher), ttlMs: v.ttl })),
        contributors: r.contributors,
        depth: r.depth,
        rpcs: r.rpcs,
        timeouts: r.timeouts,
        duration: r.duration,
        responded: r.responded,
      }),
    );
    shard.ringOwnBell();
  });
}

export function nodeInfo(shard: Shard, node: number): NodeInfo {
  const n = shard.node(node);
  const now = shard.now();
  const records = [];
  for (const r of n.records?.map.values() ?? []) {
    if (r.expiresAt > now) records.push({ key: idToHex(r.key), valueBytes: r.value.length, version: r.version, expiresInMs: r.expiresAt - now, cached: r.cached });
  }
  return { node, id: idToHex(n.id), up: n.up, buckets: n.table.describeBuckets(), contacts: n.table.contacts(), records };
}
