import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { CONTACT_BYTES, parseAddress } from '../../src/wire/address.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { encodeMessage } from '../../src/wire/encode.js';
import {
  checkLimits,
  DEFAULT_MAX_VALUE_BYTES,
  MAX_DATAGRAM_BYTES,
  nodesReplyBytes,
  storeBytes,
  signedStoreBytes,
  MAX_SIGNED_VALUE_BYTES,
  valueReplyBytes,
} from '../../src/wire/limits.js';
import { handles, senderId } from './fixtures.js';

describe('checkLimits', () => {
  it('accepts k = 20 for every address kind, with 1,024-byte values', () => {
    expect(MAX_DATAGRAM_BYTES).toBe(1400);
    expect(DEFAULT_MAX_VALUE_BYTES).toBe(1024);
    for (const addressKind of ['index', 'ipv4', 'ipv6', 'udp'] as const) {
      expect(() => checkLimits({ k: 20, addressKind })).not.toThrow();
      expect(() => checkLimits({ k: 20, maxValueBytes: 1024, addressKind })).not.toThrow();
    }
  });

  it('refuses k = 60 with IPv6, naming k, the sizes and the 1400-byte limit', () => {
    expect(() => checkLimits({ k: 60, addressKind: 'udp' })).toThrow(/k = 60.*39 bytes.*needs 2381 bytes.*1400-byte/);
    expect(() => checkLimits({ k: 60, addressKind: 'ipv6' })).toThrow(/use k <= 34/);
  });

  it('refuses a value that cannot fit in a STORE', () => {
    expect(() => checkLimits({ k: 20, maxValueBytes: 1400, addressKind: 'index' })).toThrow(/maxValueBytes = 1400.*1400-byte.*<= 1318/);
    expect(() => checkLimits({ k: 20, maxValueBytes: 1318, addressKind: 'index' })).not.toThrow();
  });

  it('refuses nonsense', () => {
    expect(() => checkLimits({ k: 0, addressKind: 'index' })).toThrow(/k must be/);
    expect(() => checkLimits({ k: 20, maxValueBytes: -1, addressKind: 'index' })).toThrow(/maxValueBytes must be/);
  });
});

describe('worst-case sizes match real encodings', () => {
  // Largest encodings of each field: rpc near 2^32, version past 2^32, fractional ttl.
  const rpc = 0xffffffff;
  const version = 2 ** 53 - 1;
  const ttl = 0.5;
  const token = new Uint8Array(8);

  it('NODES with the largest addresses', () => {
    const book = new AddressBook(senderId, parseAddress('[::1]:1'));
    for (let i = 1; i <= 34; i++) book.handleFor(new Uint8Array(20).fill(i), parseAddress(`[fe80::${i}]:4000`));
    for (const k of [0, 1, 9, 10, 20, 34]) {
      const bytes = encodeMessage(senderId, { type: MessageType.Nodes, rpc, contacts: handles(1, k), token }, book);
      expect(bytes.length).toBe(nodesReplyBytes(k, CONTACT_BYTES.ipv6));
    }
  });

  it('STORE and VALUE', () => {
    for (const n of [0, 200, 300, 1024, 1318]) {
      const value = new Uint8Array(n);
      const key = senderId;
      const store = encodeMessage(senderId, { type: MessageType.Store, rpc, key, value, version, ttl, cache: true, token }, book0());
      expect(store.length).toBe(storeBytes(n));
      const reply = encodeMessage(senderId, { type: MessageType.Value, rpc, value, version, ttl, token }, book0());
      expect(reply.length).toBe(valueReplyBytes(n));
    }
  });

  it('a signed STORE with the largest salt and a BEP 44-sized value fits a datagram', () => {
    const signed = { publicKey: new Uint8Array(32), salt: new Uint8Array(64), signature: new Uint8Array(64) };
    const value = new Uint8Array(MAX_SIGNED_VALUE_BYTES);
    const store = encodeMessage(senderId, { type: MessageType.Store, rpc, key: senderId, value, version, ttl, cache: true, token, signed }, book0());
    expect(store.length).toBe(signedStoreBytes(MAX_SIGNED_VALUE_BYTES));
    expect(store.length).toBeLessThanOrEqual(1400);
  });

  it('encode refuses a datagram over the limit', () => {
    const value = new Uint8Array(1329);
    expect(() => encodeMessage(senderId, { type: MessageType.Store, rpc, key: senderId, value, version, ttl, cache: true }, book0())).toThrow(
      /over the 1400-byte/,
    );
  });
});

function book0(): AddressBook {
  return new AddressBook(senderId, parseAddress('127.0.0.1:1'));
}
