/**
 * The sizes the core uses to cut SOURCES replies into pages (core/source-sizes.ts) against the
 * encoder's real output: a page the core fills to its budget, with k IPv6 contacts, fits one
 * datagram, and checkLimits refuses a budget that would not.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { SOURCE_ENTRY_OVERHEAD_BYTES, SOURCE_REPLY_CONTACT_BYTES } from '../../src/core/source-sizes.js';
import { SourceStore } from '../../src/core/sources.js';
import { MAX_CONTACT_BYTES } from '../../src/wire/address.js';
import { decodeMessage } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { MAX_DATAGRAM_BYTES, checkLimits, sourcesReplyBytes } from '../../src/wire/limits.js';
import { addressBook, senderId } from './fixtures.js';

describe('SOURCES page sizes', () => {
  it('the core’s per-contact and per-value sizes are the wire’s', () => {
    expect(SOURCE_REPLY_CONTACT_BYTES).toBe(MAX_CONTACT_BYTES);
    const book = addressBook(2);
    const one = (n: number): number =>
      encodeMessage(senderId, { type: MessageType.Sources, rpc: 1, entries: Array.from({ length: n }, () => ({ value: new Uint8Array(10), publisher: senderId, ttl: 5 })), next: 0, contacts: new Uint32Array(0) }, book).length;
    expect(one(2) - one(1)).toBe(10 + SOURCE_ENTRY_OVERHEAD_BYTES);
  });

  it('a first page filled to the default budget beside 20 IPv6 contacts fits one datagram and decodes', () => {
    const book = addressBook(40);
    const ipv6 = Uint32Array.from({ length: 20 }, (_, i) => 2 * (i + 1)); // even handles are IPv6 in the fixture
    const budget = DEFAULT_CONFIG.sourceReplyBytes - ipv6.length * SOURCE_REPLY_CONTACT_BYTES;
    const store = new SourceStore(DEFAULT_CONFIG);
    const key = new Uint8Array(20).fill(9);
    for (let i = 0; i < 50; i++) store.add(key, new Uint8Array(37).fill(i), new Uint8Array(20).fill(i), 1e9, 0);
    const page = store.page(key, 0, budget, 0);
    expect(page.next).toBeGreaterThan(0); // more left: the page is full
    const msg: Message = { type: MessageType.Sources, rpc: 0xffffffff, entries: page.entries, next: page.next, contacts: ipv6 };
    const bytes = encodeMessage(senderId, msg, book);
    expect(bytes.length).toBeLessThanOrEqual(sourcesReplyBytes(DEFAULT_CONFIG.sourceReplyBytes));
    expect(bytes.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
    const out = decodeMessage(bytes, book);
    expect(out.ok && out.message.type === MessageType.Sources && out.message.entries.length).toBe(page.entries.length);
  });

  it('checkLimits names sourceReplyBytes when a SOURCES reply could not fit', () => {
    expect(() => checkLimits({ k: 20, addressKind: 'udp', sourceReplyBytes: 1340, maxSourceValueBytes: 512 })).not.toThrow();
    expect(() => checkLimits({ k: 20, addressKind: 'udp', sourceReplyBytes: 1362 })).toThrow(
      'sourceReplyBytes = 1362 does not fit: a SOURCES reply needs 1401 bytes, over the 1400-byte datagram limit; use sourceReplyBytes <= 1361',
    );
  });
});
