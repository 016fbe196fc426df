/**
 * The routing table against brute force: bucket ranges, splitting (own-ID
 * bucket, the paper's relaxation for unbalanced trees, accelerated lookups),
 * ping-before-evict, the replacement cache, stale marking under loss, and
 * closest() for many targets. Distances are checked with BigInt in the test.
 */
import { describe, expect, it } from 'vitest';
import { Observe, RoutingTable, type RoutingTableOptions } from '../../src/core/routing-table.js';
import { PeerIds } from '../../src/core/peers.js';
import { ID_BITS, ID_BYTES, ID_WORDS } from '../../src/core/id.js';
import { Random } from '../../src/core/random.js';
import { big, bytesOf, wordsOf } from '../helpers/big-ids.js';

const TOP = 1n << BigInt(ID_BITS);
const SELF = 0;


function bigOfWords(w: Uint32Array): bigint {
  let v = 0n;
  for (let i = 0; i < ID_WORDS; i++) v = (v << 32n) | BigInt(w[i]!);
  return v;
}

/** Common prefix length of a distance (number of leading zero bits). */
function cplOf(dist: bigint): number {
  return dist === 0n ? ID_BITS : ID_BITS - dist.toString(2).length;
}

/** A random distance whose first `cpl` bits are 0 and bit `cpl` is 1. */
function distWithCpl(rng: Random, cpl: number): bigint {
  const r = big(rng.bytes(ID_BYTES));
  const bit = 1n << BigInt(ID_BITS - 1 - cpl);
  return bit | (r & (bit - 1n));
}

/** A world of peers: handle 0 is the node itself, IDs are remembered as BigInts. */
class World {
  readonly peers = new PeerIds();
  readonly self: bigint;
  readonly ids: bigint[] = [];

  constructor(readonly rng: Random) {
    this.self = big(rng.bytes(ID_BYTES));
    this.peers.setId(SELF, bytesOf(this.self));
    this.ids.push(this.self);
  }

  /** A new peer at XOR distance `dist` from self. */
  atDistance(dist: bigint): number {
    const h = this.ids.length;
    this.ids.push(this.self ^ dist);
    this.peers.setId(h, bytesOf(this.self ^ dist));
    return h;
  }

  random(): number {
    return this.atDistance(big(this.rng.bytes(ID_BYTES)));
  }

  withCpl(cpl: number): number {
    return this.atDistance(distWithCpl(this.rng, cpl));
  }

  dist(h: number): bigint {
    return this.ids[h]! ^ this.self;
  }

  /** The true n closest handles to target among `handles`, by BigInt sort. */
  nearest(handles: number[], target: bigint, n: number): number[] {
    return [...handles]
      .sort((a, b) => {
        const da = this.ids[a]! ^ target;
        const db = this.ids[b]! ^ target;
        return da < db ? -1 : da > db ? 1 : 0;
      })
      .slice(0, n);
  }
}

function table(w: World, opts: Partial<RoutingTableOptions> = {}): RoutingTable {
  return new RoutingTable(w.peers, SELF, { k: 4, replacements: 4, maxFailures: 3, bitsPerStep: 1, ...opts });
}

function closest(t: RoutingTable, target: bigint, n: number, exclude = -1): number[] {
  const out = new Uint32Array(Math.max(1, n));
  const got = t.closest(wordsOf(target), 0, n, out, exclude);
  return Array.from(out.subarray(0, got));
}

interface Bucket {
  lo: bigint;
  hi: bigint;
  depth: number;
  contacts: number[];
  replacements: number[];
  stale: number;
}

