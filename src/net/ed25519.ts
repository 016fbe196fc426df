/**
 * Signed records with node:crypto (the core only sees the SignatureVerifier interface and the
 * signed parts): ed25519 key pairs, BEP 44 keys (SHA-1 of public key ‖ salt), signing and
 * verifying the payload that src/core/signed.ts defines.
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { SignedPart } from '../core/messages.js';
import { MAX_SALT_BYTES, signedPayload, wellFormed, type SignatureVerifier } from '../core/signed.js';

export interface SigningKeyPair {
  /** The raw 32-byte public key (what travels in a signed record). */
  publicKey: Uint8Array;
  privateKey: KeyObject;
}

// An ed25519 SubjectPublicKeyInfo is this 12-byte DER prefix followed by the raw 32-byte key.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { publicKey: new Uint8Array(der.subarray(SPKI_PREFIX.length)), privateKey };
}

/** BEP 44's key for a mutable record: SHA-1(public key ‖ salt). */
export function signedKey(publicKey: Uint8Array, salt: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new Uint8Array(createHash('sha1').update(publicKey).update(salt).digest());
}

/** The signed parts of (salt, seq, value) under `keys`. Throws RangeError for a salt over 64 bytes. */
export function signRecord(keys: SigningKeyPair, salt: Uint8Array, seq: number, value: Uint8Array): SignedPart {
  if (salt.length > MAX_SALT_BYTES) throw new RangeError(`a salt is at most ${MAX_SALT_BYTES} bytes, got ${salt.length}`);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`seq must be a non-negative safe integer, got ${seq}`);
  const signature = new Uint8Array(sign(null, signedPayload(salt, seq, value), keys.privateKey));
  return { publicKey: keys.publicKey, salt, signature };
}

/** The real verifier: key = SHA-1(public key ‖ salt) and a valid ed25519 signature. Never throws. */
export const ed25519Verifier: SignatureVerifier = {
  verify(key, value, seq, signed) {
    if (!wellFormed(signed)) return false;
    const expected = signedKey(signed.publicKey, signed.salt);
    for (let i = 0; i < 20; i++) if (expected[i] !== key[i]) return false;
    try {
      const pk = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, signed.publicKey]), format: 'der', type: 'spki' });
      return verify(null, signedPayload(signed.salt, seq, value), pk, signed.signature);
    } catch {
      return false;
    }
  },
};
