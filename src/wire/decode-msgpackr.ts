/**
 * The msgpackr decoder this codec used before decode-fields.ts, kept as the oracle of
 * test/wire/decode-oracle.test.ts and as the "before" row of bench/codec.bench.ts. No host
 * imports it (test/wire/decode-oracle.test.ts checks): decode.ts is the one decoder in use.
 * Unchanged but for the names (oracle…) and the drop reasons, which are the decoder's type:
 * Unpackr with the shared structures, then the same field checks.
 */
import { MessageType, type Message } from '../core/messages.js';
import { BAD_CONTACT, countContacts, readContactList } from './contact-list.js';
import type { ContactReader } from './contacts.js';
import { isBytes, isId, isTtl, isU32, isVersion } from './fields.js';
import { DEFAULT_MAX_CONTACTS, DEFAULT_MAX_VALUE_BYTES, MAX_DATAGRAM_BYTES, MAX_TOKEN_BYTES } from './limits.js';
import { createDecoder, FIRST_RECORD_ID, MESSAGE_STRUCTURES, SIGNED_STORE_RECORD, SIGNED_VALUE_RECORD } from './structures.js';
import { readSourceEntries } from './source-entries.js';
import type { SignedPart } from '../core/messages.js';
import type { DropReason } from './decode-build.js';

/** The decoder's own drop reasons: the oracle refuses the same inputs for the same reasons (one definition). */
export type OracleDropReason = DropReason;

interface DecodedMessage {
  ok: true;
  senderId: Uint8Array;
  message: Message;
  /** Contacts of a NODES list the reader refused (resolveContacts sets it). */
  droppedContacts: number;
  /**
   * A NODES message's contact list, framing checked, not yet resolved (null otherwise, and after
   * resolveContacts). A view into the input bytes: valid only while they are.
   */
  contactList: Uint8Array | null;
  contactCount: number;
}

export type OracleDecoded = DecodedMessage | { ok: false; reason: OracleDropReason };

const NO_CONTACTS = new Uint32Array(0);

interface DecodeLimits {
  maxDatagramBytes: number;
  maxValueBytes: number;
  maxContacts: number;
}

const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxDatagramBytes: MAX_DATAGRAM_BYTES,
  maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
  maxContacts: DEFAULT_MAX_CONTACTS,
});

const copying = createDecoder(true);
const inPlace = createDecoder(false);

// One frozen result per reason: dropping allocates nothing.
const drops = new Map<OracleDropReason, OracleDecoded>();
function drop(reason: OracleDropReason): OracleDecoded {
  let d = drops.get(reason);
  if (!d) drops.set(reason, (d = Object.freeze({ ok: false, reason })));
  return d;
}

/**
 * Decodes one datagram. Binary fields of the result (senderId, key, target,
 * value) are fresh Uint8Arrays, so the caller may reuse `bytes` at once.
 * msgpackr caches a DataView on the input object (`bytes.dataView`).
 */
export function oracleDecodeMessage(bytes: Uint8Array, contacts: ContactReader, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): OracleDecoded {
  const d = oracleDecodeStaged(bytes, limits);
  if (d.ok && d.contactList) resolveContacts(d, contacts);
  return d;
}

/**
 * Resolves the staged contacts of a NODES or SOURCES message through `contacts` (which may intern peers):
 * sets message.contacts to the handles and droppedContacts to those the reader refused.
 */
function resolveContacts(d: DecodedMessage, contacts: ContactReader): void {
  const list = d.contactList;
  if (!list || (d.message.type !== MessageType.Nodes && d.message.type !== MessageType.Sources)) return;
  const handles = readContactList(list, d.contactCount, contacts);
  d.message.contacts = handles;
  d.droppedContacts = d.contactCount - handles.length;
  d.contactList = null;
}

/**
 * Checks one datagram completely but resolves no contact: a NODES message has no contacts yet
 * and carries its list in `contactList` (a view into `bytes`) for resolveContacts.
 */
export function oracleDecodeStaged(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): OracleDecoded {
  if (!(bytes instanceof Uint8Array)) return drop('malformed');
  if (bytes.length > limits.maxDatagramBytes) return drop('too-large');
  if (bytes.length === 0) return drop('truncated');
  const type = bytes[0]! - FIRST_RECORD_ID;
  if (type < 0 || type >= 0x40) return drop('malformed');
  if (type >= MESSAGE_STRUCTURES.length) return drop('unknown-type');
  // A Buffer's slice() returns a view: read a plain Uint8Array over the same bytes so copies are real copies.
  const input = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const nodes = type === MessageType.Nodes;
  let rec: Record<string, unknown>;
  try {
    rec = (nodes ? inPlace : copying).unpack(input) as Record<string, unknown>;
  } catch (error) {
    return drop(classify(error));
  }
  const from = rec.from;
  if (!isId(from)) return drop('bad-field');
  return build(type as MessageType, rec, nodes ? from.slice() : from, limits);
}

/** A token field: bytes of at most MAX_TOKEN_BYTES; `copy` for one read in place (NODES). Undefined when bad. */
function tokenOf(v: unknown, copy: boolean): Uint8Array | null | undefined {
  if (!isBytes(v) || v.length > MAX_TOKEN_BYTES) return undefined;
  if (v.length === 0) return null;
  return copy ? v.slice() : v;
}

/** The signature parts of a signed record, or undefined when their sizes are not BEP 44's. */
function signedOf(rec: Record<string, unknown>): SignedPart | undefined {
  const { publicKey, salt, signature } = rec;
  if (!isBytes(publicKey) || publicKey.length !== 32 || !isBytes(salt) || salt.length > 64 || !isBytes(signature) || signature.length !== 64) return undefined;
  return { publicKey, salt, signature };
}

