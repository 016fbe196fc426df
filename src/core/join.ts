/**
 * Joining (paper §2.3): a self-lookup through the bootstrap contacts, then a refresh lookup into
 * every range of the ID space farther than the nearest neighbour, so the newcomer's table holds
 * contacts at every distance and the nodes it asks learn of it. That is joinMode 'paper'; the
 * default, 'lean' (join-lean.ts), keeps the same two steps and the same guarantee but refreshes
 * only the ranges the self-lookup left short of k.
 *
 * Both joins share the lean join's learning (join-lean.ts, join-learn.ts) and nearly its
 * self-lookup: it runs to the k nearest and greets those of the 1.5k nearest that may have the
 * newcomer among their own k nearest (the lean one counting its shortlist as known nodes), and every reply's contacts are offered to the table. With the
 * paper's plain self-lookup to k, 91.4 % of tables (2,000 nodes, 256 joins in flight, 20-200 ms)
 * knew all their true k nearest right after the joins; with learning alone 96.6 %; with both 100 %
 * (153 → 160 RPCs per join). The joins' message flow changed with it (new BEFORE trace hashes).
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
import { idToWords } from './id.js';
import type { JoinResult } from './events.js';
import { LookupKind } from './lookup.js';
import { startLookup, type JoinLookupOptions, type Run } from './lookup-runs.js';
import { leanRefreshes, leanSelfLookup, paperSelfLookup } from './join-lean.js';
import type { NodeState } from './node-state.js';
import { refreshTargets, type Refresh } from './join-ranges.js';
import { TimerKind } from './timers.js';

export { randomIdAtPrefix } from './join-ranges.js';

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
  const lean = s.config.joinMode === 'lean';
  // Both joins greet the rest of the 1.5k nearest that may need the newcomer, with the replies'
  // contacts offered to the table; the lean one knows more of whom not to greet (join-lean.ts).
  const selfOptions = lean ? leanSelfLookup(s) : paperSelfLookup(s);
  let rpcs = 0;
  let attempt = 0;
  const afterSelfLookup = (run: Run, t: number): void => {
    rpcs += run.lookup.rpcs;
    const responded = run.lookup.succeededCount();
    if (responded === 0 && s.up && boot.length > 0 && ++attempt < s.config.joinAttempts) {
      startLookup(s, LookupKind.FindNode, self, t, afterSelfLookup, undefined, null, boot, 2 ** Math.min(attempt, MAX_BACKOFF_DOUBLINGS), selfOptions);
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
    const refreshes = responded === 0 ? [] : lean ? leanRefreshes(s, run) : paperRefreshes(s);
    let left = refreshes.length;
    if (left === 0) return finish(t);
    for (const r of refreshes) {
      startLookup(s, LookupKind.FindNode, r.target, t, (done, end) => {
        rpcs += done.lookup.rpcs;
        if (--left === 0) finish(end);
      }, undefined, null, undefined, 1, r.options);
    }
  };
  startLookup(s, LookupKind.FindNode, self, now, afterSelfLookup, undefined, null, undefined, 1, selfOptions);
}

/** A paper refresh offers its replies' contacts to the table too (the lean join's join-learn.ts). */
const PAPER_LEARN: JoinLookupOptions = { learn: true };

/** The paper's refreshes: a full lookup into every far range. */
function paperRefreshes(s: NodeState): Refresh[] {
  const { far, insideBucket0 } = refreshTargets(s);
  return [...far, ...insideBucket0].map((target) => ({ target, options: PAPER_LEARN }));
}
