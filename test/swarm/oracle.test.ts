/**
 * IdOracle (the swarm's ground truth for "the true k closest") against a brute-force sort of all
 * candidates: random targets, an accept filter, targets equal to an existing ID, targets outside
 * the ID range, n larger than the candidate count, and ID sets with long shared prefixes (which
 * exercise the subtree widening much more than uniform IDs do).
 */
import { describe, expect, it } from 'vitest';
import { ID_BYTES, ID_WORDS, idToWords, readIdBytes, writeIdWords } from '../../src/core/id.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { IdOracle } from '../../src/sim/oracle.js';
import { range, trueClosest } from '../helpers/brute-force.js';

const N = 5000;

interface World {
  words: Uint32Array;
  peers: PeerIds;
  oracle: IdOracle;
  all: number[];
}

function world(ids: Uint8Array[]): World {
  const words = new Uint32Array(ids.length * ID_WORDS);
  ids.forEach((id, i) => writeIdWords(id, words, i * ID_WORDS));
  return { words, peers: PeerIds.over(words, ids.length), oracle: new IdOracle(words, ids.length), all: range(ids.length) };
}

function randomIds(rng: Random, n: number): Uint8Array[] {
  return Array.from({ length: n }, () => rng.bytes(ID_BYTES));
}

/** IDs packed into a few deep clusters: groups share 100+ leading bits, some pairs differ only in the last bit. */
function clusteredIds(rng: Random, n: number): Uint8Array[] {
  const bases = Array.from({ length: 7 }, () => rng.bytes(ID_BYTES));
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  while (out.length < n) {
    const id = bases[rng.int(bases.length)]!.slice();
    // Randomise only the tail: 1 to 7 bytes, sometimes only the last bit.
    const tail = rng.int(8);
    if (tail === 0) id[ID_BYTES - 1]! ^= rng.int(2);
    for (let b = ID_BYTES - tail; b < ID_BYTES; b++) id[b] = rng.int(256);
    const key = Buffer.from(id).toString('hex');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(id);
  }
  return out;
}

/** Checks the oracle against brute force; returns a description of the first mismatch, or ''. */
function check(w: World, target: Uint8Array, n: number, accept?: (h: number) => boolean): string {
  const got = w.oracle.closest(idToWords(target), 0, n, accept);
  const want = trueClosest(w.peers, accept ? w.all.filter(accept) : w.all, target, n);
  if (got.length === want.length && got.every((h, j) => h === want[j])) return '';
  return `target ${Buffer.from(target).toString('hex')} n=${n}: got [${got.slice(0, 8).join(',')}…] (${got.length}), want [${want.slice(0, 8).join(',')}…] (${want.length})`;
}

function idOf(w: World, h: number): Uint8Array {
  return readIdBytes(w.words, h * ID_WORDS);
}

