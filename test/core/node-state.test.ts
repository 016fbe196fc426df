/**
 * The node's state after the density step (node-state.ts, timers.ts, random.ts): the booleans
 * folded into one flags word stay independent, the epoch read back from the timer row, the
 * lazily made parts and the shared parts behave as separate fields did, a published value
 * is a copy, and the random stream is still sfc32 (checked against a BigInt implementation).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { KadNode, NodeShared, RecordSpace } from '../../src/core/index.js';
import { NodeState } from '../../src/core/node-state.js';
import { RecordStore } from '../../src/core/records.js';
import { PeerIds } from '../../src/core/peers.js';
import { deriveSeed, Random } from '../../src/core/random.js';
import { RoutingTable } from '../../src/core/routing-table.js';
import { timerSlabBytes, TimerKind } from '../../src/core/timers.js';
import type { SignatureVerifier } from '../../src/core/signed.js';

function peers(n: number): PeerIds {
  const rng = new Random(7);
  const p = new PeerIds();
  for (let h = 0; h < n; h++) p.setId(h, rng.bytes(20));
  return p;
}

function state(p: PeerIds | NodeShared, self: number, epoch: number): NodeState {
  const ids = p instanceof NodeShared ? p.peers : p;
  const config = resolveConfig();
  return new NodeState(self, p, config, new Random(1, self), new RoutingTable(ids, self, { k: 20, replacements: 0, maxFailures: 1, bitsPerStep: 1 }), epoch);
}

const FLAGS = ['up', 'joined', 'joining', 'traceNext', 'dormant'] as const;

describe('node state', () => {
  it('keeps the five booleans independent in every combination', () => {
    const s = state(peers(2), 0, 0);
    expect(FLAGS.map((f) => s[f])).toEqual([true, false, false, false, false]);
    for (let mask = 0; mask < 32; mask++) {
      FLAGS.forEach((f, i) => (s[f] = (mask & (1 << i)) !== 0));
      expect(FLAGS.map((f) => s[f])).toEqual(FLAGS.map((_, i) => (mask & (1 << i)) !== 0));
    }
  });

  it('reads its epoch back (a fractional real-time instant too) and keeps it apart from the timers of its neighbours', () => {
    const p = peers(3);
    const a = state(p, 0, 1234.5678);
    const b = state(p, 1, 99);
    a.setTimer(TimerKind.HandOver, 5);
    b.setTimer(TimerKind.Rpc, 7);
    expect(a.epoch).toBe(1234.5678);
    expect(b.epoch).toBe(99);
    expect(a.earliestTimer()).toBe(5);
    expect(b.earliestTimer()).toBe(7);
  });

  it('makes the rarely used parts on first use, and a null before that changes nothing', () => {
    const s = state(peers(2), 0, 0);
    s.handOver = null;
    s.records = null;
    s.lastVersion = 0;
    expect([s.records, s.published, s.sources, s.publishedSources, s.handOver, s.check, s.lastVersion]).toEqual([null, null, null, null, null, null, 0]);
    s.lastVersion = 42;
    s.published = new Map();
    expect(s.lastVersion).toBe(42);
    expect(s.published.size).toBe(0);
    expect(s.tokens).toBe(s.tokens); // made once
    s.published = null;
    expect(s.published).toBeNull();
    expect(s.lastVersion).toBe(42);
  });

  it('shares the host parts until one node is given its own (copy on write)', () => {
    const p = peers(3);
    const space = new RecordSpace();
    const verifier: SignatureVerifier = { verify: () => true } as unknown as SignatureVerifier;
    const shared = new NodeShared(p, space, verifier);
    const a = state(shared, 0, 0);
    const b = state(shared, 1, 0);
    expect(a.shared).toBe(b.shared);
    expect(a.peers).toBe(p);
    const own = new RecordSpace();
    a.recordSpace = own;
    expect(a.recordSpace).toBe(own);
    expect(a.verifier).toBe(verifier);
    expect(b.recordSpace).toBe(space);
    expect(shared.recordSpace).toBe(space);
    b.recordSpace = space; // the same value: no copy
    expect(b.shared).toBe(shared);
    b.verifier = null;
    expect(b.verifier).toBeNull();
    expect(a.verifier).toBe(verifier);
  });

  it('accepts PeerIds or a NodeShared through KadNode', () => {
    const p = peers(3);
    const shared = new NodeShared(p);
    const n = new KadNode(1, shared, resolveConfig(), new Random(3), 10);
    const m = new KadNode(2, p, resolveConfig(), new Random(3), 10);
    expect(n.peers).toBe(p);
    expect(m.peers).toBe(p);
    expect(n.epoch).toBe(10);
    expect(Array.from(n.id)).toEqual(Array.from(p.idOf(1)));
  });

  it('pins a published value in the record space: a copy, shared with a replica of the same bytes, given back when replaced or dropped', () => {
    const key = Uint8Array.from({ length: 20 }, (_, i) => i);
    const value = Uint8Array.from({ length: 100 }, (_, i) => 255 - i);
    const space = new RecordSpace();
    const s = state(new NodeShared(peers(2), space), 0, 0);
    s.publish(key, value, 3, 1000, null);
    key.fill(0);
    value.fill(0);
    const p = s.published!.values().next().value!;
    expect(Array.from(p.key)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(p.value)).toEqual(Array.from({ length: 100 }, (_, i) => 255 - i));
    expect([p.version, p.republishAt, p.signed, space.blobs, space.blobBytes]).toEqual([3, 1000, null, 1, 120]);
    // A replica of the same key and value on this space holds the bytes once.
    const records = new RecordStore(10, space);
    records.put(p.key.slice(), p.value.slice(), 1, Infinity, false, 0);
    expect([space.copies, space.blobs]).toEqual([1, 1]);
    // A new put of the key replaces the pin: the old bytes go once no copy holds them.
    s.publish(p.key.slice(), Uint8Array.of(1, 2, 3), 4, 2000, null);
    expect([s.published!.size, space.blobs, space.blobBytes]).toEqual([1, 2, 120 + 23]);
    records.clear();
    expect([space.copies, space.blobs, space.blobBytes]).toEqual([0, 1, 23]);
    s.dropStorage();
    expect([s.published, space.blobs, space.blobBytes]).toEqual([null, 0, 0]);
  });

  it('gives a host without a shared space one of its own for its puts, which its records then use', () => {
    const s = state(peers(2), 0, 0);
    expect(s.recordSpace).toBeNull();
    s.publish(new Uint8Array(20), Uint8Array.of(9), 1, 5, null);
    expect(s.recordSpace).not.toBeNull();
    expect(s.recordSpace!.blobs).toBe(1);
  });

  it('counts the timer slabs it makes (1,024 rows of 9 doubles each)', () => {
    const before = timerSlabBytes();
    const p = peers(1);
    for (let i = 0; i < 2048; i++) state(p, 0, 0);
    const grown = timerSlabBytes() - before;
    // 2,048 new rows fill two slabs, or one and the rest of the one in use plus a third.
    expect([2, 3].map((n) => n * 1024 * 9 * 8)).toContain(grown);
  });
});

/** sfc32 in BigInt arithmetic: an independent reference for the int32-state Random. */
function* sfc32(seed: number, stream: number): Generator<number> {
  const M = (1n << 32n) - 1n;
  const u = (x: number): bigint => BigInt.asUintN(32, BigInt(Math.trunc(x)));
  let a = u(seed);
  // The stream is multiplied as a double, as Random does (a product past 2^53 is rounded first).
  let b = BigInt.asUintN(32, BigInt(stream * 0x9e3779b9));
  let c = u(seed) ^ 0x85ebca6bn;
  let d = 1n;
  const step = (): bigint => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = ((c << 21n) | (c >> 11n)) & M;
    c = (c + t) & M;
    return t;
  };
  for (let i = 0; i < 12; i++) step();
  for (;;) yield Number(step());
}

