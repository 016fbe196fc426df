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
 * `depths`: public for tests; callers use the queries), ranked by the top 53
 * bits of their distance as one float (`keys`), with the full 160-bit
 * comparison only when two keys are equal, so an insert shifts one float per
 * candidate instead of five words. The arrays are sized for the capacity plus
 * what may be in flight, so a lookup without failures never grows them. The lookup ends when
 * the k closest candidates that answered have all been queried and none
 * closer is in flight or left to ask; failed ones do not count toward the k.
 */
import { ID_WORDS, compareDistance } from './id.js';
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

// A reply's newcomers while addAll merges them (one thread, no re-entry: shared by all lookups).
let inKeys = new Float64Array(64);
let inHandles = new Uint32Array(64);
let inAt = new Int32Array(64);

function growIncoming(n: number): void {
  inKeys = new Float64Array(n);
  inHandles = new Uint32Array(n);
  inAt = new Int32Array(n);
}

export class Lookup {
  readonly target: Uint32Array;
  handles: Uint32Array;
  states: Uint8Array;
  depths: Uint8Array;
  /** Distance from the target of each candidate, top 53 bits (see the header). */
  private keys: Float64Array;
  size = 0;
  /** Slot indexOf found last: a reply's peer is looked up twice in a row (depth, then success). */
  private lastIndex = 0;
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
    // In-flight candidates take no room (evictFarthest): without failures the list holds at most capacity + α.
    const slots = capacity + alpha;
    // One buffer for the in-flight list, the target and the four arrays (a lookup is made per
    // operation, and one allocation is cheaper than seven; measured 1.3 → 0.5 µs a constructor):
    // the doubles first (8-byte aligned), then handles and the target (4), then states and depths.
    const fly = alpha * 16;
    const buffer = new ArrayBuffer(fly + slots * 14 + ID_WORDS * 4);
    this.wait = new InFlight(alpha, buffer, 0);
    this.keys = new Float64Array(buffer, fly, slots);
    this.handles = new Uint32Array(buffer, fly + slots * 8, slots);
    this.target = new Uint32Array(buffer, fly + slots * 12, ID_WORDS);
    this.states = new Uint8Array(buffer, fly + slots * 12 + ID_WORDS * 4, slots);
    this.depths = new Uint8Array(buffer, fly + slots * 13 + ID_WORDS * 4, slots);
    for (let w = 0; w < ID_WORDS; w++) this.target[w] = target[targetAt + w]!;
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
    // A handle is in the list at most once, so the cached slot is right whenever it still holds it.
    const c = this.lastIndex;
    if (c < this.size && this.handles[c] === handle) return c;
    for (let i = 0; i < this.size; i++) {
      if (this.handles[i] === handle) {
        this.lastIndex = i;
        return i;
      }
    }
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
    const key = ((ids[a]! ^ t[0]!) >>> 0) * 2097152 + (((ids[a + 1]! ^ t[1]!) >>> 0) >>> 11);
    // Failed and in-flight candidates take no room: see evictFarthest.
    const limit = this.capacity + this.failed + this.inflight;
    const keys = this.keys;
    const size = this.size;
    // Full and no closer than the farthest: most contacts of a late reply stop here.
    if (size >= limit && this.compare(key, a, size - 1) > 0) return;
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      const c = key < k ? -1 : key > k ? 1 : this.compare(key, a, mid);
      if (c === 0) {
        // Same ID: the same candidate (or a duplicate ID under another address, ignored).
        if (this.handles[mid] === handle && depth < this.depths[mid]!) this.depths[mid] = depth;
        return;
      }
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    let end = size;
    const last = this.states[end - 1];
    if (end >= limit && (last === PeerState.NotContacted || last === PeerState.Succeeded)) {
      end--; // full: the farthest gives way (the common case; no growth, no second shift)
    } else {
      if (size === this.handles.length) this.grow();
      this.size++;
    }
    const handles = this.handles;
    const states = this.states;
    const depths = this.depths;
    const ks = this.keys;
    // A short shift: a plain loop beats three copyWithin calls at these lengths.
    for (let i = end; i > lo; i--) {
      handles[i] = handles[i - 1]!;
      states[i] = states[i - 1]!;
      depths[i] = depths[i - 1]!;
      ks[i] = ks[i - 1]!;
    }
    handles[lo] = handle;
    states[lo] = PeerState.NotContacted;
    depths[lo] = depth > 255 ? 255 : depth;
    ks[lo] = key;
    while (this.size > limit && this.evictFarthest());
  }

  /**
   * Adds a reply's contacts, all learned at `depth`: the same shortlist as `add` for each in turn
   * (a known one keeps the smaller depth, the first of two under one ID stays, the farthest that
   * are neither in flight nor failed give way), in one merge. The contacts that can enter are
   * sorted by distance once; one pass finds those already known; one pass from the far end
   * writes the merged list, dropping what is over the limit, so each candidate moves once
   * instead of once per closer newcomer. A contact no closer than the farthest of a full list
   * never enters, so a late reply whose nearest contact cannot enter costs one compare per contact.
   */
  addAll(contacts: ArrayLike<number>, depth: number): void {
    const n = contacts.length;
    if (n === 0) return;
    if (n > inKeys.length) growIncoming(n);
    const ids = this.peers.words;
    const t = this.target;
    const me = this.self * ID_WORDS;
    const limit = this.capacity + this.failed + this.inflight;
    const size = this.size;
    const full = size >= limit;
    const keys = inKeys;
    const hs = inHandles;
    // 1. The contacts that can enter, sorted by distance (insertion sort: a reply holds ≤ k);
    // of two under one ID the first stays, as with add one by one.
    let m = 0;
    for (let c = 0; c < n; c++) {
      const h = contacts[c]!;
      if (h === this.self) continue;
      const a = h * ID_WORDS;
      if (ids[a] === ids[me] && this.peers.sameId(h, this.self)) continue;
      const key = ((ids[a]! ^ t[0]!) >>> 0) * 2097152 + (((ids[a + 1]! ^ t[1]!) >>> 0) >>> 11);
      if (full && this.compare(key, a, size - 1) > 0) continue;
      let j = m;
      let same = false;
      while (j > 0) {
        const k = keys[j - 1]!;
        const cmp = key < k ? -1 : key > k ? 1 : compareDistance(ids, a, hs[j - 1]! * ID_WORDS, t, 0);
        if (cmp > 0) break;
        if (cmp === 0) {
          same = true;
          break;
        }
        j--;
      }
      if (same) continue;
      for (let i = m; i > j; i--) {
        keys[i] = keys[i - 1]!;
        hs[i] = hs[i - 1]!;
      }
      keys[j] = key;
      hs[j] = h;
      m++;
    }
    if (m === 0) return;
    // 2. Those already in the list (same ID) leave the batch; a known one keeps the smaller depth.
    let kept = this.placeNewcomers(m, depth, true);
    if (kept === 0) return;
    if (size > limit) {
      // An over-full list (a reply lowered the limit) first sheds down to the limit, as add does
      // once its first newcomer is in; the places are counted again in the shorter list.
      while (this.size > limit && this.evictFarthest());
      kept = this.placeNewcomers(kept, depth, false);
      if (this.size > limit) {
        // Only in flight or failed candidates left over the limit (not reached while the counts
        // agree with the states): one by one, as add would.
        for (let j = 0; j < kept; j++) this.add(hs[j]!, depth);
        return;
      }
    }
    // 3. Every newcomer kept now costs one drop: the merge from the far end.
    this.mergeFromEnd(kept, depth, limit);
  }

  /**
   * For the `m` sorted newcomers in inKeys/inHandles, sets inAt[j] to how many candidates sort
   * before newcomer j; with `dedupe`, a newcomer whose ID is a candidate's leaves the batch (a
   * known handle keeps the smaller depth). Returns how many newcomers are left.
   */
  private placeNewcomers(m: number, depth: number, dedupe: boolean): number {
    const keys = inKeys;
    const hs = inHandles;
    const at = inAt;
    const size = this.size;
    const ks = this.keys;
    let i = 0;
    let kept = 0;
    for (let j = 0; j < m; j++) {
      const key = keys[j]!;
      const a = hs[j]! * ID_WORDS;
      // Past the candidates closer than newcomer j; the full comparison only on equal keys.
      let cmp = 1;
      while (i < size) {
        const k = ks[i]!;
        if (k > key) break;
        if (k === key && (cmp = this.compare(key, a, i)) <= 0) break;
        cmp = 1;
        i++;
      }
      if (dedupe && i < size && cmp === 0) {
        if (this.handles[i] === hs[j] && depth < this.depths[i]!) this.depths[i] = depth;
        continue;
      }
      keys[kept] = key;
      hs[kept] = hs[j]!;
      at[kept++] = i;
    }
    return kept;
  }

  /**
   * Writes the list merged with the `m` sorted newcomers in inKeys/inHandles (newcomer j after
   * the first at[j] candidates), from the far end, dropping the farthest candidates that are
   * neither in flight nor failed (or newcomers) while the list is over `limit`.
   */
  private mergeFromEnd(m: number, depth: number, limit: number): void {
    const at = inAt;
    let i = this.size - 1;
    let drop = this.size + m - limit;
    if (drop < 0) drop = 0;
    // The list holds at most limit, so drop ≤ m: the write position never passes the read one.
    const total = this.size + m - drop;
    while (total > this.handles.length) this.grow();
    const handles = this.handles;
    const states = this.states;
    const depths = this.depths;
    const ks = this.keys;
    const d = depth > 255 ? 255 : depth;
    let w = total - 1;
    let j = m - 1;
    while (j >= 0 || (drop > 0 && i >= 0)) {
      if (j >= 0 && (i < at[j]!)) {
        // Newcomer j is the farthest left: dropped while over the limit, else written.
        if (drop > 0) drop--;
        else {
          handles[w] = inHandles[j]!;
          states[w] = PeerState.NotContacted;
          depths[w] = d;
          ks[w] = inKeys[j]!;
          w--;
        }
        j--;
        continue;
      }
      const st = states[i]!;
      if (drop > 0 && (st === PeerState.NotContacted || st === PeerState.Succeeded)) drop--;
      else if (w !== i) {
        handles[w] = handles[i]!;
        states[w] = st;
        depths[w] = depths[i]!;
        ks[w] = ks[i]!;
        w--;
      } else w--;
      i--;
    }
    this.size = total;
  }

  /** Compares a newcomer (key `key`, ID words at `a`) with the candidate in `slot`: negative when the newcomer is closer, 0 for the same ID. */
  private compare(key: number, a: number, slot: number): number {
    const k = this.keys[slot]!;
    if (key !== k) return key < k ? -1 : 1;
    return compareDistance(this.peers.words, a, this.handles[slot]! * ID_WORDS, this.target, 0);
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
      this.keys.copyWithin(j, j + 1, end);
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
    if (state === PeerState.Waiting) this.wait.remove(peer);
    this.failed++;
    this.states[index] = PeerState.Failed;
    this.timeouts++;
    return true;
  }

  /** Doubles the arrays (failed candidates filled them). */
  private grow(): void {
    const n = this.handles.length * 2;
    const handles = new Uint32Array(n);
    const states = new Uint8Array(n);
    const depths = new Uint8Array(n);
    const keys = new Float64Array(n);
    handles.set(this.handles);
    states.set(this.states);
    depths.set(this.depths);
    keys.set(this.keys);
    this.handles = handles;
    this.states = states;
    this.depths = depths;
    this.keys = keys;
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
