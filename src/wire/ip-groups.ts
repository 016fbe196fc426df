/**
 * The network group of a UDP source, for the routing table's IP-diversity limits
 * (core/table-admission.ts): two dense non-zero numbers, one for the IP and one for its
 * subnet (/24 for IPv4, /64 for IPv6, as libtorrent groups them), that the host sets on the
 * peer's handle (PeerIds.setGroup).
 *
 * An IPv4 address is its own number (exact); an IPv6 address and its /64 are hashed to 32 bits
 * (FNV-1a), so two of them may rarely share a number: a false refusal, never a false admission.
 *
 * Loopback (127.0.0.0/8, ::1) with `loopbackPerPort` counts as one IP *per port*, and as its
 * own subnet: a local swarm of many processes on 127.0.0.1 keeps working, while one socket
 * presenting many IDs is still one IP.
 */
import type { Address } from './address.js';
import { parseIPv4, parseIPv6 } from './ip.js';

const bytes = new Uint8Array(16);

/** Writes [ip key, subnet key] of `a` into out[0..1]; both 0 (no limit) for a node index or a host that does not parse. */
export function ipGroups(a: Address, loopbackPerPort: boolean, out: Uint32Array): void {
  out[0] = 0;
  out[1] = 0;
  if (a.kind === 'ipv4') {
    if (!parseIPv4(a.host, bytes, 0)) return;
    const ip = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (loopbackPerPort && bytes[0] === 127) {
      out[0] = out[1] = fnv(bytes, 4, a.port);
      return;
    }
    out[0] = ip === 0 ? 1 : ip;
    out[1] = (ip >>> 8) | 0x8000_0000; // the /24, marked so that 0.0.0.x is not 0
    return;
  }
  if (a.kind !== 'ipv6' || !parseIPv6(a.host, bytes, 0)) return;
  if (loopbackPerPort && isV6Loopback(bytes)) {
    out[0] = out[1] = fnv(bytes, 16, a.port);
    return;
  }
  out[0] = fnv(bytes, 16, -1);
  out[1] = fnv(bytes, 8, -1);
}

function isV6Loopback(b: Uint8Array): boolean {
  for (let i = 0; i < 15; i++) if (b[i] !== 0) return false;
  return b[15] === 1;
}

/** FNV-1a over the first n bytes (and the port when >= 0), never 0. */
function fnv(b: Uint8Array, n: number, port: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  if (port >= 0) {
    h = Math.imul(h ^ (port >>> 8), 0x01000193);
    h = Math.imul(h ^ (port & 0xff), 0x01000193);
  }
  return h >>> 0 || 1;
}
