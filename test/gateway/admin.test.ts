/**
 * The gateway's admin routes and the fast 503, over a scripted stand-in for Swarm (no worker
 * threads): POST /churn needs `Authorization: Bearer <token>` on a non-loopback address (a
 * token made at start) and whenever a token was given; a loopback gateway without one stays
 * open. A get or put when no node but the asker is up answers 503 without starting a lookup.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway, type GatewayOptions } from '../../src/gateway/gateway.js';
import { isLoopbackHost } from '../../src/gateway/admin-auth.js';
import type { KvResult } from '../../src/swarm/control.js';
import type { Swarm } from '../../src/swarm/supervisor.js';
import { get } from './harness.js';

const NODES = 40;

/** A swarm whose lookups never finish, and that counts the lookups it was asked to run. */
function fakeSwarm(): { swarm: Swarm; lookups: () => number; kills: () => number } {
  let lookups = 0;
  let kills = 0;
  const never = (): Promise<KvResult> => {
    lookups++;
    return new Promise<KvResult>(() => undefined);
  };
  const swarm = {
    nodes: NODES,
    workers: 2,
    opts: { nodes: NODES, seed: 1, config: { k: 20 }, network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0, seed: 1 } },
    failed: new Promise<never>(() => undefined),
    getKv: never,
    putKv: never,
    stats: () => new Promise(() => undefined),
    kill: async (nodes: number[]) => {
      kills += nodes.length;
      return nodes.length;
    },
    revive: async (nodes: number[]) => nodes.length,
  } as unknown as Swarm;
  return { swarm, lookups: () => lookups, kills: () => kills };
}

let open: Gateway[] = [];
afterEach(async () => {
  await Promise.all(open.map((g) => g.close()));
  open = [];
});

async function start(o: Partial<GatewayOptions> & { swarm: Swarm }): Promise<{ gw: Gateway; url: string }> {
  const gw = await Gateway.start({ bootstraps: 1, port: 0, requestTimeoutMs: 60_000, tickMs: 60_000, ...o });
  open.push(gw);
  // Reach it over loopback whatever it listens on.
  return { gw, url: `http://127.0.0.1:${gw.address.port}/` };
}

const churn = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  get(`${url}churn`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });

describe('admin token', () => {
  it('a gateway on a non-loopback address makes a token; /churn refuses requests without it', async () => {
    const f = fakeSwarm();
    const { gw, url } = await start({ swarm: f.swarm, host: '0.0.0.0' });
    expect(gw.adminTokenGenerated).toBe(true);
    expect(gw.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const none = await churn(url, { kill: 3 });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kadswarm admin"');
    expect(await none.json()).toEqual({
      error: 'POST /churn needs the admin token: send the header "Authorization: Bearer <token>" (kadswarm serve prints the token at start, or set it with --admin-token)',
    });
    const wrong = await churn(url, { kill: 3 }, { Authorization: `Bearer ${gw.adminToken!.slice(1)}x` });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('POST /churn: wrong admin token');
    expect(f.kills()).toBe(0);
    const ok = await churn(url, { kill: 3 }, { Authorization: `Bearer ${gw.adminToken}` });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { killed: number }).killed).toBe(3);
    expect(f.kills()).toBe(3);
    // Read-only routes stay open.
    expect((await get(`${url}stats`)).status).toBe(200);
  });

  it('a loopback gateway is open unless a token was given; a given token is required there too', async () => {
    const a = await start({ swarm: fakeSwarm().swarm, host: '127.0.0.1' });
    expect(a.gw.adminToken).toBeNull();
    expect((await churn(a.url, { kill: 1 })).status).toBe(200);

    const token = 'a-long-enough-admin-token';
    const b = await start({ swarm: fakeSwarm().swarm, host: '127.0.0.1', adminToken: token });
    expect(b.gw.adminTokenGenerated).toBe(false);
    expect((await churn(b.url, { kill: 1 })).status).toBe(401);
    expect((await churn(b.url, { kill: 1 }, { Authorization: `bearer ${token}` })).status).toBe(200);
  });

  it('refuses a short token at start', async () => {
    await expect(Gateway.start({ swarm: fakeSwarm().swarm, bootstraps: 1, port: 0, adminToken: 'short' })).rejects.toThrow(
      'the admin token must be at least 16 characters, got 5',
    );
  });

  it('tells loopback addresses from the others', () => {
    for (const h of ['127.0.0.1', '127.9.8.7', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', 'example.org']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('no live node to ask', () => {
  it('a get or put answers 503 at once, without a lookup, when only the asker is up', async () => {
    const f = fakeSwarm();
    const { url } = await start({ swarm: f.swarm });
    // Node 0 is the one bootstrap and is never taken down; every other node is.
    const k = (await (await churn(url, { kill: NODES })).json()) as { killed: number; up: number };
    expect(k).toMatchObject({ killed: NODES - 1, up: 1 });
    const g = await get(`${url}kv/anything`);
    expect(g.status).toBe(503);
    expect(await g.json()).toEqual({ error: `no live node to ask: node 0 is the only node up (${NODES - 1} of ${NODES} are down)` });
    const p = await get(`${url}kv/anything`, { method: 'PUT', body: 'v' });
    expect(p.status).toBe(503);
    expect(f.lookups()).toBe(0);
    const s = (await (await get(`${url}stats`)).json()) as { lookups: { put: { unavailable: number }; getAbsent: { unavailable: number } } };
    expect(s.lookups.put.unavailable).toBe(1);
    expect(s.lookups.getAbsent.unavailable).toBe(1);
  });
});
