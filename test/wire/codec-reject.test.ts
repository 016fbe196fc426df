import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPE_NAMES, MessageType } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import type { ContactReader } from '../../src/wire/contacts.js';
import { decodeMessage, DEFAULT_DECODE_LIMITS, type Decoded, type DropReason } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { createEncoder, FIRST_RECORD_ID, MESSAGE_STRUCTURES } from '../../src/wire/structures.js';
import { handles, indexContacts, sampleMessages, senderId } from './fixtures.js';

const contacts = indexContacts(100);
const valid = sampleMessages(handles(0, 20)).map((m) => [MESSAGE_TYPE_NAMES[m.type], encodeMessage(senderId, m, contacts)] as const);
// Crafts records with the shared structures but any field values, like a hostile peer would.
const craft = createEncoder();
const pack = (record: object) => new Uint8Array(craft.pack(record));
const id = (n = 20) => new Uint8Array(n).fill(1);

function reason(d: Decoded): DropReason | 'ok' {
  return d.ok ? 'ok' : d.reason;
}

describe('random input', () => {
  it('never throws, and random bytes are dropped', () => {
    const r = new Random(2024);
    for (let i = 0; i < 5000; i++) {
      const bytes = r.bytes(r.int(1600));
      // Half the buffers start with a real record id, so msgpackr gets to parse them.
      if (i % 2 && bytes.length > 0) bytes[0] = FIRST_RECORD_ID + r.int(8);
      const out = decodeMessage(bytes, contacts);
      expect(out.ok).toBe(false);
      if (bytes.length > 1400) expect(reason(out)).toBe('too-large');
    }
  });

  it('never throws on mutated valid messages, and what it accepts re-encodes', () => {
    const r = new Random(99);
    for (let i = 0; i < 5000; i++) {
      const bytes = new Uint8Array(valid[r.int(valid.length)]![1]);
      for (let flips = 1 + r.int(3); flips > 0; flips--) bytes[r.int(bytes.length)] = r.int(256);
      const out = decodeMessage(bytes, contacts);
      if (out.ok) expect(() => encodeMessage(out.senderId, out.message, contacts)).not.toThrow();
    }
  });
});

describe('framing', () => {
  it.each(valid)('every truncation of %s is "truncated"', (_name, bytes) => {
    for (let n = 0; n < bytes.length; n++) expect(reason(decodeMessage(bytes.subarray(0, n), contacts))).toBe('truncated');
  });

  it.each(valid)('%s with a trailing byte is "trailing-bytes"', (_name, bytes) => {
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(reason(decodeMessage(longer, contacts))).toBe('trailing-bytes');
  });

  it('refuses input that is not a Uint8Array', () => {
    expect(reason(decodeMessage(new ArrayBuffer(8) as unknown as Uint8Array, contacts))).toBe('malformed');
  });

  it('refuses an oversize datagram before decoding', () => {
    expect(reason(decodeMessage(new Uint8Array(1401), contacts))).toBe('too-large');
    const nodes = valid[MessageType.Nodes]![1];
    const limits = { ...DEFAULT_DECODE_LIMITS, maxDatagramBytes: nodes.length - 1 };
    expect(reason(decodeMessage(nodes, contacts, limits))).toBe('too-large');
  });

  it('refuses an unknown message type', () => {
    const ping = pack({ from: id(), ping: 1 });
    for (const first of [FIRST_RECORD_ID + MESSAGE_STRUCTURES.length, 0x7f]) {
      ping[0] = first;
      expect(reason(decodeMessage(ping, contacts))).toBe('unknown-type');
    }
  });

  it('refuses msgpack values that are not one of the records', () => {
    expect(reason(decodeMessage(Uint8Array.from([0x93, 1, 2, 3]), contacts))).toBe('malformed');
    expect(reason(decodeMessage(Uint8Array.from([0xc1]), contacts))).toBe('malformed');
    const asMap = createEncoder();
    const map = new Uint8Array(asMap.pack(new Map<string, unknown>([['from', id()], ['ping', 1]])));
    expect(reason(decodeMessage(map, contacts))).toBe('malformed');
  });
});

/** One well-framed SOURCES entry with an n-byte value. */
function sourceEntry(n: number): Uint8Array {
  const e = new Uint8Array(2 + n + 24);
  new DataView(e.buffer).setUint16(0, n);
  return e;
}

