/**
 * The core's byte constants for the amplification budget (core/wire-sizes.ts) against the real
 * encoder: replies never encode larger than the core's bound, requests never smaller; padding
 * is read off before the message; IP groups as libtorrent groups addresses.
 */
import { describe, expect, it } from 'vitest';
import { MessageType, type Message, type Request } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { CONTACT_BYTES, parseAddress } from '../../src/wire/address.js';
import { decodeMessage } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { ipGroups } from '../../src/wire/ip-groups.js';
import { nodesReplyBytes, valueReplyBytes } from '../../src/wire/limits.js';
import { padDatagram, paddedRequestBytes, paddingLength } from '../../src/wire/padding.js';
import { INDEX_CONTACT_BYTES, sourcesBytesMax, PING_BYTES_MAX, PONG_BYTES_MAX, STORE_ACK_BYTES_MAX, nodesBytesMax, requestBytesMin, valueBytesMax } from '../../src/core/wire-sizes.js';
import { addressBook, handles, indexContacts, senderId } from './fixtures.js';

const r = new Random(5);
const rpcs = [0, 1, 127, 128, 65_535, 0xffff_ffff];

describe('core wire sizes', () => {
  it('bound every reply from above and every request from below, for any rpc', () => {
    const book = addressBook(30);
    const index = indexContacts(100);
    for (const rpc of rpcs) {
      expect(encodeMessage(senderId, { type: MessageType.Pong, rpc }, index).length).toBeLessThanOrEqual(PONG_BYTES_MAX);
      expect(encodeMessage(senderId, { type: MessageType.Ping, rpc }, index).length).toBeLessThanOrEqual(PING_BYTES_MAX);
      expect(encodeMessage(senderId, { type: MessageType.StoreAck, rpc, ok: true }, index).length).toBeLessThanOrEqual(STORE_ACK_BYTES_MAX);
      for (const n of [0, 1, 5, 20]) {
        const nodes: Message = { type: MessageType.Nodes, rpc, contacts: handles(1, n) };
        expect(encodeMessage(senderId, nodes, index).length).toBeLessThanOrEqual(nodesBytesMax(n * INDEX_CONTACT_BYTES));
        // Mixed IPv4 / IPv6 contacts: the host's per-contact sizes.
        let bytes = 0;
        for (let h = 1; h <= n; h++) bytes += CONTACT_BYTES[book.addressOf(h).kind];
        expect(encodeMessage(senderId, nodes, book).length).toBeLessThanOrEqual(nodesBytesMax(bytes));
      }
      for (const len of [0, 100, 255, 256, 1024]) {
        const v: Message = { type: MessageType.Value, rpc, value: r.bytes(len), version: Number.MAX_SAFE_INTEGER, ttl: 86_400_000.5 };
        expect(encodeMessage(senderId, v, index).length).toBeLessThanOrEqual(valueBytesMax(len));
        const s: Request = { type: MessageType.Store, rpc, key: r.bytes(20), value: r.bytes(len), version: 0, ttl: 0, cache: false };
        expect(encodeMessage(senderId, s, index).length).toBeGreaterThanOrEqual(requestBytesMin(s));
      }
      for (const n of [0, 1, 3]) {
        const entries = Array.from({ length: n }, () => ({ value: r.bytes(300), publisher: r.bytes(20), ttl: 86_400_000 }));
        const sources: Message = { type: MessageType.Sources, rpc, entries, next: 0xffff_ffff, contacts: new Uint32Array(0) };
        // Each entry: u16 length, the value, the 20-byte publisher, a u32 ttl (wire/source-entries).
        expect(encodeMessage(senderId, sources, index).length).toBeLessThanOrEqual(sourcesBytesMax(n * (2 + 300 + 20 + 4)));
      }
      const requests: Request[] = [
        { type: MessageType.Ping, rpc },
        { type: MessageType.FindNode, rpc, target: r.bytes(20) },
        { type: MessageType.FindValue, rpc, key: r.bytes(20) },
        { type: MessageType.FindSources, rpc, key: r.bytes(20), cursor: 0 },
        { type: MessageType.AddSource, rpc, key: r.bytes(20), value: r.bytes(100), publisher: r.bytes(20), ttl: 0 },
      ];
      for (const q of requests) expect(encodeMessage(senderId, q, index).length).toBeGreaterThanOrEqual(requestBytesMin(q));
    }
    // The bounds are tight at a u32 rpc: the figures the issue measured (46-byte FIND_NODE).
    expect(encodeMessage(senderId, { type: MessageType.FindNode, rpc: 0xffff_ffff, target: r.bytes(20) }, index).length).toBe(50);
    expect(encodeMessage(senderId, { type: MessageType.Pong, rpc: 0xffff_ffff }, index).length).toBe(PONG_BYTES_MAX);
  });
});

