/**
 * The swarm's fast codec paths against the plain ones they replace: IndexContacts' bulk
 * writeContacts / readContacts (DataView word reads) against writeContact / readContact one by
 * one, and decodeInto over a range of a larger buffer (a ring's data area, the encoder's
 * scratch) against decodeMessage of a copy of just those bytes.
 */
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { MAX_CONTACT_BYTES } from '../../src/wire/address.js';
import { countContacts, readContactList } from '../../src/wire/contact-list.js';
import { decodeInto, decodeMessage, DecodeScratch } from '../../src/wire/decode.js';
import { encodeMessage, encodeMessageInto, encodeMessageView, encodedView, ENCODED } from '../../src/wire/encode.js';
import { IndexContacts } from '../../src/wire/index-contacts.js';
import { handles, indexContacts, peerTable, sampleMessages, senderId } from './fixtures.js';

/** The same table without the bulk methods: what readContactList / encode do one by one. */
function oneByOne(c: IndexContacts): { writeContact: IndexContacts['writeContact']; readContact: IndexContacts['readContact'] } {
  return { writeContact: (h, out, at) => c.writeContact(h, out, at), readContact: (b, at, tag) => c.readContact(b, at, tag) };
}

describe('IndexContacts in bulk', () => {
  const contacts = indexContacts(100);

  it('writes the same bytes as writeContact one by one', () => {
    const list = Uint32Array.from([0, 99, 5, 42, 7, 7, 63]);
    const bulk = new Uint8Array(400);
    const end = contacts.writeContacts(list, bulk, new DataView(bulk.buffer), 3, bulk.length);
    const single = new Uint8Array(400);
    let at = 3;
    for (const h of list) at = contacts.writeContact(h, single, at);
    expect(end).toBe(at);
    expect(bulk).toEqual(single);
  });

  it('refuses (-1, nothing written) exactly where the one-by-one room check would throw', () => {
    const list = handles(0, 10);
    const out = new Uint8Array(400);
    // The one-by-one loop checks room for the largest contact before each: the last starts at 9 × 25.
    const limit = 9 * 25 + MAX_CONTACT_BYTES;
    expect(contacts.writeContacts(list, out, new DataView(out.buffer), 0, limit)).toBe(250);
    out.fill(0);
    expect(contacts.writeContacts(list, out, new DataView(out.buffer), 0, limit - 1)).toBe(-1);
    expect(out.every((b) => b === 0)).toBe(true);
    expect(() => contacts.writeContacts(Uint32Array.of(3, 100), out, new DataView(out.buffer), 0, 400)).toThrow('no node with index 100 (count 100)');
  });

  it('reads what readContact reads one by one, dropping unknown indices, wrong IDs and other tags', () => {
    // A list written by a bigger table: 90 … 109 (100 … 109 unknown here), one ID altered, one IPv4 contact.
    const big = new IndexContacts(peerTable(120));
    const bytes = new Uint8Array(1000);
    let at = 0;
    for (const h of handles(90, 20)) at = big.writeContact(h, bytes, at);
    bytes[2 * 25 + 7]! ^= 1; // contact 92's ID no longer matches
    bytes.set([...new Uint8Array(20).fill(9), 4, 10, 0, 0, 1, 0x1f, 0x90], at); // tag 4: IPv4, 7 bytes after the ID
    at += 27;
    const list = bytes.subarray(0, at);
    const count = countContacts(list, 50);
    expect(count).toBe(21);
    const fast = [...readContactList(list, count, contacts)];
    const slow = [...readContactList(list, count, oneByOne(contacts))];
    expect(fast).toEqual(slow);
    expect(fast).toEqual([90, 91, 93, 94, 95, 96, 97, 98, 99]);
  });

  it('reads a list at an offset of a shared buffer, as from a ring', () => {
    const sab = new Uint8Array(new SharedArrayBuffer(512), 128, 256);
    let at = 17;
    for (const h of handles(10, 6)) at = contacts.writeContact(h, sab, at);
    expect([...readContactList(sab, 6, contacts, 17, at)]).toEqual([10, 11, 12, 13, 14, 15]);
    expect(countContacts(sab, 50, 17, at)).toBe(6);
    expect(countContacts(sab, 50, 17, at - 1)).toBe(-1); // cut inside the last contact: bad framing
  });
});

describe('decodeInto over a range', () => {
  const contacts = indexContacts(50);
  const out = new DecodeScratch();

  it('gives what decodeMessage gives for the same bytes alone, with the bytes around them ignored', () => {
    const area = new Uint8Array(new SharedArrayBuffer(4096), 128, 3072).fill(0xc1);
    for (const m of sampleMessages(handles(40, 20))) {
      const bytes = encodeMessage(senderId, m, indexContacts(100));
      area.set(bytes, 300);
      const d = decodeMessage(bytes, contacts);
      if (!d.ok) throw new Error(`sample of type ${m.type} refused: ${d.reason}`);
      expect(decodeInto(area, out, contacts, undefined, 300, 300 + bytes.length)).toBeNull();
      expect(out.message).toEqual(d.message);
      expect(out.senderId).toEqual(senderId);
      expect(out.droppedContacts).toBe(d.droppedContacts);
      // One byte short is truncated, one more is trailing: the range, not the buffer, is the datagram.
      expect(decodeInto(area, out, contacts, undefined, 300, 300 + bytes.length - 1)).toBe('truncated');
      expect(decodeInto(area, out, contacts, undefined, 300, 300 + bytes.length + 1)).toBe('trailing-bytes');
    }
  });

  it('reads the encoder buffer in place: encodeMessageInto writes what encodeMessageView returns', () => {
    const words = peerTable(100).words;
    const msg = { type: MessageType.Nodes as const, rpc: 5, contacts: handles(0, 20) };
    const view = encodeMessageView(words, 15, msg, indexContacts(100)).slice();
    const length = encodeMessageInto(words, 15, msg, indexContacts(100));
    expect(ENCODED.subarray(0, length)).toEqual(view);
    expect(decodeInto(ENCODED, out, contacts, undefined, 0, length)).toBeNull();
    expect([...(out.message as { contacts: Uint32Array }).contacts]).toEqual([...handles(0, 20)]);
  });

  it("encodedView(length) is the encoder buffer's first length bytes, one view per length that shows each new encode", () => {
    const words = peerTable(100).words;
    const ping = encodeMessageInto(words, 0, { type: MessageType.Ping, rpc: 1 }, indexContacts(100));
    const first = encodedView(ping);
    expect(first.buffer).toBe(ENCODED.buffer);
    expect(first.byteOffset).toBe(ENCODED.byteOffset);
    expect(first.length).toBe(ping);
    expect(first).toEqual(encodeMessage(peerTable(100).idOf(0), { type: MessageType.Ping, rpc: 1 }, indexContacts(100)));
    // Another sender, same length: the same view object, now showing the new bytes.
    expect(encodeMessageInto(words, 5 * 7, { type: MessageType.Ping, rpc: 1 }, indexContacts(100))).toBe(ping);
    expect(encodedView(ping)).toBe(first);
    expect(first).toEqual(encodeMessage(peerTable(100).idOf(7), { type: MessageType.Ping, rpc: 1 }, indexContacts(100)));
    const nodes = encodeMessageInto(words, 0, { type: MessageType.Nodes, rpc: 2, contacts: handles(0, 20) }, indexContacts(100));
    expect(encodedView(nodes).length).toBe(nodes);
    expect(encodedView(nodes)).not.toBe(first);
  });
});