/** Buckets with their distance ranges, read through randomIdInBucket with all-zero and all-one free bits. */
function buckets(t: RoutingTable, w: World): Bucket[] {
  const desc = t.describeBuckets();
  const all = t.contacts();
  const out: Bucket[] = [];
  const buf = new Uint32Array(ID_WORDS);
  let at = 0;
  for (let i = 0; i < desc.length; i++) {
    t.randomIdInBucket(i, buf, () => 0);
    const lo = bigOfWords(buf) ^ w.self;
    t.randomIdInBucket(i, buf, () => 0xffffffff);
    const hi = bigOfWords(buf) ^ w.self;
    out.push({
      lo,
      hi,
      depth: desc[i]!.depth,
      contacts: all.slice(at, at + desc[i]!.contacts),
      replacements: t.replacementsOf(i),
      stale: desc[i]!.stale,
    });
    at += desc[i]!.contacts;
  }
  expect(at).toBe(all.length);
  return out;
}

function bucketHolding(t: RoutingTable, w: World, dist: bigint): number {
  const bs = buckets(t, w);
  const i = bs.findIndex((b) => b.lo <= dist && dist <= b.hi);
  expect(i).toBeGreaterThanOrEqual(0);
  return i;
}

/** Structural invariants of any table. */
function checkInvariants(t: RoutingTable, w: World): Bucket[] {
  const bs = buckets(t, w);
  expect(bs.length).toBe(t.bucketCount);
  // The ranges partition [0, 2^160), are sorted, aligned to their size, and bucket 0 holds the own ID (distance 0).
  expect(bs[0]!.lo).toBe(0n);
  let next = 0n;
  const seen = new Set<number>();
  for (let i = 0; i < bs.length; i++) {
    const b = bs[i]!;
    const size = 1n << BigInt(ID_BITS - b.depth);
    expect(b.lo).toBe(next);
    expect(b.hi - b.lo + 1n).toBe(size);
    expect(b.lo % size).toBe(0n);
    next = b.hi + 1n;
    expect(b.contacts.length).toBeLessThanOrEqual(t.k);
    expect(t.bucketSize(i)).toBe(b.contacts.length);
    expect(b.replacements.length).toBeLessThanOrEqual(t.r);
    for (const h of [...b.contacts, ...b.replacements]) {
      expect(h).not.toBe(SELF);
      const d = w.dist(h);
      expect(d >= b.lo && d <= b.hi, `handle ${h} outside bucket ${i}`).toBe(true);
      expect(seen.has(h), `handle ${h} twice`).toBe(false);
      seen.add(h);
    }
    for (const h of b.contacts) expect(t.has(h)).toBe(true);
    for (const h of b.replacements) expect(t.has(h)).toBe(false);
  }
  expect(next).toBe(TOP);
  expect(t.size).toBe(t.contacts().length);
  expect(t.bucketForTarget(wordsOf(w.self), 0)).toBe(0);
  return bs;
}

/** Deepest t such that at least k of `handles` share t leading bits with self (the smallest subtree holding k). */
function nearSubtreeDepth(w: World, handles: number[], k: number): number {
  const cpls = handles.map((h) => cplOf(w.dist(h))).sort((a, b) => b - a);
  return cpls.length >= k ? cpls[k - 1]! : 0;
}