describe('padding', () => {
  it('leading zero bytes are read off and the message decodes as sent', () => {
    const index = indexContacts(10);
    const msg: Message = { type: MessageType.FindNode, rpc: 77, target: r.bytes(20) };
    const bytes = encodeMessage(senderId, msg, index);
    const padded = padDatagram(bytes, 200);
    expect(padded.length).toBe(200);
    expect(paddingLength(padded)).toBe(200 - bytes.length);
    const d = decodeMessage(padded.subarray(paddingLength(padded)), index);
    expect(d.ok && d.message).toEqual(msg);
    expect(padDatagram(bytes, 10)).toBe(bytes); // long enough already
    expect(padDatagram(bytes, 5000).length).toBe(1400); // never past the datagram limit
    expect(paddingLength(new Uint8Array(8))).toBe(8); // all padding: the decoder then sees nothing ('truncated')
  });

  it('pads a first FIND_NODE so k IPv4 contacts and the PING fit in 3x, a FIND_VALUE for a 1,024-byte value', () => {
    const findNode = paddedRequestBytes(20, CONTACT_BYTES.ipv4, 3);
    expect(3 * findNode).toBeGreaterThanOrEqual(nodesReplyBytes(20, CONTACT_BYTES.ipv4) + PING_BYTES_MAX);
    expect(3 * (findNode - 1)).toBeLessThan(nodesReplyBytes(20, CONTACT_BYTES.ipv4) + PING_BYTES_MAX);
    const findValue = paddedRequestBytes(20, CONTACT_BYTES.ipv4, 3, 1024);
    expect(3 * findValue).toBeGreaterThanOrEqual(valueReplyBytes(1024) + PING_BYTES_MAX);
    expect([findNode, findValue]).toEqual([203, 371]); // the reply's write-token field included
  });
});

describe('IP groups', () => {
  const g = (text: string, loopback = true): number[] => {
    const out = new Uint32Array(2);
    ipGroups(parseAddress(text), loopback, out);
    return Array.from(out);
  };
  it('an IPv4 address is its own IP key; its /24 the subnet key', () => {
    expect(g('10.1.2.3:1')[0]).toBe(0x0a010203);
    expect(g('10.1.2.3:1')).toEqual(g('10.1.2.3:9'));
    expect(g('10.1.2.3:1')[1]).toBe(g('10.1.2.200:1')[1]);
    expect(g('10.1.2.3:1')[1]).not.toBe(g('10.1.3.3:1')[1]);
  });
  it('IPv6: one /64 shares a subnet key, distinct addresses get distinct IP keys', () => {
    expect(g('[2001:db8:1:2::5]:1')[1]).toBe(g('[2001:db8:1:2:ffff::1]:1')[1]);
    expect(g('[2001:db8:1:2::5]:1')[0]).not.toBe(g('[2001:db8:1:2::6]:1')[0]);
    expect(g('[2001:db8:1:3::5]:1')[1]).not.toBe(g('[2001:db8:1:2::5]:1')[1]);
  });
  it('loopback counts as one IP (and subnet) per port unless told otherwise', () => {
    expect(g('127.0.0.1:4000')[0]).not.toBe(g('127.0.0.1:4001')[0]);
    expect(g('127.0.0.1:4000')[1]).not.toBe(g('127.0.0.1:4001')[1]);
    expect(g('127.0.0.1:4000')).toEqual(g('127.0.0.1:4000'));
    expect(g('[::1]:4000')[0]).not.toBe(g('[::1]:4001')[0]);
    expect(g('127.0.0.1:4000', false)).toEqual(g('127.0.0.1:4001', false));
    expect(g('127.0.0.1:4000', false)[0]).toBe(0x7f000001);
  });
});
