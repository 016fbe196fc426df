/**
 * Requests awaiting a reply: RPC ids, reply matching (sender and reply type),
 * deadlines, late replies and the RTT estimate that sets the timeouts.
 *
 * Contract: `open` draws the id from the node's stream (redrawing on a clash,
 * as many draws as the old core made), queues the message on the outbox and
 * records the deadline; `answered` matches a reply, counting the drops it
 * makes; `expire(now)` visits the requests due at `now` in the order they
 * were sent (the node's list of slots keeps that order, and a lookup request
 * marked late keeps its place).
 *
 * A request is a row of the thread's slot pool (request-slots.ts), not an
 * object and a Map entry: handlers see it through one reused view (`Pending`),
 * and a reply is matched by walking the node's few requests in flight.
 *
 * The Rpc timer is never later than the earliest pending deadline: every new
 * deadline lowers it, an answered request leaves it (the node then wakes once
 * for nothing, as the callback core did), and `expire` makes it exact while it
 * walks the table anyway. So pollTimeout never scans, and a node keeps no
 * heap: a few requests in flight do not need one.
 */
import type { KadConfig } from './config.js';
import { MessageType, Reply, Request } from './messages.js';
import type { Random } from './random.js';
import type { RoutingTable } from './routing-table.js';
import { Purpose, VIEW, fill, replyTypeFor, PendingView, type LookupRef, type Pending, type Waiter } from './pending.js';
import { NO_SLOT, SLOTS } from './request-slots.js';
import { NodeTimers, TimerKind } from './timers.js';

export { Purpose, type LookupRef, type Pending, type Waiter } from './pending.js';

/** Who handles a request past its deadline (the node; an interface, not a closure per node). */
export interface TimeoutHandler<R extends LookupRef> {
  onRequestTimeout(p: Pending<R>, now: number): void;
}

/** The request table of one node (part of the node's one state object: see outbox.ts). */
export class RequestTable<R extends LookupRef = LookupRef> extends NodeTimers {
  // The node's requests in the order sent: a list through the thread's slots (request-slots.ts).
  private reqHead = NO_SLOT;
  private reqTail = NO_SLOT;
  private reqCount = 0;
  // The node-wide RTT estimate for contacts with none of their own (srtt, rttvar) lives in the
  // node's timer row (timers.ts): two doubles as fields would cost two boxed numbers a node.

  constructor(
    readonly table: RoutingTable,
    readonly config: KadConfig,
    /** The node's own stream: every draw happens in a fixed order, so runs replay. Continued as `rng`, the node itself (node-random.ts). */
    rng: Random,
  ) {
    super(rng);
  }

  /** Requests awaiting a reply. */
  get pendingCount(): number {
    return this.reqCount;
  }

  /** Sends `msg` to `peer` as a new request and records it; returns its deadline. */
  openRequest(peer: number, msg: Request, purpose: Purpose, now: number, run: R | null, waiter: Waiter | null, timeoutScale = 1): number {
    let rpc = this.rng.nextU32();
    while (this.slotOf(rpc) !== NO_SLOT) rpc = this.rng.nextU32();
    msg.rpc = rpc;
    // A verification PING waits as long as any request may: a slow honest peer that misses it
    // stays out of the table until its next request, while a spoofed one costs only a pending entry.
    // A retry waits longer (timeoutScale 2, 4, …: RFC 6298's backoff), never past maxTimeoutMs.
    const timeout = this.timeoutFor(peer);
    const deadline = now + (purpose === Purpose.Verify ? this.config.maxTimeoutMs : timeoutScale === 1 ? timeout : Math.min(this.config.maxTimeoutMs, timeout * timeoutScale));
    const S = SLOTS;
    const i = S.take();
    S.rpc[i] = rpc;
    S.peer[i] = peer;
    S.request[i] = msg.type;
    S.purpose[i] = purpose;
    S.late[i] = 0;
    S.sentAt[i] = now;
    S.deadline[i] = deadline;
    S.owner[i] = purpose === Purpose.Lookup ? run : waiter;
    this.append(i);
    this.send(peer, msg);
    this.lowerTimer(TimerKind.Rpc, deadline);
    return deadline;
  }

  /**
   * The request `msg` answers, removed from the table with its RTT sampled; null (and a drop
   * event) when it answers nothing this node asked that peer, or is the wrong kind of reply.
   */
  answered(from: number, msg: Reply, now: number): Pending<R> | null {
    const S = SLOTS;
    const i = this.slotOf(msg.rpc);
    if (i === NO_SLOT || S.peer[i] !== from) {
      this.drop('unmatched-reply');
      return null;
    }
    if (msg.type !== replyTypeFor(S.request[i]! as MessageType, msg.type)) {
      this.drop('wrong-reply-type');
      return null;
    }
    const p = fill(VIEW, i, false);
    this.unlink(i);
    S.release(i);
    if (p.late) this.drop('late-reply');
    this.sampleRtt(now - p.sentAt);
    return p as Pending<R>;
  }

  /**
   * What `answered` would say of a reply, read-only: null when (from, type, rpc) answers a
   * request this node sent, else the reason it would be dropped. A host asks before it interns
   * anything the reply carries, so an unsolicited reply costs it nothing.
   */
  matchReply(from: number, type: MessageType, rpc: number): 'unmatched-reply' | 'wrong-reply-type' | null {
    const i = this.slotOf(rpc);
    if (i === NO_SLOT || SLOTS.peer[i] !== from) return 'unmatched-reply';
    return type === replyTypeFor(SLOTS.request[i]! as MessageType, type) ? null : 'wrong-reply-type';
  }