describe('routing table: structure and splitting', () => {
  it('starts as one bucket covering the whole space and ignores itself', () => {
    const w = new World(new Random(1));
    const t = table(w);
    expect(t.bucketCount).toBe(1);
    expect(t.observe(SELF)).toBe(Observe.Self);
    expect(t.size).toBe(0);
    expect(t.has(SELF)).toBe(false);
    expect(closest(t, w.self, 4)).toEqual([]);
    const bs = checkInvariants(t, w);
    expect(bs[0]!.depth).toBe(0);
    expect(bs[0]!.hi).toBe(TOP - 1n);
  });

  it('splits the own-ID bucket; ranges hold their contacts, no bucket exceeds k, and the k nearest are always kept', () => {
    const w = new World(new Random(2));
    const t = table(w, { k: 4, replacements: 4 });
    const inserted: number[] = [];
    for (let i = 0; i < 600; i++) {
      const h = w.random();
      inserted.push(h);
      const r = t.observe(h);
      expect(r === Observe.Done || r === Observe.Ping).toBe(true);
      // After every insertion the table holds exactly the true min(k, n) nearest neighbours.
      for (const n of [1, 2, 4]) expect(closest(t, w.self, n)).toEqual(w.nearest(inserted, w.self, Math.min(n, inserted.length)));
      if (i % 50 === 0) checkInvariants(t, w);
    }
    const bs = checkInvariants(t, w);
    expect(t.bucketCount).toBeGreaterThan(5);
    // Bucket 0 holds the own ID and is as deep as the tree goes along the own-ID path.
    expect(bs[0]!.lo).toBe(0n);
    // The paper's guarantee: every peer of the smallest own-ID subtree holding k peers is in the table.
    const m = nearSubtreeDepth(w, inserted, t.k);
    const inSubtree = inserted.filter((h) => cplOf(w.dist(h)) >= m);
    expect(inSubtree.length).toBeGreaterThanOrEqual(t.k);
    for (const h of inSubtree) expect(t.has(h)).toBe(true);
    // Far buckets are capped at k: only a few contacts per bucket, not the 600 seen.
    expect(t.size).toBeLessThan(inserted.length / 4);
  });

  it('keeps the number of buckets logarithmic in the number of peers', () => {
    for (const [seed, n] of [
      [3, 1000],
      [4, 4000],
    ] as const) {
      const w = new World(new Random(seed));
      const t = table(w, { k: 4 });
      for (let i = 0; i < n; i++) t.observe(w.random());
      checkInvariants(t, w);
      // About log2(n / k) buckets along the own-ID path, plus a few split by the relaxation while the
      // table was young (13 and 14 buckets for these seeds), against n / k if every full bucket split.
      expect(t.bucketCount).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 8);
      expect(t.size).toBeLessThanOrEqual(t.k * t.bucketCount);
    }
  });

  it('relaxed rule: splits a bucket without the own ID when it holds the k nearest neighbours', () => {
    const rng = new Random(5);
    const w = new World(rng);
    const k = 4;
    const t = table(w, { k, replacements: 8 });
    // 12 peers that share bit 0 with self and differ at bit 1: all fall in the sibling subtree "01",
    // which never holds the own ID, and they are the node's nearest neighbours.
    const near = Array.from({ length: 12 }, () => w.withCpl(1));
    // Insert the farthest first, so a table that did not split "01" would keep the wrong four.
    const farthestFirst = [...near].sort((a, b) => (w.dist(a) > w.dist(b) ? -1 : 1));
    for (const h of farthestFirst) expect(t.observe(h)).toBe(Observe.Done);
    let bs = checkInvariants(t, w);
    expect(closest(t, w.self, k)).toEqual(w.nearest(near, w.self, k));
    // The whole subtree "01" is kept...
    for (const h of near) expect(t.has(h)).toBe(true);
    // ...which took splitting buckets that lie in "01" (lo starts 01…), i.e. not holding the own ID.
    const inSibling = bs.filter((b) => cplOf(b.lo) === 1);
    expect(inSibling.length).toBeGreaterThan(1);
    expect(Math.max(...inSibling.map((b) => b.depth))).toBeGreaterThan(2);

    // Now far peers (differ at bit 0): their bucket "1" does not hold the k nearest, so it stays at k.
    const far = Array.from({ length: 12 }, () => w.withCpl(0));
    const results = far.map((h) => t.observe(h));
    expect(results.slice(0, k)).toEqual(new Array(k).fill(Observe.Done));
    expect(results[k]).toBe(Observe.Ping); // full, not splittable: ping the least-recently seen
    expect(t.pingTarget).toBe(far[0]);
    expect(results.slice(k + 1)).toEqual(new Array(far.length - k - 1).fill(Observe.Done)); // one ping at a time
    bs = checkInvariants(t, w);
    const farBuckets = bs.filter((b) => cplOf(b.lo) === 0);
    expect(farBuckets.length).toBe(1);
    expect(farBuckets[0]!.depth).toBe(1);
    expect(farBuckets[0]!.contacts).toEqual(far.slice(0, k)); // the old contacts stay
    expect(farBuckets[0]!.replacements).toEqual(far.slice(k, k + 8)); // the rest wait as replacements
    for (const h of far.slice(k)) expect(t.has(h)).toBe(false);
    // The k nearest are still the near ones.
    expect(closest(t, w.self, k)).toEqual(w.nearest([...near, ...far], w.self, k));
  });

  it('relaxed rule holds for a skewed ID set in random order (several seeds)', () => {
    for (let seed = 10; seed < 20; seed++) {
      const rng = new Random(seed);
      const w = new World(rng);
      const t = table(w, { k: 5, replacements: 3 });
      const all: number[] = [];
      for (let i = 0; i < 40; i++) all.push(w.withCpl(1 + rng.int(2))); // most in "01" and "001"
      for (let i = 0; i < 40; i++) all.push(w.withCpl(0));
      for (let i = all.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      for (const h of all) t.observe(h);
      checkInvariants(t, w);
      for (const n of [1, 3, 5]) expect(closest(t, w.self, n)).toEqual(w.nearest(all, w.self, n));
      const m = nearSubtreeDepth(w, all, t.k);
      for (const h of all.filter((x) => cplOf(w.dist(x)) >= m)) expect(t.has(h)).toBe(true);
    }
  });

  it('accelerated lookups: bitsPerStep = 2 keeps more buckets than 1 for the same peers', () => {
    const w = new World(new Random(6));
    const handles = Array.from({ length: 3000 }, () => w.random());
    const t1 = table(w, { k: 8, bitsPerStep: 1 });
    const t2 = table(w, { k: 8, bitsPerStep: 2 });
    for (const h of handles) {
      t1.observe(h);
      t2.observe(h);
    }
    const b1 = checkInvariants(t1, w);
    const b2 = checkInvariants(t2, w);
    expect(t2.bucketCount).toBeGreaterThan(t1.bucketCount);
    expect(t2.size).toBeGreaterThan(t1.size);
    // With b = 2 a full bucket at an odd depth always splits, so only even-depth buckets turn peers away.
    for (const b of b2) if (b.depth % 2 === 1) expect(b.replacements).toEqual([]);
    expect(b2.some((b) => b.replacements.length > 0)).toBe(true);
    expect(b1.some((b) => b.depth % 2 === 1 && b.replacements.length > 0)).toBe(true);
    for (const t of [t1, t2]) expect(closest(t, w.self, 8)).toEqual(w.nearest(handles, w.self, 8));
  });
});

