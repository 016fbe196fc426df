/**
 * One tagged address type for both networks: the in-memory swarm addresses a
 * node by its global index, UDP by IP and port. On the wire an address is a
 * tag byte and a fixed-size body, so a contact list is parsed with byte reads:
 *
 *   tag 0  node index   u32 big-endian                 (4 bytes)
 *   tag 4  IPv4         4 address bytes + u16 port     (6 bytes)
 *   tag 6  IPv6         16 address bytes + u16 port    (18 bytes)
 *
 * Hosts are kept in canonical text (RFC 5952 for IPv6), so two Address values
 * for the same endpoint format to the same string.
 */
import { ID_BYTES } from '../core/id.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';

export type Address =
  | { kind: 'index'; index: number }
  | { kind: 'ipv4'; host: string; port: number }
  | { kind: 'ipv6'; host: string; port: number };
export type AddressKind = Address['kind'];

export const enum AddressTag {
  Index = 0,
  IPv4 = 4,
  IPv6 = 6,
}

/** Encoded address size (tag byte included) per kind. */
export const ADDRESS_BYTES: Readonly<Record<AddressKind, number>> = Object.freeze({ index: 5, ipv4: 7, ipv6: 19 });
/** Encoded contact size (20-byte ID + tagged address) per kind. */
export const CONTACT_BYTES: Readonly<Record<AddressKind, number>> = Object.freeze({
  index: ID_BYTES + 5,
  ipv4: ID_BYTES + 7,
  ipv6: ID_BYTES + 19,
});
export const MIN_CONTACT_BYTES = ID_BYTES + 5;
export const MAX_CONTACT_BYTES = ID_BYTES + 19;
/** Largest encoded address: a fixed slot size for tables of addresses. */
export const MAX_ADDRESS_BYTES = 19;

/** Address body size (after the tag byte) for a tag, 0 for an unknown tag. */
export function addressBodyBytes(tag: number): number {
  return tag === AddressTag.Index ? 4 : tag === AddressTag.IPv4 ? 6 : tag === AddressTag.IPv6 ? 18 : 0;
}

/** Writes the tagged address at `at`; returns the offset after it. Throws on an invalid address. */
export function writeAddress(a: Address, out: Uint8Array, at: number): number {
  if (a.kind === 'index') {
    if (!Number.isInteger(a.index) || a.index < 0 || a.index > 0xffffffff) throw new RangeError(`bad node index ${a.index}`);
    out[at] = AddressTag.Index;
    writeU32(out, at + 1, a.index);
    return at + 5;
  }
  checkPort(a.port);
  if (a.kind === 'ipv4') {
    out[at] = AddressTag.IPv4;
    if (!parseIPv4(a.host, out, at + 1)) throw new RangeError(`bad IPv4 host "${a.host}"`);
    writeU16(out, at + 5, a.port);
    return at + 7;
  }
  out[at] = AddressTag.IPv6;
  if (!parseIPv6(a.host, out, at + 1)) throw new RangeError(`bad IPv6 host "${a.host}"`);
  writeU16(out, at + 17, a.port);
  return at + 19;
}

/** Reads a tagged address at `at`; null for an unknown tag or too few bytes. */
export function readAddress(bytes: Uint8Array, at: number): Address | null {
  const tag = bytes[at];
  if (tag === undefined || at + 1 + addressBodyBytes(tag) > bytes.length) return null;
  const b = at + 1;
  if (tag === AddressTag.Index) return { kind: 'index', index: readU32(bytes, b) };
  if (tag === AddressTag.IPv4) return { kind: 'ipv4', host: formatIPv4(bytes, b), port: readU16(bytes, b + 4) };
  if (tag === AddressTag.IPv6) return { kind: 'ipv6', host: formatIPv6(bytes, b), port: readU16(bytes, b + 16) };
  return null;
}

/** Parses "#12" (node index), "127.0.0.1:8080" or "[::1]:8080"; throws with the reason otherwise. */
export function parseAddress(text: string): Address {
  if (text.startsWith('#')) {
    const index = /^#\d{1,10}$/.test(text) ? Number(text.slice(1)) : NaN;
    if (!(index <= 0xffffffff)) throw new Error(`bad node index address "${text}" (expected #0 … #4294967295)`);
    return { kind: 'index', index };
  }
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const v4 = v6 ? null : /^([\d.]+):(\d{1,5})$/.exec(text);
  const m = v6 ?? v4;
  if (!m) throw new Error(`bad address "${text}" (expected host:port, [ipv6]:port or #index)`);
  const port = Number(m[2]);
  if (port > 0xffff) throw new Error(`bad port in "${text}"`);
  const bytes = new Uint8Array(16);
  if (v4) {
    if (!parseIPv4(m[1]!, bytes, 0)) throw new Error(`bad IPv4 address in "${text}"`);
    return { kind: 'ipv4', host: formatIPv4(bytes, 0), port };
  }
  if (!parseIPv6(m[1]!, bytes, 0)) throw new Error(`bad IPv6 address in "${text}"`);
  return { kind: 'ipv6', host: formatIPv6(bytes, 0), port };
}

export function formatAddress(a: Address): string {
  if (a.kind === 'index') return `#${a.index}`;
  return a.kind === 'ipv4' ? `${a.host}:${a.port}` : `[${a.host}]:${a.port}`;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`bad port ${port}`);
}
