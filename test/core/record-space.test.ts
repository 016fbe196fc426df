/**
 * The record space (record-space.ts): the stores of many nodes over one space hold one put's
 * bytes once, read each copy back whatever happens to the others (expiry, eviction, slab
 * compaction), and behave exactly like stores with a space each (against a model).
 */
import { describe, expect, it } from 'vitest';
import { RecordSpace } from '../../src/core/record-space.js';
import { RecordStore, StoreOutcome, keyString } from '../../src/core/records.js';
import { Random } from '../../src/core/random.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

const enc = (s: string) => new TextEncoder().encode(s);

function key(n: number): Uint8Array {
  const k = new Uint8Array(20);
  k[0] = 0xa5;
  k[18] = n >>> 8;
  k[19] = n & 0xff;
  return k;
}

describe('one space for many stores', () => {
  it('20 replicas of one value hold its bytes once; the last copy reads back after its 19 neighbours expire', () => {
    const space = new RecordSpace();
    const stores = Array.from({ length: 20 }, () => new RecordStore({ maxRecords: 100, maxBytes: 1 << 20, sourceShare: 0.125 }, space));
    const value = new Uint8Array(100).map((_, i) => (i * 7) & 0xff);
    // Stores 0..18 keep it until t = 100, store 19 until t = 1000; each from a different sender group.
    stores.forEach((s, i) => expect(s.put(key(1), value.slice(), 1, i === 19 ? 1000 : 100, false, 0, i)).toBe(StoreOutcome.Stored));
    expect(space.copies).toBe(20);
    expect(space.blobs).toBe(1);
    expect(space.blobBytes).toBe(20 + 100);

    for (const s of stores) s.sweep(500);
    expect(space.copies).toBe(1);
    expect(space.blobs).toBe(1);
    const r = stores[19]!.get(keyString(key(1)), 500)!;
    expect([...r.value]).toEqual([...value]);
    expect(stores[0]!.get(keyString(key(1)), 500)).toBeUndefined();

    stores[19]!.sweep(1000);
    expect([space.copies, space.blobs, space.blobBytes]).toEqual([0, 0, 0]);
  });

  it('the same key with different values in two stores is two blobs, each read back by its own store', () => {
    const space = new RecordSpace();
    const a = new RecordStore(10, space);
    const b = new RecordStore(10, space);
    a.put(key(1), enc('alpha'), 1, 1e9, false, 0);
    b.put(key(1), enc('beta'), 1, 1e9, false, 0);
    expect(space.blobs).toBe(2);
    expect(new TextDecoder().decode(a.get(keyString(key(1)), 0)!.value)).toBe('alpha');
    expect(new TextDecoder().decode(b.get(keyString(key(1)), 0)!.value)).toBe('beta');
  });

  it('a value view handed out before the slab is compacted and grown still reads its bytes', () => {
    const space = new RecordSpace(256);
    const s = new RecordStore(100_000, space);
    s.put(key(0), enc('kept'), 1, 1e9, false, 0);
    const view = s.get(keyString(key(0)), 0)!.value;
    // Churn: thousands of short-lived records force many compactions and growths.
    for (let i = 1; i < 5000; i++) {
      s.put(key(i), new Uint8Array(50).fill(i & 0xff), 1, i + 10, false, i);
      if (i % 100 === 0) s.sweep(i);
    }
    expect(new TextDecoder().decode(view)).toBe('kept');
    expect(new TextDecoder().decode(s.get(keyString(key(0)), 5000)!.value)).toBe('kept');
    for (let i = 4995; i < 5000; i++) expect([...s.get(keyString(key(i)), 5000)!.value]).toEqual(new Array(50).fill(i & 0xff));
  });
});

describe('shared and separate spaces give the same stores (against a model)', () => {
  it('random puts, refreshes, conflicts, expiries and evictions over 6 stores', () => {
    const rng = new Random(11);
    const shared = new RecordSpace(64);
    const limits = { maxRecords: 40, maxBytes: 40 * 240, sourceShare: 0.25 };
    const one = Array.from({ length: 6 }, () => new RecordStore(limits, shared));
    const own = Array.from({ length: 6 }, () => new RecordStore(limits));
    const outcomes = new Set<StoreOutcome>();
    for (let step = 0; step < 20_000; step++) {
      const n = rng.int(6);
      const now = step;
      if (rng.int(50) === 0) {
        expect(one[n]!.sweep(now)).toBe(own[n]!.sweep(now));
      } else if (rng.int(3) === 0) {
        const k = keyString(key(rng.int(120)));
        const a = one[n]!.get(k, now);
        const b = own[n]!.get(k, now);
        expect(a && { ...a, key: [...a.key], value: [...a.value] }).toEqual(b && { ...b, key: [...b.key], value: [...b.value] });
      } else {
        const kn = rng.int(120);
        const value = enc(`${kn}:${rng.int(2)}`.repeat(1 + rng.int(3)));
        const args = [key(kn), value, rng.int(9), now + 50 + rng.int(2000), rng.int(4) === 0, now, rng.int(5)] as const;
        const outcome = one[n]!.put(...args);
        expect(outcome).toBe(own[n]!.put(...args));
        outcomes.add(outcome);
      }
      expect([one[n]!.size, one[n]!.bytes, one[n]!.evicted]).toEqual([own[n]!.size, own[n]!.bytes, own[n]!.evicted]);
    }
    for (let n = 0; n < 6; n++) for (let g = 0; g < 5; g++) expect(one[n]!.usageOf(g)).toEqual(own[n]!.usageOf(g));
    expect(shared.copies).toBe(one.reduce((a, s) => a + s.size, 0));
    // The run went through every path: stored, refreshed, conflicts, over-share refusals, and evictions.
    expect([...outcomes].sort()).toEqual([StoreOutcome.Stored, StoreOutcome.Refreshed, StoreOutcome.Conflict, StoreOutcome.SourceOverQuota]);
    expect(own.reduce((a, s) => a + s.evicted, 0)).toBeGreaterThan(0);
  });
});

describe('in the swarm code', () => {
  it('a put in a 60-node network leaves k copies over one blob of its bytes, each read back from its holder', () => {
    const net = new SimNetwork({ seed: 3 });
    for (let i = 0; i < 60; i++) net.addNode();
    net.joinAll(0, 1, 60);
    const k = new Random(4).bytes(20);
    const value = new Uint8Array(100).fill(9);
    const put = net.put(5, k, value);
    const space = net.cluster.recordSpace;
    const holders = net.nodes.filter((n) => n.records?.get(keyString(k), net.now));
    expect(holders.length).toBe(put.stored);
    expect(holders.length).toBeGreaterThanOrEqual(net.config.k);
    expect(space.copies).toBe(holders.length);
    expect(space.blobs).toBe(1);
    expect(space.blobBytes).toBe(120);
    for (const h of holders) expect([...h.records!.get(keyString(k), net.now)!.value]).toEqual([...value]);
  });
});
