/**
 * Ground truth for a swarm whose IDs are all known: the true k closest nodes
 * to any target, without scanning all N.
 *
 * In ID order every prefix subtree is a contiguous run, and the k closest
 * nodes to a target by XOR all lie in the smallest prefix subtree around the
 * target that holds at least k of the candidates. So: binary-search the
 * target's position, widen to that subtree, sort only the run.
 */
import { ID_BITS, ID_WORDS, compareDistance, compareWords } from '../core/id.js';

export class IdOracle {
  /** Node indices in ascending ID order. */
  readonly sorted: Uint32Array;

  constructor(
    readonly words: Uint32Array,
    readonly n: number,
  ) {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => compareWords(words, a * ID_WORDS, words, b * ID_WORDS));
    this.sorted = Uint32Array.from(order);
  }

  /**
   * The true `count` closest nodes to `target` (words at tAt), closest first,
   * among the nodes `accept` allows (all when absent).
   */
  closest(target: Uint32Array, tAt: number, count: number, accept?: (node: number) => boolean): number[] {
    const pos = this.lowerBound(target, tAt);
    for (let depth = ID_BITS; depth >= 0; depth--) {
      const [lo, hi] = this.subtree(target, tAt, depth, pos);
      let live = 0;
      for (let i = lo; i < hi && live < count; i++) if (!accept || accept(this.sorted[i]!)) live++;
      if (live < count && depth > 0) continue;
      const run: number[] = [];
      for (let i = lo; i < hi; i++) {
        const node = this.sorted[i]!;
        if (!accept || accept(node)) run.push(node);
      }
      run.sort((a, b) => compareDistance(this.words, a * ID_WORDS, b * ID_WORDS, target, tAt));
      return run.slice(0, count);
    }
    return [];
  }

  /** First sorted position whose ID is >= target. */
  private lowerBound(target: Uint32Array, tAt: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(this.words, this.sorted[mid]! * ID_WORDS, target, tAt) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The sorted run [lo, hi) of IDs sharing the target's first `depth` bits. */
  private subtree(target: Uint32Array, tAt: number, depth: number, pos: number): [number, number] {
    const shares = (i: number): boolean => prefixEqual(this.words, this.sorted[i]! * ID_WORDS, target, tAt, depth);
    // Gallop outwards from the target's position, then binary-search the edges.
    let lo = pos;
    let step = 1;
    while (lo > 0 && shares(lo - 1)) {
      lo = Math.max(0, lo - step);
      step *= 2;
    }
    let a = lo;
    let b = pos;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (shares(mid)) b = mid;
      else a = mid + 1;
    }
    lo = a;
    let hi = pos;
    step = 1;
    while (hi < this.n && shares(hi)) {
      hi = Math.min(this.n, hi + step);
      step *= 2;
    }
    a = pos;
    b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (shares(mid)) a = mid + 1;
      else b = mid;
    }
    return [lo, a];
  }
}

function prefixEqual(x: Uint32Array, xAt: number, y: Uint32Array, yAt: number, bits: number): boolean {
  let w = 0;
  for (; bits >= 32; bits -= 32, w++) if (x[xAt + w] !== y[yAt + w]) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((x[xAt + w]! ^ y[yAt + w]!) & mask) === 0;
}