describe('IdOracle.closest against brute force', () => {
  const rng = new Random(0x0ac1e, 1);
  const uniform = world(randomIds(rng, N));

  it('matches for 300 random targets, n = 20 and n = 1', () => {
    const bad: string[] = [];
    for (let t = 0; t < 300; t++) {
      const target = rng.bytes(ID_BYTES);
      for (const n of [20, 1]) {
        const m = check(uniform, target, n);
        if (m) bad.push(m);
      }
    }
    expect(bad).toEqual([]);
  });

  it('matches with an accept filter (every third node, and all but one node)', () => {
    const bad: string[] = [];
    for (let t = 0; t < 300; t++) {
      const target = rng.bytes(ID_BYTES);
      const m1 = check(uniform, target, 20, (h) => h % 3 === 0);
      if (m1) bad.push(m1);
      // The swarm's own use: the true k closest excluding the asker, here the node nearest the target.
      const nearest = uniform.oracle.closest(idToWords(target), 0, 1)[0]!;
      const m2 = check(uniform, target, 20, (h) => h !== nearest);
      if (m2) bad.push(m2);
      const got = uniform.oracle.closest(idToWords(target), 0, 20, (h) => h !== nearest);
      if (got.includes(nearest)) bad.push(`excluded node ${nearest} returned for target ${t}`);
    }
    expect(bad).toEqual([]);
  });

  it('matches for targets equal to an existing ID (that node first, at distance 0), with and without excluding it', () => {
    const bad: string[] = [];
    for (let t = 0; t < 300; t++) {
      const h = rng.int(N);
      const target = idOf(uniform, h);
      const got = uniform.oracle.closest(idToWords(target), 0, 20);
      if (got[0] !== h) bad.push(`target = ID of ${h}: first result ${got[0]}`);
      const m1 = check(uniform, target, 20);
      if (m1) bad.push(m1);
      const m2 = check(uniform, target, 20, (x) => x !== h);
      if (m2) bad.push(m2);
    }
    expect(bad).toEqual([]);
  });

  it('returns every accepted node, sorted, when n exceeds the accepted count', () => {
    const bad: string[] = [];
    for (let t = 0; t < 100; t++) {
      const target = rng.bytes(ID_BYTES);
      const few = new Set(Array.from({ length: 1 + rng.int(15) }, () => rng.int(N)));
      const m = check(uniform, target, 20, (h) => few.has(h));
      if (m) bad.push(m);
      const got = uniform.oracle.closest(idToWords(target), 0, 20, (h) => few.has(h));
      if (got.length !== few.size) bad.push(`accepted ${few.size}, got ${got.length}`);
    }
    // n above the whole population, and an accept that takes nobody.
    const target = rng.bytes(ID_BYTES);
    const m = check(uniform, target, N + 100);
    if (m) bad.push(m);
    expect(uniform.oracle.closest(idToWords(target), 0, N + 100)).toHaveLength(N);
    expect(uniform.oracle.closest(idToWords(target), 0, 20, () => false)).toEqual([]);
    expect(uniform.oracle.closest(idToWords(target), 0, 0)).toEqual([]);
    expect(bad).toEqual([]);
  });

  it('matches for targets below and above every ID (all zeros, all ones)', () => {
    for (const fill of [0x00, 0xff]) {
      const target = new Uint8Array(ID_BYTES).fill(fill);
      expect(check(uniform, target, 20)).toBe('');
      expect(check(uniform, target, 20, (h) => h % 2 === 1)).toBe('');
    }
  });

  it('matches for targets at and next to the ends of the sorted ID order', () => {
    const bad: string[] = [];
    const s = uniform.oracle.sorted;
    const ends = [0, 1, 2, 3, 4, 5, N - 6, N - 5, N - 4, N - 3, N - 2, N - 1].map((p) => s[p]!);
    for (const h of ends) {
      const id = idOf(uniform, h);
      const variants = [id, ...[0, 1, 7, 40, 120, 159].map((bit) => {
        const v = id.slice();
        v[bit >> 3]! ^= 0x80 >> (bit & 7);
        return v;
      })];
      for (const target of variants) {
        for (const n of [1, 2, 20, 64]) {
          const m = check(uniform, target, n) || check(uniform, target, n, (x) => x !== h);
          if (m) bad.push(m);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('reads the target at an offset (tAt) inside a larger word array', () => {
    const words = new Uint32Array(3 * ID_WORDS);
    const target = rng.bytes(ID_BYTES);
    writeIdWords(target, words, 2 * ID_WORDS);
    const want = trueClosest(uniform.peers, uniform.all, target, 20);
    expect(uniform.oracle.closest(words, 2 * ID_WORDS, 20)).toEqual(want);
  });

  it('matches on clustered IDs with long shared prefixes (random, clustered and existing targets, with filters)', () => {
    const clustered = world(clusteredIds(rng, N));
    const bad: string[] = [];
    for (let t = 0; t < 300; t++) {
      // Targets near the clusters: a random member's ID with a few bits flipped, or a member's ID itself.
      const member = rng.int(N);
      const target = idOf(clustered, member);
      if (t % 3 !== 0) target[ID_BYTES - 1 - rng.int(ID_BYTES)]! ^= 1 << rng.int(8);
      const fresh = t % 10 === 0 ? rng.bytes(ID_BYTES) : target;
      for (const [n, accept] of [
        [20, undefined],
        [20, (h: number) => h !== member],
        [7, (h: number) => h % 5 !== 0],
        [1, undefined],
      ] as const) {
        const m = check(clustered, fresh, n, accept);
        if (m) bad.push(m);
      }
    }
    expect(bad).toEqual([]);
  });
});