function build(type: MessageType, rec: Record<string, unknown>, senderId: Uint8Array, limits: DecodeLimits): OracleDecoded {
  let message: Message;
  let contactList: Uint8Array | null = null;
  let contactCount = 0;
  switch (type) {
    case MessageType.Ping: {
      const rpc = rec.ping;
      if (!isU32(rpc)) return drop('bad-field');
      message = { type, rpc };
      break;
    }
    case MessageType.Pong: {
      const rpc = rec.pong;
      if (!isU32(rpc)) return drop('bad-field');
      message = { type, rpc };
      break;
    }
    case MessageType.Store:
    case SIGNED_STORE_RECORD as MessageType: {
      const isSigned = (type as number) === SIGNED_STORE_RECORD;
      const { key, data: value, version, ttl, cache } = rec;
      const rpc = isSigned ? rec.signedStore : rec.store;
      const token = tokenOf(rec.token, false);
      if (!isU32(rpc) || !isId(key) || !isBytes(value) || !isVersion(version) || !isTtl(ttl) || typeof cache !== 'boolean' || token === undefined) {
        return drop('bad-field');
      }
      const signed = isSigned ? signedOf(rec) : undefined;
      if (isSigned && !signed) return drop('bad-field');
      if (value.length > limits.maxValueBytes) return drop('value-too-large');
      const store: Message = { type: MessageType.Store, rpc, key, value, version, ttl, cache };
      if (token) store.token = token;
      if (signed) store.signed = signed;
      message = store;
      break;
    }
    case MessageType.StoreAck: {
      const { storeAck: rpc, ok, code } = rec;
      if (!isU32(rpc) || typeof ok !== 'boolean' || !isU32(code) || code > 255 || (code === 0) !== ok) return drop('bad-field');
      message = { type, rpc, ok, code };
      break;
    }
    case MessageType.FindNode: {
      const { findNode: rpc, target } = rec;
      if (!isU32(rpc) || !isId(target)) return drop('bad-field');
      message = { type, rpc, target };
      break;
    }
    case MessageType.Nodes: {
      const { nodes: rpc, contacts: list } = rec;
      const token = tokenOf(rec.token, true);
      if (!isU32(rpc) || !isBytes(list) || token === undefined) return drop('bad-field');
      const count = countContacts(list, limits.maxContacts);
      if (count < 0) return drop(count === BAD_CONTACT ? 'bad-contact' : 'too-many-contacts');
      contactList = list;
      contactCount = count;
      message = token ? { type, rpc, contacts: NO_CONTACTS, token } : { type, rpc, contacts: NO_CONTACTS };
      break;
    }
    case MessageType.FindValue: {
      const { findValue: rpc, key } = rec;
      if (!isU32(rpc) || !isId(key)) return drop('bad-field');
      message = { type, rpc, key };
      break;
    }
    case MessageType.Value:
    case SIGNED_VALUE_RECORD as MessageType: {
      const isSigned = (type as number) === SIGNED_VALUE_RECORD;
      const { data: value, version, ttl } = rec;
      const rpc = isSigned ? rec.signedValue : rec.value;
      const token = tokenOf(rec.token, false);
      if (!isU32(rpc) || !isBytes(value) || !isVersion(version) || !isTtl(ttl) || token === undefined) return drop('bad-field');
      const signed = isSigned ? signedOf(rec) : undefined;
      if (isSigned && !signed) return drop('bad-field');
      if (value.length > limits.maxValueBytes) return drop('value-too-large');
      const reply: Message = { type: MessageType.Value, rpc, value, version, ttl };
      if (token) reply.token = token;
      if (signed) reply.signed = signed;
      message = reply;
      break;
    }
    case MessageType.AddSource: {
      const { addSource: rpc, key, data: value, publisher, ttl } = rec;
      const token = tokenOf(rec.token, false);
      if (!isU32(rpc) || !isId(key) || !isBytes(value) || !isId(publisher) || !isTtl(ttl) || token === undefined) return drop('bad-field');
      if (value.length > limits.maxValueBytes) return drop('value-too-large');
      message = token ? { type, rpc, key, value, publisher, ttl, token } : { type, rpc, key, value, publisher, ttl };
      break;
    }
    case MessageType.FindSources: {
      const { findSources: rpc, key, cursor } = rec;
      if (!isU32(rpc) || !isId(key) || !isU32(cursor)) return drop('bad-field');
      message = { type, rpc, key, cursor };
      break;
    }
    case MessageType.Sources: {
      const { sources: rpc, entries: list, next, contacts: cl } = rec;
      if (!isU32(rpc) || !isBytes(list) || !isU32(next) || !isBytes(cl)) return drop('bad-field');
      const entries = readSourceEntries(list, limits.maxValueBytes);
      if (typeof entries === 'string') return drop(entries);
      const count = countContacts(cl, limits.maxContacts);
      if (count < 0) return drop(count === BAD_CONTACT ? 'bad-contact' : 'too-many-contacts');
      // Staged like NODES: its closer contacts are interned only once the reply is matched.
      contactList = cl;
      contactCount = count;
      message = { type, rpc, entries, next, contacts: NO_CONTACTS };
      break;
    }
    default:
      return drop('unknown-type');
  }
  return { ok: true, senderId, message, droppedContacts: 0, contactList, contactCount };
}

/** Maps a msgpackr error to a reason. `incomplete` is msgpackr's own flag for reading past the end. */
function classify(error: unknown): OracleDropReason {
  if (error !== null && typeof error === 'object') {
    if ((error as { incomplete?: boolean }).incomplete === true) return 'truncated';
    const text = (error as { message?: unknown }).message;
    if (typeof text === 'string' && text.startsWith('Data read, but end of buffer not reached')) return 'trailing-bytes';
  }
  return 'malformed';
}
