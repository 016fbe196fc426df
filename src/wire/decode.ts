/**
 * Datagram → message, for bytes from anyone. decodeMessage never throws: a
 * datagram that is not exactly one well-formed message is dropped with a
 * reason the host can count.
 *
 * Order of work, cheapest refusal first: size, first byte (record id = type),
 * the record's fields (decode-fields.ts: read by hand into typed slots, as
 * msgpackr would read them, so framing refusals come first), field checks,
 * contact framing, and only then the ContactReader (which may intern peers, so
 * it never sees a message that is going to be dropped). msgpackr is no longer
 * on this path: it stays the test oracle (test/wire/decode-oracle.test.ts).
 *
 * Two steps for hosts that intern peers: decodeStaged checks everything but
 * resolves no contact (a NODES message comes back with no contacts and its
 * checked list in `contactList`), so the host can first ask the core whether
 * the reply answers a request; resolveContacts then interns them. An
 * unsolicited NODES reply thus never reaches the address book.
 * decodeMessage does both at once (the swarm, whose contacts are indices): the
 * contacts go from the datagram straight into a Uint32Array of handles (one
 * shared slab, contact-list.ts), with no object per contact.
 *
 * Objects: one Message and one result per accepted datagram, plus one
 * Uint8Array per binary field the message keeps; nothing per field read and
 * nothing for a drop. Every kind but STORE, VALUE and the sources records
 * comes from message-pool.ts (NODES in decodeInto only): nothing new once the
 * swarm hands delivered ones back. Copies: the input may be a ring slot that is reused as
 * soon as decode returns, so no returned field is a view into it, except a
 * staged contact list (resolved before the slot is reused).
 */
import { ID_BYTES } from '../core/id.js';
import { MessageType, type Message, type SignedPart } from '../core/messages.js';
import { BAD_CONTACT, countContacts, readContactList, readContactsInto } from './contact-list.js';
import type { ContactReader } from './contacts.js';
import { binAt, binLen, Kind, kind, num, readFields, TRUNCATED } from './decode-fields.js';
import { DEFAULT_MAX_CONTACTS, DEFAULT_MAX_VALUE_BYTES, MAX_DATAGRAM_BYTES, MAX_TOKEN_BYTES } from './limits.js';
import { FIRST_RECORD_ID, MESSAGE_STRUCTURES, SIGNED_STORE_RECORD, SIGNED_VALUE_RECORD } from './structures.js';
import { readSourceEntries } from './source-entries.js';
import { takeFindNode, takeFindValue, takeNodes, takePing, takePong, takeStoreAck } from './message-pool.js';

export type DropReason =
  | 'too-large' // datagram above maxDatagramBytes
  | 'truncated' // ends inside a field
  | 'trailing-bytes' // a whole message followed by more bytes
  | 'malformed' // not msgpack, or not one of our records
  | 'unknown-type' // a record id past the known message types
  | 'bad-field' // a field of the wrong type, length or range
  | 'value-too-large' // a value above maxValueBytes
  | 'bad-contact' // a contact list that is not a whole number of contacts, or an unknown address tag
  | 'too-many-contacts'; // more contacts than maxContacts

export interface DecodedMessage {
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

type Drop = { ok: false; reason: DropReason };
export type Decoded = DecodedMessage | Drop;

const NO_CONTACTS = new Uint32Array(0);

export interface DecodeLimits {
  maxDatagramBytes: number;
  maxValueBytes: number;
  maxContacts: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxDatagramBytes: MAX_DATAGRAM_BYTES,
  maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
  maxContacts: DEFAULT_MAX_CONTACTS,
});

// One frozen result per reason: dropping allocates nothing.
const drops = new Map<DropReason, Drop>();
function drop(reason: DropReason): Drop {
  let d = drops.get(reason);
  if (!d) drops.set(reason, (d = Object.freeze({ ok: false, reason })));
  return d;
}

/**
 * Decodes one datagram. Binary fields of the result (senderId, key, target,
 * value) are fresh Uint8Arrays, so the caller may reuse `bytes` at once.
 */
