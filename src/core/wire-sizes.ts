/**
 * What the core's messages cost on the wire, in bytes, for the amplification budget (see
 * address-check.ts). The core cannot import the codec (layers point down), so the sizes live
 * here as constants of the msgpack encoding the wire layer writes; test/wire/sizes.test.ts
 * encodes every message kind and checks them.
 *
 * Replies are sized as upper bounds (every u32 in its 5-byte form, versions and TTLs as
 * float64), requests as lower bounds (a 1-byte rpc), so a budget computed from them is never
 * exceeded by the real bytes.
 */
import { MessageType, type Request } from './messages.js';
import { TOKEN_BYTES } from './write-tokens.js';

// record id (1) + sender ID as bin8 (2 + 20) + rpc as uint32 (5)
const HEADER_MAX = 1 + 22 + 5;
// the same with the rpc in its shortest form (a positive fixint)
const HEADER_MIN = 1 + 22 + 1;
const ID_FIELD = 22;
const FLOAT64 = 9;
// A reply's write token (write-tokens.ts: 8 bytes; an empty bin when tokens are off).
const TOKEN_FIELD_MAX = 2 + TOKEN_BYTES;
// A signed record's public key (32), salt (at most 64) and signature (64), each a bin field.
const SIGNED_PART_MAX = 2 + 32 + 2 + 64 + 2 + 64;

export const PING_BYTES_MAX = HEADER_MAX;
export const PONG_BYTES_MAX = HEADER_MAX;
// ok flag, and the refusal code (0..255: one or two bytes)
export const STORE_ACK_BYTES_MAX = HEADER_MAX + 1 + 2;

/** Bytes of a msgpack bin field holding n bytes. */
export function binFieldBytes(n: number): number {
  return n + (n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
}

/** Upper bound of a NODES reply whose contact list takes `contactBytes` bytes. */
export function nodesBytesMax(contactBytes: number): number {
  return HEADER_MAX + binFieldBytes(contactBytes) + TOKEN_FIELD_MAX;
}

/** Upper bound of a VALUE reply carrying `valueBytes` (and the signature parts of a signed record). */
export function valueBytesMax(valueBytes: number, signed = false): number {
  return HEADER_MAX + binFieldBytes(valueBytes) + FLOAT64 + FLOAT64 + TOKEN_FIELD_MAX + (signed ? SIGNED_PART_MAX : 0);
}

/** Upper bound of a SOURCES reply with `entryBytes` of values and no contacts (a u32 cursor). */
export function sourcesBytesMax(entryBytes: number): number {
  return HEADER_MAX + binFieldBytes(entryBytes) + 5 + binFieldBytes(0);
}

/** Lower bound of a request's encoding: what it must have cost its sender at least. */
export function requestBytesMin(msg: Request): number {
  switch (msg.type) {
    case MessageType.Ping:
      return HEADER_MIN;
    case MessageType.FindNode:
    case MessageType.FindValue:
      return HEADER_MIN + ID_FIELD;
    case MessageType.Store:
      // key, value, version and ttl as positive fixints, cache flag
      return HEADER_MIN + ID_FIELD + binFieldBytes(msg.value.length) + 1 + 1 + 1;
    case MessageType.FindSources:
      // key and a positive-fixint cursor
      return HEADER_MIN + ID_FIELD + 1;
    case MessageType.AddSource:
      // key, value, the publisher's ID and a positive-fixint ttl
      return HEADER_MIN + ID_FIELD + binFieldBytes(msg.value.length) + ID_FIELD + 1;
  }
}

/** Bytes one contact takes in a NODES reply; the host knows its address kinds. */
export interface ContactSizes {
  contactBytes(handle: number): number;
}

/** The swarm's contacts: a 20-byte ID and a node index (tag + u32). */
export const INDEX_CONTACT_BYTES = 25;
export const INDEX_CONTACTS: ContactSizes = Object.freeze({ contactBytes: () => INDEX_CONTACT_BYTES });