  /**
   * True when a pending request goes to `peer`, or a lookup still running (every running lookup
   * has a request pending) holds it as a candidate.
   */
  refersTo(peer: number): boolean {
    const S = SLOTS;
    for (let i = this.reqHead; i !== NO_SLOT; i = S.next[i]!) {
      if (S.peer[i] === peer) return true;
      if (S.purpose[i] !== Purpose.Lookup) continue;
      const l = (S.owner[i] as R | null)?.lookup;
      if (l && !l.finished && l.indexOf(peer) >= 0) return true;
    }
    return false;
  }

  /**
   * Visits every request whose deadline is at or before `now`, in the order they were sent.
   * A late one (past its grace deadline) and any that is not a lookup's leave the table before
   * the visit; a lookup's first timeout stays for `markLate`. Late ones are not visited.
   */
  expireRequests(now: number, handler: TimeoutHandler<R>): void {
    if (this.timer(TimerKind.Rpc) > now) return; // nothing due: no scan
    this.setTimer(TimerKind.Rpc, Infinity);
    const S = SLOTS;
    // Requests opened by a handler join the end of the list and lower the timer themselves; they
    // are never due yet (every timeout is positive: config.ts), so the walk may pass them or not.
    // Handlers never remove requests.
    let i = this.reqHead;
    while (i !== NO_SLOT) {
      const next = S.next[i]!;
      if (S.deadline[i]! > now) {
        this.lowerTimer(TimerKind.Rpc, S.deadline[i]!);
      } else if (S.late[i] === 1) {
        this.unlink(i);
        S.release(i);
      } else if (S.purpose[i] !== Purpose.Lookup) {
        // Leaves before the visit; the handler may take the freed slot for a request of its own.
        fill(VIEW, i, false);
        this.unlink(i);
        S.release(i);
        handler.onRequestTimeout(VIEW as Pending<R>, now);
      } else {
        handler.onRequestTimeout(fill(VIEW, i, true) as Pending<R>, now);
        this.lowerTimer(TimerKind.Rpc, S.deadline[i]!);
        i = S.next[i]!; // past what the handler appended after it, too
        continue;
      }
      i = next;
    }
  }

  /** A lookup request timed out: its slot is freed, but a late reply is still taken until maxTimeoutMs from now. */
  markLate(p: Pending<R>, now: number): void {
    const i = p.slot;
    if (i === NO_SLOT) return;
    const deadline = now + this.config.maxTimeoutMs;
    SLOTS.late[i] = 1;
    SLOTS.deadline[i] = deadline;
    if (p === VIEW) {
      VIEW.late = true;
      VIEW.deadline = deadline;
    }
    this.lowerTimer(TimerKind.Rpc, deadline);
  }

  /** Empties the table (the node stops) and returns what was pending, in the order it was sent. */
  takeAllRequests(): Pending<R>[] {
    const S = SLOTS;
    const all: Pending<R>[] = [];
    for (let i = this.reqHead; i !== NO_SLOT; ) {
      const next = S.next[i]!;
      all.push(fill(new PendingView(), i, false) as Pending<R>);
      S.release(i);
      i = next;
    }
    this.reqHead = this.reqTail = NO_SLOT;
    this.reqCount = 0;
    this.setTimer(TimerKind.Rpc, Infinity);
    return all;
  }

  /** The slot of this node's request with id `rpc`, or NO_SLOT (a walk: a node has few in flight). */
  private slotOf(rpc: number): number {
    const S = SLOTS;
    for (let i = this.reqHead; i !== NO_SLOT; i = S.next[i]!) if (S.rpc[i] === rpc) return i;
    return NO_SLOT;
  }

  private append(i: number): void {
    const S = SLOTS;
    S.next[i] = NO_SLOT;
    S.prev[i] = this.reqTail;
    if (this.reqTail === NO_SLOT) this.reqHead = i;
    else S.next[this.reqTail] = i;
    this.reqTail = i;
    this.reqCount++;
  }

  /** Takes slot `i` out of the list. */
  private unlink(i: number): void {
    const S = SLOTS;
    const prev = S.prev[i]!;
    const next = S.next[i]!;
    if (prev === NO_SLOT) this.reqHead = next;
    else S.next[prev] = next;
    if (next === NO_SLOT) this.reqTail = prev;
    else S.prev[next] = prev;
    this.reqCount--;
  }

  /** RFC 6298-style timeout: srtt + 4·rttvar of the contact, else of the node, within [min, max]. */
  private timeoutFor(peer: number): number {
    const c = this.config;
    let rto = this.table.rtoOf(peer); // the contact's own estimate, -1 when it has none
    // The node-wide estimate mixes near and far peers: be twice as patient with a stranger.
    if (rto < 0) rto = this.srtt > 0 ? 2 * (this.srtt + 4 * this.rttvar) : c.initialTimeoutMs;
    return Math.min(c.maxTimeoutMs, Math.max(c.minTimeoutMs, rto));
  }

  private sampleRtt(rtt: number): void {
    if (this.srtt === 0) {
      this.srtt = Math.max(rtt, 0.001);
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
  }
}

/**
 * Sends a request for the node, or, when it is stopped, sends nothing and settles the waiter
 * with no reply at once (what a caller of a stopped node gets). Returns the deadline, or -1.
 */
export function request<R extends LookupRef>(
  s: RequestTable<R> & { readonly up: boolean },
  peer: number,
  msg: Request,
  purpose: Purpose,
  now: number,
  run: R | null,
  waiter: Waiter | null,
  timeoutScale = 1,
): number {
  if (!s.up) {
    waiter?.settle(null, now);
    return -1;
  }
  return s.openRequest(peer, msg, purpose, now, run, waiter, timeoutScale);
}
