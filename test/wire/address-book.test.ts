import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { parseAddress } from '../../src/wire/address.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { decodeMessage, decodeStaged, resolveContacts } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { handles } from './fixtures.js';

const r = new Random(5);
const localId = r.bytes(20);

describe('AddressBook', () => {
  it('reserves handle 0 for the local node', () => {
    const book = new AddressBook(localId, parseAddress('[::1]:4000'));
    expect(book.count).toBe(1);
    expect(book.idOf(0)).toEqual(localId);
    expect(book.addressOf(0)).toEqual(parseAddress('[::1]:4000'));
  });

  it('interns the same pair to the same handle, and a new address to a new one', () => {
    const book = new AddressBook(localId, parseAddress('127.0.0.1:4000'));
    const id = r.bytes(20);
    const a = book.handleFor(id, parseAddress('10.0.0.1:5000'));
    expect(book.handleFor(Uint8Array.from(id), { kind: 'ipv4', host: '10.0.0.1', port: 5000 })).toBe(a);
    expect(book.handleFor(id, parseAddress('10.0.0.1:5001'))).toBe(a + 1);
    // Textual forms of one IPv6 address are one endpoint.
    const b = book.handleFor(id, parseAddress('[2001:db8::1]:7'));
    expect(book.handleFor(id, { kind: 'ipv6', host: '2001:DB8:0:0:0:0:0:1', port: 7 })).toBe(b);
    expect(book.idOf(a)).toEqual(id);
    expect(book.hasId(a, id)).toBe(true);
  });

  it('returns -1 beyond its capacity, and the codec counts such contacts as dropped', () => {
    const sender = new AddressBook(localId, parseAddress('127.0.0.1:1'));
    for (let i = 1; i <= 10; i++) sender.handleFor(r.bytes(20), parseAddress(`10.0.0.${i}:2000`));
    const small = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:2'), 4);
    expect(small.handleFor(r.bytes(20), parseAddress('10.9.9.9:1'))).toBe(1);
    const reply = encodeMessage(localId, { type: MessageType.Nodes, rpc: 1, contacts: handles(1, 10) }, sender);
    const out = decodeMessage(reply, small);
    expect(out).toMatchObject({ ok: true, message: { contacts: Uint32Array.from([2, 3]) }, droppedContacts: 8 });
    expect(small.count).toBe(4);
    expect(small.handleFor(r.bytes(20), parseAddress('10.9.9.9:1'))).toBe(-1);
    expect(small.addressOf(3)).toEqual(parseAddress('10.0.0.2:2000'));
  });

  it('drops index and port-0 contacts from the wire', () => {
    const sender = new AddressBook(localId, parseAddress('127.0.0.1:1'));
    sender.handleFor(r.bytes(20), { kind: 'index', index: 7 });
    sender.handleFor(r.bytes(20), parseAddress('10.0.0.1:0'));
    sender.handleFor(r.bytes(20), parseAddress('10.0.0.1:1'));
    const receiver = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:2'));
    const reply = encodeMessage(localId, { type: MessageType.Nodes, rpc: 1, contacts: handles(1, 3) }, sender);
    expect(decodeMessage(reply, receiver)).toMatchObject({ ok: true, message: { contacts: Uint32Array.from([1]) }, droppedContacts: 2 });
  });

  it('grows past its initial table size', () => {
    const book = new AddressBook(localId, parseAddress('127.0.0.1:1'), 1000);
    const ids = Array.from({ length: 500 }, () => r.bytes(20));
    ids.forEach((id, i) => expect(book.handleFor(id, parseAddress(`[::${(i + 1).toString(16)}]:9`))).toBe(i + 1));
    ids.forEach((id, i) => {
      expect(book.idOf(i + 1)).toEqual(id);
      expect(book.addressOf(i + 1)).toEqual(parseAddress(`[::${(i + 1).toString(16)}]:9`));
    });
  });
});

