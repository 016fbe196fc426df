/**
 * Shortlist.addAll as it was before the contacts of a reply were looked up in the list one by one
 * (commit c63ac29's src/core/shortlist.ts and newcomers.ts): every contact that may enter is
 * sorted first, then one merge pass over the list finds the known ones. Only what addAll needs,
 * over a list without in-flight or failed candidates. Kept only so `npm run bench` can show the
 * old row beside the new one.
 */
import { ID_WORDS, compareDistance } from '../src/core/id.js';
import type { PeerIds } from '../src/core/peers.js';

const batch = { keys: new Float64Array(64), handles: new Uint32Array(64), at: new Int32Array(64) };

function sortNewcomers(contacts: ArrayLike<number>, peers: PeerIds, self: number, t: Uint32Array, lastKey: number, lastHandle: number): number {
  const n = contacts.length;
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

function placeNewcomers(m: number, keys: Float64Array, handles: Uint32Array, depths: Uint8Array, size: number, ids: Uint32Array, t: Uint32Array, depth: number): number {
  const inKeys = batch.keys;
  const hs = batch.handles;
  const at = batch.at;
  let i = 0;
  let kept = 0;
  for (let j = 0; j < m; j++) {
    const key = inKeys[j]!;
    const a = hs[j]! * ID_WORDS;
    let cmp = 1;
    while (i < size) {
      const k = keys[i]!;
      if (k > key) break;
      if (k === key && (cmp = compareDistance(ids, a, handles[i]! * ID_WORDS, t, 0)) <= 0) break;
      cmp = 1;
      i++;
    }
    if (i < size && cmp === 0) {
      if (handles[i] === hs[j] && depth < depths[i]!) depths[i] = depth;
      continue;
    }
    inKeys[kept] = key;
    hs[kept] = hs[j]!;
    at[kept++] = i;
  }
  return kept;
}

/** The old shortlist's arrays and addAll (no states: every candidate is not contacted yet). */
export class LegacyShortlist {
  readonly keys: Float64Array;
  readonly handles: Uint32Array;
  readonly depths: Uint8Array;
  size = 0;

  constructor(
    private readonly peers: PeerIds,
    readonly target: Uint32Array,
    private readonly capacity: number,
    private readonly self: number,
  ) {
    this.keys = new Float64Array(capacity);
    this.handles = new Uint32Array(capacity);
    this.depths = new Uint8Array(capacity);
  }

  addAll(contacts: ArrayLike<number>, depth: number): void {
    if (contacts.length === 0) return;
    const limit = this.capacity;
    const size = this.size;
    const last = size >= limit ? size - 1 : -1;
    const m = sortNewcomers(contacts, this.peers, this.self, this.target, last < 0 ? 0 : this.keys[last]!, last < 0 ? -1 : this.handles[last]!);
    if (m === 0) return;
    const kept = placeNewcomers(m, this.keys, this.handles, this.depths, size, this.peers.words, this.target, depth);
    if (kept === 0) return;
    this.mergeFromEnd(kept, depth, limit);
  }

  private mergeFromEnd(m: number, depth: number, limit: number): void {
    const { at, keys: inKeys, handles: inHandles } = batch;
    let i = this.size - 1;
    let drop = this.size + m - limit;
    if (drop < 0) drop = 0;
    const total = this.size + m - drop;
    const { handles, depths, keys } = this;
    let w = total - 1;
    let j = m - 1;
    while (j >= 0 || (drop > 0 && i >= 0)) {
      if (j >= 0 && i < at[j]!) {
        if (drop > 0) drop--;
        else {
          handles[w] = inHandles[j]!;
          depths[w] = depth;
          keys[w] = inKeys[j]!;
          w--;
        }
        j--;
        continue;
      }
      if (drop > 0) drop--;
      else if (w !== i) {
        handles[w] = handles[i]!;
        depths[w] = depths[i]!;
        keys[w] = keys[i]!;
        w--;
      } else w--;
      i--;
    }
    this.size = total;
  }
}
