/**
 * Shared inputs for the core and memory benchmarks: a pool of random IDs, and
 * routing tables filled from it the way a node that has met the whole pool
 * would be, without observing every pool ID into every table.
 *
 * 65,536 random IDs give a table of ~250 contacts at k = 20: about eleven full
 * buckets (each sibling subtree down to depth 10 holds ~32 or more pool IDs),
 * then a tail of part-full buckets near the own ID.
 */
import { ID_BITS, ID_WORDS, compareWords } from '../src/core/id.js';
import { PeerIds } from '../src/core/peers.js';
import { Random } from '../src/core/random.js';
import type { RoutingTable } from '../src/core/routing-table.js';

export const POOL_SIZE = 65_536;

export interface Pool {
  peers: PeerIds;
  /** Handles in ascending ID order: every prefix subtree is a contiguous run. */
  sorted: Uint32Array;
}

export function makePool(seed: number, size = POOL_SIZE): Pool {
  const rng = new Random(seed);
  const peers = new PeerIds(size);
  for (let h = 0; h < size; h++) peers.setId(h, rng.bytes(20));
  const w = peers.words;
  const order = Array.from({ length: size }, (_, i) => i);
  order.sort((a, b) => compareWords(w, a * ID_WORDS, w, b * ID_WORDS));
  return { peers, sorted: Uint32Array.from(order) };
}

/** First sorted position whose ID is >= bound (or > bound when `after`). */
export function search(pool: Pool, bound: Uint32Array, after: boolean): number {
  const w = pool.peers.words;
  let lo = 0;
  let hi = pool.sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareWords(w, pool.sorted[mid]! * ID_WORDS, bound, 0);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Observes into `table` (owned by pool handle `self`) up to `perSubtree` IDs of
 * each sibling subtree (default 40: a full bucket plus replacements, as a
 * long-lived node has; 20 makes every observe an insert). Small subtrees near
 * the own ID are observed whole. Order matters: like a join (self-lookup
 * first, then bucket refreshes), it walks from the nearest subtree outwards.
 * Far-first or random order lets the relaxed split rule split far buckets
 * while the k nearest are still unknown, and those splits never merge back.
 * Returns the number of observe calls.
 */
export function fillTable(pool: Pool, table: Pick<RoutingTable, 'observe'>, self: number, rng: Random, perSubtree = 40): number {
  const w = pool.peers.words;
  const lowB = new Uint32Array(ID_WORDS);
  const highB = new Uint32Array(ID_WORDS);
  const runs: Array<[number, number]> = [];
  // The sibling subtrees partition all other IDs: stop once they are all accounted for.
  for (let depth = 0, seen = 0; depth < ID_BITS && seen < pool.sorted.length - 1; depth++) {
    // The sibling subtree at `depth`: the own ID's first `depth` bits, then the opposite bit.
    for (let i = 0; i < ID_WORDS; i++) {
      const kept = depth - i * 32;
      const mask = kept <= 0 ? 0 : kept >= 32 ? 0xffffffff : (0xffffffff << (32 - kept)) >>> 0;
      const flip = kept >= 0 && kept < 32 ? 0x80000000 >>> kept : 0;
      lowB[i] = ((w[self * ID_WORDS + i]! & (mask | flip)) ^ flip) >>> 0;
      highB[i] = (lowB[i]! | ~(mask | flip)) >>> 0;
    }
    const lo = search(pool, lowB, false);
    const n = search(pool, highB, true) - lo;
    runs.push([lo, n]);
    seen += n;
  }
  let calls = 0;
  for (let r = runs.length - 1; r >= 0; r--) {
    const [lo, n] = runs[r]!;
    // A random contiguous run: which IDs of a large subtree a node keeps does not change its size.
    const start = n > perSubtree ? rng.int(n) : 0;
    for (let i = 0; i < Math.min(n, perSubtree); i++) {
      table.observe(pool.sorted[lo + ((start + i) % n)]!);
      calls++;
    }
  }
  return calls;
}