/**
 * A table where the far bucket "1" (depth 1) is full of far[0..k) and cannot split:
 * four near peers (cpl >= 5) hold the node's k nearest neighbours.
 */
function fullFarBucket(opts: Partial<RoutingTableOptions>, farCount = 10) {
  const w = new World(new Random(7));
  const t = table(w, { k: 4, replacements: 3, maxFailures: 3, ...opts });
  const near = [5, 6, 7, 8].map((c) => w.withCpl(c));
  const far = Array.from({ length: farCount }, () => w.withCpl(0));
  for (const h of near) expect(t.observe(h)).toBe(Observe.Done);
  for (const h of far.slice(0, t.k)) expect(t.observe(h)).toBe(Observe.Done);
  const fb = bucketHolding(t, w, w.dist(far[0]!));
  expect(buckets(t, w)[fb]!.contacts).toEqual(far.slice(0, t.k));
  expect(buckets(t, w)[fb]!.depth).toBe(1);
  const view = () => buckets(t, w)[fb]!;
  return { w, t, near, far, fb, view };
}

describe('routing table: ping before evict and the replacement cache', () => {
  it('asks to ping the least-recently seen contact; alive keeps it (moved to the tail), the newcomer waits', () => {
    const { w, t, far, view } = fullFarBucket({});
    expect(t.observe(far[4]!)).toBe(Observe.Ping);
    expect(t.pingTarget).toBe(far[0]);
    expect(t.has(far[4]!)).toBe(false);
    expect(view().replacements).toEqual([far[4]]);
    // While that ping is out, more newcomers do not start another one.
    expect(t.observe(far[5]!)).toBe(Observe.Done);
    expect(view().replacements).toEqual([far[4], far[5]]);
    t.pingResult(far[0]!, true, 40);
    expect(view().contacts).toEqual([far[1], far[2], far[3], far[0]]);
    expect(view().replacements).toEqual([far[4], far[5]]);
    expect(t.rttOf(far[0]!)).toEqual({ srtt: 40, rttvar: 20 });
    expect(t.rtoOf(far[0]!)).toBe(40 + 4 * 20); // the request table's non-allocating read of the same
    expect(t.rtoOf(far[1]!)).toBe(-1); // in the table, no RTT sample yet
    expect(t.rtoOf(far[4]!)).toBe(-1); // only a replacement
    expect(t.has(far[4]!)).toBe(false);
    checkInvariants(t, w);
    // The ping is answered, so the next newcomer pings the new least-recently seen.
    expect(t.observe(far[6]!)).toBe(Observe.Ping);
    expect(t.pingTarget).toBe(far[1]);
  });

  it('a dead least-recently seen contact is replaced by the newcomer', () => {
    const { w, t, far, view } = fullFarBucket({});
    expect(t.observe(far[4]!)).toBe(Observe.Ping);
    const lrs = t.pingTarget;
    expect(lrs).toBe(far[0]);
    t.pingResult(lrs, false);
    expect(t.has(lrs)).toBe(false);
    expect(t.has(far[4]!)).toBe(true);
    expect(view().contacts).toEqual([far[1], far[2], far[3], far[4]]);
    expect(view().replacements).toEqual([]);
    expect(t.failuresOf(far[4]!)).toBe(0);
    checkInvariants(t, w);
  });

  it('the replacement cache is bounded, the oldest gives way, and seeing a cached peer again makes it the newest', () => {
    const { w, t, far, view } = fullFarBucket({ replacements: 3 });
    for (const h of far.slice(4, 8)) t.observe(h);
    expect(view().replacements).toEqual([far[5], far[6], far[7]]); // far[4], the oldest, gave way
    t.observe(far[5]!);
    expect(view().replacements).toEqual([far[6], far[7], far[5]]);
    t.observe(far[4]!); // seen again after being dropped: newest again, evicting the oldest
    expect(view().replacements).toEqual([far[7], far[5], far[4]]);
    expect(view().contacts).toEqual(far.slice(0, 4));
    // When a slot frees up, the most recently seen replacement takes it.
    t.remove(far[2]!);
    expect(view().contacts).toEqual([far[0], far[1], far[3], far[4]]);
    expect(view().replacements).toEqual([far[7], far[5]]);
    // A failed replacement is simply forgotten.
    t.fail(far[7]!);
    expect(view().replacements).toEqual([far[5]]);
    checkInvariants(t, w);
  });

  it('with no replacement cache (replacements = 0) newcomers to a full bucket are dropped and nothing is cached', () => {
    const { w, t, far, view } = fullFarBucket({ replacements: 0 });
    expect(t.observe(far[4]!)).toBe(Observe.Ping);
    expect(view().replacements).toEqual([]);
    t.pingResult(t.pingTarget, false);
    // No replacement: the dead contact is only marked stale (loss alone must not empty buckets).
    expect(view().contacts).toEqual(far.slice(0, 4));
    expect(view().stale).toBe(1);
    expect(t.has(far[4]!)).toBe(false);
    checkInvariants(t, w);
  });
});