describe('Random', () => {
  it('draws the sfc32 stream for seeds and streams across the u32 range', () => {
    for (const [seed, stream] of [
      [0, 0],
      [1, 1],
      [0x7fffffff, 0x1d],
      [0x80000000, 0x24],
      [0xffffffff, 12345678],
      [123456789, 2 ** 20 + 7],
    ] as const) {
      const r = new Random(seed, stream);
      const ref = sfc32(seed, stream);
      for (let i = 0; i < 500; i++) expect(r.nextU32()).toBe(ref.next().value);
    }
  });

  it('returns u32 draws (never negative), spread over both halves of the range', () => {
    const r = new Random(5, 1);
    let high = 0;
    for (let i = 0; i < 4000; i++) {
      const v = r.nextU32();
      expect(v >= 0 && v <= 0xffffffff && Number.isInteger(v)).toBe(true);
      if (v >= 0x80000000) high++;
    }
    expect(high).toBeGreaterThan(1800);
    expect(high).toBeLessThan(2200);
  });
});

describe("the node's own stream (node-random.ts)", () => {
  // Recorded with the Random of c63ac29, before a node's stream became its own fields: the
  // streams the swarm's shards give nodes 0, 7 and 9,999 for seed 1 (cluster.ts spawn).
  const RECORDED: Array<[number, number[]]> = [
    [0, [2537431594, 4140897340, 1704996011, 2079391038, 1555798279, 3387493477]],
    [7, [351593922, 3295843459, 2562795445, 1006019231, 1226570281, 2472832134]],
    [9999, [1652234899, 2774056628, 1281666210, 3973284867, 1350131730, 864856884]],
  ];

  it('draws what the Random it was given would have drawn, the recorded values for a seed', () => {
    const p = peers(2);
    for (const [i, want] of RECORDED) {
      const given = new Random(deriveSeed(1, i), 1);
      const node = new KadNode(0, p, resolveConfig(), given, 0);
      expect(node.rng.constructor).not.toBe(Random); // the node itself, not the object given
      expect(Array.from({ length: want.length }, () => node.rng.nextU32())).toEqual(want);
      // The given object is left where it was: its first draw is still the stream's first.
      expect(given.nextU32()).toBe(want[0]);
    }
  });

  it('continues a stream mid-way, at the u32 extremes of seed and stream, as sfc32 does', () => {
    for (const [seed, stream, skip] of [
      [0xffffffff, 0x7fffffff, 1000],
      [0x80000000, 0, 3],
      [0, 0xffffffff, 0],
    ] as const) {
      const given = new Random(seed, stream);
      const ref = sfc32(seed, stream);
      for (let i = 0; i < skip; i++) expect(given.nextU32()).toBe(ref.next().value);
      const s = state(peers(2), 0, 0);
      // state() gives its own stream; a second node continues `given` where it stopped.
      const t = new NodeState(1, peers(2), resolveConfig(), given, new RoutingTable(peers(2), 1, { k: 20, replacements: 0, maxFailures: 1, bitsPerStep: 1 }), 0);
      expect(s.rng).toBe(s);
      expect(t.rng).toBe(t);
      for (let i = 0; i < 300; i++) expect(t.rng.nextU32()).toBe(ref.next().value);
      // The derived draws go through the same words.
      const again = new Random(seed, stream);
      for (let i = 0; i < skip + 300; i++) again.nextU32();
      expect([t.rng.next(), t.rng.int(1000), Array.from(t.rng.bytes(7))]).toEqual([again.next(), again.int(1000), Array.from(again.bytes(7))]);
    }
  });

  it('keeps a Random of another kind and draws from it (a UDP node’s CryptoRandom, a stand-in)', () => {
    class Counting extends Random {
      n = 0;
      override nextU32(): number {
        return 0x1000 + this.n++;
      }
    }
    const other = new Counting(0);
    const node = new KadNode(0, peers(2), resolveConfig(), other, 0);
    expect(node.rng).toBe(other);
    node.ping(1, 0);
    const msg = node.pollTransmit();
    expect(msg?.rpc).toBe(0x1000); // the request's id is the stand-in's first draw
    expect(other.n).toBe(1);
    // A plain node made after it still draws from its own words.
    const plain = new KadNode(0, peers(2), resolveConfig(), new Random(deriveSeed(1, 0), 1), 0);
    expect(plain.rng.nextU32()).toBe(RECORDED[0]![1][0]);
  });
});
