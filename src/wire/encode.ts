/**
 * Message → datagram. Encode trusts nothing it can check cheaply: a field the
 * receiver would drop (an rpc of -1, a 19-byte key) throws here instead, where
 * the bug is. Sizes are bounded at start-up by checkLimits; a datagram that
 * still comes out too large throws.
 */
import { MessageType, type Message } from '../core/messages.js';
import { writeContactList } from './contact-list.js';
import type { ContactWriter } from './contacts.js';
import { isBytes, isId, isTtl, isU32, isVersion } from './fields.js';
import { MAX_DATAGRAM_BYTES } from './limits.js';
import { createEncoder } from './structures.js';

const packr = createEncoder();

/**
 * Encodes `msg` from `senderId`. The result is a view into msgpackr's output
 * buffer that later encodes do not overwrite; copy it into a ring or send it.
 */
export function encodeMessage(senderId: Uint8Array, msg: Message, contacts: ContactWriter): Uint8Array {
  if (!isId(senderId)) throw new TypeError('senderId must be a 20-byte Uint8Array');
  if (!isU32(msg.rpc)) throw new TypeError(`rpc must be a u32, got ${msg.rpc}`);
  // Object literals in structure order (structures.ts): msgpackr finds the record by key order.
  let record: object;
  switch (msg.type) {
    case MessageType.Ping:
      record = { from: senderId, ping: msg.rpc };
      break;
    case MessageType.Pong:
      record = { from: senderId, pong: msg.rpc };
      break;
    case MessageType.Store:
      check(isId(msg.key), 'STORE key must be 20 bytes');
      check(isBytes(msg.value), 'STORE value must be a Uint8Array');
      checkRecord(msg.version, msg.ttl);
      record = { from: senderId, store: msg.rpc, key: msg.key, data: msg.value, version: msg.version, ttl: msg.ttl, cache: msg.cache === true };
      break;
    case MessageType.StoreAck:
      record = { from: senderId, storeAck: msg.rpc, ok: msg.ok === true };
      break;
    case MessageType.FindNode:
      check(isId(msg.target), 'FIND_NODE target must be 20 bytes');
      record = { from: senderId, findNode: msg.rpc, target: msg.target };
      break;
    case MessageType.Nodes:
      record = { from: senderId, nodes: msg.rpc, contacts: writeContactList(msg.contacts, contacts) };
      break;
    case MessageType.FindValue:
      check(isId(msg.key), 'FIND_VALUE key must be 20 bytes');
      record = { from: senderId, findValue: msg.rpc, key: msg.key };
      break;
    case MessageType.Value:
      check(isBytes(msg.value), 'VALUE value must be a Uint8Array');
      checkRecord(msg.version, msg.ttl);
      record = { from: senderId, value: msg.rpc, data: msg.value, version: msg.version, ttl: msg.ttl };
      break;
    default:
      throw new TypeError(`unknown message type ${(msg as { type: unknown }).type}`);
  }
  const bytes = packr.pack(record);
  if (bytes.length > MAX_DATAGRAM_BYTES) {
    throw new RangeError(`encoded message is ${bytes.length} bytes, over the ${MAX_DATAGRAM_BYTES}-byte datagram limit`);
  }
  return bytes;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new TypeError(message);
}

function checkRecord(version: number, ttl: number): void {
  check(isVersion(version), `version must be a non-negative safe integer, got ${version}`);
  check(isTtl(ttl), `ttl must be a non-negative finite number, got ${ttl}`);
}