describe('routing table: stale contacts under loss', () => {
  it('a failure with no replacement waiting marks the contact stale: kept, but not offered by closest()', () => {
    const { w, t, near } = fullFarBucket({ maxFailures: 3 });
    const victim = near[3]!; // the nearest bucket has no replacements
    const before = closest(t, w.self, 10);
    expect(before).toContain(victim);
    t.fail(victim);
    expect(t.has(victim)).toBe(true);
    expect(t.failuresOf(victim)).toBe(1);
    expect(closest(t, w.self, 10)).toEqual(before.filter((h) => h !== victim));
    expect(t.describeBuckets().reduce((s, b) => s + b.stale, 0)).toBe(1);
    expect(t.size).toBe(8);
    // Hearing from it clears the mark.
    expect(t.observe(victim)).toBe(Observe.Done);
    expect(t.failuresOf(victim)).toBe(0);
    expect(closest(t, w.self, 10)).toEqual(before);
    checkInvariants(t, w);
  });

  it('a second stale contact stays out of closest() when the first is heard from, another is removed, or the bucket splits', () => {
    // No replacement cache: failures mark contacts stale instead of replacing them.
    const { w, t, near, far } = fullFarBucket({ maxFailures: 5, replacements: 0 });
    const truth = (n: number) => w.nearest(t.contacts().filter((h) => t.failuresOf(h) === 0), w.self, n);
    const check = () => {
      expect(closest(t, w.self, 20)).toEqual(truth(20));
      expect(closest(t, w.ids[far[0]!]!, 20)).toEqual(w.nearest(t.contacts().filter((h) => t.failuresOf(h) === 0), w.ids[far[0]!]!, 20));
    };
    for (const h of [near[0]!, near[3]!, far[0]!, far[2]!]) t.fail(h);
    check();
    t.observe(near[0]!); // healed; near[3] still stale
    t.observe(far[2]!); // healed; far[0] still stale
    expect(t.failuresOf(near[3]!)).toBe(1);
    check();
    expect(closest(t, w.self, 20)).not.toContain(near[3]);
    t.remove(far[1]!); // a live one goes; far[0] still stale
    check();
    expect(closest(t, w.ids[far[0]!]!, 20)).not.toContain(far[0]);
    // Nearer peers split the own-ID bucket again and again; near[3] moves with its mark, into
    // the lower half first (it shares 8 bits with the own ID), then into the upper one.
    const before = t.bucketCount;
    for (let c = 9; c < 16; c++) {
      t.observe(w.withCpl(c));
      check();
    }
    expect(t.bucketCount).toBeGreaterThan(before);
    expect(t.failuresOf(near[3]!)).toBe(1);
    expect(closest(t, w.self, 20)).not.toContain(near[3]);
    checkInvariants(t, w);
  });

  it('a contact is removed only after maxFailures failures in a row', () => {
    const { w, t, near } = fullFarBucket({ maxFailures: 3 });
    const victim = near[1]!;
    t.fail(victim);
    t.fail(victim);
    expect(t.failuresOf(victim)).toBe(2);
    t.observe(victim); // not in a row any more
    expect(t.failuresOf(victim)).toBe(0);
    t.fail(victim);
    t.fail(victim);
    expect(t.has(victim)).toBe(true);
    expect(t.failuresOf(victim)).toBe(2);
    t.fail(victim);
    expect(t.has(victim)).toBe(false);
    expect(t.failuresOf(victim)).toBe(-1);
    expect(t.size).toBe(7);
    // pingResult(…, true) also counts as hearing from it.
    const other = near[2]!;
    t.fail(other);
    t.fail(other);
    t.pingResult(other, true);
    expect(t.failuresOf(other)).toBe(0);
    checkInvariants(t, w);
  });

  it('with a replacement waiting, a failure replaces the contact at once', () => {
    const { w, t, far, view } = fullFarBucket({ maxFailures: 3 });
    t.observe(far[4]!); // Ping: far[4] waits in the cache
    t.fail(far[2]!);
    expect(t.has(far[2]!)).toBe(false);
    expect(view().contacts).toEqual([far[0], far[1], far[3], far[4]]);
    expect(view().replacements).toEqual([]);
    checkInvariants(t, w);
  });

  it('a stale contact gives way to a newcomer at once', () => {
    const { w, t, far, view } = fullFarBucket({ maxFailures: 3 });
    t.fail(far[1]!);
    expect(view().stale).toBe(1);
    expect(t.observe(far[4]!)).toBe(Observe.Done);
    expect(view().contacts).toEqual([far[0], far[2], far[3], far[4]]);
    expect(view().stale).toBe(0);
    checkInvariants(t, w);
  });

  it('a stale contact gives way to a newcomer also with no replacement cache (replacements = 0)', () => {
    const { w, t, far, view } = fullFarBucket({ replacements: 0, maxFailures: 3 });
    t.fail(far[1]!);
    expect(view().stale).toBe(1);
    const r = t.observe(far[4]!);
    // The table must never hold itself, lose the newcomer into nowhere, or corrupt its counters.
    expect(t.contacts()).not.toContain(SELF);
    expect(view().replacements).toEqual([]);
    expect(r).toBe(Observe.Done);
    expect(view().contacts).toEqual([far[0], far[2], far[3], far[4]]);
    checkInvariants(t, w);
    // The bucket still asks for pings afterwards.
    expect(t.observe(far[5]!)).toBe(Observe.Ping);
  });
});

