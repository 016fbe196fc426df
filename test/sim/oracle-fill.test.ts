/**
 * The oracle filler (`--join oracle`, src/sim/oracle-fill.ts) against brute force over the true
 * IDs: with b bits per step every sibling sub-bucket range of the accelerated layout ends up
 * holding min(k, nodes in the range) contacts in a real RoutingTable; B = 1 draws exactly what
 * the original filler drew; and lookups over oracle-filled tables get shallower as B grows while
 * still returning the brute-force k closest.
 */
import { describe, expect, it } from 'vitest';
import { ID_BITS, ID_BYTES, ID_WORDS } from '../../src/core/id.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { RoutingTable } from '../../src/core/routing-table.js';
import { IdOracle } from '../../src/sim/oracle.js';
import { fillTablesFromOracle, oracleContacts, oracleFillRandom, rankOf } from '../../src/sim/oracle-fill.js';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { range, trueClosest } from '../helpers/brute-force.js';

const K = 20;
const SEED = 0xb175;

function world(n: number, seed: number): { words: Uint32Array; peers: PeerIds; oracle: IdOracle } {
  const rng = new Random(seed, 1);
  const words = new Uint32Array(n * ID_WORDS);
  for (let i = 0; i < words.length; i++) words[i] = rng.nextU32();
  return { words, peers: PeerIds.over(words, n), oracle: new IdOracle(words, n) };
}

/** Bit d (from the top) of the XOR distance of a and b. */
function distanceBit(words: Uint32Array, a: number, b: number, d: number): number {
  const w = d >>> 5;
  return (((words[a * ID_WORDS + w]! ^ words[b * ID_WORDS + w]!) >>> (31 - (d & 31))) & 1);
}

/**
 * The sub-bucket range of `peer` in `self`'s table with b bits per step, as a string "g:v":
 * g = (common prefix length) div b, v = the b distance bits from g·b on (v ≥ 1 by construction).
 */
function subBucket(words: Uint32Array, self: number, peer: number, b: number): string {
  let cpl = 0;
  while (cpl < ID_BITS && distanceBit(words, self, peer, cpl) === 0) cpl++;
  const g = Math.floor(cpl / b);
  let v = 0;
  for (let d = g * b; d < Math.min(ID_BITS, g * b + b); d++) v = v * 2 + distanceBit(words, self, peer, d);
  return `${g}:${v}`;
}

function countBy(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const key of keys) m.set(key, (m.get(key) ?? 0) + 1);
  return m;
}

/** A frozen copy of the filler as it was before b > 1 was modelled (virtual-run.ts at 453ede8). */
function legacyContacts(oracle: IdOracle, rank: Uint32Array, self: number, k: number, rng: Random): number[] {
  const words = oracle.words;
  const n = oracle.n;
  const me = rank[self]!;
  const out: number[] = [];
  let lo = 0;
  let hi = n;
  for (let d = 0; d < 160 && hi - lo > 1; d++) {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (((words[oracle.sorted[mid]! * ID_WORDS + (d >>> 5)]! >>> (31 - (d & 31))) & 1) === 1) b = mid;
      else a = mid + 1;
    }
    const mineLow = me < a;
    const [sLo, sHi] = mineLow ? [a, hi] : [lo, a];
    const size = sHi - sLo;
    const take = Math.min(k, size);
    for (let c = 0; c < take; c++) out.push(oracle.sorted[size <= k ? sLo + c : sLo + rng.int(size)]!);
    if (mineLow) hi = a;
    else lo = a;
  }
  return out;
}

function table(peers: PeerIds, self: number, b: number): RoutingTable {
  return new RoutingTable(peers, self, { k: K, replacements: 8, maxFailures: 5, bitsPerStep: b });
}

