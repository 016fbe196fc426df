/** The hand-written record encoder must produce exactly msgpackr's bytes for every message. */
import { describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/core/messages.js';
import { encodeMessage } from '../../src/wire/index.js';
import { createEncoder } from '../../src/wire/structures.js';
import { writeSourceEntries } from '../../src/wire/source-entries.js';
import { contacts, randomMessage, rng } from './random-messages.js';

const packr = createEncoder();
const EMPTY = new Uint8Array(0);

/** The same message as the object msgpackr packs (key order = structure order). */
function asRecord(from: Uint8Array, m: Message): object {
  switch (m.type) {
    case MessageType.Ping:
      return { from, ping: m.rpc };
    case MessageType.Pong:
      return { from, pong: m.rpc };
    case MessageType.Store:
      if (m.signed) {
        const { publicKey, salt, signature } = m.signed;
        return { from, signedStore: m.rpc, key: m.key, data: m.value, version: m.version, ttl: m.ttl, cache: m.cache, token: m.token ?? EMPTY, publicKey, salt, signature };
      }
      return { from, store: m.rpc, key: m.key, data: m.value, version: m.version, ttl: m.ttl, cache: m.cache, token: m.token ?? EMPTY };
    case MessageType.StoreAck:
      return { from, storeAck: m.rpc, ok: m.ok, code: m.code };
    case MessageType.FindNode:
      return { from, findNode: m.rpc, target: m.target };
    case MessageType.Nodes: {
      const list = new Uint8Array(m.contacts.length * 25);
      m.contacts.forEach((h, i) => contacts.writeContact(h, list, i * 25));
      return { from, nodes: m.rpc, contacts: list, token: m.token ?? EMPTY };
    }
    case MessageType.FindValue:
      return { from, findValue: m.rpc, key: m.key };
    case MessageType.Value:
      if (m.signed) {
        const { publicKey, salt, signature } = m.signed;
        return { from, signedValue: m.rpc, data: m.value, version: m.version, ttl: m.ttl, token: m.token ?? EMPTY, publicKey, salt, signature };
      }
      return { from, value: m.rpc, data: m.value, version: m.version, ttl: m.ttl, token: m.token ?? EMPTY };
    case MessageType.AddSource:
      return { from, addSource: m.rpc, key: m.key, data: m.value, publisher: m.publisher, ttl: m.ttl, token: m.token ?? EMPTY };
    case MessageType.FindSources:
      return { from, findSources: m.rpc, key: m.key, cursor: m.cursor };
    case MessageType.Sources: {
      const buf = new Uint8Array(4096);
      const entries = buf.slice(0, writeSourceEntries(m.entries, buf, 0, buf.length));
      const list = new Uint8Array(m.contacts.length * 25);
      m.contacts.forEach((h, i) => contacts.writeContact(h, list, i * 25));
      return { from, sources: m.rpc, entries, next: m.next, contacts: list };
    }
  }
}

describe('the record writer', () => {
  it('writes exactly the bytes msgpackr writes, for 5,000 random messages at every number boundary', () => {
    for (let i = 0; i < 5000; i++) {
      const from = rng.bytes(20);
      const m = randomMessage();
      const ours = encodeMessage(from, m, contacts);
      const theirs = new Uint8Array(packr.pack(asRecord(from, m)));
      expect(ours, `message ${i} (type ${m.type})`).toEqual(theirs);
    }
  });
});
