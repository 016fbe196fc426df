/**
 * Message → datagram. Encode trusts nothing it can check cheaply: a field the
 * receiver would drop (an rpc of -1, a 19-byte key) throws here instead, where
 * the bug is. Sizes are bounded at start-up by checkLimits; a datagram that
 * still comes out too large throws.
 *
 * The bytes are msgpackr records of the shared structures (structures.ts),
 * written by RecordWriter without msgpackr's per-call object work; the
 * wire tests check they equal Packr's output.
 */
import { MessageType, type Message } from '../core/messages.js';
import { MAX_CONTACT_BYTES } from './address.js';
import type { ContactWriter } from './contacts.js';
import { isBytes, isId, isTtl, isU32, isVersion } from './fields.js';
import { MAX_DATAGRAM_BYTES, MAX_TOKEN_BYTES } from './limits.js';
import { RecordWriter } from './record-writer.js';
import { writeSourceEntries } from './source-entries.js';
import { FIRST_RECORD_ID, SIGNED_STORE_RECORD, SIGNED_VALUE_RECORD } from './structures.js';
import type { SignedPart } from '../core/messages.js';

const NO_TOKEN = new Uint8Array(0);

// Room for the largest value the codec allows plus headers, so an oversized
// message is measured and refused rather than written past the end.
const scratch = new Uint8Array(70_000);
/** The encoder's one output buffer (see encodeMessageInto): read it, never write it. */
export const ENCODED: Uint8Array = scratch;
const writer = new RecordWriter(scratch);
const scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
const senderScratch = new Uint32Array(5);

/**
 * Encodes `msg` from `senderId`. Returns a fresh copy: it may be queued,
 * sent later or kept.
 */
export function encodeMessage(senderId: Uint8Array, msg: Message, contacts: ContactWriter): Uint8Array {
  if (!isId(senderId)) throw new TypeError('senderId must be a 20-byte Uint8Array');
  for (let w = 0; w < 5; w++) {
    const b = w * 4;
    senderScratch[w] = ((senderId[b]! << 24) | (senderId[b + 1]! << 16) | (senderId[b + 2]! << 8) | senderId[b + 3]!) >>> 0;
  }
  return encodeMessageView(senderScratch, 0, msg, contacts).slice();
}

/**
 * Encodes `msg` from the sender whose ID is five words at `senderAt` of
 * `senderWords`. Returns a view into a scratch buffer, valid until the next
 * encode: copy it (into a ring, a socket, or with slice) before encoding again.
 */
export function encodeMessageView(senderWords: Uint32Array, senderAt: number, msg: Message, contacts: ContactWriter): Uint8Array {
  return encodedView(encodeMessageInto(senderWords, senderAt, msg, contacts));
}

// ENCODED[0 … n) for every datagram length n, made once each: a view per message costs a
// JSTypedArray (~100 bytes of garbage; the swarm writes half its messages to rings), a cached
// one nothing. At most MAX_DATAGRAM_BYTES + 1 of them (~140 KB a thread).
// Filled with null up front: an array written at scattered indices would fall back to a dictionary.
const views: (Uint8Array | null)[] = new Array<Uint8Array | null>(MAX_DATAGRAM_BYTES + 1).fill(null);

/** The first `length` bytes of ENCODED (what encodeMessageInto wrote, at most MAX_DATAGRAM_BYTES), as a view reused for that length. */
export function encodedView(length: number): Uint8Array {
  return views[length] ?? (views[length] = scratch.subarray(0, length));
}

/**
 * encodeMessageView without the view (one object per message less, for a host that decodes its
 * own nodes' messages at once): returns the length; the bytes are ENCODED[0 … length), valid
 * until the next encode.
 */
