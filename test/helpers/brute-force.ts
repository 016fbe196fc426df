import { PeerIds } from '../../src/core/peers.js';
import { ID_WORDS, idToWords, compareDistance } from '../../src/core/id.js';

/** The true n closest handles to target among `candidates`, by brute-force sort. */
export function trueClosest(peers: PeerIds, candidates: number[], target: Uint8Array, n: number): number[] {
  const t = idToWords(target);
  return [...candidates]
    .sort((a, b) => compareDistance(peers.words, a * ID_WORDS, b * ID_WORDS, t, 0))
    .slice(0, n);
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
