/**
 * One iterative lookup (FIND_NODE or FIND_VALUE) over its shortlist (shortlist.ts), in the style
 * of rust-libp2p's ClosestPeersIter. Contract: `next(now)` hands out the next peer handle to ask
 * (or NEXT_WAIT / NEXT_FINISHED); the caller sends, then sets that peer's deadline with
 * `setDeadline`, and reports `onSuccess(peer, closer)` (the reply's contacts join at the peer's
 * depth + 1) or `onFailure(peer)`. `next(now)` fails a Waiting peer whose deadline is strictly
 * before `now`: a host that ticks late still moves on, while one that ticks exactly on the
 * deadline leaves the timeout to the request table. It sends nothing and keeps no clock.
 *
 * The lookup ends when the k closest candidates that answered have all been queried and none
 * closer is in flight or left to ask; failed ones do not count toward the k.
 */
import { PeerIds } from './peers.js';
import { PeerState, Shortlist } from './shortlist.js';

export { PeerState } from './shortlist.js';

export const enum LookupKind {
  FindNode = 0,
  FindValue = 1,
  /** Runs to the k closest like FindNode, asking each for its source values (source-ops.ts). */
  FindSources = 2,
}

/** What `next(now)` returns when it has no peer to hand out. */
export const NEXT_FINISHED = -1;
export const NEXT_WAIT = -2;

export class Lookup extends Shortlist {
  rpcs = 0;
  timeouts = 0;
  private done = false;
  /**
   * The Waiting candidates and their deadlines: peer i at flight[i], its deadline at
   * flight[α + i], in no order; 2α doubles of the shortlist's region. At most α are out, so a
   * short list beside the shortlist is enough (a deadline per candidate would be one more array
   * for add to shift). Kept in the Lookup, not in an object of its own (the former InFlight):
   * one object and one view fewer per lookup, one hop fewer on every reply.
   */
  private readonly flight: Float64Array;
  private flying = 0;

  constructor(
    readonly kind: LookupKind,
    peers: PeerIds,
    target: Uint32Array,
    targetAt: number,
    /** Results wanted (k). */
    readonly want: number,
    readonly alpha: number,
    /** Candidates kept besides failed ones; the farthest beyond it that are not in flight are dropped. */
    capacity: number,
    /** The asking node, never a candidate. */
    self: number,
  ) {
    // In-flight candidates take no room (evictFarthest): without failures the list holds at most
    // capacity + α. The in-flight list (2α doubles) shares the shortlist's region.
    super(peers, target, targetAt, capacity, capacity + alpha, self, alpha * 16);
    this.flight = new Float64Array(this.buffer, this.bufferAt, alpha * 2);
  }

  /** Requests out (candidates Waiting). */
  get inflight(): number {
    return this.flying;
  }

  /** True once the lookup has ended (next(now) said so, or finish() was called); final unless reopen(). */
  get finished(): boolean {
    return this.done;
  }

  /** Ends the lookup now (a value was found, or the node stopped). */
  finish(): void {
    this.done = true;
  }

  /** Takes a finished lookup up again after candidates were added (the node's refill from its table). */
  reopen(): void {
    this.done = false;
  }

  /**
   * The handle of the next candidate to query (its state becomes Waiting, with
   * no deadline until setDeadline), or NEXT_WAIT when α requests are in flight
   * or the closest ones are still out, or NEXT_FINISHED. First, peers in
   * flight whose deadline is strictly before `now` fail.
   *
   * Only the k closest candidates that have not failed are ever asked: while
   * some of them are in flight, nothing farther is queried on speculation. If
   * one fails, the window slides to take in the next candidate.
   */
  next(now: number): number {
    if (this.done) return NEXT_FINISHED;
    for (let late = this.overdue(now); late >= 0; late = this.overdue(now)) this.onFailure(late);
    let succeeded = 0;
    let live = 0;
    for (let i = 0; i < this.size; i++) {
      const state = this.states[i];
      if (state === PeerState.Failed) continue;
      if (live === this.want) break; // past the window of the k closest live candidates
      live++;
      if (state === PeerState.Succeeded) {
        if (++succeeded === this.want) {
          this.done = true;
          return NEXT_FINISHED;
        }
      } else if (state === PeerState.NotContacted) {
        if (this.inflight >= this.alpha) return NEXT_WAIT;
        this.states[i] = PeerState.Waiting;
        const handle = this.handles[i]!;
        // In flight with no deadline (never overdue) until setDeadline.
        this.flight[this.flying] = handle;
        this.flight[this.alpha + this.flying++] = Infinity;
        this.rpcs++;
        return handle;
      }
    }
    if (this.inflight > 0) return NEXT_WAIT;
    this.done = true;
    return NEXT_FINISHED;
  }

