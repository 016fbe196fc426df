/**
 * One iterative lookup's shortlist (FIND_NODE or FIND_VALUE), in the style of
 * rust-libp2p's ClosestPeersIter. Contract: `next(now)` hands out the next
 * peer handle to ask (or NEXT_WAIT / NEXT_FINISHED); the caller sends, then
 * sets that peer's deadline with `setDeadline`, and reports `onSuccess(peer,
 * closer)` (the reply's contacts join at the peer's depth + 1) or
 * `onFailure(peer)`. `next(now)` fails a Waiting peer whose deadline is
 * strictly before `now`: a host that ticks late still moves on, while one that
 * ticks exactly on the deadline leaves the timeout to the request table. It
 * sends nothing and keeps no clock.
 *
 * Candidates are kept sorted by distance in typed arrays (`handles`, `states`,
 * `depths`: public for tests; callers use the queries). The lookup ends when
 * the k closest candidates that answered have all been queried and none
 * closer is in flight or left to ask; failed ones do not count toward the k.
 */
import { ID_WORDS } from './id.js';
import { InFlight } from './in-flight.js';
import { PeerIds } from './peers.js';

export const enum PeerState {
  NotContacted = 0,
  Waiting = 1,
  Succeeded = 2,
  Failed = 3,
}

export const enum LookupKind {
  FindNode = 0,
  FindValue = 1,
  /** Runs to the k closest like FindNode, asking each for its source values (source-ops.ts). */
  FindSources = 2,
}

/** What `next(now)` returns when it has no peer to hand out. */
export const NEXT_FINISHED = -1;
export const NEXT_WAIT = -2;

export class Lookup {
  readonly target = new Uint32Array(ID_WORDS);
  handles: Uint32Array;
  states: Uint8Array;
  depths: Uint8Array;
  private dist: Uint32Array;
  size = 0;
  /** Failed candidates stay (so a later reply naming them does not bring them back) but take no room. */
  private failed = 0;
  rpcs = 0;
  timeouts = 0;
  private done = false;
  /** The Waiting candidates and their deadlines. */
  private readonly wait: InFlight;

  constructor(
    readonly kind: LookupKind,
    /** IDs of the handles (read through the object: the table may replace its words when it grows). */
    private readonly peers: PeerIds,
    target: Uint32Array,
    targetAt: number,
    /** Results wanted (k). */
    readonly want: number,
    readonly alpha: number,
    /** Candidates kept besides failed ones; the farthest beyond it that are not in flight are dropped. */
    private readonly capacity: number,
    /** The asking node, never a candidate. */
    readonly self: number,
  ) {
    for (let w = 0; w < ID_WORDS; w++) this.target[w] = target[targetAt + w]!;
    this.handles = new Uint32Array(capacity);
    this.states = new Uint8Array(capacity);
    this.depths = new Uint8Array(capacity);
    this.dist = new Uint32Array(capacity * ID_WORDS);
    this.wait = new InFlight(alpha);
  }

