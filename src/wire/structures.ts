/**
 * The msgpackr record structures every node shares: one per message type,
 * fixed at build time. A message is encoded as a record whose id is
 * 0x40 + MessageType, so the first byte of a datagram names its type and the
 * field names never travel.
 *
 * Rules this file enforces, each learned from msgpackr's behaviour:
 * - The second key is named after the message and carries its RPC id. msgpackr
 *   picks a record by the object's key list, so PING and PONG (same fields)
 *   would otherwise collapse into one record.
 * - Nothing is ever added: maxSharedStructures equals the list's length and
 *   maxOwnStructures is 0, so an object of an unknown shape is written as a
 *   plain map instead of extending the list, and no saveStructures exists.
 * - Every Packr/Unpackr gets its own copy: msgpackr stores its transition
 *   table, counters and compiled readers on the arrays it is given. The
 *   canonical list is frozen so passing it directly fails loudly.
 * - Decoder copies are marked `isShared`: a datagram may carry an inline
 *   record definition (ext 0x72) for id 0x40; msgpackr restores shared
 *   structures after each unpack, but overwrites unmarked ones for good.
 */
import { Packr, Unpackr } from 'msgpackr';

export const FIRST_RECORD_ID = 0x40;

/** Wire records past the core's message types: the signed forms of STORE and VALUE (8–10 belong to the sources records). */
export const SIGNED_STORE_RECORD = 11;
export const SIGNED_VALUE_RECORD = 12;

/**
 * Index = record number (MessageType for 0–7). Key order is the encoding order. `token` is a
 * write token (empty when none); a signed record adds the publisher's key, salt and signature.
 */
export const MESSAGE_STRUCTURES: readonly (readonly string[])[] = Object.freeze(
  [
    ['from', 'ping'],
    ['from', 'pong'],
    ['from', 'store', 'key', 'data', 'version', 'ttl', 'cache', 'token'],
    ['from', 'storeAck', 'ok', 'code'],
    ['from', 'findNode', 'target'],
    ['from', 'nodes', 'contacts', 'token'],
    ['from', 'findValue', 'key'],
    ['from', 'value', 'data', 'version', 'ttl', 'token'],
    ['from', 'addSource', 'key', 'data', 'publisher', 'ttl', 'token'],
    ['from', 'findSources', 'key', 'cursor'],
    // entries: one bin of [u16 length][value][20-byte publisher ID][u32 ttl ms] per value (source-entries.ts).
    ['from', 'sources', 'entries', 'next', 'contacts'],
    ['from', 'signedStore', 'key', 'data', 'version', 'ttl', 'cache', 'token', 'publicKey', 'salt', 'signature'],
    ['from', 'signedValue', 'data', 'version', 'ttl', 'token', 'publicKey', 'salt', 'signature'],
  ].map((keys) => Object.freeze(keys)),
);

function ownCopy(): string[][] {
  return MESSAGE_STRUCTURES.map((keys) => keys.slice());
}

export function createEncoder(): Packr {
  return new Packr({
    structures: ownCopy(),
    maxSharedStructures: MESSAGE_STRUCTURES.length,
    maxOwnStructures: 0,
    shouldShareStructure: () => false,
  });
}

/** With `copyBuffers`, every binary field is a fresh copy instead of a view into the input. */
export function createDecoder(copyBuffers = false): Unpackr {
  const structures = ownCopy();
  for (const keys of structures) (keys as string[] & { isShared?: boolean }).isShared = true;
  return new Unpackr({
    structures,
    maxSharedStructures: MESSAGE_STRUCTURES.length,
    copyBuffers,
    // Integers above 2^53 become imprecise numbers and fail the safe-integer checks, never BigInts.
    int64AsType: 'number',
  });
}
