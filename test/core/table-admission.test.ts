/**
 * Sybil hygiene in the routing table: one contact per ID (a second handle with the ID of a
 * live contact is refused; a stale one gives way), and libtorrent's IP-diversity limits over
 * the group keys the host sets (one per IP in the table, one per subnet per bucket).
 */
import { describe, expect, it } from 'vitest';
import { Observe, RoutingTable } from '../../src/core/routing-table.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';

function world(n: number, limits: { maxPerSubnetPerBucket?: number; maxPerIp?: number } = {}): { peers: PeerIds; table: RoutingTable; rng: Random } {
  const rng = new Random(21);
  const peers = new PeerIds();
  peers.repeatsIds = true;
  for (let h = 0; h <= n; h++) peers.setId(h, rng.bytes(20));
  const table = new RoutingTable(peers, 0, { k: 20, replacements: 8, maxFailures: 5, bitsPerStep: 1, ...limits });
  return { peers, table, rng };
}

describe('one ID, one contact', () => {
  it('refuses a second handle with the ID of a live contact, and takes it once that contact has failed', () => {
    const { peers, table } = world(10);
    for (let h = 1; h <= 10; h++) table.observe(h);
    peers.setId(11, peers.idOf(4)); // another address claiming contact 4's ID
    expect(table.observe(11)).toBe(Observe.Refused);
    expect(table.has(11)).toBe(false);
    expect(table.has(4)).toBe(true);
    table.fail(4); // stale now
    expect(table.observe(11)).toBe(Observe.Done);
    expect(table.has(11)).toBe(true);
    expect(table.has(4)).toBe(false);
    expect(table.size).toBe(10);
  });

  it('refuses this node\'s own ID under another handle', () => {
    const { peers, table } = world(3);
    peers.setId(3, peers.idOf(0));
    expect(table.observe(3)).toBe(Observe.Self);
    expect(table.size).toBe(0);
  });
});

describe('IP diversity', () => {
  it('one IP in the whole table: of 60 IDs from one IP:port at most 1 enters (replacement caches included)', () => {
    const { peers, table } = world(60, { maxPerIp: 1, maxPerSubnetPerBucket: 1 });
    for (let h = 1; h <= 60; h++) peers.setGroup(h, 0x7f000001, 0x807f0000);
    const verdicts = Array.from({ length: 60 }, (_, i) => table.observe(i + 1));
    expect(table.size).toBe(1);
    expect(table.describeBuckets().reduce((a, b) => a + b.replacements, 0)).toBe(0);
    expect(verdicts.filter((v) => v === Observe.Refused)).toHaveLength(59);
  });

  it('one IP in the whole table counts the replacement caches of every bucket, not only the first', () => {
    const rng = new Random(5);
    const peers = new PeerIds();
    peers.repeatsIds = true;
    for (let h = 0; h <= 400; h++) peers.setId(h, rng.bytes(20));
    const table = new RoutingTable(peers, 0, { k: 2, replacements: 3, maxFailures: 5, bitsPerStep: 1, maxPerIp: 2 });
    for (let h = 1; h <= 300; h++) peers.setGroup(h, 0x0b000000 + h * 256, 0x800b0000 + h);
    for (let h = 1; h <= 300; h++) table.observe(h);
    // Newcomers from one IP (each its own /24): the first two that land in full far buckets wait there as replacements.
    const IP = 0x0a0a0a0a;
    const waiting: Array<[number, number]> = [];
    let h = 301;
    for (; h <= 400 && waiting.length < 2; h++) {
      peers.setGroup(h, IP, 0x800a0000 + h);
      const b = table.bucketForTarget(peers.words, h * 5);
      if (b === 0 || table.bucketSize(b) < 2 || waiting.some(([, wb]) => wb === b)) continue;
      expect(table.observe(h)).not.toBe(Observe.Refused);
      expect(table.replacementsOf(table.bucketForTarget(peers.words, h * 5))).toContain(h);
      waiting.push([h, b]);
    }
    expect(waiting).toHaveLength(2);
    // The IP holds two places (two runs of the replacement area, neither the first bucket's): every later newcomer from it is refused.
    let refused = 0;
    for (; h <= 400; h++) {
      peers.setGroup(h, IP, 0x800a0000 + h);
      expect(table.observe(h)).toBe(Observe.Refused);
      expect(table.holds(h)).toBe(false);
      refused++;
    }
    expect(refused).toBeGreaterThan(50);
  });

  it('one /24 per bucket: distinct IPs of one subnet share a bucket once, other subnets fill it', () => {
    const { peers, table } = world(200, { maxPerIp: 1, maxPerSubnetPerBucket: 1 });
    // Handles 1..100 in one /24 (distinct IPs), 101..200 each in its own /24.
    for (let h = 1; h <= 100; h++) peers.setGroup(h, 0x0a000000 + h, 0x800a0000);
    for (let h = 101; h <= 200; h++) peers.setGroup(h, 0x0b000000 + (h << 8), 0x800b0000 + h);
    for (let h = 1; h <= 200; h++) table.observe(h);
    const perBucket = new Map<number, number>();
    for (const c of table.contacts()) {
      if (c > 100) continue;
      const b = table.bucketForTarget(peers.words, c * 5);
      perBucket.set(b, (perBucket.get(b) ?? 0) + 1);
    }
    expect(Math.max(...perBucket.values())).toBe(1);
    expect(table.contacts().filter((c) => c > 100).length).toBeGreaterThan(table.contacts().filter((c) => c <= 100).length);
  });

  it('a stale contact gives way to a newcomer from its IP (a node restarted with a new ID)', () => {
    const { peers, table } = world(3, { maxPerIp: 1 });
    peers.setGroup(1, 0x0a000001, 0x800a0000);
    peers.setGroup(2, 0x0a000001, 0x800a0000);
    table.observe(1);
    expect(table.observe(2)).toBe(Observe.Refused);
    table.fail(1);
    expect(table.observe(2)).toBe(Observe.Done);
    expect(table.contacts()).toEqual([2]);
  });

  it('handles without a group, and tables without limits, are not limited', () => {
    const { peers, table } = world(30);
    for (let h = 1; h <= 30; h++) peers.setGroup(h, 0x7f000001, 0x807f0000);
    for (let h = 1; h <= 30; h++) table.observe(h);
    expect(table.size).toBeGreaterThanOrEqual(20);
    const limited = world(30, { maxPerIp: 1 });
    for (let h = 1; h <= 30; h++) limited.table.observe(h);
    expect(limited.table.size).toBeGreaterThanOrEqual(20);
  });
});
