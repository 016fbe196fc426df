/**
 * The workload's names and values, derived from the seed alone so every
 * shard and the supervisor agree on them whatever the worker count.
 */
import { createHash } from 'node:crypto';
import { Random, deriveSeed } from '../core/random.js';
import { keyFromString } from '../core/key.js';

const utf8 = new TextEncoder();

export const keyName = (i: number): string => `key${i}`;
export const valueText = (i: number): string => `value${i}`;
export const absentKeyName = (i: number): string => `absent${i}`;

/**
 * The key of stored value i: SHA-1 of its name, or with `contentAddressed` (the defence of that
 * name, issue 13) SHA-1 of the value itself, the only key such a swarm accepts it under.
 */
export function presentKey(i: number, contentAddressed = false): Uint8Array {
  return contentAddressed ? new Uint8Array(createHash('sha1').update(valueBytes(i)).digest()) : keyFromString(keyName(i));
}

export function absentKey(i: number): Uint8Array {
  return keyFromString(absentKeyName(i));
}

export function valueBytes(i: number): Uint8Array {
  return utf8.encode(valueText(i));
}

/** The ID of node i: 20 bytes from node i's own stream of the run's seed. */
export function nodeId(seed: number, i: number): Uint8Array {
  return new Random(deriveSeed(seed, i), 0x1d).bytes(20);
}

/** Target of FIND_NODE number i. */
export function findTarget(seed: number, i: number): Uint8Array {
  return new Random(deriveSeed(seed ^ 0x5f3759df, i), 0x7a).bytes(20);
}

/**
 * Zipf(s) sampler over ranks 0..n−1 by inverse CDF; rank r maps to key
 * `perm[r]` so the popular keys are spread over the key space.
 */
export class Zipf {
  private readonly cdf: Float64Array;
  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + 1, s);
      this.cdf[r] = sum;
    }
    for (let r = 0; r < n; r++) this.cdf[r]! /= sum;
  }

  rank(rng: Random): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
