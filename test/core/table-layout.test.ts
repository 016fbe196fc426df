/**
 * The routing table's memory layout (bucket-layout.ts, table-replacements.ts): the array grows by
 * exactly one block per split, replacement caches take room only once a newcomer waits, and the
 * caches follow every split (b = 1, 2, 3) with each bucket's oldest-first order kept. The truth
 * is computed apart: bucket ranges by BigInt, the order of caching recorded by the test itself.
 */
import { describe, expect, it } from 'vitest';
import { ID_BITS, ID_BYTES, ID_WORDS } from '../../src/core/id.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { Observe, RoutingTable, type RoutingTableOptions } from '../../src/core/routing-table.js';
import { RTT_ROOM } from '../../src/core/table-rtts.js';
import { big, bytesOf } from '../helpers/big-ids.js';
import { bucketRanges } from '../helpers/bucket-ranges.js';

const SELF = 0;
/** Header words of a block (bucket-layout.ts: the first word of lo, header, last lookup, last ping). */
const HEADER_WORDS = 4;
/** Words of a block of capacity k: the header and a slot word per contact (the RTT entries are apart, table-rtts.ts). */
const blockWords = (k: number): number => HEADER_WORDS + k;

function world(seed: number) {
  const rng = new Random(seed);
  const peers = new PeerIds();
  const self = big(rng.bytes(ID_BYTES));
  peers.setId(SELF, bytesOf(self));
  const dists: bigint[] = [0n];
  const add = (dist: bigint): number => {
    const h = dists.length;
    dists.push(dist);
    peers.setId(h, bytesOf(self ^ dist));
    return h;
  };
  const random = (): number => add(big(rng.bytes(ID_BYTES)));
  /** A peer sharing exactly `cpl` leading bits with the own ID. */
  const withCpl = (cpl: number): number => {
    const bit = 1n << BigInt(ID_BITS - 1 - cpl);
    return add(bit | (big(rng.bytes(ID_BYTES)) & (bit - 1n)));
  };
  return { peers, self, dists, random, withCpl };
}

function table(peers: PeerIds, opts: Partial<RoutingTableOptions> = {}): RoutingTable {
  return new RoutingTable(peers, SELF, { k: 8, replacements: 5, maxFailures: 3, bitsPerStep: 1, ...opts });
}

describe('routing table layout', () => {
  it('grows by one block per split (and RTT_ROOM words when full), and holds no replacement room while nobody waits', () => {
    const w = world(1);
    const k = 8;
    const t = table(w.peers, { k, replacements: 5 });
    const block = blockWords(k) * 4;
    expect(t.bytes).toBe(block);
    // Peers at ever longer shared prefixes: each fills and splits the own-ID bucket, never a full far one.
    for (let cpl = 0; cpl < 40; cpl++) {
      for (let i = 0; i < 3; i++) expect(t.observe(w.withCpl(cpl))).toBe(Observe.Done);
      // A split that finds the region full grows it by its block and RTT_ROOM words, which the next split uses first.
      expect(t.bytes).toBeGreaterThanOrEqual(t.bucketCount * block);
      expect(t.bytes).toBeLessThanOrEqual(t.bucketCount * block + RTT_ROOM * 4);
    }
    expect(t.bucketCount).toBeGreaterThan(30);
    expect(t.describeBuckets().every((b) => b.replacements === 0)).toBe(true);
  });

  it('makes the replacement list on the first newcomer to wait, in the spare room a split left or a grown region', () => {
    const w = world(2);
    const t = table(w.peers, { k: 4, replacements: 3 });
    for (let c = 5; c < 9; c++) t.observe(w.withCpl(c)); // the 4 nearest: the far bucket cannot split
    const far = Array.from({ length: 6 }, () => w.withCpl(0));
    for (const h of far.slice(0, 4)) t.observe(h);
    const before = t.bytes;
    expect(before).toBeLessThanOrEqual(t.bucketCount * blockWords(4) * 4 + RTT_ROOM * 4);
    t.observe(far[4]!); // full far bucket: the newcomer waits
    const fb = t.describeBuckets().findIndex((b) => b.replacements > 0);
    expect(t.replacementsOf(fb)).toEqual([far[4]]);
    expect(t.bytes).toBeGreaterThanOrEqual(before);
    expect(t.bytes).toBeLessThanOrEqual(t.bucketCount * blockWords(4) * 4 + (RTT_ROOM + 16) * 4);
    expect(t.holds(far[4]!)).toBe(true);
    expect(t.has(far[4]!)).toBe(false);
  });

  it('keeps a later bucket\'s replacements when an earlier bucket splits and its index moves up', () => {
    const w = world(3);
    const t = table(w.peers, { k: 4, replacements: 3 });
    for (let c = 20; c < 24; c++) t.observe(w.withCpl(c));
    const far = Array.from({ length: 7 }, () => w.withCpl(0));
    for (const h of far) t.observe(h);
    const farBucket = (): number => t.bucketForTarget(w.peers.words, far[0]! * ID_WORDS);
    const b0 = farBucket();
    expect(t.replacementsOf(b0)).toEqual(far.slice(4, 7));
    // Near peers split the own-ID bucket (index 0) again and again: the far bucket moves to higher indices.
    for (let c = 24; c < 40; c++) t.observe(w.withCpl(c));
    expect(farBucket()).toBeGreaterThan(b0);
    expect(t.replacementsOf(farBucket())).toEqual(far.slice(4, 7));
    for (let b = 0; b < t.bucketCount; b++) if (b !== farBucket()) expect(t.replacementsOf(b)).toEqual([]);
    expect(bucketRanges(t, w.self).length).toBe(t.bucketCount);
  });

  for (const bitsPerStep of [1, 2, 3]) {
    it(`replacement caches follow splits with b = ${bitsPerStep}: each in its bucket's range, oldest first, at most r`, () => {
      const w = world(10 + bitsPerStep);
      const r = 3;
      const t = table(w.peers, { k: 4, replacements: r, bitsPerStep });
      const rng = new Random(99);
      const handles: number[] = [];
      /** When each handle was last seen while it ended up waiting in a cache. */
      const cachedAt = new Map<number, number>();
      for (let step = 0; step < 4000; step++) {
        // Mostly new peers, some seen again (moves a cached one to the newest place).
        const again = handles.length > 0 && rng.int(4) === 0;
        const h = again ? handles[rng.int(handles.length)]! : w.random();
        if (!again) handles.push(h);
        const verdict = t.observe(h);
        if (verdict === Observe.Ping) t.pingResult(t.pingTarget, rng.int(3) !== 0); // a third of the pinged are dead
        if (t.holds(h) && !t.has(h)) cachedAt.set(h, step);
      }
        const rs = bucketRanges(t, w.self);
      let cached = 0;
      let splitWithReps = false;
      for (let b = 0; b < t.bucketCount; b++) {
        const reps = t.replacementsOf(b);
        expect(reps.length).toBe(t.describeBuckets()[b]!.replacements);
        expect(reps.length).toBeLessThanOrEqual(r);
        const [lo, hi] = rs[b]!;
        for (const h of reps) {
          const d = w.dists[h]!;
          expect(d >= lo && d <= hi, `replacement ${h} outside bucket ${b}`).toBe(true);
          expect(t.has(h)).toBe(false);
        }
        const times = reps.map((h) => cachedAt.get(h)!);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        cached += reps.length;
        if (reps.length > 0 && t.bucketDepth(b) > 1) splitWithReps = true;
      }
      expect(cached).toBeGreaterThan(5);
      expect(splitWithReps).toBe(true);
    });
  }
});