export function encodeMessageInto(senderWords: Uint32Array, senderAt: number, msg: Message, contacts: ContactWriter): number {
  const type = msg.type;
  const signed = (type === MessageType.Store || type === MessageType.Value) && msg.signed !== undefined;
  const record = !signed ? type : type === MessageType.Store ? SIGNED_STORE_RECORD : SIGNED_VALUE_RECORD;
  const w = writer.start(FIRST_RECORD_ID + record).binFromWords(senderWords, senderAt);
  // The rpc is read once per type (rpcField in each case): a read of a double field where every
  // message shape passes is megamorphic, and a megamorphic load boxes the number (an allocation
  // per message), while a site that sees one shape reads it as it is.
  switch (msg.type) {
    case MessageType.Ping:
    case MessageType.Pong:
      rpcField(w, msg.rpc);
      break;
    case MessageType.Store:
      rpcField(w, msg.rpc);
      check(isId(msg.key), 'STORE key must be 20 bytes');
      check(isBytes(msg.value), 'STORE value must be a Uint8Array');
      checkRecord(msg.version, msg.ttl);
      w.bin(msg.key).bin(msg.value).number(msg.version).number(msg.ttl).bool(msg.cache === true).bin(token(msg.token));
      if (msg.signed) writeSigned(msg.signed);
      break;
    case MessageType.StoreAck: {
      rpcField(w, msg.rpc);
      const code = msg.code ?? (msg.ok ? 0 : 1);
      if (!(isU32(code) && code <= 255 && (code === 0) === (msg.ok === true))) fail(`STORE_ACK code must be 0 exactly when ok, got ok ${msg.ok} code ${code}`);
      w.bool(msg.ok === true).number(code);
      break;
    }
    case MessageType.FindNode:
      rpcField(w, msg.rpc);
      check(isId(msg.target), 'FIND_NODE target must be 20 bytes');
      w.bin(msg.target);
      break;
    case MessageType.Nodes:
      rpcField(w, msg.rpc);
      writeContacts(w, msg.contacts, contacts);
      w.bin(token(msg.token));
      break;
    case MessageType.FindValue:
      rpcField(w, msg.rpc);
      check(isId(msg.key), 'FIND_VALUE key must be 20 bytes');
      w.bin(msg.key);
      break;
    case MessageType.Value:
      rpcField(w, msg.rpc);
      check(isBytes(msg.value), 'VALUE value must be a Uint8Array');
      checkRecord(msg.version, msg.ttl);
      w.bin(msg.value).number(msg.version).number(msg.ttl).bin(token(msg.token));
      if (msg.signed) writeSigned(msg.signed);
      break;
    case MessageType.AddSource:
      rpcField(w, msg.rpc);
      check(isId(msg.key), 'ADD_SOURCE key must be 20 bytes');
      check(isBytes(msg.value), 'ADD_SOURCE value must be a Uint8Array');
      check(isId(msg.publisher), 'ADD_SOURCE publisher must be a 20-byte ID');
      if (!isTtl(msg.ttl)) fail(`ttl must be a non-negative finite number, got ${msg.ttl}`);
      w.bin(msg.key).bin(msg.value).bin(msg.publisher).number(msg.ttl).bin(token(msg.token));
      break;
    case MessageType.FindSources:
      rpcField(w, msg.rpc);
      check(isId(msg.key), 'FIND_SOURCES key must be 20 bytes');
      if (!isU32(msg.cursor)) fail(`FIND_SOURCES cursor must be a u32, got ${msg.cursor}`);
      w.bin(msg.key).number(msg.cursor);
      break;
    case MessageType.Sources: {
      rpcField(w, msg.rpc);
      if (!isU32(msg.next)) fail(`SOURCES next must be a u32, got ${msg.next}`);
      const start = w.openBin();
      w.binAfter(start, writeSourceEntries(msg.entries, scratch, start, MAX_DATAGRAM_BYTES + 64) - start);
      w.number(msg.next);
      writeContacts(w, msg.contacts, contacts);
      break;
    }
    default:
      throw new TypeError(`unknown message type ${(msg as { type: unknown }).type}`);
  }
  if (w.length > MAX_DATAGRAM_BYTES) {
    throw new RangeError(`encoded message is ${w.length} bytes, over the ${MAX_DATAGRAM_BYTES}-byte datagram limit`);
  }
  return w.length;
}

/** The rpc id, the field after the sender's ID in every record. */
function rpcField(w: RecordWriter, rpc: number): void {
  if (!isU32(rpc)) throw new TypeError(`rpc must be a u32, got ${rpc}`);
  w.number(rpc);
}

/** A contact list as one bin field (NODES, SOURCES). */
function writeContacts(w: RecordWriter, handles: Uint32Array, contacts: ContactWriter): void {
  const start = w.openBin();
  const limit = MAX_DATAGRAM_BYTES + 64;
  let at = start;
  if (contacts.writeContacts !== undefined) {
    // One room check for the whole list (the swarm's contacts all have one size).
    at = contacts.writeContacts(handles, scratch, scratchView, start, limit);
    if (at < 0) throw tooManyContacts(handles.length);
  } else {
    for (let i = 0; i < handles.length; i++) {
      if (at + MAX_CONTACT_BYTES > limit) throw tooManyContacts(handles.length);
      at = contacts.writeContact(handles[i]!, scratch, at);
    }
  }
  w.binAfter(start, at - start);
}

function tooManyContacts(n: number): RangeError {
  return new RangeError(`${n} contacts do not fit in a ${MAX_DATAGRAM_BYTES}-byte datagram`);
}

function token(t: Uint8Array | undefined): Uint8Array {
  if (t === undefined) return NO_TOKEN;
  if (!(isBytes(t) && t.length <= MAX_TOKEN_BYTES)) fail(`a write token is at most ${MAX_TOKEN_BYTES} bytes`);
  return t;
}

function writeSigned(p: SignedPart): void {
  check(isBytes(p.publicKey) && p.publicKey.length === 32, 'a signed record\'s public key is 32 bytes');
  check(isBytes(p.salt) && p.salt.length <= 64, 'a signed record\'s salt is at most 64 bytes');
  check(isBytes(p.signature) && p.signature.length === 64, 'a signed record\'s signature is 64 bytes');
  writer.bin(p.publicKey).bin(p.salt).bin(p.signature);
}

// A check whose message is a constant string; one that names the bad value calls fail() only
// once the check failed, so a good message builds no string (template literals are eager).
function check(ok: boolean, message: string): void {
  if (!ok) fail(message);
}

function fail(message: string): never {
  throw new TypeError(message);
}

function checkRecord(version: number, ttl: number): void {
  if (!isVersion(version)) fail(`version must be a non-negative safe integer, got ${version}`);
  if (!isTtl(ttl)) fail(`ttl must be a non-negative finite number, got ${ttl}`);
}
