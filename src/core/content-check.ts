/**
 * Content-addressed values (config.contentAddressed, issue 13): an immutable value's key must be
 * SHA-1 of the value, so a node cannot be made to hold, nor a lookup to return, anything else
 * under a key. A forged value (the `poison` attack on immutable keys) then fails visibly: the
 * STORE is refused with StoreCode.NotContentAddressed, and a VALUE reply is dropped
 * ('value-not-content-addressed') while the lookup goes on as if the peer knew none. Signed
 * records (BEP 44) are not content-addressed: their key is SHA-1(public key ‖ salt) and the
 * signature is their check.
 */
import { sha1Into } from './sha1.js';

const digest = new Uint8Array(20);

/** True when `key` (20 bytes) is SHA-1 of `value`. */
export function hashesTo(value: Uint8Array, key: Uint8Array): boolean {
  if (key.length !== 20) return false;
  sha1Into(value, digest);
  for (let i = 0; i < 20; i++) if (digest[i] !== key[i]) return false;
  return true;
}
