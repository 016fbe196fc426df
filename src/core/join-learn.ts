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
import type { NodeState } from './node-state.js';
import { secondsSinceEpoch } from './node-state.js';

export function learnContacts(s: NodeState, contacts: Uint32Array, now: number): void {
  if (s.config.verifyAddresses) return;
  const table = s.table;
  const ids = s.peers.words;
  const k = s.config.k;
  const nowSec = secondsSinceEpoch(s, now);
  for (let i = 0; i < contacts.length; i++) {
    const h = contacts[i]!;
    if (h === s.self || table.has(h)) continue;
    if (table.bucketSize(table.bucketForTarget(ids, h * ID_WORDS)) >= k) continue;
    table.observe(h, -1, nowSec);
  }
}

const nearest = new Uint32Array(256);

/**
 * False when the table already holds k live contacts closer to `peer` than this node: then at
 * least k real nodes are closer, so this node is not among the peer's true k nearest and a
 * request that only tells the peer of us changes nothing it needs. True otherwise (also when in
 * doubt: fewer than k known). A lean join asks only such peers past what its lookups need.
 */
export function mayNeedUs(s: NodeState, peer: number): boolean {
  const k = s.config.k;
  const ids = s.peers.words;
  const at = peer * ID_WORDS;
  const out = k <= nearest.length ? nearest : new Uint32Array(k);
  const n = s.table.closest(ids, at, k, out, peer, true);
  if (n < k) return true;
  return compareDistance(ids, out[n - 1]! * ID_WORDS, s.self * ID_WORDS, ids, at) > 0;
}
