/**
 * What a lean join keeps from the replies it gets: the contacts they name, offered to the table.
 *
 * They are hearsay, not contacts that answered us, so they get only what is free: a slot in a
 * bucket that has room. They never split a bucket, never wait in a replacement cache, never
 * make the table ping a contact for them, and never start a hand-over (which is for nodes that
 * have spoken to us). One that turns out dead fails its first request like any contact (stale,
 * skipped by `closest`, gone after maxFailures or as soon as a replacement waits), so a churning
 * swarm does not fill tables with the dead any more than the replies' senders' own tables hold.
 *
 * Where addresses are checked (verifyAddresses, UDP), a contact enters the table only once it
 * answered at its address; a reply's contacts are not offered at all there.
 */
import { ID_WORDS, compareDistance } from './id.js';
import { PeerState, type Lookup } from './lookup.js';
import type { NodeState } from './node-state.js';
import { secondsSinceEpoch } from './node-state.js';

export function learnContacts(s: NodeState, contacts: Uint32Array, now: number): void {
  if (s.config.verifyAddresses) return;
  const table = s.table;
  const nowSec = secondsSinceEpoch(s, now);
  for (let i = 0; i < contacts.length; i++) {
    const h = contacts[i]!;
    // New to the table and its bucket has room: one measure of the distance (was has() and then
    // bucketForTarget, two), before observe's own.
    if (table.hasRoomFor(h)) table.observe(h, -1, nowSec);
  }
}

const nearest = new Uint32Array(256);

/**
 * False when this node already knows k live nodes closer to `peer` than itself: then it is not
 * among the peer's true k nearest, and a request that only tells the peer of us changes nothing
 * it needs. True otherwise (also when in doubt: fewer than k known). A lean join asks only such
 * peers past what its lookups need. The nodes known are the table's and, when given, the
 * candidates of `neighbours` (the join's self-lookup) that have not failed: the shortlist holds the
 * neighbourhood's nodes that learned contacts found no bucket room for.
 */
export function mayNeedUs(s: NodeState, peer: number, neighbours?: Lookup): boolean {
  const k = s.config.k;
  const ids = s.peers.words;
  const at = peer * ID_WORDS;
  const me = s.self * ID_WORDS;
  const out = k <= nearest.length ? nearest : new Uint32Array(k);
  const n = s.table.closest(ids, at, k, out, peer, true);
  if (n === k && compareDistance(ids, out[n - 1]! * ID_WORDS, me, ids, at) <= 0) return false;
  if (neighbours === undefined) return true;
  // The table's contacts closer to the peer than us are a prefix of its closest (sorted).
  let closer = 0;
  while (closer < n && compareDistance(ids, out[closer]! * ID_WORDS, me, ids, at) < 0) closer++;
  const tableCloser = closer;
  const handles = neighbours.handles;
  const states = neighbours.states;
  for (let i = 0; i < neighbours.size; i++) {
    const h = handles[i]!;
    if (h === peer || states[i] === PeerState.Failed) continue;
    if (compareDistance(ids, h * ID_WORDS, me, ids, at) >= 0) continue;
    let seen = false;
    for (let j = 0; j < tableCloser && !seen; j++) seen = out[j] === h;
    if (!seen && ++closer >= k) return false;
  }
  return true;
}
