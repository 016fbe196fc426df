/**
 * The gateway's signed puts (`PUT /kv/:key?signed=1`): one ed25519 key pair per gateway
 * process, made on first use. A signed key's record sits under SHA-1(public key ‖ key text),
 * BEP 44's rule with the key text as the salt, so only this gateway can replace it; each put
 * signs with a seq above the last one (the wall clock in ms, or last + 1).
 */
import { keyFromString } from '../core/key.js';
import { generateSigningKeyPair, signRecord, signedKey, type SigningKeyPair } from '../net/ed25519.js';
import type { SignedKv } from '../swarm/control.js';

const utf8 = new TextEncoder();
let keys: SigningKeyPair | null = null;
const lastSeq = new Map<string, number>();

export function gatewayKeys(): SigningKeyPair {
  return (keys ??= generateSigningKeyPair());
}

/** The 20-byte record key for a user key: SHA-1 of the text, or SHA-1(public key ‖ text) when signed. */
export function recordKey(key: string, signed: boolean): Uint8Array {
  return signed ? signedKey(gatewayKeys().publicKey, utf8.encode(key)) : keyFromString(key);
}

/** Signs `value` for `key` with the next seq. Throws RangeError for a salt (the key) over 64 bytes. */
export function signKv(key: string, value: Uint8Array): SignedKv {
  const seq = Math.max((lastSeq.get(key) ?? -1) + 1, Date.now());
  const part = signRecord(gatewayKeys(), utf8.encode(key), seq, value);
  lastSeq.set(key, seq);
  return { seq, part };
}
