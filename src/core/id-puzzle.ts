/**
 * S/Kademlia's static crypto puzzle for node IDs (Baumgart & Mies 2007, §4.1): ID = H(key) and
 * H(ID) has c leading zero bits, so minting an ID costs ~2^c hashes while checking one costs two.
 * H is SHA-1 here (160-bit IDs). The "key" is whatever the host binds the ID to: a public key on a
 * real network, a nonce the swarm's runner derives (src/swarm/identities.ts). With idFromIp as
 * well, the address binds the ID instead of a key, and the puzzle is ground in the ID's free bits:
 * only H(ID) is checked.
 */
import { sha1Into } from './sha1.js';

const hash = new Uint8Array(20);
const idBytes = new Uint8Array(20);

/** Leading zero bits of bytes[at, at + 20). */
export function leadingZeroBits(bytes: Uint8Array, at = 0): number {
  let n = 0;
  for (let i = 0; i < 20; i++) {
    const b = bytes[at + i]!;
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

/** True when SHA-1 of the 20-byte ID has at least `bits` leading zero bits. */
export function solvesPuzzle(id: Uint8Array, bits: number): boolean {
  sha1Into(id, hash);
  return leadingZeroBits(hash) >= bits;
}

/** The check for the ID in `words[at..at+5)`: ID = SHA-1(key) (when a key is given) and SHA-1(ID) has `bits` zeros. */
export function puzzleHolds(words: Uint32Array, at: number, bits: number, key: Uint8Array | null): boolean {
  for (let w = 0; w < 5; w++) {
    const v = words[at + w]!;
    idBytes[w * 4] = v >>> 24;
    idBytes[w * 4 + 1] = (v >>> 16) & 0xff;
    idBytes[w * 4 + 2] = (v >>> 8) & 0xff;
    idBytes[w * 4 + 3] = v & 0xff;
  }
  if (key !== null) {
    sha1Into(key, hash);
    for (let i = 0; i < 20; i++) if (hash[i] !== idBytes[i]) return false;
  }
  return solvesPuzzle(idBytes, bits);
}