describe('routing table: closest()', () => {
  function bigTable(seed: number, bitsPerStep: number) {
    const rng = new Random(seed);
    const w = new World(rng);
    const t = table(w, { k: 20, replacements: 8, maxFailures: 3, bitsPerStep });
    for (let i = 0; i < 2500; i++) t.observe(w.random());
    // Some contacts fail once: replaced where a replacement waits, stale where none does.
    const cs = t.contacts();
    for (let i = 0; i < 40; i++) t.fail(cs[rng.int(cs.length)]!);
    return { rng, w, t };
  }

  for (const bitsPerStep of [1, 2]) {
    it(`returns exactly the n closest live contacts for hundreds of targets (bitsPerStep ${bitsPerStep})`, () => {
      const { rng, w, t } = bigTable(8 + bitsPerStep, bitsPerStep);
      checkInvariants(t, w);
      const contacts = t.contacts();
      expect(contacts.length).toBeGreaterThanOrEqual(150);
      const live = contacts.filter((h) => t.failuresOf(h) === 0);
      const stale = contacts.filter((h) => t.failuresOf(h) > 0);
      expect(stale.length).toBeGreaterThan(0);
      expect(live.length).toBeLessThan(contacts.length);
      for (let i = 0; i < 400; i++) {
        const kind = i % 4;
        const target =
          kind === 0
            ? big(rng.bytes(ID_BYTES)) // anywhere
            : kind === 1
              ? w.self ^ distWithCpl(rng, 4 + rng.int(6)) // near self, where buckets are dense
              : kind === 2
                ? w.ids[contacts[rng.int(contacts.length)]!]! // exactly a contact's ID
                : w.ids[stale[rng.int(stale.length)]!]!; // exactly a stale contact's ID
        const exclude = rng.next() < 0.5 ? contacts[rng.int(contacts.length)]! : -1;
        const pool = live.filter((h) => h !== exclude);
        for (const n of [1, 3, 20, 57, contacts.length + 5]) {
          expect(closest(t, target, n, exclude)).toEqual(w.nearest(pool, target, n));
        }
      }
      expect(closest(t, w.self, 0)).toEqual([]);
    });
  }
});
