/**
 * The second half of a decode (decode.ts): the checks on the slots readFields filled
 * (decode-fields.ts) and the one Message built from them, taken from message-pool.ts where it
 * can be. A NODES or SOURCES contact list is only staged here (its place in `built`); decode.ts
 * resolves it.
 */
import { ID_BYTES } from '../core/id.js';
import { MessageType, type Message, type SignedPart } from '../core/messages.js';
import { BAD_CONTACT, countContacts } from './contact-list.js';
import { binAt, binLen, Kind, kind, num } from './decode-fields.js';
import { MAX_TOKEN_BYTES } from './limits.js';
import { takeFindNode, takeFindValue, takeNodes, takePing, takePong, takeStoreAck } from './message-pool.js';
import { readSourceEntries } from './source-entries.js';
import { SIGNED_STORE_RECORD, SIGNED_VALUE_RECORD } from './structures.js';

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

/** The contacts of a NODES or SOURCES until decode.ts resolves them. */
const NO_CONTACTS = new Uint32Array(0);

export interface BuildLimits {
  maxValueBytes: number;
  maxContacts: number;
}

/**
 * What the last decode left beside its message (one object for the thread, no result per
 * datagram): why it refused; the staged contact list of a NODES or SOURCES, input[stagedAt …
 * stagedEnd) (stagedAt −1: none); whether that NODES came from the pool (its contacts are an
 * array of stagedCount handles to fill); and `pooling`, set by decodeInto while it reads (its
 * caller gives messages back).
 */
export const built = { reason: 'malformed' as DropReason, stagedAt: -1, stagedEnd: 0, stagedCount: 0, pooled: false, pooling: false };

export function refuse(reason: DropReason): null {
  built.reason = reason;
  return null;
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
export function isId(i: number): boolean {
  return kind[i] === Kind.Bin && binLen[i] === ID_BYTES;
}

/** A fresh copy of binary slot i. */
export function copy(b: Uint8Array, i: number): Uint8Array {
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


/** Slots by record (structures.ts): 0 from, 1 rpc, then the record's fields in order. */
export function build(type: MessageType, b: Uint8Array, limits: BuildLimits): Message | null {
  let message: Message;
  built.stagedAt = -1;
  built.stagedCount = 0;
  built.pooled = false;
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
        const pooled = built.pooling ? takeNodes(rpc, count) : null;
        built.pooled = pooled !== null;
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
  built.stagedAt = binAt[i]!;
  built.stagedEnd = built.stagedAt + binLen[i]!;
  built.stagedCount = count;
}
