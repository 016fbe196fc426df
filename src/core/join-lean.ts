/**
 * The lean join (joinMode 'lean'): the paper's guarantee for a fraction of its RPCs.
 *
 * What the paper's join buys, and how this one buys it:
 * - The newcomer knows its own k nearest, and every node that should have the newcomer among its
 *   k nearest hears from it. The second is what a self-lookup to the k nearest misses: X has
 *   the newcomer Y among its k nearest when fewer than k nodes are closer to X than Y, even where
 *   k or more are closer to Y than X (Y sits in a denser part of the space). Measured on 2,000
 *   nodes, every table that lacked one of its true k nearest after the paper's join lacked a
 *   later joiner, ranked 21st to 31st from that joiner: just past the k its self-lookup asks. So
 *   the self-lookup runs to the 1.5k nearest (SELF_LOOKUP_WANT), and asks them all.
 * - Every far range holds k contacts, or all there are, and every node of a range with fewer than
 *   k hears from the newcomer (they may need it: the argument above, one level up). Replies name
 *   many contacts in passing; join-learn.ts offers them to the table where a bucket has room. A
 *   range still short of k after the self-lookup is refreshed by a lookup seeded from the table
 *   (which now holds what the join learned), one request at a time, that ends as soon as its
 *   bucket is full — the first answer from inside a populous range usually fills it — or once
 *   every candidate inside the range has answered (they sort before any outside it), or after α
 *   requests that found nobody inside. A range with fewer than k nodes never fills, so its
 *   refresh asks every node in it, as the paper's does.
 * - Ranges wholly nearer than the self-lookup's k-th answer are not refreshed: a lookup that
 *   converged asked every node there.
 * - Requests made only so that a node hears from the newcomer (the self-lookup's candidates past
 *   its k nearest; a refresh's candidates inside a range it already learned) go only to nodes that
 *   may need it: not when the table already holds k contacts closer to that node than the
 *   newcomer (join-learn.ts mayNeedUs), since then it is not among that node's true k nearest.
 *   Measured (3,000 nodes, 256 joins in flight, 20-200 ms): 51.7 → 40.9 RPCs per join, tables
 *   knowing all their true k nearest 99.6 → 100 %; most of the saving was in the range holding the
 *   self-lookup's k-th answer, whose refresh asked each of its ~14 nodes. Nor does a refresh greet
 *   a node that answered the self-lookup: it heard from the newcomer then (10,000 nodes, virtual
 *   time: 44.1 → 39.4 RPCs per join, 100 % of tables knowing their true k nearest before and after).
 */
import { ID_BITS, ID_WORDS } from './id.js';
import { refreshTargets, type Refresh } from './join-ranges.js';
import type { JoinLookupOptions, Run } from './lookup-runs.js';
import type { NodeState } from './node-state.js';
import { leadingZeros } from './table-split.js';

/**
 * How far the self-lookup runs, in k: 1.5k. Measured on 2,000 nodes (50 joins in flight): k gave
 * 94.9 % of tables holding all their true k nearest, 1.25k 99.65 %, 1.5k 100 % (and 99.9 % on
 * 10,000 with 256 in flight), 2k 100 % for 13 RPCs more. A PING to the self-lookup's unasked
 * candidates instead (k, then greeting the rest of its 1.5k nearest) reached 99.15 % for 2 RPCs
 * less: not worth a second mechanism.
 */
const SELF_LOOKUP_WANT = 1.5;

/**
 * The paper join's self-lookup (join.ts), as both joins ran it before the lean one changed: to the
 * 1.5k nearest from the start, greeting the candidates past the k nearest that may need us.
 */
export function paperSelfLookup(s: NodeState): JoinLookupOptions {
  return { want: Math.round(SELF_LOOKUP_WANT * s.config.k), learn: true, greet: true };
}

/**
 * The lean join's self-lookup: the paper one, but a greeting counts the shortlist's candidates as
 * nodes this node knows (mayNeedUs): the neighbourhood's nodes that learned contacts found no
 * bucket room for. Measured (10,000 nodes, 256 joins in flight, virtual time, with the refreshes'
 * repeats left out, below): 39.4 → 38.3 RPCs per join, tables knowing all their true k nearest
 * 100 % before and after. Greeting only once the k nearest answered (the lookup run to k, then
 * widened) saved 0.75 RPCs more but lost 8 % of the gets in test/core/lookup-dead.test.ts (k = 3,
 * half the nodes dead): fewer nodes heard of each joiner.
 */
export function leanSelfLookup(s: NodeState): JoinLookupOptions {
  return { want: Math.round(SELF_LOOKUP_WANT * s.config.k), learn: true, greet: true, neighbours: 'own' };
}

/** The refreshes a lean join still needs after its self-lookup `self`. */
export function leanRefreshes(s: NodeState, self: Run): Refresh[] {
  const { far, insideBucket0 } = refreshTargets(s);
  const covered = coveredPrefix(s, self);
  const table = s.table;
  const k = s.config.k;
  const out: Refresh[] = [];
  // The refreshes greet only nodes the self-lookup did not ask, and count its candidates as known.
  const fill: JoinLookupOptions = { learn: true, fillBucket: true, alpha: 1, greet: true, neighbours: self.lookup };
  for (const target of far) {
    if (sharedBits(s, target, 0) > covered) continue;
    if (table.bucketSize(table.bucketForTarget(target, 0)) >= k) continue;
    out.push({ target, options: fill });
  }
  // Bucket 0 unsplit (the self-lookup heard from k or fewer): full refreshes, as the paper's join.
  for (const target of insideBucket0) out.push({ target, options: { learn: true } });
  return out;
}

/**
 * Ranges sharing more than this many leading bits with the own ID lie wholly nearer than the
 * self-lookup's k-th answer, so it asked every node they hold. With fewer than k answers (a small
 * swarm, or lost requests) no range counts as covered.
 */
function coveredPrefix(s: NodeState, self: Run): number {
  const k = s.config.k;
  const answered = self.lookup.results(k);
  if (answered.length < k) return ID_BITS;
  return sharedBits(s, s.peers.words, answered[answered.length - 1]! * ID_WORDS);
}

const dist = new Uint32Array(ID_WORDS);

/** Leading bits the ID at words[at..] shares with the own ID. */
function sharedBits(s: NodeState, words: Uint32Array, at: number): number {
  const ids = s.peers.words;
  const selfAt = s.self * ID_WORDS;
  for (let w = 0; w < ID_WORDS; w++) dist[w] = (words[at + w]! ^ ids[selfAt + w]!) >>> 0;
  return Math.min(ID_BITS, leadingZeros(dist, 0));
}
