/**
 * Requests awaiting a reply: RPC ids, reply matching (sender and reply type),
 * deadlines, late replies and the RTT estimate that sets the timeouts.
 *
 * Contract: `open` draws the id from the node's stream (redrawing on a clash,
 * as many draws as the old core made), queues the message on the outbox and
 * records the deadline; `answered` matches a reply, counting the drops it
 * makes; `expire(now)` visits the requests due at `now` in the order they
 * were sent (a Map keeps insertion order, and a lookup request marked late
 * keeps its place).
 *
 * The Rpc timer is never later than the earliest pending deadline: every new
 * deadline lowers it, an answered request leaves it (the node then wakes once
 * for nothing, as the callback core did), and `expire` makes it exact while it
 * walks the table anyway. So pollTimeout never scans, and a node keeps no
 * heap: a few requests in flight do not need one.
 */
import type { KadConfig } from './config.js';
import type { Lookup } from './lookup.js';
import { MessageType, Reply, Request } from './messages.js';
import type { Random } from './random.js';
import type { RoutingTable } from './routing-table.js';
import { NodeTimers, TimerKind } from './timers.js';

export const enum Purpose {
  Lookup = 0,
  BucketPing = 1,
  Store = 2,
  UserPing = 3,
  /** A PING that checks a requester's address (address-check.ts). */
  Verify = 4,
}

/** Who handles a request past its deadline (the node; an interface, not a closure per node). */
export interface TimeoutHandler<R extends LookupRef> {
  onRequestTimeout(p: Pending<R>, now: number): void;
}

/** What waits on a STORE or a user PING: called once, with the reply or null (timeout, stop). */
export interface Waiter {
  settle(reply: Reply | null, now: number): void;
}

/** The part of a lookup in progress the request table needs to know about. */
export interface LookupRef {
  readonly lookup: Lookup;
}

export interface Pending<R extends LookupRef = LookupRef> {
  readonly rpc: number;
  readonly peer: number;
  readonly request: MessageType;
  readonly sentAt: number;
  deadline: number;
  readonly purpose: Purpose;
  readonly run: R | null;
  readonly waiter: Waiter | null;
  /** Past its timeout: the lookup has moved on, but a late reply is still taken until the grace deadline. */
  late: boolean;
}

/** The request table of one node (part of the node's one state object: see outbox.ts). */
export class RequestTable<R extends LookupRef = LookupRef> extends NodeTimers {
  private pending: Map<number, Pending<R>> | null = null;
  /** Node-wide RTT estimate for contacts with none of their own. */
  private srtt = 0;
  private rttvar = 0;

  constructor(
    readonly table: RoutingTable,
    readonly config: KadConfig,
    /** The node's own stream: every draw happens in a fixed order, so runs replay. */
    readonly rng: Random,
  ) {
    super();
  }

  /** Requests awaiting a reply. */
  get pendingCount(): number {
    return this.pending?.size ?? 0;
  }

  /** Sends `msg` to `peer` as a new request and records it. */
  openRequest(peer: number, msg: Request, purpose: Purpose, now: number, run: R | null, waiter: Waiter | null, timeoutScale = 1): Pending<R> {
    let rpc = this.rng.nextU32();
    const pending = (this.pending ??= new Map());
    while (pending.has(rpc)) rpc = this.rng.nextU32();
    msg.rpc = rpc;
    // A verification PING waits as long as any request may: a slow honest peer that misses it
    // stays out of the table until its next request, while a spoofed one costs only a pending entry.
    // A retry waits longer (timeoutScale 2, 4, …: RFC 6298's backoff), never past maxTimeoutMs.
    const timeout = this.timeoutFor(peer);
    const deadline = now + (purpose === Purpose.Verify ? this.config.maxTimeoutMs : timeoutScale === 1 ? timeout : Math.min(this.config.maxTimeoutMs, timeout * timeoutScale));
    const p: Pending<R> = { rpc, peer, request: msg.type, sentAt: now, deadline, purpose, run, waiter, late: false };
    pending.set(rpc, p);
    this.send(peer, msg);
    this.lowerTimer(TimerKind.Rpc, deadline);
    return p;
  }

