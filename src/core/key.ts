/** A user's key string maps to its SHA-1 digest, the 160-bit key the DHT routes on. */
import { createHash } from 'node:crypto';

export function keyFromString(key: string): Uint8Array {
  return new Uint8Array(createHash('sha1').update(key, 'utf8').digest());
}
