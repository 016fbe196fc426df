/**
 * Size limits of the wire format, and the start-up check that a configuration
 * fits in one datagram.
 *
 * The sizes below are worst cases of the msgpack encoding written by
 * encode.ts (a test compares them with real encodings), so `checkLimits`
 * refuses a configuration before any node runs instead of letting encode
 * throw in the middle of a lookup.
 */
import { CONTACT_BYTES, type AddressKind } from './address.js';

/** Bytes per datagram: stays under a 1,500-byte Ethernet MTU minus IPv6 and UDP headers. */
export const MAX_DATAGRAM_BYTES = 1400;
/** Bytes per stored value unless configured otherwise. */
export const DEFAULT_MAX_VALUE_BYTES = 1024;
/** A write token's longest form on the wire (ours are 8 bytes; room for other hash sizes). */
export const MAX_TOKEN_BYTES = 32;
/** BEP 44's limit on a signed value, kept so a signed STORE always fits a datagram. */
export const MAX_SIGNED_VALUE_BYTES = 1000;
/** Contacts accepted in one NODES reply unless configured otherwise (a node should pass its k). */
export const DEFAULT_MAX_CONTACTS = 64;

// Worst-case field sizes in bytes: record id, bin8 + 20-byte ID, uint32,
// float64 (versions above 2^32 and fractional TTLs), boolean.
const RECORD_ID = 1;
const ID_FIELD = 22;
const U32 = 5;
const FLOAT64 = 9;
const BOOL = 1;

/** Bytes of a msgpack bin field holding n bytes (bin8 / bin16 / bin32 header + data). */
export function binFieldBytes(n: number): number {
  return n + (n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
}

/** Our write token (8 bytes) as a bin field. */
const TOKEN = 10;
/** Public key, salt of up to 64 bytes and signature, as bin fields. */
const SIGNED_PARTS = 34 + 66 + 66;

export function nodesReplyBytes(k: number, contactBytes: number): number {
  return RECORD_ID + ID_FIELD + U32 + binFieldBytes(k * contactBytes) + TOKEN;
}

export function storeBytes(valueBytes: number): number {
  return RECORD_ID + ID_FIELD + U32 + ID_FIELD + binFieldBytes(valueBytes) + FLOAT64 + FLOAT64 + BOOL + TOKEN;
}

/** A signed STORE: fits a datagram for any value up to MAX_SIGNED_VALUE_BYTES (1,262 bytes at most). */
export function signedStoreBytes(valueBytes: number): number {
  return storeBytes(valueBytes) + SIGNED_PARTS;
}

export function valueReplyBytes(valueBytes: number): number {
  return RECORD_ID + ID_FIELD + U32 + binFieldBytes(valueBytes) + FLOAT64 + FLOAT64 + TOKEN;
}

/** Headers of a SOURCES reply around its `sourceReplyBytes` of values and contacts (two bin16 headers, rpc and cursor as u32). */
export const SOURCES_HEADER_BYTES = RECORD_ID + ID_FIELD + U32 + 3 + U32 + 3;

/** Largest SOURCES reply: the headers plus the budget the core fills (source-sizes.ts). */
export function sourcesReplyBytes(replyBytes: number): number {
  return SOURCES_HEADER_BYTES + replyBytes;
}

export function addSourceBytes(valueBytes: number): number {
  return RECORD_ID + ID_FIELD + U32 + ID_FIELD + binFieldBytes(valueBytes) + ID_FIELD + FLOAT64;
}

export interface LimitsConfig {
  k: number;
  maxValueBytes?: number;
  /** The sources kind's settings (KadConfig); checked when given. */
  maxSourceValueBytes?: number;
  sourceReplyBytes?: number;
  /** 'udp' means any IP address, sized as the largest form (IPv6). */
  addressKind: AddressKind | 'udp';
}

/** Throws an Error naming the offending setting when a reply or a store cannot fit in a datagram. */
export function checkLimits({ k, maxValueBytes = DEFAULT_MAX_VALUE_BYTES, addressKind, maxSourceValueBytes, sourceReplyBytes }: LimitsConfig): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 0) {
    throw new Error(`maxValueBytes must be a non-negative integer, got ${maxValueBytes}`);
  }
  const kind = addressKind === 'udp' ? 'ipv6' : addressKind;
  const contact = CONTACT_BYTES[kind];
  if (contact === undefined) throw new Error(`unknown address kind "${addressKind}"`);
  const nodes = nodesReplyBytes(k, contact);
  if (nodes > MAX_DATAGRAM_BYTES) {
    let maxK = Math.min(k, MAX_DATAGRAM_BYTES);
    while (maxK > 0 && nodesReplyBytes(maxK, contact) > MAX_DATAGRAM_BYTES) maxK--;
    throw new Error(
      `k = ${k} does not fit: a NODES reply with ${k} contacts of ${contact} bytes (20-byte ID + ${kind} address) ` +
        `needs ${nodes} bytes, over the ${MAX_DATAGRAM_BYTES}-byte datagram limit; use k <= ${maxK}`,
    );
  }
  // STORE carries a key and a flag more than VALUE, so it is the larger of the two.
  const store = storeBytes(maxValueBytes);
  if (store > MAX_DATAGRAM_BYTES) {
    let maxValue = Math.min(maxValueBytes, MAX_DATAGRAM_BYTES);
    while (maxValue > 0 && storeBytes(maxValue) > MAX_DATAGRAM_BYTES) maxValue--;
    throw new Error(
      `maxValueBytes = ${maxValueBytes} does not fit: a STORE carrying it needs ${store} bytes, ` +
        `over the ${MAX_DATAGRAM_BYTES}-byte datagram limit; use maxValueBytes <= ${maxValue}`,
    );
  }
  if (sourceReplyBytes !== undefined && sourcesReplyBytes(sourceReplyBytes) > MAX_DATAGRAM_BYTES) {
    throw new Error(
      `sourceReplyBytes = ${sourceReplyBytes} does not fit: a SOURCES reply needs ${sourcesReplyBytes(sourceReplyBytes)} bytes, ` +
        `over the ${MAX_DATAGRAM_BYTES}-byte datagram limit; use sourceReplyBytes <= ${MAX_DATAGRAM_BYTES - SOURCES_HEADER_BYTES}`,
    );
  }
  if (maxSourceValueBytes !== undefined && addSourceBytes(maxSourceValueBytes) > MAX_DATAGRAM_BYTES) {
    throw new Error(`maxSourceValueBytes = ${maxSourceValueBytes} does not fit: an ADD_SOURCE carrying it needs ${addSourceBytes(maxSourceValueBytes)} bytes, over the ${MAX_DATAGRAM_BYTES}-byte datagram limit`);
  }
}
