/**
 * closest() of the routing table: the n live contacts nearest a target, read
 * straight from the table's bucket blocks (layout in bucket-layout.ts).
 *
 * Buckets are visited in order of the smallest distance from the target they
 * can hold (their lower bound); the scan stops once no unvisited bucket can
 * beat the current n-th contact. That order follows from the tree's shape
 * (bucket-order.ts), so only the buckets actually visited are looked at.
 * Candidates are ranked by the top 53 bits of their distance (one float),
 * with a full 160-bit comparison only on ties. This is about 10 % of a
 * swarm's CPU time, hence the module-level buffers and no allocation per call.
 *
 * Sorted results are kept as a bounded insertion of the n best (a candidate
 * that cannot win costs one compare), fed a bucket at a time: the gathering
 * loop stays free of branches that depend on the keys, so the CPU overlaps
 * the cache misses on the contacts' IDs. Unsorted results keep today's order
 * exactly, the order of a quickselect over the candidates in visiting order:
 * replies are built from it, and the receivers' tables depend on the order
 * in which they hear of contacts, so another order would be another message
 * flow (the virtual-time trace hashes pin it).
 */
import { ID_WORDS, compareDistance } from './id.js';
import { FAILS_SHIFT, FLAG_STALE, HANDLE_MASK, HDR, SLOTS } from './bucket-layout.js';
import { BucketOrder } from './bucket-order.js';

// Scratch space shared by every table in the thread: the core is single-threaded
// and no method re-enters another, so one set of buffers serves all nodes.
const visit = new BucketOrder();

// Candidates of closest(): distance keys (top 53 bits) and handles, plus what a tie needs.
let candKeys = new Float64Array(1024);
let candHandles = new Uint32Array(1024);
const cand: { target: Uint32Array; tAt: number; ids: Uint32Array } = { target: new Uint32Array(ID_WORDS), tAt: 0, ids: new Uint32Array(ID_WORDS) };

/**
 * Writes into `out` the handles of the n live (not stale) contacts closest to
 * `target` (words at tAt), leaving out `exclude`; returns how many were
 * written. Closest first when `sorted`, in no particular order otherwise.
 *
 * The table is given as its fields: `buckets` blocks of `blk` words from
 * word `at` of `data`, capacity k, `maxDepth` its deepest bucket, and the own ID at
 * `selfAt` in `ids` (the peers' ID words).
 */
export function closestContacts(
  data: Uint32Array,
  at: number,
  blk: number,
  k: number,
  buckets: number,
  maxDepth: number,
  ids: Uint32Array,
  selfAt: number,
  target: Uint32Array,
  tAt: number,
  n: number,
  out: Uint32Array,
  exclude: number,
  sorted: boolean,
): number {
  if (n <= 0) return 0;
  const t0 = target[tAt]!;
  const t1 = target[tAt + 1]!;
  visit.start(data, at, blk, buckets, maxDepth, ids, selfAt, target, tAt);
  cand.target = target;
  cand.tAt = tAt;
  cand.ids = ids;
  if (n + k > candKeys.length) growCandidates(n + k);
  let m = 0;
  for (;;) {
    const b = visit.next();
    if (b < 0) break;
    if (m >= n) {
      // The n-th best so far: a bucket whose lower bound is past it cannot hold a winner, nor can any later one.
      const nth = sorted ? candKeys[n - 1]! : m === n ? maxKey(n) : selectSmallest(m, n);
      m = n;
      if (visit.boundKey() > nth) break;
    }
    const base = at + b * blk + SLOTS;
    const hdr = data[base - SLOTS + HDR]!;
    const count = (hdr >>> 8) & 0xff;
    // Only a bucket flagged as holding a stale contact has its slots' failure bits tested (bucket-layout.ts).
    const mayBeStale = (hdr & (FLAG_STALE << 24)) !== 0;
    if (m + count > candKeys.length) growCandidates(m + count);
    const keys = candKeys;
    const hs = candHandles;
    // Gather first, in a loop of independent loads (the IDs are cache misses; the CPU overlaps them).
    const from = m;
    for (let i = 0; i < count; i++) {
      const word = data[base + i]!;
      if (mayBeStale && word >>> FAILS_SHIFT !== 0) continue; // stale
      const h = word & HANDLE_MASK;
      if (h === exclude) continue;
      const a = h * ID_WORDS;
      keys[m] = ((ids[a]! ^ t0) >>> 0) * 2097152 + (((ids[a + 1]! ^ t1) >>> 0) >>> 11);
      hs[m] = h;
      m++;
    }
    if (sorted) m = insertBounded(from, m, n);
  }
  if (m > n) {
    selectSmallest(m, n);
    m = n;
  }
  for (let i = 0; i < m; i++) out[i] = candHandles[i]!;
  return m;
}

/**
 * Candidates [0, have) are the best so far, closest first (have <= n); those in [have, end)
 * were just gathered. Inserts each where it belongs, keeping at most n; returns how many are kept.
 */
function insertBounded(have: number, end: number, n: number): number {
  const keys = candKeys;
  const hs = candHandles;
  let m = have;
  for (let c = have; c < end; c++) {
    const key = keys[c]!;
    const h = hs[c]!;
    let j = m;
    if (m === n) {
      const last = keys[n - 1]!;
      if (key > last || (key === last && !before(key, h, last, hs[n - 1]!))) continue;
      j = n - 1;
    } else m++;
    while (j > 0 && (keys[j - 1]! > key || (keys[j - 1] === key && before(key, h, key, hs[j - 1]!)))) {
      keys[j] = keys[j - 1]!;
      hs[j] = hs[j - 1]!;
      j--;
    }
    keys[j] = key;
    hs[j] = h;
  }
  return m;
}

function growCandidates(size: number): void {
  const keys = new Float64Array(size * 2);
  keys.set(candKeys);
  candKeys = keys;
  const hs = new Uint32Array(size * 2);
  hs.set(candHandles);
  candHandles = hs;
}

/** Is candidate (ka, ha) closer to the target than (kb, hb)? Equal keys fall back to the full distance. */
function before(ka: number, ha: number, kb: number, hb: number): boolean {
  if (ka !== kb) return ka < kb;
  return compareDistance(cand.ids, ha * ID_WORDS, hb * ID_WORDS, cand.target, cand.tAt) < 0;
}

/**
 * Rearranges candidates [0, m) so the n closest come first (in no order) and
 * returns the largest key among them: quickselect, O(m) on average.
 */
function selectSmallest(m: number, n: number): number {
  const keys = candKeys;
  const hs = candHandles;
  let lo = 0;
  let hi = m - 1;
  const want = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const pk = keys[mid]!;
    const ph = hs[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i]! < pk || (keys[i] === pk && before(pk, hs[i]!, pk, ph))) i++;
      while (pk < keys[j]! || (keys[j] === pk && before(pk, ph, pk, hs[j]!))) j--;
      if (i <= j) {
        const key = keys[i]!;
        keys[i] = keys[j]!;
        keys[j] = key;
        const h = hs[i]!;
        hs[i] = hs[j]!;
        hs[j] = h;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  return maxKey(n);
}

function maxKey(n: number): number {
  let max = -1;
  for (let i = 0; i < n; i++) if (candKeys[i]! > max) max = candKeys[i]!;
  return max;
}
