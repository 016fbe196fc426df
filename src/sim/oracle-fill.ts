/**
 * `--join oracle`: routing tables filled from the sorted list of all IDs, as
 * a node that has heard of every node would hold them after a perfect join,
 * without simulating the joins.
 *
 * The table's layout for b bits per step (routing-table.ts canSplit): the
 * bucket holding the own ID always splits, and a bucket whose depth is not a
 * multiple of b splits when full. So after a perfect join, for every group of
 * b prefix bits (prefix lengths g·b … g·b + b − 1) there are 2^b − 1 sibling
 * sub-buckets: the distances whose first g·b bits are zero and whose next b
 * bits are v, for v = 1 … 2^b − 1. In ID order each is a contiguous run of the
 * sorted IDs (the IDs sharing the node's first g·b bits and then having bits
 * own ⊕ v), so the filler walks the own subtree down b bits at a time and
 * offers each sub-bucket up to k of the true nodes in its run. For b = 1 this
 * is one sibling subtree per prefix length: the plain k-buckets.
 *
 * Which k: random members of the run, not the closest ones. The paper's
 * k-buckets hold whichever live nodes of the range were heard from first and
 * stayed up, which is unrelated to their place inside the range; picking the
 * closest would hand every node the neighbours of the sub-range's low edge
 * and make lookups look better than a real table's. Runs of at most k nodes
 * are taken whole.
 *
 * b = 1 keeps the original filler's draws exactly (k draws with replacement,
 * so a bucket can end up with fewer than k distinct contacts when its range
 * holds just over k nodes), so B = 1 runs reproduce the earlier oracle
 * figures; b > 1 draws k distinct members (Floyd's sampling), so every
 * sub-bucket with at least k nodes holds k.
 *
 * Not modelled: the relaxed split rule lets a real table split sibling
 * buckets inside the subtree of its k nearest neighbours and hold more than k
 * there; the filler offers at most k per sub-bucket at every depth.
 */
import { ID_BITS, ID_WORDS } from '../core/id.js';
import { Random, deriveSeed } from '../core/random.js';
import type { IdOracle } from './oracle.js';

/** What the filler needs of a node: its handle and a way to add a contact outside the protocol. */
export interface OracleFillable {
  readonly self: number;
  addContact(peer: number): void;
}

/** The stream a node's draws come from (the original filler's, so B = 1 reproduces). */
export function oracleFillRandom(seed: number, self: number): Random {
  return new Random(deriveSeed(seed, self), 0x6f72);
}

/**
 * Fills every node's table (nodes may have holes: other shards' slots) with
 * the contacts oracleContacts() picks, in the order it picks them.
 */
export function fillTablesFromOracle(
  oracle: IdOracle,
  nodes: Iterable<OracleFillable | null | undefined>,
  k: number,
  bits: number,
  seed: number,
): void {
  const rank = rankOf(oracle);
  for (const node of nodes) {
    if (!node) continue;
    const picked = oracleContacts(oracle, rank, node.self, k, bits, oracleFillRandom(seed, node.self));
    for (const peer of picked) node.addContact(peer);
  }
}

/** Position of every node in the oracle's ID order. */
export function rankOf(oracle: IdOracle): Uint32Array {
  const rank = new Uint32Array(oracle.n);
  oracle.sorted.forEach((node, r) => (rank[node] = r));
  return rank;
}

/**
 * The contacts `self` gets with `bits` bits per step: for each group of bits
 * from the top, for each sibling sub-bucket run in ID order, up to k nodes of
 * the run (farthest groups first, as the original filler added them).
 */
export function oracleContacts(oracle: IdOracle, rank: Uint32Array, self: number, k: number, bits: number, rng: Random): number[] {
  const n = oracle.n;
  const me = rank[self]!;
  const out: number[] = [];
  const edges: number[] = [];
  let lo = 0;
  let hi = n;
  for (let d = 0; d < ID_BITS && hi - lo > 1; ) {
    const width = Math.min(bits, ID_BITS - d);
    // The 2^width runs of [lo, hi) by the next `width` bits: edges[i]..edges[i + 1].
    edges.length = 0;
    edges.push(lo);
    splitRuns(oracle, lo, hi, d, width, edges);
    edges.push(hi);
    let ownLo = lo;
    let ownHi = hi;
    for (let r = 0; r + 1 < edges.length; r++) {
      const sLo = edges[r]!;
      const sHi = edges[r + 1]!;
      if (me >= sLo && me < sHi) {
        ownLo = sLo;
        ownHi = sHi;
        continue;
      }
      pick(oracle.sorted, sLo, sHi - sLo, k, bits === 1, rng, out);
    }
    lo = ownLo;
    hi = ownHi;
    d += width;
  }
  return out;
}

/** Pushes onto `edges`, in order, the inner boundaries of the runs of [lo, hi) by bits d … d + width − 1. */
function splitRuns(oracle: IdOracle, lo: number, hi: number, d: number, width: number, edges: number[]): void {
  if (width === 0) return;
  const mid = firstWithBit(oracle, lo, hi, d);
  splitRuns(oracle, lo, mid, d + 1, width - 1, edges);
  edges.push(mid);
  splitRuns(oracle, mid, hi, d + 1, width - 1, edges);
}

/** First position in [lo, hi) (IDs there share their first d bits) whose ID has bit d set; hi when none. */
function firstWithBit(oracle: IdOracle, lo: number, hi: number, d: number): number {
  const words = oracle.words;
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (bit(words, oracle.sorted[mid]! * ID_WORDS, d)) b = mid;
    else a = mid + 1;
  }
  return a;
}

/**
 * Up to k members of the run sorted[sLo … sLo + size). `withReplacement`: the
 * original B = 1 draws (k indices, repeats possible); otherwise k distinct
 * ones by Floyd's algorithm (k draws, uniform over the k-subsets).
 */
function pick(sorted: Uint32Array, sLo: number, size: number, k: number, withReplacement: boolean, rng: Random, out: number[]): void {
  if (size <= k) {
    for (let c = 0; c < size; c++) out.push(sorted[sLo + c]!);
    return;
  }
  if (withReplacement) {
    for (let c = 0; c < k; c++) out.push(sorted[sLo + rng.int(size)]!);
    return;
  }
  const from = out.length;
  for (let j = size - k; j < size; j++) {
    const t = sorted[sLo + rng.int(j + 1)]!;
    out.push(out.indexOf(t, from) >= 0 ? sorted[sLo + j]! : t);
  }
}

function bit(words: Uint32Array, at: number, d: number): boolean {
  return ((words[at + (d >>> 5)]! >>> (31 - (d & 31))) & 1) === 1;
}
