/**
 * Joining (paper §2.3): a self-lookup through the bootstrap contacts, then a refresh lookup into
 * every range of the ID space farther than the nearest neighbour, so the newcomer's table holds
 * contacts at every distance and the nodes it asks learn of it.
 *
 * Two things make it hold up where the plain recipe does not:
 * - Lost bootstrap exchanges: a self-lookup that nobody answered is tried again, seeded with the
 *   bootstrap contacts (the table no longer offers them after one failure), each attempt waiting
 *   twice as long for its replies (at most 4 times the first), up to `joinAttempts` attempts. Only when all of them go
 *   unanswered does the join fail.
 * - Small answers: the far ranges to refresh are the table's buckets beyond the nearest one, plus
 *   every range still inside bucket 0 that lies farther than the k-th nearest contact. A
 *   self-lookup that heard from k or fewer nodes leaves bucket 0 unsplit (one bucket for the
 *   whole space); without the second kind the newcomer refreshed nothing and ended with k
 *   contacts near itself and none in the far half of the space. In a table that split normally
 *   bucket 0 lies inside the k nearest, so the second kind adds nothing there.
 */
import { ID_BITS, ID_WORDS, idToWords } from './id.js';
import type { JoinResult } from './events.js';
import { LookupKind } from './lookup.js';
import { startLookup, type Run } from './lookup-runs.js';
import type { NodeState } from './node-state.js';
import { leadingZeros } from './table-split.js';
import { TimerKind } from './timers.js';

/**
 * A retry waits 2, 4, then 4 times the first timeout: long enough for a slow reply to come in,
 * short enough that a join whose exchanges are lost (not late) is not kept waiting for minutes.
 */
const MAX_BACKOFF_DOUBLINGS = 2;

export function join(s: NodeState, bootstraps: number[], now: number, op: number): void {
  const boot = bootstraps.filter((b) => b !== s.self);
  s.joining = true;
  for (const b of boot) s.table.observe(b);
  const self = idToWords(s.peers.idOf(s.self));
  let rpcs = 0;
  let attempt = 0;
  const afterSelfLookup = (run: Run, t: number): void => {
    rpcs += run.lookup.rpcs;
    const responded = run.lookup.succeededCount();
    if (responded === 0 && s.up && boot.length > 0 && ++attempt < s.config.joinAttempts) {
      startLookup(s, LookupKind.FindNode, self, t, afterSelfLookup, undefined, null, boot, 2 ** Math.min(attempt, MAX_BACKOFF_DOUBLINGS));
      return;
    }
    const finish = (end: number): void => {
      s.joined = responded > 0;
      s.joining = false;
      s.lowerTimer(TimerKind.Refresh, end + s.config.refreshMs);
      s.rearm();
      const result: JoinResult = { ok: responded > 0, contacts: s.table.size, rpcs, duration: end - now };
      s.event({ type: 'done', op, kind: 'join', result });
    };
    const targets = responded === 0 ? [] : refreshTargets(s);
    let left = targets.length;
    if (left === 0) return finish(t);
    for (const target of targets) {
      startLookup(s, LookupKind.FindNode, target, t, (r, end) => {
        rpcs += r.lookup.rpcs;
        if (--left === 0) finish(end);
      });
    }
  };
  startLookup(s, LookupKind.FindNode, self, now, afterSelfLookup);
}

/** One random ID in every far range: the buckets beyond the nearest, then the ranges bucket 0 still spans past the k-th nearest. */
function refreshTargets(s: NodeState): Uint32Array[] {
  const table = s.table;
  const rand32 = (): number => s.rng.nextU32();
  const targets: Uint32Array[] = [];
  for (let b = table.nearestBucket() + 1; b < table.bucketCount; b++) {
    const target = new Uint32Array(ID_WORDS);
    table.randomIdInBucket(b, target, rand32);
    targets.push(target);
  }
  const selfAt = s.self * ID_WORDS;
  const kthPrefix = prefixOfKthNearest(s);
  for (let p = table.bucketDepth(0); p < kthPrefix; p++) {
    const target = new Uint32Array(ID_WORDS);
    randomIdAtPrefix(s.peers.words, selfAt, p, target, rand32);
    targets.push(target);
  }
  return targets;
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