describe('fields', () => {
  const cases: Array<[string, object, DropReason]> = [
    ['from of 19 bytes', { from: id(19), ping: 1 }, 'bad-field'],
    ['from as a string', { from: 'x'.repeat(20), ping: 1 }, 'bad-field'],
    ['rpc as a string', { from: id(), ping: '1' }, 'bad-field'],
    ['rpc negative', { from: id(), pong: -1 }, 'bad-field'],
    ['rpc above u32', { from: id(), pong: 2 ** 32 }, 'bad-field'],
    ['rpc fractional', { from: id(), pong: 1.5 }, 'bad-field'],
    ['key of 19 bytes', { from: id(), findValue: 1, key: id(19) }, 'bad-field'],
    ['target of 21 bytes', { from: id(), findNode: 1, target: id(21) }, 'bad-field'],
    ['target missing (nil)', { from: id(), findNode: 1, target: null }, 'bad-field'],
    ['ok as a number', { from: id(), storeAck: 1, ok: 1, code: 0 }, 'bad-field'],
    ['store-ack ok with a refusal code', { from: id(), storeAck: 1, ok: true, code: 3 }, 'bad-field'],
    ['store-ack refused with code 0', { from: id(), storeAck: 1, ok: false, code: 0 }, 'bad-field'],
    ['store-ack code above 255', { from: id(), storeAck: 1, ok: false, code: 256 }, 'bad-field'],
    ['contacts as an array', { from: id(), nodes: 1, contacts: [1, 2], token: id(0) }, 'bad-field'],
    ['nodes token of 33 bytes', { from: id(), nodes: 1, contacts: id(0), token: id(33) }, 'bad-field'],
    ['nodes token as a string', { from: id(), nodes: 1, contacts: id(0), token: 'abc' }, 'bad-field'],
    ['store token as a number', store({ token: 5 }), 'bad-field'],
    ['signed store public key of 31 bytes', signedStore({ publicKey: id(31) }), 'bad-field'],
    ['signed store signature of 63 bytes', signedStore({ signature: id(63) }), 'bad-field'],
    ['signed store salt of 65 bytes', signedStore({ salt: id(65) }), 'bad-field'],
    ['signed value salt as a string', { from: id(), signedValue: 1, data: id(), version: 1, ttl: 1, token: id(0), publicKey: id(32), salt: 'x', signature: id(64) }, 'bad-field'],
    ['store value as a string', store({ data: 'abc' }), 'bad-field'],
    ['store version negative', store({ version: -1 }), 'bad-field'],
    ['store version fractional', store({ version: 1.5 }), 'bad-field'],
    ['store version above 2^53', store({ version: 2 ** 60 }), 'bad-field'],
    ['store version as uint64 above 2^53', store({ version: 2n ** 60n }), 'bad-field'],
    ['store ttl negative', store({ ttl: -1 }), 'bad-field'],
    ['store ttl NaN', store({ ttl: NaN }), 'bad-field'],
    ['store ttl infinite', store({ ttl: Infinity }), 'bad-field'],
    ['store cache as a number', store({ cache: 0 }), 'bad-field'],
    ['store value over the limit', store({ data: new Uint8Array(1025) }), 'value-too-large'],
    ['value reply over the limit', { from: id(), value: 1, data: new Uint8Array(1025), version: 1, ttl: 1, token: id(0) }, 'value-too-large'],
    ['value reply ttl as a string', { from: id(), value: 1, data: id(), version: 1, ttl: '1', token: id(0) }, 'bad-field'],
    ['add-source publisher of 19 bytes', { from: id(), addSource: 1, key: id(), data: id(3), publisher: id(19), ttl: 1, token: id(0) }, 'bad-field'],
    ['add-source ttl negative', { from: id(), addSource: 1, key: id(), data: id(3), publisher: id(), ttl: -1, token: id(0) }, 'bad-field'],
    ['add-source value over the limit', { from: id(), addSource: 1, key: id(), data: new Uint8Array(1025), publisher: id(), ttl: 1, token: id(0) }, 'value-too-large'],
    ['find-sources cursor fractional', { from: id(), findSources: 1, key: id(), cursor: 0.5 }, 'bad-field'],
    ['find-sources cursor missing (nil)', { from: id(), findSources: 1, key: id(), cursor: null }, 'bad-field'],
    ['sources entries as an array', { from: id(), sources: 1, entries: [1], next: 0, contacts: new Uint8Array(0) }, 'bad-field'],
    ['sources next negative', { from: id(), sources: 1, entries: new Uint8Array(0), next: -1, contacts: new Uint8Array(0) }, 'bad-field'],
    // An entry cut short: a length of 3, 3 value bytes, then only 10 of the 24 bytes of ID and ttl.
    ['sources entry cut short', { from: id(), sources: 1, entries: Uint8Array.from([0, 3, 1, 2, 3, ...id(10)]), next: 0, contacts: new Uint8Array(0) }, 'bad-field'],
    ['sources entry length past the list', { from: id(), sources: 1, entries: Uint8Array.from([0xff, 0xff, ...id(30)]), next: 0, contacts: new Uint8Array(0) }, 'bad-field'],
    ['sources value over the limit', { from: id(), sources: 1, entries: sourceEntry(1025), next: 0, contacts: new Uint8Array(0) }, 'value-too-large'],
    ['sources contacts not whole', { from: id(), sources: 1, entries: sourceEntry(4), next: 0, contacts: id(7) }, 'bad-contact'],
  ];

  it.each(cases)('%s', (_name, record, expected) => {
    const bytes = pack(record);
    expect(bytes[0]).toBeGreaterThanOrEqual(FIRST_RECORD_ID); // crafted as one of our records
    expect(reason(decodeMessage(bytes, contacts))).toBe(expected);
  });

  it('reads a well-formed signed STORE (the codec checks sizes; the node checks the signature)', () => {
    const out = decodeMessage(pack(signedStore({})), contacts);
    expect(out).toMatchObject({ ok: true, message: { type: MessageType.Store, token: id(8), signed: { publicKey: id(32), salt: id(0), signature: id(64) } } });
  });

  it('accepts a uint64 version within the safe range (another encoder may write one)', () => {
    expect(reason(decodeMessage(pack(store({ version: 2n ** 40n })), contacts))).toBe('ok');
  });

  it('applies a configured maxValueBytes', () => {
    const bytes = pack(store({ data: new Uint8Array(101) }));
    expect(reason(decodeMessage(bytes, contacts))).toBe('ok');
    expect(reason(decodeMessage(bytes, contacts, { ...DEFAULT_DECODE_LIMITS, maxValueBytes: 100 }))).toBe('value-too-large');
  });
});

