/** IDs as BigInts, for tests that build IDs at chosen XOR distances or check against exact arithmetic. */
import { ID_BYTES, ID_WORDS } from '../../src/core/id.js';

export function big(id: Uint8Array): bigint {
  let v = 0n;
  for (const b of id) v = (v << 8n) | BigInt(b);
  return v;
}

export function bytesOf(v: bigint): Uint8Array {
  const out = new Uint8Array(ID_BYTES);
  for (let i = ID_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function wordsOf(v: bigint): Uint32Array {
  const w = new Uint32Array(ID_WORDS);
  for (let i = ID_WORDS - 1; i >= 0; i--) {
    w[i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return w;
}
