/**
 * Signed mutable records (BEP 44), the core's side. The core never does
 * cryptography (it is sans-IO and runs in virtual time): the host injects a
 * SignatureVerifier (src/net/ed25519.ts implements it with node:crypto), and
 * the core only builds the bytes that are signed and decides what a valid
 * record may replace (records.ts).
 *
 * What is signed is BEP 44's bencoded form, so the rule is the one BitTorrent
 * clients know: `4:salt<len>:<salt>` (only when the salt is not empty), then
 * `3:seqi<seq>e1:v<len>:<value>` — with the value's raw bytes where BEP 44
 * has its bencoding.
 */
import type { SignedPart } from './messages.js';

/** BEP 44's limit on the salt. */
export const MAX_SALT_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export interface SignatureVerifier {
  /**
   * True when `key` is SHA-1(publicKey ‖ salt) and `signed.signature` is the publisher's
   * ed25519 signature over signedPayload(salt, seq, value). Never throws.
   */
  verify(key: Uint8Array, value: Uint8Array, seq: number, signed: SignedPart): boolean;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** The bytes a publisher signs for (salt, seq, value). */
export function signedPayload(salt: Uint8Array, seq: number, value: Uint8Array): Uint8Array {
  const head = salt.length > 0 ? ascii(`4:salt${salt.length}:`) : [];
  const mid = ascii(`3:seqi${seq}e1:v${value.length}:`);
  const out = new Uint8Array(head.length + salt.length + mid.length + value.length);
  out.set(head, 0);
  out.set(salt, head.length);
  out.set(mid, head.length + salt.length);
  out.set(value, head.length + salt.length + mid.length);
  return out;
}

/** True when the parts have the sizes BEP 44 gives them (checked before any verification). */
export function wellFormed(signed: SignedPart): boolean {
  return signed.publicKey.length === PUBLIC_KEY_BYTES && signed.signature.length === SIGNATURE_BYTES && signed.salt.length <= MAX_SALT_BYTES;
}

/**
 * The quota group a signed record is charged to: its publisher's key (FNV-1a of the public key),
 * kept apart from the hosts' address groups (which are u32) by starting at 2^32.
 */
export function publisherGroup(publicKey: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < publicKey.length; i++) h = Math.imul(h ^ publicKey[i]!, 0x01000193) >>> 0;
  return 0x1_0000_0000 + h;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
