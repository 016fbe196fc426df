/**
 * A reply's contacts on their way into a shortlist (Shortlist.addAll): those new to it, sorted by
 * distance from the target, each with its place in the list, in scratch arrays shared by every
 * lookup of the thread (the core is single-threaded and addAll does not re-enter).
 */
import { ID_WORDS, compareDistance } from './id.js';
import type { PeerIds } from './peers.js';

/** The newcomers: distance keys (top 53 bits, as the shortlist's), handles, and places in the list. */
export const batch = { keys: new Float64Array(64), handles: new Uint32Array(64), at: new Int32Array(64) };

/**
 * Each candidate's slot + 1, by handle, while one sortNewcomers call runs (0: not a candidate);
 * the call clears its marks before it returns. Measured in the 10,000-node swarm: a scan of the
 * list's handles for each of a reply's 20 contacts (~40 slots, most of them known) was 40 % of
 * sortNewcomers; marking ~40 slots and reading 20 marks is a fraction of that. One byte per
 * handle of the ID table, per thread.
 */
let marks = new Uint8Array(0);

/** Marks the `size` candidates' slots; false when a slot does not fit in a mark (a list grown past 255). */
function markSlots(handles: Uint32Array, size: number, capacity: number): boolean {
  if (size > 255) return false;
  if (marks.length < capacity) marks = new Uint8Array(capacity);
  for (let i = 0; i < size; i++) marks[handles[i]!] = i + 1;
  return true;
}

/** Slot of handle `h` among the first `size`, or -1 (a list too long to mark). */
function scanFor(handles: Uint32Array, size: number, h: number): number {
  for (let i = 0; i < size; i++) if (handles[i] === h) return i;
  return -1;
}

/**
 * Puts into `batch` those of the first `n` contacts that are new to the list (its `size` candidates, sorted by
 * distance: `keys`, `handles`, `depths`), closest first, with their places
 * (batch.at[j]: how many candidates sort before newcomer j), and returns how many. Left out, as
 * with add one by one: the asking node and its ID under another handle; when the list is `full`,
 * a contact farther than its last candidate; a contact whose ID is a candidate's (a known handle
 * keeps the smaller `depth`); of two under one ID, the second.
 *
 * Measured in the 10,000-node swarm: four in five contacts of a reply are known already (the
 * replier's k closest to the target are mostly the list's own). So each contact is looked up in
 * the list first (by its mark: markSlots) and only the new ones are placed by a binary search on
 * the keys and sorted (an insertion sort: a reply holds ≤ k contacts); the search gives each its
 * place, so no second pass over the list counts them.
 */
export function sortNewcomers(
  contacts: ArrayLike<number>,
  n: number,
  peers: PeerIds,
  self: number,
  t: Uint32Array,
  keys: Float64Array,
  handles: Uint32Array,
  depths: Uint8Array,
  size: number,
  full: boolean,
  depth: number,
): number {
  if (n > batch.keys.length) {
    batch.keys = new Float64Array(n);
    batch.handles = new Uint32Array(n);
    batch.at = new Int32Array(n);
  }
  const inKeys = batch.keys;
  const hs = batch.handles;
  const at = batch.at;
  const ids = peers.words;
  const me = self * ID_WORDS;
  const t0 = t[0]!;
  const t1 = t[1]!;
  const lastKey = full ? keys[size - 1]! : Infinity;
  const marked = markSlots(handles, size, ids.length / ID_WORDS);
  let m = 0;
  for (let c = 0; c < n; c++) {
    const h = contacts[c]!;
    if (h === self) continue;
    // A known handle (most of a reply) found by its mark, without reading its ID or scanning the list.
    const i = marked ? marks[h]! - 1 : scanFor(handles, size, h);
    if (i >= 0) {
      if (depth < depths[i]!) depths[i] = depth;
      continue;
    }
    const a = h * ID_WORDS;
    const w0 = ids[a]!;
    if (w0 === ids[me] && peers.sameId(h, self)) continue;
    const key = ((w0 ^ t0) >>> 0) * 2097152 + (((ids[a + 1]! ^ t1) >>> 0) >>> 11);
    // Farther than the last candidate of a full list: most contacts of a late reply that are not known stop here.
    if (key > lastKey) continue;
    // Its place in the list; the full comparison only on equal keys (a handle is its own ID: no comparison).
    let lo = 0;
    let hi = size;
    let known = false;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      let cmp: number;
      if (key < k) cmp = -1;
      else if (key > k) cmp = 1;
      else cmp = compareDistance(ids, a, handles[mid]! * ID_WORDS, t, 0);
      if (cmp === 0) {
        known = true; // its ID under another handle
        break;
      }
      if (cmp > 0) lo = mid + 1;
      else hi = mid;
    }
    if (known || (full && lo === size)) continue; // lo === size: farther than the last on an equal key
    // Into the sorted batch, unless an earlier contact of the reply has this ID.
    let j = m;
    let same = false;
    while (j > 0) {
      const k = inKeys[j - 1]!;
      const cmp = key < k ? -1 : key > k ? 1 : hs[j - 1] === h ? 0 : compareDistance(ids, a, hs[j - 1]! * ID_WORDS, t, 0);
      if (cmp > 0) break;
      if (cmp === 0) {
        same = true;
        break;
      }
      j--;
    }
    if (same) continue;
    for (let i = m; i > j; i--) {
      inKeys[i] = inKeys[i - 1]!;
      hs[i] = hs[i - 1]!;
      at[i] = at[i - 1]!;
    }
    inKeys[j] = key;
    hs[j] = h;
    at[j] = lo;
    m++;
  }
  // The list's handles are as they were marked (only depths changed): clearing them clears every mark.
  if (marked) for (let i = 0; i < size; i++) marks[handles[i]!] = 0;
  return m;
}

/**
 * For the first `m` newcomers (sorted, none of them a candidate), sets batch.at[j] again to how
 * many of the list's `size` candidates sort before newcomer j: after the list shed candidates.
 */
export function placeNewcomers(m: number, keys: Float64Array, handles: Uint32Array, size: number, ids: Uint32Array, t: Uint32Array): void {
  const inKeys = batch.keys;
  const hs = batch.handles;
  const at = batch.at;
  let i = 0;
  for (let j = 0; j < m; j++) {
    const key = inKeys[j]!;
    const a = hs[j]! * ID_WORDS;
    while (i < size) {
      const k = keys[i]!;
      if (k > key || (k === key && compareDistance(ids, a, handles[i]! * ID_WORDS, t, 0) < 0)) break;
      i++;
    }
    at[j] = i;
  }
}
