/**
 * closest() of the routing table: the n live contacts nearest a target, read
 * straight from the table's bucket blocks (layout in bucket-layout.ts).
 *
 * Buckets are visited in order of the smallest distance they can hold; the
 * scan stops once no unvisited bucket can beat the current n-th contact.
 * Candidates are ranked by the top 53 bits of their distance (one float),
 * with a full 160-bit comparison only on ties. This is about 8 % of a
 * swarm's CPU time, hence the module-level buffers and no allocation per call.
 */
import { ID_WORDS, compareDistance, compareWords } from './id.js';
import { HDR, SLOTS } from './bucket-layout.js';

// Scratch space shared by every table in the thread: the core is single-threaded
// and no method re-enters another, so one set of buffers serves all nodes.
/** The target's distance from the table's own ID. */
const targetDistance = new Uint32Array(ID_WORDS);
// Per bucket, sized for the most a table can hold (161 buckets): the smallest distance from
// the target an ID in it can have, and the bucket indices by that bound, nearest first.
const lowerBounds = new Uint32Array(256 * ID_WORDS);
const order = new Int32Array(256);

// Candidates of closest(): distance keys (top 53 bits) and handles, plus what a tie needs.
let candKeys = new Float64Array(1024);
let candHandles = new Uint32Array(1024);
const cand: { target: Uint32Array; tAt: number; ids: Uint32Array } = { target: new Uint32Array(ID_WORDS), tAt: 0, ids: new Uint32Array(ID_WORDS) };

/**
 * Writes into `out` the handles of the n live (not stale) contacts closest to
 * `target` (words at tAt), leaving out `exclude`; returns how many were
 * written. Closest first when `sorted`, in no particular order otherwise.
 *
 * The table is given as its fields: `data` with `buckets` blocks of `blk`
 * words and capacity k, `maxDepth` its deepest bucket, and the own ID at
 * `selfAt` in `ids` (the peers' ID words).
 */
export function closestContacts(
  data: Uint32Array,
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
  for (let w = 0; w < ID_WORDS; w++) targetDistance[w] = (target[tAt + w]! ^ ids[selfAt + w]!) >>> 0;
  // While no bucket is deeper than 32 bits (below ~2^32 nodes), only the first word of a
  // lower bound can be non-zero.
  const oneWord = maxDepth <= 32;
  for (let b = 0; b < buckets; b++) {
    const depth = data[b * blk + HDR]! & 0xff;
    const lb = b * ID_WORDS;
    if (oneWord) {
      const mask = depth === 0 ? 0 : depth >= 32 ? 0xffffffff : (0xffffffff << (32 - depth)) >>> 0;
      const v = ((data[b * blk]! ^ targetDistance[0]!) & mask) >>> 0;
      lowerBounds[lb] = v;
      lowerBounds[lb + 1] = 0;
      let i = b;
      while (i > 0 && lowerBounds[order[i - 1]! * ID_WORDS]! > v) {
        order[i] = order[i - 1]!;
        i--;
      }
      order[i] = b;
      continue;
    }
    for (let w = 0; w < ID_WORDS; w++) {
      const kept = depth - w * 32;
      const mask = kept <= 0 ? 0 : kept >= 32 ? 0xffffffff : (0xffffffff << (32 - kept)) >>> 0;
      lowerBounds[lb + w] = ((data[b * blk + w]! ^ targetDistance[w]!) & mask) >>> 0;
    }
    let i = b;
    while (i > 0 && compareWords(lowerBounds, order[i - 1]! * ID_WORDS, lowerBounds, lb) > 0) {
      order[i] = order[i - 1]!;
      i--;
    }
    order[i] = b;
  }
  cand.target = target;
  cand.tAt = tAt;
  cand.ids = ids;
  let m = 0;
  for (let oi = 0; oi < buckets; oi++) {
    const b = order[oi]!;
    if (m >= n) {
      const nth = m === n ? maxKey(n) : selectSmallest(m, n);
      m = n;
      const lb = b * ID_WORDS;
      if (lowerBounds[lb]! * 2097152 + (lowerBounds[lb + 1]! >>> 11) > nth) break;
    }
    const base = b * blk + SLOTS;
    const count = (data[base - SLOTS + HDR]! >>> 8) & 0xff;
    if (m + count > candKeys.length) growCandidates(m + count);
    for (let i = 0; i < count; i++) {
      if ((data[base + k + i]! & 0xff) !== 0) continue; // stale
      const h = data[base + i]!;
      if (h === exclude) continue;
      const a = h * ID_WORDS;
      candKeys[m] = ((ids[a]! ^ t0) >>> 0) * 2097152 + (((ids[a + 1]! ^ t1) >>> 0) >>> 11);
      candHandles[m] = h;
      m++;
    }
  }
  if (m > n) {
    selectSmallest(m, n);
    m = n;
  }
  if (sorted) {
    for (let i = 1; i < m; i++) {
      const key = candKeys[i]!;
      const h = candHandles[i]!;
      let j = i;
      while (j > 0 && before(key, h, candKeys[j - 1]!, candHandles[j - 1]!)) {
        candKeys[j] = candKeys[j - 1]!;
        candHandles[j] = candHandles[j - 1]!;
        j--;
      }
      candKeys[j] = key;
      candHandles[j] = h;
    }
  }
  for (let i = 0; i < m; i++) out[i] = candHandles[i]!;
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
  let lo = 0;
  let hi = m - 1;
  const want = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const pk = candKeys[mid]!;
    const ph = candHandles[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(candKeys[i]!, candHandles[i]!, pk, ph)) i++;
      while (before(pk, ph, candKeys[j]!, candHandles[j]!)) j--;
      if (i <= j) {
        const k = candKeys[i]!;
        candKeys[i] = candKeys[j]!;
        candKeys[j] = k;
        const h = candHandles[i]!;
        candHandles[i] = candHandles[j]!;
        candHandles[j] = h;
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
