/**
 * The far ranges a join refreshes (join.ts explains which and why), and random IDs inside them.
 */
import { ID_BITS, ID_WORDS } from './id.js';
import type { JoinLookupOptions } from './lookup-runs.js';
import type { NodeState } from './node-state.js';
import { leadingZeros } from './table-split.js';

/** One refresh lookup of a join: where it goes and, for a lean join, how it runs. */
export interface Refresh {
  target: Uint32Array;
  options?: JoinLookupOptions;
}

/**
 * One random ID in every far range: `far`, the buckets beyond the nearest; `insideBucket0`, the
 * ranges bucket 0 still spans past the k-th nearest (drawn in this order, as before the split).
 */
export function refreshTargets(s: NodeState): { far: Uint32Array[]; insideBucket0: Uint32Array[] } {
  const table = s.table;
  const rand32 = (): number => s.rng.nextU32();
  const far: Uint32Array[] = [];
  for (let b = table.nearestBucket() + 1; b < table.bucketCount; b++) {
    const target = new Uint32Array(ID_WORDS);
    table.randomIdInBucket(b, target, rand32);
    far.push(target);
  }
  const insideBucket0: Uint32Array[] = [];
  const selfAt = s.self * ID_WORDS;
  const kthPrefix = prefixOfKthNearest(s);
  for (let p = table.bucketDepth(0); p < kthPrefix; p++) {
    const target = new Uint32Array(ID_WORDS);
    randomIdAtPrefix(s.peers.words, selfAt, p, target, rand32);
    insideBucket0.push(target);
  }
  return { far, insideBucket0 };
}

/** Bits the own ID shares with its k-th nearest live contact (the farthest, with fewer); 0 with none. */
function prefixOfKthNearest(s: NodeState): number {
  const ids = s.peers.words;
  const selfAt = s.self * ID_WORDS;
  const near = new Uint32Array(s.config.k);
  const n = s.table.closest(ids, selfAt, s.config.k, near);
  if (n === 0) return 0;
  const dist = new Uint32Array(ID_WORDS);
  const at = near[n - 1]! * ID_WORDS;
  for (let w = 0; w < ID_WORDS; w++) dist[w] = (ids[at + w]! ^ ids[selfAt + w]!) >>> 0;
  return Math.min(ID_BITS, leadingZeros(dist, 0));
}

/** A random ID sharing exactly `prefix` leading bits with the ID at ids[selfAt..]: bit `prefix` flipped, the rest drawn. */
export function randomIdAtPrefix(ids: Uint32Array, selfAt: number, prefix: number, out: Uint32Array, rand32: () => number): void {
  for (let w = 0; w < ID_WORDS; w++) {
    const first = w * 32;
    let dist = rand32() >>> 0;
    if (prefix >= first + 32) dist = 0;
    else if (prefix >= first) {
      const bit = prefix - first;
      dist = ((dist & (0xffffffff >>> bit)) | (0x80000000 >>> bit)) >>> 0;
    }
    out[w] = (dist ^ ids[selfAt + w]!) >>> 0;
  }
}
