/**
 * closest()'s bucket walk (bucket-order.ts) against brute force: for tables of every shape the
 * walk must see (b = 1, 2, 3; clusters near the own ID that the relaxed rule splits into runs
 * of several buckets; buckets past 32 bits), the buckets come in the order of their lower
 * bound from the target, computed apart with BigInt from each bucket's range, and each bound
 * is the top 53 bits of that bound. closest() itself, sorted and unsorted, is checked against
 * a BigInt sort of the live contacts on the same tables.
 */
import { describe, expect, it } from 'vitest';
import { BucketOrder } from '../../src/core/bucket-order.js';
import { ID_BITS, ID_BYTES, ID_WORDS } from '../../src/core/id.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { RoutingTable } from '../../src/core/routing-table.js';
import { big, bytesOf, wordsOf } from '../helpers/big-ids.js';
import { bucketRanges } from '../helpers/bucket-ranges.js';

const SELF = 0;

interface Shape {
  name: string;
  bitsPerStep: number;
  /** Leading bits shared with the own ID by the clustered peers (none: uniform IDs only). */
  cluster: number[];
}

const SHAPES: Shape[] = [
  { name: 'b = 1, uniform', bitsPerStep: 1, cluster: [] },
  { name: 'b = 2, uniform', bitsPerStep: 2, cluster: [] },
  { name: 'b = 3, clusters near the own ID', bitsPerStep: 3, cluster: [9, 14, 20] },
  { name: 'b = 1, deep unbalanced clusters (relaxed splits below 32 bits)', bitsPerStep: 1, cluster: [6, 12, 18, 22, 26] },
  { name: 'b = 2, clusters past 32 bits (the deep path)', bitsPerStep: 2, cluster: [10, 30, 40, 47] },
];

function build(shape: Shape, seed: number) {
  const rng = new Random(seed);
  const peers = new PeerIds();
  const self = big(rng.bytes(ID_BYTES));
  peers.setId(SELF, bytesOf(self));
  const ids: bigint[] = [self];
  const add = (dist: bigint): number => {
    ids.push(self ^ dist);
    peers.setId(ids.length - 1, bytesOf(self ^ dist));
    return ids.length - 1;
  };
  const t = new RoutingTable(peers, SELF, { k: 6, replacements: 3, maxFailures: 3, bitsPerStep: shape.bitsPerStep });
  for (let i = 0; i < 600; i++) {
    const c = shape.cluster.length > 0 && i % 3 === 0 ? shape.cluster[rng.int(shape.cluster.length)]! : -1;
    // A clustered peer shares about c leading bits with the own ID (the bit after them random too).
    const free = big(rng.bytes(ID_BYTES));
    t.observe(add(c < 0 ? free : free >> BigInt(c)));
  }
  const cs = t.contacts();
  for (let i = 0; i < 15; i++) t.fail(cs[rng.int(cs.length)]!);
  return { rng, self, ids, t, peers };
}

/** The walk's buckets and bounds for one target, read through the table's fields (as closest() gets them). */
function walk(t: RoutingTable, peers: PeerIds, target: Uint32Array): Array<[number, number]> {
  const f = t as unknown as { data: Uint32Array; base: number; block: number; buckets: number; maxDepth: number };
  const order = new BucketOrder();
  order.start(f.data, f.base, f.block, f.buckets, f.maxDepth, peers.words, SELF * ID_WORDS, target, 0);
  const seen: Array<[number, number]> = [];
  for (let b = order.next(); b >= 0; b = order.next()) seen.push([b, order.boundKey()]);
  return seen;
}

describe('closest(): the bucket walk in XOR order', () => {
  for (const shape of SHAPES) {
    it(`visits every bucket once, by lower bound from the target (${shape.name})`, () => {
      const { rng, self, ids, t, peers } = build(shape, 40 + shape.bitsPerStep + shape.cluster.length);
      const rs = bucketRanges(t, self);
      const maxDepth = Math.max(...t.describeBuckets().map((b) => b.depth));
      if (shape.cluster.some((c) => c > 32)) expect(maxDepth).toBeGreaterThan(32);
      else expect(maxDepth).toBeLessThanOrEqual(32);
      // Some sibling subtree holds several buckets, or the walk's sort of a run would go untested.
      expect(t.bucketCount).toBeGreaterThan(12);
      const contacts = t.contacts();
      for (let q = 0; q < 300; q++) {
        const kind = q % 3;
        const target = kind === 0 ? big(rng.bytes(ID_BYTES)) : kind === 1 ? self ^ (big(rng.bytes(ID_BYTES)) >> BigInt(rng.int(40))) : ids[contacts[rng.int(contacts.length)]!]!;
        const td = target ^ self;
        const truth = rs
          .map(([lo, hi], b) => ({ b, bound: (lo ^ td) & ~(hi - lo) }))
          .sort((x, y) => (x.bound < y.bound ? -1 : x.bound > y.bound ? 1 : 0));
        const got = walk(t, peers, wordsOf(target));
        expect(got.map(([b]) => b)).toEqual(truth.map((x) => x.b));
        expect(got.map(([, key]) => key)).toEqual(truth.map((x) => Number(x.bound >> BigInt(ID_BITS - 53))));
      }
    });

    it(`closest() sorted and unsorted equal a brute-force sort of the live contacts (${shape.name})`, () => {
      const { rng, self, ids, t } = build(shape, 70 + shape.bitsPerStep + shape.cluster.length);
      const contacts = t.contacts();
      const live = contacts.filter((h) => t.failuresOf(h) === 0);
      expect(live.length).toBeLessThan(contacts.length);
      const out = new Uint32Array(contacts.length + 5);
      for (let q = 0; q < 200; q++) {
        const target = q % 2 === 0 ? big(rng.bytes(ID_BYTES)) : self ^ (big(rng.bytes(ID_BYTES)) >> BigInt(rng.int(50)));
        const exclude = q % 3 === 0 ? contacts[rng.int(contacts.length)]! : -1;
        const truth = live
          .filter((h) => h !== exclude)
          .sort((a, b) => {
            const da = ids[a]! ^ target;
            const db = ids[b]! ^ target;
            return da < db ? -1 : da > db ? 1 : 0;
          });
        for (const n of [1, 2, 6, 13, 40, contacts.length + 5]) {
          const got = t.closest(wordsOf(target), 0, n, out, exclude, true);
          expect(Array.from(out.subarray(0, got))).toEqual(truth.slice(0, n));
          const any = t.closest(wordsOf(target), 0, n, out, exclude, false);
          expect(Array.from(out.subarray(0, any)).sort((a, b) => a - b)).toEqual(truth.slice(0, n).sort((a, b) => a - b));
        }
      }
    });
  }
});
