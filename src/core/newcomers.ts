/**
 * A reply's contacts on their way into a shortlist (Shortlist.addAll): those that can enter,
 * sorted by distance from the target, in scratch arrays shared by every lookup of the thread (the
 * core is single-threaded and addAll does not re-enter).
 */
import { ID_WORDS, compareDistance } from './id.js';
import type { PeerIds } from './peers.js';

/** The newcomers: distance keys (top 53 bits, as the shortlist's), handles, and places in the list. */
export const batch = { keys: new Float64Array(64), handles: new Uint32Array(64), at: new Int32Array(64) };

/**
 * Puts into `batch` the contacts that can enter, closest first, and returns how many: not the
 * asking node nor its ID under another handle, not farther than the list's last candidate when it
 * is full (`lastHandle` ≥ 0, its key `lastKey`), and of two under one ID the first (as with add one
 * by one). An insertion sort: a reply holds ≤ k contacts.
 */
export function sortNewcomers(contacts: ArrayLike<number>, peers: PeerIds, self: number, t: Uint32Array, lastKey: number, lastHandle: number): number {
  const n = contacts.length;
  if (n > batch.keys.length) {
    batch.keys = new Float64Array(n);
    batch.handles = new Uint32Array(n);
    batch.at = new Int32Array(n);
  }
  const keys = batch.keys;
  const hs = batch.handles;
  const ids = peers.words;
  const me = self * ID_WORDS;
  let m = 0;
  for (let c = 0; c < n; c++) {
    const h = contacts[c]!;
    if (h === self) continue;
    const a = h * ID_WORDS;
    if (ids[a] === ids[me] && peers.sameId(h, self)) continue;
    const key = ((ids[a]! ^ t[0]!) >>> 0) * 2097152 + (((ids[a + 1]! ^ t[1]!) >>> 0) >>> 11);
    if (lastHandle >= 0 && (key > lastKey || (key === lastKey && compareDistance(ids, a, lastHandle * ID_WORDS, t, 0) > 0))) continue;
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
  return m;
}

/**
 * For the first `m` newcomers, sets batch.at[j] to how many of the list's `size` candidates
 * (`keys`, `handles`, `depths`) sort before newcomer j; with `dedupe`, a newcomer whose ID is a
 * candidate's leaves the batch (a known handle keeps the smaller depth). Returns how many are left.
 */
export function placeNewcomers(m: number, keys: Float64Array, handles: Uint32Array, depths: Uint8Array, size: number, ids: Uint32Array, t: Uint32Array, depth: number, dedupe: boolean): number {
  const inKeys = batch.keys;
  const hs = batch.handles;
  const at = batch.at;
  let i = 0;
  let kept = 0;
  for (let j = 0; j < m; j++) {
    const key = inKeys[j]!;
    const a = hs[j]! * ID_WORDS;
    // Past the candidates closer than newcomer j; the full comparison only on equal keys.
    let cmp = 1;
    while (i < size) {
      const k = keys[i]!;
      if (k > key) break;
      if (k === key && (cmp = compareDistance(ids, a, handles[i]! * ID_WORDS, t, 0)) <= 0) break;
      cmp = 1;
      i++;
    }
    if (dedupe && i < size && cmp === 0) {
      if (handles[i] === hs[j] && depth < depths[i]!) depths[i] = depth;
      continue;
    }
    inKeys[kept] = key;
    hs[kept] = hs[j]!;
    at[kept++] = i;
  }
  return kept;
}
