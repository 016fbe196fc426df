/**
 * What the node picks from its routing table: the contacts it answers with,
 * the candidates a lookup starts from (and asks for more of), and the scale
 * of a cached copy's life. Reads the table, changes nothing but the lookup
 * it is given.
 */
import { ID_WORDS, idToWords, writeIdWords } from './id.js';
import type { NodeState } from './node-state.js';
import { allocHandles, targetScratch } from './scratch.js';
import { type ContactSizes, nodesBytesMax } from './wire-sizes.js';

/** The k contacts closest to `target` other than `exclude` (the asker), for a NODES reply. */
export function closestTo(s: NodeState, target: Uint8Array, exclude: number): Uint32Array {
  writeIdWords(target, targetScratch, 0);
  const out = allocHandles(s.config.k);
  const n = s.table.closest(targetScratch, 0, s.config.k, out, exclude, false);
  return n === out.length ? out : out.subarray(0, n);
}

/**
 * The closest contacts to `target` (closest first) whose NODES reply takes at most `bytes` on
 * the wire, for a requester whose address is not verified; null when not even an empty reply fits.
 */
export function closestWithin(s: NodeState, target: Uint8Array, exclude: number, bytes: number, sizes: ContactSizes): Uint32Array | null {
  if (nodesBytesMax(0) > bytes) return null;
  writeIdWords(target, targetScratch, 0);
  const out = allocHandles(s.config.k);
  const n = s.table.closest(targetScratch, 0, s.config.k, out, exclude, true);
  let used = 0;
  let fit = 0;
  while (fit < n) {
    const more = used + sizes.contactBytes(out[fit]!);
    if (nodesBytesMax(more) > bytes) break;
    used = more;
    fit++;
  }
  return out.subarray(0, fit);
}

/**
 * Cached copies expire sooner the farther this node is from the key: the
 * life is scaled by (distance to the k-th nearest neighbour) / (distance to
 * the key), i.e. inversely to the estimated number of nodes between this
 * node and the key, in units of k.
 */
export function cacheScale(s: NodeState, key: Uint8Array): number {
  const ids = s.peers.words;
  const selfAt = s.self * ID_WORDS;
  const near = new Uint32Array(s.config.k);
  const n = s.table.closest(ids, selfAt, s.config.k, near);
  if (n < s.config.k) return 1;
  const kw = idToWords(key);
  let dKey = 0;
  let dK = 0;
  const kthAt = near[n - 1]! * ID_WORDS;
  for (let w = 0; w < ID_WORDS; w++) {
    dKey = dKey * 4294967296 + ((kw[w]! ^ ids[selfAt + w]!) >>> 0);
    dK = dK * 4294967296 + ((ids[kthAt + w]! ^ ids[selfAt + w]!) >>> 0);
  }
  return dKey <= dK ? 1 : dK / dKey;
}
