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
import { MessageType, type Message } from '../core/messages.js';
import { readContactList, readContactsInto } from './contact-list.js';
import type { ContactReader } from './contacts.js';
import { build, built, copy, isId, refuse, type DropReason } from './decode-build.js';
import { binAt, readFields, TRUNCATED } from './decode-fields.js';
import { DEFAULT_MAX_CONTACTS, DEFAULT_MAX_VALUE_BYTES, MAX_DATAGRAM_BYTES } from './limits.js';
import { FIRST_RECORD_ID, MESSAGE_STRUCTURES } from './structures.js';

export type { DropReason } from './decode-build.js';

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
  if (m === null) return drop(built.reason);
  const contactList = built.stagedAt >= 0 ? input.subarray(built.stagedAt, built.stagedEnd) : null;
  return { ok: true, senderId: copy(input, 0), message: m, droppedContacts: 0, contactList, contactCount: built.stagedCount };
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
  built.pooling = true;
  const m = read(bytes, start, end, limits);
  built.pooling = false;
  if (m === null) {
    out.message = null;
    return built.reason;
  }
  const from = binAt[0]!;
  out.senderAt = from;
  if (out.copySender) {
    const id = out.senderId;
    for (let i = 0; i < ID_BYTES; i++) id[i] = input[from + i]!; // a loop: subarray() would be an object
  }
  out.message = m;
  out.droppedContacts = 0;
  if (built.stagedAt >= 0 && (m.type === MessageType.Nodes || m.type === MessageType.Sources)) {
    if (built.pooled) {
      const n = readContactsInto(input, contacts, built.stagedAt, built.stagedEnd, m.contacts);
      if (n < built.stagedCount) m.contacts = m.contacts.subarray(0, n);
      out.droppedContacts = built.stagedCount - n;
    } else {
      const handles = readContactList(input, built.stagedCount, contacts, built.stagedAt, built.stagedEnd);
      m.contacts = handles;
      out.droppedContacts = built.stagedCount - handles.length;
    }
    built.stagedAt = -1;
  }
  return null;
}


// The input of the last read(): a plain Uint8Array over the datagram (see read).
let input: Uint8Array = new Uint8Array(0);

/**
 * Size, first byte, fields, checks of `bytes[start … end)`: the message (staged contacts in
 * built.stagedAt … built.stagedEnd) or null and the reason in built.reason.
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