describe('routing table with buckets deeper than 32 bits', () => {
  it('finds every contact and the true closest with the one-word bucket search off (depth > 32) and on', () => {
    const w = world(21);
    const t = table(w.peers, { k: 4, replacements: 2 });
    const handles: number[] = [];
    // A near cluster down to 60 shared bits, so the own-ID bucket splits past the first word.
    for (let cpl = 0; cpl < 60; cpl++) for (let i = 0; i < 3; i++) handles.push(w.withCpl(cpl));
    for (let i = 0; i < 300; i++) handles.push(w.random());
    const depths: number[] = [];
    for (const h of handles) {
      t.observe(h);
      depths.push(Math.max(...t.describeBuckets().map((b) => b.depth)));
    }
    expect(depths[0]).toBeLessThanOrEqual(32);
    expect(Math.max(...depths)).toBeGreaterThan(32);
    const contacts = t.contacts();
    for (const h of contacts) expect(t.has(h)).toBe(true);
    // Each bucket's contacts fall in its range (read back by BigInt), so the search put them right.
    const rs = bucketRanges(t, w.self);
    let at = 0;
    t.describeBuckets().forEach((b, i) => {
      for (const h of contacts.slice(at, at + b.contacts)) expect(w.dists[h]! >= rs[i]![0] && w.dists[h]! <= rs[i]![1]).toBe(true);
      at += b.contacts;
    });
    const rng = new Random(5);
    const out = new Uint32Array(6);
    for (let q = 0; q < 200; q++) {
      // Targets near the own ID (deep buckets) and anywhere.
      const td = q % 2 === 0 ? big(rng.bytes(ID_BYTES)) >> BigInt(rng.int(70)) : big(rng.bytes(ID_BYTES));
      const target = w.self ^ td;
      const n = t.closest(Uint32Array.from(bytesToWords(bytesOf(target))), 0, 6, out);
      const truth = [...contacts].sort((a, b) => {
        const da = w.dists[a]! ^ td;
        const db = w.dists[b]! ^ td;
        return da < db ? -1 : da > db ? 1 : 0;
      });
      expect(Array.from(out.subarray(0, n))).toEqual(truth.slice(0, 6));
    }
  });
});

function bytesToWords(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < ID_WORDS; i++) out.push(((b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!) >>> 0);
  return out;
}
