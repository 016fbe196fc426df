/**
 * What the gateway does when the swarm misbehaves, with a scripted stand-in
 * for Swarm (no worker threads), so every path is reached on purpose: a
 * lookup that heard from too few nodes (503), a put nobody acknowledged
 * (503), a shard command that throws (500), one that never answers (504), a
 * stats poll that never answers (/stats and /metrics still answer at once),
 * and a failed swarm (503). Each answer is JSON and the gateway keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KvResult, NodeInfo, ShardStats } from '../../src/swarm/control.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { Swarm } from '../../src/swarm/supervisor.js';
import { keyFromString } from '../../src/core/key.js';
import { idToHex } from '../../src/core/id.js';
import { get } from './harness.js';

const NODES = 50;

function kv(over: Partial<KvResult>): KvResult {
  return { ok: true, found: false, value: null, stored: 0, acked: 0, depth: 2, rpcs: 9, timeouts: 0, duration: 3.5, responded: 20, ...over };
}

/** Behaviour by user key (the gateway passes SHA-1(key)). */
const script = new Map<string, () => Promise<KvResult>>([
  ['thin', async () => kv({ found: false, responded: 2, timeouts: 7 })],
  ['none', async () => kv({ found: false, responded: 0 })],
  ['boom', async () => Promise.reject(new Error('kaboom'))],
  ['down', async () => Promise.reject(new Error('node 3 is down'))],
  ['slow', () => new Promise<KvResult>(() => undefined)],
]);
const byId = new Map([...script].map(([k, f]) => [idToHex(keyFromString(k)), f]));

let failSwarm!: (e: Error) => void;
const failed = new Promise<never>((_, reject) => (failSwarm = reject));
failed.catch(() => undefined);

const fake = {
  nodes: NODES,
  workers: 2,
  opts: { nodes: NODES, seed: 1, config: { k: 20 }, network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0, seed: 1 } },
  failed,
  getKv: (node: number, key: Uint8Array) => (byId.get(idToHex(key)) ?? (async () => kv({ found: false, responded: 20 })))(),
  putKv: async (node: number, key: Uint8Array) => {
    const f = byId.get(idToHex(key));
    if (f) return f();
    const hex = idToHex(key);
    if (hex === idToHex(keyFromString('nostore'))) return kv({ stored: 0, acked: 0 });
    // Only the asking node kept a copy: not in the DHT, so not a 201.
    if (hex === idToHex(keyFromString('alone'))) return kv({ stored: 1, acked: 0 });
    return kv({ stored: 20, acked: 19 });
  },
  nodeInfo: async (node: number): Promise<NodeInfo> => {
    if (node === 13) throw new Error('node-info exploded');
    return { node, id: '00'.repeat(20), up: true, buckets: [], contacts: [], records: [] };
  },
  // The shard counters never come back: the gateway must not wait for them.
  stats: () => new Promise<ShardStats[]>(() => undefined),
  kill: async (nodes: number[]) => nodes.length,
  revive: async (nodes: number[]) => nodes.length,
} as unknown as Swarm;

let gw: Gateway;
let base: string;

beforeAll(async () => {
  gw = await Gateway.start({ swarm: fake, bootstraps: 16, port: 0, requestTimeoutMs: 400, tickMs: 200 });
  base = gw.url;
});

afterAll(async () => {
  await gw?.close();
});

async function json(r: Response): Promise<Record<string, unknown>> {
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  return (await r.json()) as Record<string, unknown>;
}

describe('gateway over a misbehaving swarm', () => {
  it('503 when the lookup heard from fewer than k/2 responsive nodes, with the cost headers', async () => {
    const r = await get(`${base}kv/thin`);
    expect(r.status).toBe(503);
    expect(r.headers.get('x-rpcs')).toBe('9');
    expect(r.headers.get('x-responded')).toBe('2');
    expect((await json(r)).error).toMatch(/heard from 2 responsive nodes, fewer than the 10 needed/);
    expect((await get(`${base}kv/none`)).status).toBe(503);
  });

  it('404 when enough nodes answered and none holds the key', async () => {
    expect((await get(`${base}kv/anything-else`)).status).toBe(404);
  });

  it('503 when no node acknowledged a store', async () => {
    const r = await get(`${base}kv/nostore`, { method: 'PUT', body: 'v' });
    expect(r.status).toBe(503);
    expect((await json(r)).error).toMatch(/no node acknowledged/);
  });

  it('503, not 201, when only the asking node holds the value; 201 carries the acknowledged count', async () => {
    const r = await get(`${base}kv/alone?via=4`, { method: 'PUT', body: 'v' });
    expect(r.status).toBe(503);
    expect(r.headers.get('x-acked')).toBe('0');
    const j = await json(r);
    expect(j.error).toBe('no node other than the asking node 4 acknowledged the store (only its own copy holds the value)');
    expect([j.stored, j.acked]).toEqual([1, 0]);
    const ok = await get(`${base}kv/fine`, { method: 'PUT', body: 'v' });
    expect(ok.status).toBe(201);
    const k = await json(ok);
    expect([k.stored, k.acked]).toEqual([20, 19]);
    expect(ok.headers.get('x-acked')).toBe('19');
  });

  it('500 JSON when a shard command throws; 503 when the asking node went down meanwhile', async () => {
    const r = await get(`${base}kv/boom`);
    expect(r.status).toBe(500);
    expect((await json(r)).error).toMatch(/shard error: kaboom/);
    expect((await get(`${base}kv/boom`, { method: 'PUT', body: 'x' })).status).toBe(500);
    expect((await get(`${base}nodes/13`)).status).toBe(500);
    const d = await get(`${base}kv/down`);
    expect(d.status).toBe(503);
    expect((await json(d)).error).toMatch(/node 3 is down/);
  });

  it('504 when a lookup does not finish within the gateway timeout', async () => {
    const t0 = Date.now();
    const r = await get(`${base}kv/slow`);
    expect(r.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('/stats, /metrics and /events answer at once although the shard counters never arrive', async () => {
    for (const path of ['stats', 'metrics']) {
      const t0 = Date.now();
      expect((await get(`${base}${path}`, {}, 2000)).status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(1000);
    }
    const s = (await (await get(`${base}stats`)).json()) as { lookups: { getAbsent: { unavailable: number; errors: number } } };
    expect(s.lookups.getAbsent.unavailable).toBeGreaterThanOrEqual(3);
    expect(s.lookups.getAbsent.errors).toBe(1);
  });

  it('after the swarm fails, lookups are 503 JSON and the gateway still answers', async () => {
    failSwarm(new Error('shard 1 failed: out of memory'));
    await new Promise((r) => setTimeout(r, 10));
    const r = await get(`${base}kv/boom`);
    expect(r.status).toBe(503);
    expect((await json(r)).error).toMatch(/the swarm failed: shard 1 failed: out of memory/);
    const s = (await (await get(`${base}stats`)).json()) as { swarmFailed: string };
    expect(s.swarmFailed).toMatch(/out of memory/);
    expect((await get(`${base}kv/x?via=abc`)).status).toBe(400);
  });
});