  /** Requests out (candidates Waiting). */
  get inflight(): number {
    return this.wait.count;
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

  /** Slot of a candidate in the shortlist (slots move as candidates come and go), or -1. */
  indexOf(handle: number): number {
    for (let i = 0; i < this.size; i++) if (this.handles[i] === handle) return i;
    return -1;
  }

  /**
   * Adds a candidate learned at `depth`; keeps the smaller depth for a known
   * one. Binary search on distance: equal distance means the same ID, so a
   * known candidate is found without a scan.
   */
  add(handle: number, depth: number): void {
    if (handle === this.self) return;
    const ids = this.peers.words;
    const a = handle * ID_WORDS;
    // Our own ID under another address (over UDP anyone may claim it) is no candidate either.
    const me = this.self * ID_WORDS;
    if (ids[a] === ids[me] && this.peers.sameId(handle, this.self)) return;
    const t = this.target;
    const d0 = (ids[a]! ^ t[0]!) >>> 0;
    const d1 = (ids[a + 1]! ^ t[1]!) >>> 0;
    const d2 = (ids[a + 2]! ^ t[2]!) >>> 0;
    const d3 = (ids[a + 3]! ^ t[3]!) >>> 0;
    const d4 = (ids[a + 4]! ^ t[4]!) >>> 0;
    // Failed and in-flight candidates take no room: see evictFarthest.
    const limit = this.capacity + this.failed + this.inflight;
    let dist = this.dist;
    // Full and no closer than the farthest: most contacts of a late reply stop here.
    if (this.size >= limit && cmp(d0, d1, d2, d3, d4, dist, (this.size - 1) * ID_WORDS) > 0) return;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = cmp(d0, d1, d2, d3, d4, dist, mid * ID_WORDS);
      if (c === 0) {
        // Same ID: the same candidate (or a duplicate ID under another address, ignored).
        if (this.handles[mid] === handle && depth < this.depths[mid]!) this.depths[mid] = depth;
        return;
      }
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    let end = this.size;
    const last = this.states[end - 1];
    if (end >= limit && (last === PeerState.NotContacted || last === PeerState.Succeeded)) {
      end--; // full: the farthest gives way (the common case; no growth, no second shift)
    } else {
      if (this.size === this.handles.length) dist = this.grow();
      this.size++;
    }
    if (end > lo) {
      this.handles.copyWithin(lo + 1, lo, end);
      this.states.copyWithin(lo + 1, lo, end);
      this.depths.copyWithin(lo + 1, lo, end);
      dist.copyWithin((lo + 1) * ID_WORDS, lo * ID_WORDS, end * ID_WORDS);
    }
    this.handles[lo] = handle;
    this.states[lo] = PeerState.NotContacted;
    this.depths[lo] = depth > 255 ? 255 : depth;
    const at = lo * ID_WORDS;
    dist[at] = d0;
    dist[at + 1] = d1;
    dist[at + 2] = d2;
    dist[at + 3] = d3;
    dist[at + 4] = d4;
    while (this.size > limit && this.evictFarthest());
  }

  /**
   * Over capacity: the farthest candidate that is neither in flight nor failed gives way (maybe
   * the newcomer); false when there is none. In-flight ones stay so their answers land, failed
   * ones so a later reply naming them does not bring them back, and neither counts toward the
   * capacity: when far first picks were in flight (α = 3), the closest contact of the first
   * reply used to be the one dropped.
   */
  private evictFarthest(): boolean {
    let j = this.size - 1;
    while (j >= 0 && (this.states[j] === PeerState.Waiting || this.states[j] === PeerState.Failed)) j--;
    if (j < 0) return false;
    const end = this.size--;
    if (j < end - 1) {
      this.handles.copyWithin(j, j + 1, end);
      this.states.copyWithin(j, j + 1, end);
      this.depths.copyWithin(j, j + 1, end);
      this.dist.copyWithin(j * ID_WORDS, (j + 1) * ID_WORDS, end * ID_WORDS);
    }
    return true;
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
    for (let late = this.wait.overdue(now); late >= 0; late = this.wait.overdue(now)) this.onFailure(late);
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
        this.wait.add(handle);
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
    this.wait.setDeadline(peer, at);
  }

  /**
   * The peer answered; `closer` (the contacts of its reply, if any) join the shortlist at its
   * depth + 1. A late answer from a failed peer counts too. False when the peer is no candidate.
   */
  onSuccess(peer: number, closer?: ArrayLike<number>): boolean {
    const index = this.indexOf(peer);
    if (index < 0) return false;
    const state = this.states[index];
    if (state === PeerState.Waiting) this.wait.remove(peer);
    else if (state === PeerState.Failed) this.failed--; // a late reply
    this.states[index] = PeerState.Succeeded;
    if (closer) {
      const depth = this.depths[index]! + 1;
      for (let c = 0; c < closer.length; c++) this.add(closer[c]!, depth);
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
    if (state === PeerState.Waiting) this.wait.remove(peer);
    this.failed++;
    this.states[index] = PeerState.Failed;
    this.timeouts++;
    return true;
  }

  /** Doubles the arrays (failed or in-flight candidates filled them); returns the new distance array. */
  private grow(): Uint32Array {
    const n = this.handles.length * 2;
    const handles = new Uint32Array(n);
    const states = new Uint8Array(n);
    const depths = new Uint8Array(n);
    const dist = new Uint32Array(n * ID_WORDS);
    handles.set(this.handles);
    states.set(this.states);
    depths.set(this.depths);
    dist.set(this.dist);
    this.handles = handles;
    this.states = states;
    this.depths = depths;
    this.dist = dist;
    return dist;
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

  succeededCount(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.states[i] === PeerState.Succeeded) n++;
    return n;
  }
}

/** Compares the distance (d0..d4) with the one stored at `at`: negative when closer. */
function cmp(d0: number, d1: number, d2: number, d3: number, d4: number, dist: Uint32Array, at: number): number {
  let x = dist[at]!;
  if (d0 !== x) return d0 < x ? -1 : 1;
  x = dist[at + 1]!;
  if (d1 !== x) return d1 < x ? -1 : 1;
  x = dist[at + 2]!;
  if (d2 !== x) return d2 < x ? -1 : 1;
  x = dist[at + 3]!;
  if (d3 !== x) return d3 < x ? -1 : 1;
  x = dist[at + 4]!;
  return d4 === x ? 0 : d4 < x ? -1 : 1;
}