export function decodeMessage(bytes: Uint8Array, contacts: ContactReader, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Decoded {
  const d = decodeStaged(bytes, limits);
  if (d.ok && d.contactList) resolveContacts(d, contacts);
  return d;
}

/**
 * Resolves the staged contacts of a NODES or SOURCES message through `contacts` (which may intern peers):
 * sets message.contacts to the handles and droppedContacts to those the reader refused.
 */
export function resolveContacts(d: DecodedMessage, contacts: ContactReader): void {
  const list = d.contactList;
  if (!list || (d.message.type !== MessageType.Nodes && d.message.type !== MessageType.Sources)) return;
  const handles = readContactList(list, d.contactCount, contacts);
  d.message.contacts = handles;
  d.droppedContacts = d.contactCount - handles.length;
  d.contactList = null;
}

/**
 * Checks one datagram completely but resolves no contact: a NODES or SOURCES message has no
 * contacts yet and carries its list in `contactList` (a view into `bytes`) for resolveContacts.
 */
export function decodeStaged(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Decoded {
  const m = read(bytes, 0, bytes instanceof Uint8Array ? bytes.length : 0, limits);
  if (m === null) return drop(dropReason);
  const contactList = stagedAt >= 0 ? input.subarray(stagedAt, stagedEnd) : null;
  return { ok: true, senderId: copy(input, 0), message: m, droppedContacts: 0, contactList, contactCount: stagedCount };
}

/**
 * A reusable decode result for hosts that look at the sender once and hand the message on (the
 * swarm): decodeInto fills it in place, so a datagram costs the Message and its fields only.
 */
export class DecodeScratch {
  /** The sender's ID, rewritten by every decodeInto (unless `copySender` is false): copy it to keep it. */
  readonly senderId = new Uint8Array(ID_BYTES);
  /** Where the sender's ID starts in the bytes decodeInto was given, so a host can check it there, in place. */
  senderAt = 0;
  message: Message | null = null;
  droppedContacts = 0;

  /** `copySender` false: senderId is left alone (the swarm compares the ID at senderAt with its table, no copy). */
  constructor(readonly copySender = true) {}
}

/**
 * decodeMessage into `out`: null when the datagram is a message (in `out`, contacts resolved),
 * else the reason to drop it (and `out.message` is null). The datagram is `bytes[start … end)`,
 * so a ring consumer hands over its shared area and a range instead of a view per frame.
 */
export function decodeInto(bytes: Uint8Array, out: DecodeScratch, contacts: ContactReader, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, start = 0, end = bytes.length): DropReason | null {
  pooling = true;
  const m = read(bytes, start, end, limits);
  pooling = false;
  if (m === null) {
    out.message = null;
    return dropReason;
  }
  const from = binAt[0]!;
  out.senderAt = from;
  if (out.copySender) {
    const id = out.senderId;
    for (let i = 0; i < ID_BYTES; i++) id[i] = input[from + i]!; // a loop: subarray() would be an object
  }
  out.message = m;
  out.droppedContacts = 0;
  if (stagedAt >= 0 && (m.type === MessageType.Nodes || m.type === MessageType.Sources)) {
    if (stagedPooled) {
      const n = readContactsInto(input, contacts, stagedAt, stagedEnd, m.contacts);
      if (n < stagedCount) m.contacts = m.contacts.subarray(0, n);
      out.droppedContacts = stagedCount - n;
    } else {
      const handles = readContactList(input, stagedCount, contacts, stagedAt, stagedEnd);
      m.contacts = handles;
      out.droppedContacts = stagedCount - handles.length;
    }
    stagedAt = -1;
  }
  return null;
}

// Why the last read() returned null (a message is never a drop: no result object for either).
let dropReason: DropReason = 'malformed';
function refuse(reason: DropReason): null {
  dropReason = reason;
  return null;
}

// The input of the last read(): a plain Uint8Array over the datagram (see read).
let input: Uint8Array = new Uint8Array(0);

/**
 * Size, first byte, fields, checks of `bytes[start … end)`: the message (staged contacts in
 * stagedAt … stagedEnd) or null and the reason in dropReason.
 */
function read(bytes: Uint8Array, start: number, end: number, limits: DecodeLimits): Message | null {
  if (!(bytes instanceof Uint8Array)) return refuse('malformed');
  if (end - start > limits.maxDatagramBytes) return refuse('too-large');
  if (end <= start) return refuse('truncated');
  const type = bytes[start]! - FIRST_RECORD_ID;
  if (type < 0 || type >= 0x40) return refuse('malformed');
  if (type >= MESSAGE_STRUCTURES.length) return refuse('unknown-type');
  // A Buffer's slice() returns a view: read a plain Uint8Array over the same bytes so copies are real copies.
  input = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const stop = readFields(input, start + 1, end, MESSAGE_STRUCTURES[type]!.length);
  if (stop < 0) return refuse(stop === TRUNCATED ? 'truncated' : 'malformed');
  if (stop < end) return refuse('trailing-bytes');
  if (!isId(0)) return refuse('bad-field');
  return build(type as MessageType, input, limits);
}

// Checks on slot i of the record just read (decode-fields.ts); the same rules as fields.ts.
function isU32(i: number): boolean {
  const v = num[i]!;
  return kind[i] === Kind.Num && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}
function isVersion(i: number): boolean {
  return kind[i] === Kind.Num && Number.isSafeInteger(num[i]) && num[i]! >= 0;
}
function isTtl(i: number): boolean {
  return kind[i] === Kind.Num && Number.isFinite(num[i]) && num[i]! >= 0;
}
function isBool(i: number): boolean {
  return kind[i] === Kind.Bool;
}
function isBytes(i: number): boolean {
  return kind[i] === Kind.Bin;
}
function isId(i: number): boolean {
  return kind[i] === Kind.Bin && binLen[i] === ID_BYTES;
}

/** A fresh copy of binary slot i. */
function copy(b: Uint8Array, i: number): Uint8Array {
  return b.slice(binAt[i]!, binAt[i]! + binLen[i]!);
}

/** A token slot is fine when it is bytes of at most MAX_TOKEN_BYTES (empty: no token). */
function tokenOk(i: number): boolean {
  return kind[i] === Kind.Bin && binLen[i]! <= MAX_TOKEN_BYTES;
}

/** The signature parts of a signed record start at slot i: BEP 44's sizes. */
function signedOk(i: number): boolean {
  return isBytes(i) && binLen[i] === 32 && isBytes(i + 1) && binLen[i + 1]! <= 64 && isBytes(i + 2) && binLen[i + 2] === 64;
}
function signedOf(b: Uint8Array, i: number): SignedPart {
  return { publicKey: copy(b, i), salt: copy(b, i + 1), signature: copy(b, i + 2) };
}

// The staged contact list of the message build() just returned (NODES, SOURCES): input[stagedAt … stagedEnd), else stagedAt −1.
let stagedAt = -1;
let stagedEnd = 0;
let stagedCount = 0;
/** The staged NODES came from the pool: its contacts are an array of stagedCount handles to fill. */
let stagedPooled = false;
/** Set by decodeInto while it reads: its caller gives messages back (message-pool.ts). */
let pooling = false;

/** Slots by record (structures.ts): 0 from, 1 rpc, then the record's fields in order. */
function build(type: MessageType, b: Uint8Array, limits: DecodeLimits): Message | null {
  let message: Message;
  stagedAt = -1;
  stagedCount = 0;
  stagedPooled = false;
  if (!isU32(1)) return refuse('bad-field');
  const rpc = num[1]!;
  switch (type) {
    case MessageType.Ping:
      message = takePing(rpc); // the common ones come from message-pool.ts
      break;
    case MessageType.Pong:
      message = takePong(rpc);
      break;
    case MessageType.Store:
    case SIGNED_STORE_RECORD as MessageType: {
      // key 2, data 3, version 4, ttl 5, cache 6, token 7, signed parts 8–10
      const isSigned = (type as number) === SIGNED_STORE_RECORD;
      if (!isId(2) || !isBytes(3) || !isVersion(4) || !isTtl(5) || !isBool(6) || !tokenOk(7)) return refuse('bad-field');
      if (isSigned && !signedOk(8)) return refuse('bad-field');
      if (binLen[3]! > limits.maxValueBytes) return refuse('value-too-large');
      const store: Message = { type: MessageType.Store, rpc, key: copy(b, 2), value: copy(b, 3), version: num[4]!, ttl: num[5]!, cache: num[6] === 1 };
      if (binLen[7]! > 0) store.token = copy(b, 7);
      if (isSigned) store.signed = signedOf(b, 8);
      message = store;
      break;
    }
    case MessageType.StoreAck: {
      // ok 2, code 3
      if (!isBool(2) || !isU32(3)) return refuse('bad-field');
      const ok = num[2] === 1;
      const code = num[3]!;
      if (code > 255 || (code === 0) !== ok) return refuse('bad-field');
      message = takeStoreAck(rpc, ok, code);
      break;
    }
    case MessageType.FindNode:
      if (!isId(2)) return refuse('bad-field');
      message = takeFindNode(rpc, b, binAt[2]!);
      break;
    case MessageType.Nodes: {
      // contacts 2, token 3
      if (!isBytes(2) || !tokenOk(3)) return refuse('bad-field');
      const count = countContacts(b, limits.maxContacts, binAt[2]!, binAt[2]! + binLen[2]!);
      if (count < 0) return refuse(count === BAD_CONTACT ? 'bad-contact' : 'too-many-contacts');
      stage(2, count);
      if (binLen[3]! > 0) message = { type, rpc, contacts: NO_CONTACTS, token: copy(b, 3) };
      else {
        // decodeInto fills a pooled reply's own handles (message-pool.ts); the others resolve into the slab.
        const pooled = pooling ? takeNodes(rpc, count) : null;
        stagedPooled = pooled !== null;
        message = pooled ?? { type, rpc, contacts: NO_CONTACTS };
      }
      break;
    }
    case MessageType.FindValue:
      if (!isId(2)) return refuse('bad-field');
      message = takeFindValue(rpc, b, binAt[2]!);
      break;
    case MessageType.Value:
    case SIGNED_VALUE_RECORD as MessageType: {
      // data 2, version 3, ttl 4, token 5, signed parts 6–8
      const isSigned = (type as number) === SIGNED_VALUE_RECORD;
      if (!isBytes(2) || !isVersion(3) || !isTtl(4) || !tokenOk(5)) return refuse('bad-field');
      if (isSigned && !signedOk(6)) return refuse('bad-field');
      if (binLen[2]! > limits.maxValueBytes) return refuse('value-too-large');
      const reply: Message = { type: MessageType.Value, rpc, value: copy(b, 2), version: num[3]!, ttl: num[4]! };
      if (binLen[5]! > 0) reply.token = copy(b, 5);
      if (isSigned) reply.signed = signedOf(b, 6);
      message = reply;
      break;
    }
    case MessageType.AddSource: {
      // key 2, data 3, publisher 4, ttl 5, token 6
      if (!isId(2) || !isBytes(3) || !isId(4) || !isTtl(5) || !tokenOk(6)) return refuse('bad-field');
      if (binLen[3]! > limits.maxValueBytes) return refuse('value-too-large');
      const key = copy(b, 2);
      const value = copy(b, 3);
      const publisher = copy(b, 4);
      const ttl = num[5]!;
      message = binLen[6]! > 0 ? { type, rpc, key, value, publisher, ttl, token: copy(b, 6) } : { type, rpc, key, value, publisher, ttl };
      break;
    }
    case MessageType.FindSources:
      // key 2, cursor 3
      if (!isId(2) || !isU32(3)) return refuse('bad-field');
      message = { type, rpc, key: copy(b, 2), cursor: num[3]! };
      break;
    case MessageType.Sources: {
      // entries 2, next 3, contacts 4
      if (!isBytes(2) || !isU32(3) || !isBytes(4)) return refuse('bad-field');
      const next = num[3]!;
      // The entries' values and IDs are views into this one copy.
      const entries = readSourceEntries(copy(b, 2), limits.maxValueBytes);
      if (typeof entries === 'string') return refuse(entries);
      const count = countContacts(b, limits.maxContacts, binAt[4]!, binAt[4]! + binLen[4]!);
      if (count < 0) return refuse(count === BAD_CONTACT ? 'bad-contact' : 'too-many-contacts');
      // Staged like NODES: its closer contacts are interned only once the reply is matched.
      stage(4, count);
      message = { type, rpc, entries, next, contacts: NO_CONTACTS };
      break;
    }
    default:
      return refuse('unknown-type');
  }
  return message;
}

/** Stages binary slot i as the message's contact list of `count` contacts. */
function stage(i: number, count: number): void {
  stagedAt = binAt[i]!;
  stagedEnd = stagedAt + binLen[i]!;
  stagedCount = count;
}
