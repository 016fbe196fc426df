/** The gateway's single operations on a shard's nodes (put, get, sources, a node's state), one promise each. */
import { idToHex } from '../core/id.js';
import type { PutResult } from '../core/index.js';
import type { KvResult, NodeInfo, SignedKv, SourcesKvResult } from './control.js';
import type { Shard } from './shard.js';

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
