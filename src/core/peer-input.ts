/**
 * What a peer's message, or its silence past a request's deadline, does to a node: the work
 * behind KadNode.handle and KadNode.onRequestTimeout, on the node's one state object.
 *
 * A request is answered in full when verification is off or the sender's address is verified,
 * else within the amplification budget (unverified.ts). A reply that matches a pending request
 * verifies the sender's address, feeds the routing table (with its RTT) and goes to the lookup
 * or waiter that sent the request. A request that timed out counts as a failure of its peer,
 * except a verification PING. Hearing from a peer may start a bucket PING (its bucket is full)
 * or a hand-over (it is new to the table). Stopping a node (stopNode) ends every request in
 * flight at once, as a crashed process would.
 */
import { answer } from './answers.js';
import { IdFault } from './id-check.js';
import { handOverTo } from './hand-over.js';
import { Run, cutShort, lookupAnswered, lookupTimedOut } from './lookup-runs.js';
import { Message, MessageType, isRequest } from './messages.js';
import { NodeState, secondsSinceEpoch } from './node-state.js';
import { Observe } from './routing-table.js';
import { Pending, Purpose, request } from './rpc-table.js';
import { TimerKind } from './timers.js';
import { answerUnverified } from './unverified.js';

/** A message from peer `from`; `bytes` is its size on the wire, or -1 when the host does not know it. */
export function handleMessage(s: NodeState, from: number, msg: Message, now: number, bytes: number): void {
  if (!s.up) return;
  // By ID as well as by handle where handles may repeat IDs: over UDP another address may claim this node's ID.
  if (from === s.self || (s.peers.repeatsIds && s.peers.sameId(from, s.self))) {
    s.drop('from-self');
    return;
  }
  if (isRequest(msg)) {
    const check = s.check;
    if (check === null) {
      heardFrom(s, from, -1, now);
      answer(s, from, msg, now);
    } else if (check.isVerified(from)) {
      heardFrom(s, from, -1, now);
      answer(s, from, msg, now);
      check.answeredRequest(from);
    } else {
      answerUnverified(s, check, from, msg, now, bytes);
    }
    return;
  }
  const p = s.answered(from, msg, now);
  if (!p) return;
  // It answered our rpc at the address we sent it to: the address is real.
  s.check?.verify(from);
  const rtt = now - p.sentAt;
  if (p.purpose === Purpose.BucketPing) s.table.pingResult(from, true, rtt);
  else heardFrom(s, from, rtt, now);
  if (p.purpose === Purpose.Lookup) lookupAnswered(s, p, msg, now);
  else p.waiter?.settle(msg, now);
}

/** A request of ours past its deadline (the request table's callback, via KadNode.onRequestTimeout). */
export function requestTimedOut(s: NodeState, p: Pending<Run>, now: number): void {
  if (p.purpose === Purpose.Verify) {
    // A source that never answers is what a spoofed one looks like: nothing to report.
    s.check?.probeEnded(p.peer);
    return;
  }
  s.event({ type: 'timeout', peer: p.peer, request: p.request });
  if (p.purpose === Purpose.BucketPing) {
    s.table.pingResult(p.peer, false);
    return;
  }
  s.table.fail(p.peer);
  if (p.purpose === Purpose.Lookup) {
    // Free the slot now, but keep listening: a slow answer still counts if the lookup is running.
    s.markLate(p, now);
    lookupTimedOut(s, p, now);
    return;
  }
  p.waiter?.settle(null, now);
}

/** `peer` was heard from (rtt -1: a request, no RTT): into the table, a PING for a full bucket, a hand-over for a newcomer. */
function heardFrom(s: NodeState, peer: number, rtt: number, now: number): void {
  const table = s.table;
  const verdict = table.observe(peer, rtt, secondsSinceEpoch(s, now));
  if (verdict === Observe.Ping) {
    request(s, table.pingTarget, { type: MessageType.Ping, rpc: 0 }, Purpose.BucketPing, now, null, null);
  } else if (verdict === Observe.Refused && s.peers.idCheck !== null) {
    // Issue 13: a refusal for the contact's ID, under its one reason (diversity refusals stay uncounted, as before).
    const fault = s.peers.idCheck.fault(peer);
    if (fault === IdFault.NotFromIp) s.drop('id-not-from-ip');
    else if (fault === IdFault.Puzzle) s.drop('id-puzzle-failed');
  }
  if (table.added && s.records !== null) handOverTo(s, peer, now);
}

/** KadNode.stop: the node goes down; its requests in flight end now (lookups with what they have, waiters with null). */
export function stopNode(s: NodeState, now: number): void {
  s.up = false;
  const pending = s.takeAllRequests();
  s.dormant = true;
  s.handOver = null; // queued hand-overs are forgotten, as a crashed process would
  s.setTimer(TimerKind.HandOver, Infinity);
  for (const p of pending) {
    if (p.purpose === Purpose.Verify) s.check?.probeEnded(p.peer);
    else if (p.run) cutShort(p.run, now);
    else p.waiter?.settle(null, now);
  }
}