describe('oracle filler', () => {
  const N = 3000;
  const w = world(N, 11);
  const rank = rankOf(w.oracle);
  const sample = range(60).map((i) => (i * 7919) % N);

  it('B = 1 draws exactly what the original filler drew, in the same order', () => {
    for (const self of sample) {
      const got = oracleContacts(w.oracle, rank, self, K, 1, oracleFillRandom(SEED, self));
      const want = legacyContacts(w.oracle, rank, self, K, oracleFillRandom(SEED, self));
      expect(got).toEqual(want);
    }
  });

  for (const b of [1, 2, 3, 4, 5]) {
    it(`B = ${b}: a filled RoutingTable holds min(k, true count) contacts in every sub-bucket range (brute force over all IDs)`, () => {
      const bad: string[] = [];
      for (const self of sample) {
        const picked = oracleContacts(w.oracle, rank, self, K, b, oracleFillRandom(SEED, self));
        const t = table(w.peers, self, b);
        for (const p of picked) t.observe(p);
        const truth = countBy(range(N).filter((h) => h !== self).map((h) => subBucket(w.words, self, h, b)));
        const held = countBy(t.contacts().map((h) => subBucket(w.words, self, h, b)));
        for (const [range_, count] of truth) {
          // B = 1 keeps the original draws with replacement: a range of just over k nodes can come up short.
          const want = Math.min(K, count);
          const have = held.get(range_) ?? 0;
          if (b === 1 ? have > want || (count <= K && have !== count) : have !== want) bad.push(`node ${self} range ${range_}: ${have} held, ${count} exist`);
        }
        for (const range_ of held.keys()) if (!truth.has(range_)) bad.push(`node ${self}: contact in empty range ${range_}`);
        // Nothing was left waiting in a replacement cache: every pick found a slot.
        if (b > 1 && t.size !== picked.length) bad.push(`node ${self}: ${picked.length} picked, ${t.size} held`);
      }
      expect(bad).toEqual([]);
    });
  }

  it('B > 1 picks distinct nodes, never the node itself', () => {
    for (const self of sample.slice(0, 10)) {
      const picked = oracleContacts(w.oracle, rank, self, K, 4, oracleFillRandom(SEED, self));
      expect(new Set(picked).size).toBe(picked.length);
      expect(picked).not.toContain(self);
    }
  });

  it('buckets and contacts per node grow with B', () => {
    const mean = (b: number): { buckets: number; contacts: number } => {
      let buckets = 0;
      let contacts = 0;
      for (const self of sample) {
        const t = table(w.peers, self, b);
        for (const p of oracleContacts(w.oracle, rank, self, K, b, oracleFillRandom(SEED, self))) t.observe(p);
        buckets += t.bucketCount;
        contacts += t.size;
      }
      return { buckets: buckets / sample.length, contacts: contacts / sample.length };
    };
    const [m1, m2, m4] = [mean(1), mean(2), mean(4)];
    expect(m2.buckets).toBeGreaterThan(m1.buckets);
    expect(m4.buckets).toBeGreaterThan(m2.buckets);
    expect(m2.contacts).toBeGreaterThan(m1.contacts);
    expect(m4.contacts).toBeGreaterThan(m2.contacts);
  });
});

describe('lookups over oracle-filled tables at 10^4 nodes', () => {
  const N = 10_000;
  const LOOKUPS = 300;

  function run(b: number): { depth: number; rpcs: number; exact: number } {
    const sim = new SimNetwork({ seed: 5, config: { k: K, alpha: 3, bitsPerStep: b }, checkInvariants: false });
    for (let i = 0; i < N; i++) sim.addNode();
    const oracle = new IdOracle(sim.peers.words, N);
    fillTablesFromOracle(oracle, sim.nodes, K, b, SEED);
    const rng = new Random(77, 1);
    const all = range(N);
    let depth = 0;
    let rpcs = 0;
    let exact = 0;
    for (let j = 0; j < LOOKUPS; j++) {
      const target = rng.bytes(ID_BYTES);
      const from = rng.int(N);
      const r = sim.findNode(from, target);
      depth += r.depth;
      rpcs += r.rpcs;
      const want = trueClosest(sim.peers, all.filter((h) => h !== from), target, K);
      if (r.closest.length === K && r.closest.every((h, i) => h === want[i])) exact++;
    }
    return { depth: depth / LOOKUPS, rpcs: rpcs / LOOKUPS, exact };
  }

  it('depth falls with B (B = 4 below B = 1), every result the brute-force k closest', () => {
    const r1 = run(1);
    const r4 = run(4);
    expect(r1.exact).toBe(LOOKUPS);
    expect(r4.exact).toBe(LOOKUPS);
    expect(r4.depth).toBeLessThan(r1.depth);
    console.log(`oracle-filled, ${N} nodes, ${LOOKUPS} lookups: B=1 depth ${r1.depth.toFixed(2)} rpcs ${r1.rpcs.toFixed(1)}; B=4 depth ${r4.depth.toFixed(2)} rpcs ${r4.rpcs.toFixed(1)}`);
  }, 300_000);
});