describe('contact lists', () => {
  const contact = (tag: number, body: number) => {
    const c = new Uint8Array(21 + body);
    c[20] = tag;
    return c;
  };
  const nodes = (list: Uint8Array) => pack({ from: id(), nodes: 1, contacts: list, token: id(0) });
  const counting = (): ContactReader & { calls: number } => ({
    calls: 0,
    readContact() {
      this.calls++;
      return 0;
    },
  });

  it('refuses a list that is not a whole number of contacts, without calling the reader', () => {
    const reader = counting();
    const good = contact(0, 4);
    for (const list of [good.subarray(0, 24), Uint8Array.from([...good, ...good.subarray(0, 21)]), Uint8Array.from([...good, 1])]) {
      expect(reason(decodeMessage(nodes(list), reader))).toBe('bad-contact');
    }
    expect(reader.calls).toBe(0);
  });

  it('refuses an unknown address tag', () => {
    expect(reason(decodeMessage(nodes(contact(5, 4)), counting()))).toBe('bad-contact');
  });

  it('refuses more contacts than maxContacts', () => {
    const bytes = valid[MessageType.Nodes]![1];
    const limits = { ...DEFAULT_DECODE_LIMITS, maxContacts: 19 };
    expect(reason(decodeMessage(bytes, contacts, limits))).toBe('too-many-contacts');
    expect(reason(decodeMessage(bytes, contacts, { ...limits, maxContacts: 20 }))).toBe('ok');
  });

  it('accepts an empty list and mixed address kinds', () => {
    const reader = counting();
    expect(decodeMessage(nodes(new Uint8Array(0)), reader)).toMatchObject({ ok: true, message: { contacts: new Uint32Array() } });
    const mixed = Uint8Array.from([...contact(0, 4), ...contact(4, 6), ...contact(6, 18)]);
    expect(decodeMessage(nodes(mixed), reader)).toMatchObject({ ok: true, droppedContacts: 0 });
    expect(reader.calls).toBe(3);
  });

  it('does not call the reader when another field is bad', () => {
    const reader = counting();
    const list = Uint8Array.from([...contact(0, 4)]);
    expect(reason(decodeMessage(pack({ from: id(), nodes: -1, contacts: list, token: id(0) }), reader))).toBe('bad-field');
    expect(reader.calls).toBe(0);
  });
});

function store(over: Record<string, unknown>): object {
  // Spread keeps the structure's key order: overridden keys stay in place.
  return { ...{ from: id(), store: 1, key: id(), data: id(100), version: 1, ttl: 1000, cache: false, token: id(0) }, ...over };
}

function signedStore(over: Record<string, unknown>): object {
  const base = { from: id(), signedStore: 1, key: id(), data: id(100), version: 1, ttl: 1000, cache: false, token: id(8), publicKey: id(32), salt: id(0), signature: id(64) };
  return { ...base, ...over };
}
