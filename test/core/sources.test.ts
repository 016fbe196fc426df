/**
 * The sources kind on a simulated network (virtual time): many publishers under one key, values
 * gathered from nodes that each hold a subset, each value's own expiry, the per-key caps, and a
 * holder of many values read in full through page cursors.
 */
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, type KadConfig } from '../../src/core/config.js';
import { keyString } from '../../src/core/records.js';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { range, trueClosest } from '../helpers/brute-force.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function network(n: number, config: Partial<KadConfig> = {}, seed = 7): SimNetwork {
  const sim = new SimNetwork({ seed, config });
  for (let i = 0; i < n; i++) sim.addNode();
  const joins = sim.joinAll(0, 1, n);
  expect(joins.every((j) => j.ok)).toBe(true);
  return sim;
}

/** What node i holds under key, as "publisher-hex value" strings. */
function held(sim: SimNetwork, i: number, key: Uint8Array): string[] {
  const set = sim.nodes[i]!.sources?.get(keyString(key), sim.now);
  return (set?.values ?? []).map((v) => `${hex(v.publisher)} ${dec(v.value)}`).sort();
}

describe('sources: many values under one key', () => {
  it('three publishers: findSources returns all three, gathered from closest nodes that each hold only a subset', () => {
    const sim = network(80, { k: 8 });
    const key = new Uint8Array(20).fill(0x5a);
    const closest = trueClosest(sim.peers, range(80), key, 8);
    const publishers = range(80).filter((i) => !closest.includes(i)).slice(0, 3);
    // Each publisher stores while a different three of the eight closest are down, so no
    // single holder ends up with all three values.
    const down = [closest.slice(0, 3), closest.slice(3, 6), [closest[6]!, closest[7]!, closest[0]!]];
    publishers.forEach((p, n) => {
      for (const d of down[n]!) sim.stop(d);
      const r = sim.addSource(p, key, enc(`source-${n}`));
      expect(r.stored).toBeGreaterThan(0);
      for (const d of down[n]!) sim.resume(d);
    });
    const expected = publishers.map((p, n) => `${hex(sim.peers.idOf(p))} source-${n}`).sort();
    for (const c of closest) {
      const h = held(sim, c, key);
      expect(h.length).toBeLessThan(3);
      for (const v of h) expect(expected).toContain(v);
    }
    const asker = range(80).find((i) => !closest.includes(i) && !publishers.includes(i))!;
    const r = sim.findSources(asker, key);
    expect(r.values.map((v) => `${hex(v.publisher)} ${dec(v.value)}`).sort()).toEqual(expected);
    // Every one of the eight closest holds something, and each was asked.
    expect(r.contributors).toBeGreaterThanOrEqual(8);
    expect(r.rpcs).toBeGreaterThanOrEqual(8);
    expect(r.depth).toBeGreaterThan(0);
  });

  it('the same publisher adding the same value twice keeps one copy; two values of one publisher are two', () => {
    const sim = network(30, { k: 5 });
    const key = new Uint8Array(20).fill(0x11);
    sim.addSource(3, key, enc('a'));
    sim.addSource(3, key, enc('a'));
    sim.addSource(3, key, enc('b'));
    const r = sim.findSources(9, key);
    expect(r.values.map((v) => dec(v.value)).sort()).toEqual(['a', 'b']);
    for (const v of r.values) expect(hex(v.publisher)).toBe(hex(sim.peers.idOf(3)));
  });

  it('a value whose publisher stopped expires on its own schedule; a republished one stays', () => {
    const sim = network(40, { k: 6, expireMs: 1 * HOUR, republishMs: 40 * MINUTE, replicateMs: 15 * MINUTE });
    const key = new Uint8Array(20).fill(0x77);
    sim.addSource(1, key, enc('gone-soon'));
    sim.advance(10 * MINUTE);
    sim.addSource(2, key, enc('kept'));
    sim.stop(1); // publisher 1 no longer republishes; holders still replicate its value with its original expiry
    sim.advance(45 * MINUTE); // 55 min after the first add: both alive
    expect(sim.findSources(5, key).values.map((v) => dec(v.value)).sort()).toEqual(['gone-soon', 'kept']);
    sim.advance(10 * MINUTE); // 65 min: the first has expired everywhere, the second was republished at 50 min
    const later = sim.findSources(5, key);
    expect(later.values.map((v) => dec(v.value))).toEqual(['kept']);
    sim.advance(2 * HOUR);
    expect(sim.findSources(6, key).values.map((v) => dec(v.value))).toEqual(['kept']);
  });

  it('replication pushes each held value to closest nodes that missed it, keeping its publisher and its expiry', () => {
    const sim = network(30, { k: 4, expireMs: 3 * HOUR, republishMs: 2 * HOUR, replicateMs: 20 * MINUTE });
    const key = new Uint8Array(20).fill(0x44);
    const closest = trueClosest(sim.peers, range(30), key, 4);
    const [publisher, other] = range(30).filter((i) => !closest.includes(i));
    sim.stop(closest[0]!);
    sim.stop(closest[1]!);
    sim.addSource(publisher!, key, enc('one'));
    sim.addSource(other!, key, enc('two'));
    sim.resume(closest[0]!);
    sim.resume(closest[1]!);
    sim.stop(publisher!); // no republish: what reaches the two below comes from the holders' replication
    sim.stop(other!);
    expect(held(sim, closest[0]!, key)).toEqual([]);
    const expiries = (i: number): number[] => sim.nodes[i]!.sources!.get(keyString(key), sim.now)!.values.map((v) => v.expiresAt).sort((a, b) => a - b);
    const expiry = expiries(closest[2]!);
    sim.advance(45 * MINUTE);
    const want = [`${hex(sim.peers.idOf(publisher!))} one`, `${hex(sim.peers.idOf(other!))} two`].sort();
    for (const c of closest.slice(0, 2)) {
      expect(held(sim, c, key)).toEqual(want);
      // The replica lives as long as the original (give or take the one-way latency the ttl travelled), not a fresh expireMs.
      expiries(c).forEach((t, i) => expect(Math.abs(t - expiry[i]!)).toBeLessThan(1000));
    }
  });

  it('caps: the value past maxSourcesPerKey and past maxSourceBytesPerKey is refused by every holder, with its drop reason', () => {
    const sim = network(30, { k: 5, maxSourcesPerKey: 3, maxSourceBytesPerKey: 40 });
    const key = new Uint8Array(20).fill(0x22);
    for (const v of ['one', 'two', 'three']) expect(sim.addSource(4, key, enc(v)).refused).toBe(0);
    const fourth = sim.addSource(4, key, enc('four'));
    expect([fourth.stored, fourth.refused]).toEqual([0, 5]);
    expect(sim.drops.get('sources-per-key-full')).toBe(5);
    const other = new Uint8Array(20).fill(0x23);
    expect(sim.addSource(4, other, enc('x'.repeat(30))).stored).toBe(5);
    const big = sim.addSource(4, other, enc('y'.repeat(11))); // 30 + 11 > 40
    expect([big.stored, big.refused]).toEqual([0, 5]);
    expect(sim.drops.get('source-bytes-per-key-full')).toBe(5);
    expect(sim.findSources(8, key).values.map((v) => dec(v.value)).sort()).toEqual(['one', 'three', 'two']);
    expect(() => sim.addSource(4, key, new Uint8Array(513))).toThrow('source value is 513 bytes; the limit is maxSourceValueBytes = 512');
  });

  it('a holder of many values is read in full, page by page', () => {
    const sim = network(30, { k: 4 });
    const key = new Uint8Array(20).fill(0x33);
    const values = range(120).map((i) => `value-${i}-${'x'.repeat(80)}`);
    for (const v of values) sim.addSource(7, key, enc(v));
    const closest = trueClosest(sim.peers, range(30), key, 4);
    expect(held(sim, closest[0]!, key)).toHaveLength(120);
    const asker = range(30).find((i) => !closest.includes(i) && i !== 7)!;
    const r = sim.findSources(asker, key);
    expect(r.values.map((v) => dec(v.value)).sort()).toEqual([...values].sort());
    // 120 values of ~115 bytes at ≤ 1,340 bytes a page: each holder needs about a dozen pages.
    expect(r.rpcs).toBeGreaterThan(4 * 10);
    expect(sim.drops.get('encode-error') ?? 0).toBe(0);
  });
});
