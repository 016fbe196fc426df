/**
 * The eclipse minter under S/Kademlia's static puzzle (`--id-puzzle c`) with a hash budget
 * (`--adversary-budget H`, issue 13). A free attacker picks its IDs' bits (adversary-placement.ts:
 * 32 bits of the target); under the puzzle an ID is SHA-1(key) and counts only when SHA-1(ID) has
 * c leading zero bits, so the attacker cannot choose the ID, only which of the valid IDs it
 * bought it keeps. This grinds for real, with the same two SHA-1s per key an honest node spends
 * (identities.ts honestId), and honest nodes verify the result for real (IdCheck reads the key
 * from the shared key table), so nothing here is a model:
 *
 *   - H/2 keys (seed tag, counter) are tried: 2 SHA-1 evaluations each, H in total;
 *   - every valid ID is given to the target it is XOR-closest to (an ID can surround only one);
 *   - each target keeps its best valid IDs, as many as it has minters (minter j serves target
 *     j mod T, the r = ⌊j / T⌋-th best of that target's pool);
 *   - a minter whose target's pool ran out gets the free attacker's ID without a valid key: it
 *     is refused by every honest table (the budget did not buy it an identity).
 *
 * The budget is counted in SHA-1 evaluations rather than seconds so that runs compare across
 * machines; the report converts it with the hash rate measured here (and the honest grind's).
 */
import { sha1Into } from '../core/sha1.js';
import { leadingZeroBits } from '../core/id-puzzle.js';
import type { Random } from '../core/random.js';
import { PUZZLE_KEY_WORDS } from './identities.js';
import { mintByPrefix } from '../sim/adversary-placement.js';
import type { PuzzleMint } from '../sim/adversary.js';

/** The budget's result type is the plan's (sim/adversary.ts): one definition. */
export type { PuzzleMint };

/** The key tag of the attacker's grind: distinct from every honest (seed, node) key. */
const ATTACK_TAG = 0xa77ac4;

export class PuzzleBudgetMinter {
  readonly mintInfo: PuzzleMint;
  /** Key words (PUZZLE_KEY_WORDS) of each minter given a valid ID, by ordinal. */
  readonly keyOf = new Map<number, Uint32Array>();
  /** Per target: the kept valid IDs' keys (counter) ascending by distance, as [hi, lo] counters. */
  private readonly pools: number[][];

  constructor(
    readonly bits: number,
    readonly budget: number,
    private readonly seed: number,
    targetKeys: Uint8Array,
    minters: number,
  ) {
    const targets = targetKeys.length / 20;
    const need = Array.from({ length: targets }, (_, t) => (t < minters ? Math.floor((minters - 1 - t) / targets) + 1 : 0));
    // Bounded best lists per target, by XOR distance on the first 64 bits (ties past that are beyond any swarm's resolution).
    const hi: number[][] = need.map(() => []);
    const lo: number[][] = need.map(() => []);
    const keys: number[][] = need.map(() => []);
    const tw = new Uint32Array(targets * 2);
    for (let t = 0; t < targets; t++) {
      const v = new DataView(targetKeys.buffer, targetKeys.byteOffset + t * 20, 8);
      tw[2 * t] = v.getUint32(0);
      tw[2 * t + 1] = v.getUint32(4);
    }
    const key = new Uint8Array(PUZZLE_KEY_WORDS * 4);
    const view = new DataView(key.buffer);
    view.setUint32(0, (seed ^ ATTACK_TAG) >>> 0);
    const id = new Uint8Array(20);
    const idView = new DataView(id.buffer);
    const check = new Uint8Array(20);
    const tries = Math.floor(budget / 2);
    let validIds = 0;
    const t0 = performance.now();
    for (let counter = 0; counter < tries; counter++) {
      view.setUint32(4, Math.floor(counter / 2 ** 32));
      view.setUint32(8, counter >>> 0);
      sha1Into(key, id);
      sha1Into(id, check);
      if (leadingZeroBits(check) < bits) continue;
      validIds++;
      const a = idView.getUint32(0);
      const b = idView.getUint32(4);
      let best = 0;
      let bh = Infinity;
      let bl = Infinity;
      for (let t = 0; t < targets; t++) {
        const h = (a ^ tw[2 * t]!) >>> 0;
        const l = (b ^ tw[2 * t + 1]!) >>> 0;
        if (h < bh || (h === bh && l < bl)) [best, bh, bl] = [t, h, l];
      }
      insertBounded(hi[best]!, lo[best]!, keys[best]!, need[best]!, bh, bl, counter);
    }
    this.pools = keys;
    this.mintInfo = { bits, budget, hashes: 2 * tries, ms: performance.now() - t0, validIds, valid: new Uint8Array(minters) };
  }

  /** Minter `ordinal`'s ID for `target` (its pool's r-th best), or a refused free ID when the budget ran out. */
  mint(ordinal: number, target: Uint8Array, rng: Random): Uint8Array {
    const targets = this.pools.length;
    const pool = this.pools[ordinal % targets]!;
    const r = Math.floor(ordinal / targets);
    if (r >= pool.length) return mintByPrefix(ordinal, target, rng);
    const counter = pool[r]!;
    const words = Uint32Array.of((this.seed ^ ATTACK_TAG) >>> 0, Math.floor(counter / 2 ** 32), counter >>> 0);
    const key = new Uint8Array(PUZZLE_KEY_WORDS * 4);
    const view = new DataView(key.buffer);
    words.forEach((w, i) => view.setUint32(i * 4, w));
    const id = new Uint8Array(20);
    sha1Into(key, id);
    this.keyOf.set(ordinal, words);
    this.mintInfo.valid[ordinal] = 1;
    return id;
  }
}

/** Inserts (h, l, counter) into the ascending lists when it beats their worst, keeping at most `cap`. */
export function insertBounded(hi: number[], lo: number[], keys: number[], cap: number, h: number, l: number, counter: number): void {
  if (cap === 0) return;
  const n = hi.length;
  if (n === cap && (h > hi[n - 1]! || (h === hi[n - 1]! && l >= lo[n - 1]!))) return;
  let at = n;
  while (at > 0 && (hi[at - 1]! > h || (hi[at - 1]! === h && lo[at - 1]! > l))) at--;
  hi.splice(at, 0, h);
  lo.splice(at, 0, l);
  keys.splice(at, 0, counter);
  if (hi.length > cap) {
    hi.pop();
    lo.pop();
    keys.pop();
  }
}

/** The default budget: what the attacker's m nodes would spend grinding one honest ID each (2^(c+1) SHA-1s per ID). */
export function defaultPuzzleBudget(minters: number, bits: number): number {
  return minters * 2 ** (bits + 1);
}
