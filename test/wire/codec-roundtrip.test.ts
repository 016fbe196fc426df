import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPE_NAMES, MessageType, type Message } from '../../src/core/messages.js';
import { decodeMessage } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { CONTACT_BYTES } from '../../src/wire/address.js';
import { nodesReplyBytes } from '../../src/wire/limits.js';
import { createDecoder, createEncoder, FIRST_RECORD_ID, MESSAGE_STRUCTURES, SIGNED_STORE_RECORD, SIGNED_VALUE_RECORD } from '../../src/wire/structures.js';
import { addressBook, handles, indexContacts, sampleMessages, senderId, signedSamples } from './fixtures.js';

const tables = [
  { name: 'IndexContacts', contacts: indexContacts(100), list: handles(40, 20) },
  { name: 'AddressBook', contacts: addressBook(30), list: handles(1, 20) },
];

/** decodeMessage resolves a NODES list at once: nothing is left staged, and the count is the list's. */
function resolved(msg: Message): { contactList: null; contactCount: number } {
  return { contactList: null, contactCount: msg.type === MessageType.Nodes || msg.type === MessageType.Sources ? msg.contacts.length : 0 };
}

describe.each(tables)('round trip with $name', ({ contacts, list }) => {
  const all = [...sampleMessages(list), ...signedSamples()];
  it.each(all.map((m) => [`${'signed' in m ? 'signed ' : ''}${MESSAGE_TYPE_NAMES[m.type]}`, m] as const))('%s', (_name, msg) => {
    const bytes = encodeMessage(senderId, msg, contacts);
    const record = !('signed' in msg) ? msg.type : msg.type === MessageType.Store ? SIGNED_STORE_RECORD : SIGNED_VALUE_RECORD;
    expect(bytes[0]).toBe(FIRST_RECORD_ID + record); // one of the shared records, not a plain map
    const out = decodeMessage(bytes, contacts);
    expect(out).toEqual({ ok: true, senderId, message: msg, droppedContacts: 0, ...resolved(msg) });
  });
});

describe('decoded fields', () => {
  const contacts = indexContacts();
  it.each([...sampleMessages(handles(0, 20)), ...signedSamples()].map((m) => [`${'signed' in m ? 'signed ' : ''}${MESSAGE_TYPE_NAMES[m.type]}`, m] as const))(
    '%s: are not views into the input (a reused ring slot)',
    (_name, msg) => {
      const slot = new Uint8Array(encodeMessage(senderId, msg, contacts));
      const out = decodeMessage(slot, contacts);
      slot.fill(0xee);
      expect(out).toEqual({ ok: true, senderId, message: msg, droppedContacts: 0, ...resolved(msg) });
    },
  );

  it('are plain Uint8Arrays when the input is a Buffer (whose slice() is a view)', () => {
    const msg = sampleMessages(new Uint32Array())[2]!;
    const datagram = Buffer.from(encodeMessage(senderId, msg, contacts));
    const out = decodeMessage(datagram, contacts);
    if (!out.ok || out.message.type !== MessageType.Store) throw new Error('decode failed');
    for (const field of [out.senderId, out.message.key, out.message.value]) {
      expect(field.constructor).toBe(Uint8Array);
      expect(field.buffer).not.toBe(datagram.buffer);
    }
  });
});

describe('shared structures', () => {
  it('decode with a fresh decoder built from the same definition', () => {
    const fresh = createDecoder();
    const msg: Message = { type: MessageType.FindNode, rpc: 5, target: senderId };
    // A plain Uint8Array in, so binary fields come back as Uint8Array rather than Buffer.
    const rec = fresh.unpack(new Uint8Array(encodeMessage(senderId, msg, indexContacts())));
    expect(rec).toEqual({ from: senderId, findNode: 5, target: senderId });
  });

  it('encode identically from any encoder built from the definition (every worker builds its own)', () => {
    const bytes = encodeMessage(senderId, { type: MessageType.Pong, rpc: 77 }, indexContacts());
    expect(new Uint8Array(createEncoder().pack({ from: senderId, pong: 77 }))).toEqual(new Uint8Array(bytes));
  });

  it('are never extended or changed by encoding or decoding', () => {
    const before = JSON.stringify(MESSAGE_STRUCTURES);
    const contacts = indexContacts();
    for (const m of sampleMessages(handles(0, 20))) decodeMessage(encodeMessage(senderId, m, contacts), contacts);
    expect(JSON.stringify(MESSAGE_STRUCTURES)).toBe(before);
    expect(Object.isFrozen(MESSAGE_STRUCTURES) && MESSAGE_STRUCTURES.every(Object.isFrozen)).toBe(true);
  });

  it('survive a datagram that redefines a record inline (msgpackr ext 0x72)', () => {
    const contacts = indexContacts();
    const ping = encodeMessage(senderId, { type: MessageType.Ping, rpc: 3 }, contacts);
    // A PING whose `from` field is an inline definition of record 0x40 as ['evil'], then 1.
    const poison = Uint8Array.from([FIRST_RECORD_ID, 0xd4, 0x72, 0x40, 0x91, 0xa4, 0x65, 0x76, 0x69, 0x6c, 0x01, 0x03]);
    // msgpackr read it as a PING from {evil: 1} ('bad-field'); the hand-written decoder refuses
    // an inline record definition on sight (decode-fields.ts), so no datagram defines records.
    expect(decodeMessage(poison, contacts)).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeMessage(ping, contacts)).toMatchObject({ ok: true, message: { type: MessageType.Ping, rpc: 3 } });
  });
});

describe('encoded sizes', () => {
  it('a 20-contact NODES reply with index addresses is compact', () => {
    const msg: Message = { type: MessageType.Nodes, rpc: 0xffffffff, contacts: handles(0, 20), token: new Uint8Array(8) };
    const bytes = encodeMessage(senderId, msg, indexContacts());
    console.log(`NODES, 20 index contacts: ${bytes.length} bytes`);
    expect(bytes.length).toBe(nodesReplyBytes(20, CONTACT_BYTES.index));
    expect(bytes.length).toBeLessThan(600);
  });

  it('prints the size of every sample message', () => {
    const contacts = indexContacts();
    const sizes = sampleMessages(handles(0, 20)).map((m) => `${MESSAGE_TYPE_NAMES[m.type]} ${encodeMessage(senderId, m, contacts).length}`);
    console.log(`encoded sizes (index contacts, 100-byte STORE, 1024-byte VALUE): ${sizes.join(', ')}`);
    expect(sizes).toHaveLength(MESSAGE_TYPE_NAMES.length);
  });
});

describe('dropped contacts', () => {
  it('are counted, and the reply is still delivered', () => {
    const sender = indexContacts(100);
    const receiver = indexContacts(50); // knows only nodes 0 … 49
    const msg: Message = { type: MessageType.Nodes, rpc: 1, contacts: handles(40, 20) };
    const out = decodeMessage(encodeMessage(senderId, msg, sender), receiver);
    expect(out).toEqual({ ok: true, senderId, message: { ...msg, contacts: handles(40, 10) }, droppedContacts: 10, contactList: null, contactCount: 20 });
  });

  it('include an index whose ID does not match the table', () => {
    const msg: Message = { type: MessageType.Nodes, rpc: 1, contacts: handles(0, 3) };
    const other = indexContacts(100);
    const bytes = new Uint8Array(encodeMessage(senderId, msg, other));
    bytes[bytes.length - 25] ^= 1; // flip a bit in the last contact's ID
    const out = decodeMessage(bytes, other);
    expect(out).toMatchObject({ ok: true, message: { contacts: handles(0, 2) }, droppedContacts: 1 });
  });
});
