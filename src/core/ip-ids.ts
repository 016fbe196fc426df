/**
 * IDs derived from IPv4 addresses (BEP 42), so a node cannot put its ID where it likes: the top
 * 21 bits are CRC-32C of the masked address and a 3-bit r, and the last byte carries r.
 *
 *   ip' = (ip & 0x030f3fff) | (r << 29);  crc = crc32c(ip' as 4 bytes, big-endian)
 *   id[0] = crc >>> 24;  id[1] = crc >>> 16;  id[2] = (crc >>> 8) & 0xf8 | free;  id[19] = r
 *
 * The mask keeps 2 bits of the first octet, 4 of the second, 6 of the third and all of the last,
 * so one /24 yields at most 256 × 8 = 2,048 prefixes (of 2^21): an attacker aiming at a key needs
 * many subnets, and the diversity limits (one contact per /24 per bucket, one per /24 in a
 * shortlist) cap what each subnet buys. Pure and sans-IO; test vectors from BEP 42 in
 * test/core/ip-ids.test.ts.
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** CRC-32C (Castagnoli) of the 4 bytes of `v`, big-endian, as BEP 42 hashes the masked address. */
export function crc32cU32(v: number): number {
  let c = -1;
  for (let shift = 24; shift >= 0; shift -= 8) c = TABLE[(c ^ (v >>> shift)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** The 21-bit prefix (in the top bits of a u32, the low 11 bits zero) that address `ip` and `r` (0..7) give. */
export function ipPrefix(ip: number, r: number): number {
  const crc = crc32cU32((((ip >>> 0) & 0x030f3fff) | ((r & 7) << 29)) >>> 0);
  return (crc & 0xfffff800) >>> 0;
}

/** True when the ID in `words[at..at+5)` (u32 words, big-endian order) is derived from IPv4 `ip` (BEP 42). */
export function idMatchesIp(words: Uint32Array, at: number, ip: number): boolean {
  const r = words[at + 4]! & 7;
  return ((words[at]! & 0xfffff800) >>> 0) === ipPrefix(ip, r);
}

/**
 * Writes into `id` (20 bytes whose other bits the caller chose) the BEP 42 prefix of `ip` with `r`
 * and r in the last byte; returns `id`.
 */
export function deriveIdFromIp(ip: number, r: number, id: Uint8Array): Uint8Array {
  const p = ipPrefix(ip, r);
  id[0] = p >>> 24;
  id[1] = (p >>> 16) & 0xff;
  id[2] = ((p >>> 8) & 0xf8) | (id[2]! & 7);
  id[19] = (id[19]! & 0xf8) | (r & 7);
  return id;
}