describe('AddressBook, bounded and reusable', () => {
  const addr = (i: number) => parseAddress(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:4000`);

  it('reclaims the least recently used peer nothing refers to, and bumps its generation', () => {
    const book = new AddressBook(localId, parseAddress('127.0.0.1:1'), 4);
    const ids = Array.from({ length: 6 }, () => r.bytes(20));
    book.beginBatch();
    expect([1, 2, 3].map((i) => book.handleFor(ids[i]!, addr(i)))).toEqual([1, 2, 3]);
    book.beginBatch();
    book.touch(1); // 2 is now the least recently used
    const gen2 = book.generationOf(2);
    expect(book.handleFor(ids[4]!, addr(4))).toBe(2);
    expect(book.generationOf(2)).toBe(gen2 + 1);
    expect(book.isCurrent(2, gen2)).toBe(false);
    expect(book.idOf(2)).toEqual(ids[4]);
    expect(book.addressOf(2)).toEqual(addr(4));
    // The old pair is gone: looking it up finds nothing, and interning it again takes a slot anew.
    expect(book.find(ids[2]!, addr(2))).toBe(-1);
    expect(book.find(ids[4]!, addr(4))).toBe(2);
    expect(book.size).toBe(4);
    expect(book.reclaimed).toBe(1);
  });

  it('never reclaims a referenced handle, nor one touched in the current batch, nor the local node', () => {
    const book = new AddressBook(localId, parseAddress('127.0.0.1:1'), 4);
    const pinned = new Set<number>();
    book.referee = { isReferenced: (h) => pinned.has(h), forget: () => {} };
    book.beginBatch();
    for (let i = 1; i <= 3; i++) book.handleFor(r.bytes(20), addr(i));
    pinned.add(1).add(2);
    book.beginBatch();
    expect(book.handleFor(r.bytes(20), addr(10))).toBe(3); // 1 and 2 are pinned: 3 goes
    // 3 was touched in this batch and 1, 2 are pinned: nothing is left to reclaim.
    expect(book.handleFor(r.bytes(20), addr(11))).toBe(-1);
    expect(book.refused).toBe(1);
    book.beginBatch();
    pinned.delete(2);
    expect(book.handleFor(r.bytes(20), addr(12))).toBe(2);
    expect(book.idOf(0)).toEqual(localId);
    expect(book.addressOf(0)).toEqual(parseAddress('127.0.0.1:1'));
  });

  it('holds at most its capacity through 100,000 strangers, and the pairs it holds resolve to their own IDs', () => {
    const book = new AddressBook(localId, parseAddress('127.0.0.1:1'), 1000);
    const last = new Map<number, Uint8Array>();
    let refused = 0;
    for (let i = 1; i <= 100_000; i++) {
      book.beginBatch();
      const id = r.bytes(20);
      const h = book.handleFor(id, addr(i));
      if (h <= 0) refused++;
      else last.set(h, id);
    }
    expect(refused).toBe(0);
    expect(book.size).toBe(1000);
    expect(book.reclaimed).toBe(100_000 - 999);
    for (const [h, id] of last) expect(book.idOf(h)).toEqual(id);
  });

  it('a staged NODES reply interns nothing until its contacts are resolved', () => {
    const sender = new AddressBook(localId, parseAddress('127.0.0.1:1'));
    for (let i = 1; i <= 20; i++) sender.handleFor(r.bytes(20), addr(i));
    const receiver = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:2'));
    const reply = encodeMessage(localId, { type: MessageType.Nodes, rpc: 1, contacts: handles(1, 20) }, sender);
    const d = decodeStaged(reply);
    expect(d).toMatchObject({ ok: true, contactCount: 20, message: { contacts: new Uint32Array(0) } });
    expect(receiver.size).toBe(1);
    if (!d.ok) throw new Error('decode failed');
    resolveContacts(d, receiver);
    expect(receiver.size).toBe(21);
    expect(d).toMatchObject({ contactList: null, droppedContacts: 0, message: { contacts: handles(1, 20) } });
  });
});
