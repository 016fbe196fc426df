/**
 * Hand-over to new nodes (paper §2.5): "when a new node joins the system, it must store any
 * key-value pair to which it is one of the k closest … Any node learning of a new node therefore
 * issues STORE RPCs to transmit relevant key-value pairs to the new node." Without it a newcomer
 * closest to a key waits for the next hourly replication to hold it.
 *
 * Who sends: when a contact first enters this node's table (`table.added`) and this node is not
 * joining itself (while its table fills, every contact is new to it and it cannot tell who is
 * closest), this node STOREs to
 * it each record it holds (replicas, not cached copies) for which
 *   - this node is the closest to the key of all the nodes it knows, the newcomer left out,
 *     so one holder, not all k, makes the transfer; and
 *   - the newcomer is among the k closest to the key of the nodes it knows, itself and the
 *     newcomer included.
 * Cost per insertion: records sit in a Map, so no scan unless the newcomer is closer to this node
 * than its k-th nearest contact, the only case where it can be among the k closest of a key this
 * node is the closest to (this node's k nearest surround its keys); then one k-closest query per
 * record. Nodes without records (every node during a swarm's join phase) pay one null check.
 *
 * Pacing: a token bucket of `handOverPerSecond` STOREs (burst of one second's worth), the rest
 * queued (at most QUEUE_SECONDS seconds' worth; beyond that, replication carries the record)
 * and drained by the HandOver timer, so a join storm does not become a store storm.
 */
import { ID_WORDS, compareDistance, writeIdWords } from './id.js';
import { MessageType, type Store } from './messages.js';
import type { NodeState } from './node-state.js';
import { Purpose, request } from './rpc-table.js';
import { HandOverQueue } from './hand-over-queue.js';
import { TimerKind } from './timers.js';

/** The queue holds at most this many seconds of the budget. */
const QUEUE_SECONDS = 60;

// Scratch shared by every node of the thread (the core is single-threaded and this does not re-enter).
const near = { buf: new Uint32Array(0) };
const key = new Uint32Array(ID_WORDS);

/** The table has just added `peer` (a contact it did not hold): queue the records it should take, send what the budget allows. */
export function handOverTo(s: NodeState, peer: number, now: number): void {
  const perSecond = s.config.handOverPerSecond;
  const records = s.records;
  if (perSecond <= 0 || records === null || records.size === 0 || s.joining) return;
  const k = s.config.k;
  const ids = s.peers.words;
  const selfAt = s.self * ID_WORDS;
  const peerAt = peer * ID_WORDS;
  if (near.buf.length < k) near.buf = new Uint32Array(k);
  const out = near.buf;
  // The newcomer must be closer to this node than its k-th nearest other contact.
  const n = s.table.closest(ids, selfAt, k, out, peer);
  if (n >= k && compareDistance(ids, peerAt, out[k - 1]! * ID_WORDS, ids, selfAt) >= 0) return;
  let queued = false;
  const sp = records.space;
  for (let c = records.first(); c >= 0; c = records.next(c)) {
    if (sp.cached(c) || sp.expiresAt(c) <= now) continue;
    writeIdWords(sp.keyOf(c), key, 0);
    const m = s.table.closest(key, 0, k, out, peer);
    // This node is the closest known to the key (the newcomer left out)…
    if (m > 0 && compareDistance(ids, out[0]! * ID_WORDS, selfAt, key, 0) < 0) continue;
    // …and fewer than k known nodes (this one included) are closer to it than the newcomer.
    let closer = compareDistance(ids, selfAt, peerAt, key, 0) < 0 ? 1 : 0;
    for (let i = 0; i < m && closer < k; i++) if (compareDistance(ids, out[i]! * ID_WORDS, peerAt, key, 0) < 0) closer++;
    if (closer >= k) continue;
    const q = (s.handOver ??= new HandOverQueue(perSecond, now));
    if (q.peers.length >= perSecond * QUEUE_SECONDS) break;
    q.peers.push(peer);
    q.records.push(records.recordAt(c)); // a snapshot: the row may go before the budget allows the STORE
    queued = true;
  }
  if (queued) drainHandOvers(s, now);
}

/** Sends the queued hand-overs the budget allows at `now`; sets the timer for the rest. */
export function drainHandOvers(s: NodeState, now: number): void {
  const q = s.handOver;
  s.setTimer(TimerKind.HandOver, Infinity);
  if (!q) return;
  const perSecond = s.config.handOverPerSecond;
  q.tokens = Math.min(perSecond, q.tokens + ((now - q.refilledAt) * perSecond) / 1000);
  q.refilledAt = now;
  let sent = 0;
  while (sent < q.peers.length && q.tokens >= 1) {
    const peer = q.peers[sent]!;
    const r = q.records[sent]!;
    sent++;
    // Gone from the table since (it failed) or expired meanwhile: nothing to hand over.
    if (r.expiresAt <= now || !s.table.has(peer)) continue;
    q.tokens -= 1;
    const msg: Store = { type: MessageType.Store, rpc: 0, key: r.key, value: r.value, version: r.version, ttl: r.expiresAt - now, cache: false };
    if (r.signed) msg.signed = r.signed; // a signed record travels with its signature, or the newcomer refuses it
    request(s, peer, msg, Purpose.Store, now, null, null);
    s.event({ type: 'hand-over', peer, key: r.key });
  }
  q.peers.splice(0, sent);
  q.records.splice(0, sent);
  if (q.peers.length > 0) s.setTimer(TimerKind.HandOver, now + Math.ceil(((1 - q.tokens) * 1000) / perSecond));
  else if (q.tokens >= perSecond) s.handOver = null; // idle and full: forget it (most nodes hold no queue)
}
