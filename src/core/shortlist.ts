/**
 * The candidates of one lookup, sorted by distance from its target (lookup.ts runs the iterative
 * lookup over them). Typed arrays (`handles`, `states`, `depths`: public for tests; callers use
 * the queries), ranked by the top 53 bits of their distance as one float (`keys`), with the full
 * 160-bit comparison only when two keys are equal, so an insert moves one float per candidate
 * instead of five words. The arrays are sized for the capacity plus what may be in flight, so a
 * lookup without failures never grows them. Failed and in-flight candidates take no room: the
 * farthest of the others give way (evictFarthest).
 */
import { ID_WORDS, compareDistance } from './id.js';
import { batch, placeNewcomers, sortNewcomers } from './newcomers.js';
import { PeerIds } from './peers.js';
import { region, takeRegion } from './shortlist-slab.js';

export const enum PeerState {
  NotContacted = 0,
  Waiting = 1,
  Succeeded = 2,
  Failed = 3,
}

export abstract class Shortlist {
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
  protected failed = 0;
  /** The buffer behind the arrays (shared, shortlist-slab.ts); from `bufferAt`, `reserve` bytes are the subclass's (the in-flight list). */
  protected readonly buffer: ArrayBuffer;
  protected readonly bufferAt: number;

  constructor(
    /** IDs of the handles (read through the object: the table may replace its words when it grows). */
    private readonly peers: PeerIds,
    target: Uint32Array,
    targetAt: number,
    /** Candidates kept besides failed and in-flight ones; the farthest beyond it are dropped. */
    private readonly capacity: number,
    /** Slots the arrays start with. */
    slots: number,
    /** The asking node, never a candidate. */
    readonly self: number,
    reserve: number,
  ) {
    // One region for the subclass's part, the target and the four arrays (a lookup is made per
    // operation): the doubles first (8-byte aligned: reserve is a multiple of 8), then handles
    // and the target (4), then states and depths.
    takeRegion(reserve + slots * 14 + ID_WORDS * 4);
    const buffer = region.buffer;
    const at = region.at;
    this.buffer = buffer;
    this.bufferAt = at;
    this.keys = new Float64Array(buffer, at + reserve, slots);
    this.handles = new Uint32Array(buffer, at + reserve + slots * 8, slots);
    this.target = new Uint32Array(buffer, at + reserve + slots * 12, ID_WORDS);
    this.states = new Uint8Array(buffer, at + reserve + slots * 12 + ID_WORDS * 4, slots);
    this.depths = new Uint8Array(buffer, at + reserve + slots * 13 + ID_WORDS * 4, slots);
    for (let w = 0; w < ID_WORDS; w++) this.target[w] = target[targetAt + w]!;
  }

  /** Requests out (candidates Waiting): they take no room. */
  abstract get inflight(): number;

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
   * Adds a reply's contacts (the first `count` of `contacts`), all learned at `depth`: the same shortlist as `add` for each in turn
   * (a known one keeps the smaller depth, the first of two under one ID stays, the farthest that
   * are neither in flight nor failed give way), in one merge. Each contact is looked up in the
   * list once (sortNewcomers: the known ones, most of a reply, stop there); the new ones, sorted
   * by distance with their places, are written by one pass from the far end, dropping what is
   * over the limit, so each candidate moves once instead of once per closer newcomer.
   */
  addAll(contacts: ArrayLike<number>, depth: number, count = contacts.length): void {
    if (count === 0) return;
    const limit = this.capacity + this.failed + this.inflight;
    // 1. The contacts new to the list, sorted by distance, with their places.
    const m = sortNewcomers(contacts, count, this.peers, this.self, this.target, this.keys, this.handles, this.depths, this.size, this.size >= limit, depth);
    if (m === 0) return;
    if (this.size > limit) {
      // An over-full list (a reply lowered the limit) first sheds down to the limit, as add does
      // once its first newcomer is in; the places are counted again in the shorter list.
      while (this.size > limit && this.evictFarthest());
      placeNewcomers(m, this.keys, this.handles, this.size, this.peers.words, this.target);
      if (this.size > limit) {
        // Only in flight or failed candidates left over the limit (not reached while the counts
        // agree with the states): one by one, as add would.
        for (let j = 0; j < m; j++) this.add(batch.handles[j]!, depth);
        return;
      }
    }
    // 2. Every newcomer now costs one drop: the merge from the far end.
    this.mergeFromEnd(m, depth, limit);
  }

  /**
   * Writes the list merged with the `m` sorted newcomers in `batch` (newcomer j after the first
   * batch.at[j] candidates), from the far end, dropping the farthest candidates that are
   * neither in flight nor failed (or newcomers) while the list is over `limit`.
   */
  private mergeFromEnd(m: number, depth: number, limit: number): void {
    const { at, keys: inKeys, handles: inHandles } = batch;
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
}
