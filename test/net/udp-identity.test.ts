/**
 * Over real UDP on 127.0.0.1: who may answer and who may claim an identity. A PONG from an
 * address that was not asked completes no ping and no join; a reply matches only from the
 * address asked under the ID expected; a second node claiming a live node's ID is refused
 * (and by the original node itself); one IP:port presenting 60 IDs gets at most one into a
 * routing table. Sources use distinct 127.a.b.0/24 addresses (Linux routes all of 127/8).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { idToHex } from '../../src/core/id.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { UdpNode, type UdpNodeOptions } from '../../src/net/udp-node.js';
import { FakePeer, sleep } from './fake-peer.js';

const rng = new Random(404);
const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(opened.map((x) => x.close()));
});

async function node(opts: UdpNodeOptions): Promise<UdpNode> {
  const n = await UdpNode.create(opts);
  opened.push(n);
  return n;
}
async function fake(host = '127.0.0.1'): Promise<FakePeer> {
  const f = await FakePeer.bind(host);
  opened.push(f);
  return f;
}

describe('the bootstrap probe', () => {
  it('a PONG with the right rpc from an address that was not asked completes neither a ping nor a join', async () => {
    const a = await node({ listen: '127.0.0.1:0' });
    const asked = await fake(); // receives the PING, never answers it
    const attacker = await fake('127.0.0.2');
    // The attacker learns each rpc (as one who guessed or sniffed it would) and answers first, from its own address.
    const hijack = async (): Promise<void> => {
      for (let seen = 0; ; ) {
        const ping = await asked.waitFor((r, i = asked.received.indexOf(r)) => i >= seen && r.msg?.type === MessageType.Ping, 3000);
        if (!ping) return;
        seen = asked.received.indexOf(ping) + 1;
        await attacker.send(rng.bytes(20), { type: MessageType.Pong, rpc: ping.msg!.rpc }, a.addressText);
      }
    };
    const running = hijack();
    expect(await a.ping(asked.address, 600)).toBeNull();
    await expect(a.join([asked.address], 600)).rejects.toThrow(`join: no answer from ${asked.address} within 600 ms`);
    expect(a.drops.get('unmatched-reply')).toBe(2);
    // The address asked does complete it.
    const id = rng.bytes(20);
    asked.answerPings(id);
    expect((await a.ping(asked.address, 2000))?.id).toBe(idToHex(id));
    await running;
  }, 20_000);
});

describe('reply matching', () => {
  it('a reply with our rpc from the right address under another ID, or under the right ID from another address, matches nothing', async () => {
    const a = await node({ listen: '127.0.0.1:0', config: { minTimeoutMs: 3000, initialTimeoutMs: 3000 } });
    const peer = await fake();
    const elsewhere = await fake('127.0.0.3');
    const peerId = rng.bytes(20);
    // The peer introduces itself and answers the verification PING: it is a contact now.
    peer.answerPings(peerId);
    await peer.send(peerId, { type: MessageType.Ping, rpc: 1 }, a.addressText);
    for (let i = 0; i < 200 && a.core.table.size === 0; i++) await sleep(5);
    expect(a.core.table.size).toBe(1);
    const lookup = a.findNode(rng.bytes(20));
    const ask = await peer.waitFor((r) => r.msg?.type === MessageType.FindNode);
    const rpc = ask!.msg!.rpc;
    const nodes = (): Message => ({ type: MessageType.Nodes, rpc, contacts: new Uint32Array(0) });
    await elsewhere.send(peerId, nodes(), a.addressText); // right ID, other address
    await peer.send(rng.bytes(20), nodes(), a.addressText); // right address, other ID
    await sleep(100);
    expect(a.drops.get('unmatched-reply')).toBe(2);
    await peer.send(peerId, nodes(), a.addressText); // the one asked
    const result = await lookup;
    expect(result.closest.map((c) => c.address)).toEqual([peer.address]);
    expect(result.timeouts).toBe(0);
    expect(a.drops.get('unmatched-reply')).toBe(2);
  }, 20_000);
});

describe('one ID, one contact', () => {
  it('a second node claiming a live node\'s ID is in no routing table, and the original node refuses it as from-self', async () => {
    const honest: UdpNode[] = [];
    for (let i = 0; i < 8; i++) honest.push(await node({ listen: `127.70.${i}.1:0`, seed: 900 + i }));
    for (const n of honest.slice(1)) expect((await n.join([honest[0]!.addressText])).ok).toBe(true);
    const original = honest[3]!;
    const impostor = await node({ listen: '127.71.0.1:0', id: original.id });
    expect(await impostor.ping(original.addressText, 500)).toBeNull();
    expect(original.drops.get('from-self')).toBe(1);
    // It joins through the others (they answer: it is a real node at a real address) ...
    expect((await impostor.join([honest[0]!.addressText])).ok).toBe(true);
    await impostor.findNode(rng.bytes(20));
    await sleep(200);
    // ... and every table that holds the ID holds it at the original's address.
    for (const n of honest) {
      if (n === original) continue;
      const holders = n.core.table.contacts().filter((h) => idToHex(n.book.idOf(h)) === idToHex(original.id));
      expect(holders.map((h) => n.contactOf(h).address), n.addressText).toEqual([original.addressText]);
    }
    const found = await honest[0]!.findNode(original.id);
    expect(found.closest[0]).toEqual({ id: idToHex(original.id), address: original.addressText });
  }, 30_000);
});

describe('IP diversity', () => {
  /** One socket presents `n` IDs, each answering its verification PING; returns how many the victim's table took. */
  async function sybil(victim: UdpNode, host: string, n: number): Promise<number> {
    const attacker = await fake(host);
    for (let i = 0; i < n; i++) {
      const id = rng.bytes(20);
      const before = attacker.received.length;
      await attacker.send(id, { type: MessageType.Ping, rpc: i + 1 }, victim.addressText);
      const probe = await attacker.waitFor((r) => attacker.received.indexOf(r) >= before && r.msg?.type === MessageType.Ping);
      expect(probe).not.toBeNull();
      await attacker.send(id, { type: MessageType.Pong, rpc: probe!.msg!.rpc }, victim.addressText);
    }
    await sleep(100);
    return victim.core.table.contacts().filter((h) => victim.contactOf(h).address === attacker.address).length;
  }

  it('60 IDs from one IP:port: at most 1 enters the table (loopback exemption off), and at most 1 with it on', async () => {
    const strict = await node({ listen: '127.80.0.1:0', loopbackPerPort: false });
    expect(await sybil(strict, '127.81.0.1', 60)).toBe(1);
    const local = await node({ listen: '127.82.0.1:0' });
    expect(await sybil(local, '127.83.0.1', 60)).toBe(1);
    // Without the limits the same attack fills buckets.
    const open = await node({ listen: '127.84.0.1:0', config: { maxPerIp: 0, maxPerSubnetPerBucket: 0 } });
    expect(await sybil(open, '127.85.0.1', 60)).toBeGreaterThanOrEqual(20);
  }, 30_000);

  it('one /24 per bucket: 20 IPs of one subnet share a bucket once, with the exemption off', async () => {
    const strict = await node({ listen: '127.90.0.1:0', loopbackPerPort: false });
    let total = 0;
    for (let i = 1; i <= 20; i++) total += await sybil(strict, `127.91.0.${i}`, 1);
    // Every ID is in its own IP, but one subnet: at most one per bucket.
    const perBucket = new Map<number, number>();
    for (const h of strict.core.table.contacts()) {
      const b = strict.core.table.bucketForTarget(strict.book.words, h * 5);
      perBucket.set(b, (perBucket.get(b) ?? 0) + 1);
    }
    expect(total).toBeGreaterThan(0);
    expect(Math.max(...perBucket.values())).toBe(1);
    expect(total).toBeLessThan(20);
  }, 30_000);
});