  /**
   * The request `msg` answers, removed from the table with its RTT sampled; null (and a drop
   * event) when it answers nothing this node asked that peer, or is the wrong kind of reply.
   */
  answered(from: number, msg: Reply, now: number): Pending<R> | null {
    const p = this.pending?.get(msg.rpc);
    if (!p || p.peer !== from) {
      this.drop('unmatched-reply');
      return null;
    }
    if (msg.type !== replyTypeFor(p.request, msg.type)) {
      this.drop('wrong-reply-type');
      return null;
    }
    this.pending!.delete(msg.rpc);
    if (p.late) this.drop('late-reply');
    this.sampleRtt(now - p.sentAt);
    return p;
  }

  /**
   * What `answered` would say of a reply, read-only: null when (from, type, rpc) answers a
   * request this node sent, else the reason it would be dropped. A host asks before it interns
   * anything the reply carries, so an unsolicited reply costs it nothing.
   */
  matchReply(from: number, type: MessageType, rpc: number): 'unmatched-reply' | 'wrong-reply-type' | null {
    const p = this.pending?.get(rpc);
    if (!p || p.peer !== from) return 'unmatched-reply';
    return type === replyTypeFor(p.request, type) ? null : 'wrong-reply-type';
  }

  /**
   * True when a pending request goes to `peer`, or a lookup still running (every running lookup
   * has a request pending) holds it as a candidate.
   */
  refersTo(peer: number): boolean {
    if (!this.pending) return false;
    for (const p of this.pending.values()) {
      if (p.peer === peer) return true;
      const l = p.run?.lookup;
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
    const pending = this.pending;
    if (!pending || this.timer(TimerKind.Rpc) > now) return; // nothing due: no scan
    this.setTimer(TimerKind.Rpc, Infinity);
    // Requests opened by a handler lower the timer themselves (and are visited too, not yet due).
    for (const [rpc, p] of pending) {
      if (p.deadline <= now) {
        if (p.late || p.purpose !== Purpose.Lookup) pending.delete(rpc);
        if (!p.late) handler.onRequestTimeout(p, now);
        if (!pending.has(rpc)) continue;
      }
      this.lowerTimer(TimerKind.Rpc, p.deadline);
    }
  }

  /** A lookup request timed out: its slot is freed, but a late reply is still taken until maxTimeoutMs from now. */
  markLate(p: Pending<R>, now: number): void {
    p.late = true;
    p.deadline = now + this.config.maxTimeoutMs;
    this.lowerTimer(TimerKind.Rpc, p.deadline);
  }

  /** Empties the table (the node stops) and returns what was pending, in the order it was sent. */
  takeAllRequests(): Pending<R>[] {
    const all = this.pending ? [...this.pending.values()] : [];
    this.pending = null;
    this.setTimer(TimerKind.Rpc, Infinity);
    return all;
  }

  /** RFC 6298-style timeout: srtt + 4·rttvar of the contact, else of the node, within [min, max]. */
  private timeoutFor(peer: number): number {
    const c = this.config;
    const own = this.table.rttOf(peer);
    let rto: number;
    if (own) rto = own.srtt + 4 * own.rttvar;
    // The node-wide estimate mixes near and far peers: be twice as patient with a stranger.
    else if (this.srtt > 0) rto = 2 * (this.srtt + 4 * this.rttvar);
    else rto = c.initialTimeoutMs;
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

function replyTypeFor(request: MessageType, reply: MessageType): MessageType {
  switch (request) {
    case MessageType.Ping:
      return MessageType.Pong;
    case MessageType.Store:
      return MessageType.StoreAck;
    case MessageType.FindNode:
      return MessageType.Nodes;
    case MessageType.FindValue:
      return reply === MessageType.Value ? MessageType.Value : MessageType.Nodes;
    case MessageType.AddSource:
      return MessageType.StoreAck;
    case MessageType.FindSources:
      return MessageType.Sources;
    default:
      return -1 as MessageType;
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
  return s.openRequest(peer, msg, purpose, now, run, waiter, timeoutScale).deadline;
}