  /** When the peer just handed out by next(now) must have answered; no effect for a peer not in flight. */
  setDeadline(peer: number, at: number): void {
    const i = this.flightSlot(peer);
    if (i >= 0) this.flight[this.alpha + i] = at;
  }

  /** A peer in flight whose deadline is strictly before `now`, or -1. */
  private overdue(now: number): number {
    const f = this.flight;
    for (let i = 0; i < this.flying; i++) if (f[this.alpha + i]! < now) return f[i]!;
    return -1;
  }

  private flightSlot(peer: number): number {
    for (let i = this.flying - 1; i >= 0; i--) if (this.flight[i] === peer) return i;
    return -1;
  }

  /** Takes `peer` off the in-flight list (the last entry fills its place). */
  private land(peer: number): void {
    const i = this.flightSlot(peer);
    if (i < 0) return;
    const last = --this.flying;
    const f = this.flight;
    f[i] = f[last]!;
    f[this.alpha + i] = f[this.alpha + last]!;
  }

  /**
   * The peer answered; `closer` (the contacts of its reply, if any) join the shortlist at its
   * depth + 1. A late answer from a failed peer counts too. False when the peer is no candidate.
   */
  onSuccess(peer: number, closer?: ArrayLike<number>): boolean {
    const index = this.indexOf(peer);
    if (index < 0) return false;
    const state = this.states[index];
    if (state === PeerState.Waiting) this.land(peer);
    else if (state === PeerState.Failed) this.failed--; // a late reply
    this.states[index] = PeerState.Succeeded;
    if (closer) {
      const depth = this.depths[index]! + 1;
      this.addAll(closer, depth);
    }
    return true;
  }

  /**
   * The peer did not answer in time. A peer that already failed (its deadline passed in
   * next(now)) is not counted again: the request table's timeout for it comes after. False
   * when the peer is no candidate.
   */
  onFailure(peer: number): boolean {
    const index = this.indexOf(peer);
    if (index < 0) return false;
    const state = this.states[index];
    if (state === PeerState.Failed) return true;
    if (state === PeerState.Waiting) this.land(peer);
    this.failed++;
    this.states[index] = PeerState.Failed;
    this.timeouts++;
    return true;
  }

  /** The first `n` succeeded candidates, closest first. */
  results(n = this.want): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size && out.length < n; i++) if (this.states[i] === PeerState.Succeeded) out.push(this.handles[i]!);
    return out;
  }

  /** True when some candidate has not been asked yet. */
  hasUncontacted(): boolean {
    for (let i = 0; i < this.size; i++) if (this.states[i] === PeerState.NotContacted) return true;
    return false;
  }

  /** Handle of the closest candidate that answered, other than `except`; -1 when there is none. */
  closestSucceeded(except = -1): number {
    for (let i = 0; i < this.size; i++) if (this.states[i] === PeerState.Succeeded && this.handles[i] !== except) return this.handles[i]!;
    return -1;
  }

  /** Learned-from depth of a candidate (1 = from the asking node's table), or -1 when it is none. */
  depthOf(peer: number): number {
    const i = this.indexOf(peer);
    return i < 0 ? -1 : this.depths[i]!;
  }

  /** Candidates that answered and sort before `peer` (all that answered when it is none). */
  succeededBefore(peer: number): number {
    let n = 0;
    for (let i = 0; i < this.size && this.handles[i] !== peer; i++) if (this.states[i] === PeerState.Succeeded) n++;
    return n;
  }

  succeededCount(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.states[i] === PeerState.Succeeded) n++;
    return n;
  }
}

