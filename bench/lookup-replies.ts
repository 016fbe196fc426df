/**
 * Replies as a lookup sees them in a swarm, for the shortlist rows of bench/core.bench.ts: the
 * seeds are 20 contacts from a node's table (far from the target), then each reply holds 20
 * contacts drawn from nearer and nearer the target, in no order (the table's closest() does not
 * sort). In the 10,000-node swarm four in five contacts of a reply were known to the lookup
 * already, and in these rounds 80 % are (measured over the 64 rounds the bench uses).
 */
import { ID_WORDS, compareDistance } from '../src/core/id.js';
import { Random } from '../src/core/random.js';
import { search, type Pool } from './fixtures.js';

/** The pool's `top` handles nearest to `target`, nearest first (exact while they lie within ±2,048 of its place by ID). */
function nearest(pool: Pool, target: Uint32Array, top: number): Uint32Array {
  const w = pool.peers.words;
  const lo = search(pool, target, false);
  const window = Array.from(pool.sorted.subarray(Math.max(0, lo - 2048), lo + 2048));
  window.sort((a, b) => compareDistance(w, a * ID_WORDS, b * ID_WORDS, target, 0));
  return Uint32Array.from(window.slice(0, top));
}

export interface Round {
  target: Uint32Array;
  /** Reply i (0: the seeds), a view. */
  reply(i: number): Uint32Array;
}

/** `count` rounds of a seed list and `replies` replies each. */
export function closingReplies(pool: Pool, rng: Random, count: number, replies = 10): { rounds: Round[]; replies: number } {
  const TOP = 400;
  const rounds: Round[] = [];
  for (let r = 0; r < count; r++) {
    const target = new Uint32Array(ID_WORDS);
    for (let w = 0; w < ID_WORDS; w++) target[w] = rng.nextU32();
    const ranked = nearest(pool, target, TOP);
    const lists = new Uint32Array((replies + 1) * 20);
    for (let i = 0; i <= replies; i++) {
      // Seeds from ranks 40 … 400; reply i from the nearest 400 >> 2i (at least 24).
      const from = i === 0 ? 40 : 0;
      const span = i === 0 ? TOP - 40 : Math.max(24, TOP >> (2 * i));
      const picks = Array.from({ length: span }, (_, j) => from + j);
      for (let j = 0; j < 20; j++) {
        const k = j + rng.int(span - j);
        [picks[j], picks[k]] = [picks[k]!, picks[j]!];
        lists[i * 20 + j] = ranked[picks[j]!]!;
      }
    }
    rounds.push({ target, reply: (i) => lists.subarray(i * 20, i * 20 + 20) });
  }
  return { rounds, replies };
}
