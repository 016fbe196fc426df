/** The hand-written record encoder must produce exactly msgpackr's bytes for every message. */
import { describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { encodeMessage, IndexContacts } from '../../src/wire/index.js';
import { createEncoder } from '../../src/wire/structures.js';
import { writeSourceEntries } from '../../src/wire/source-entries.js';

const rng = new Random(2024);
const peers = new PeerIds(64);
for (let i = 0; i < 64; i++) peers.setId(i, rng.bytes(20));
const contacts = new IndexContacts(peers);
const packr = createEncoder();

// Numbers at every boundary msgpackr's integer and float encodings care about.
const numbers = [0, 1, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, 0.5, 1.5, 86_400_000.25];
const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)]!;
const num = (): number => (rng.next() < 0.5 ? pick(numbers) : rng.int(2 ** 32));
const bytes = (max: number): Uint8Array => rng.bytes(rng.int(max + 1));

const maybeToken = (): Uint8Array | undefined => (rng.next() < 0.5 ? rng.bytes(8) : undefined);
const maybeSigned = () => (rng.next() < 0.3 ? { publicKey: rng.bytes(32), salt: bytes(64), signature: rng.bytes(64) } : undefined);
const EMPTY = new Uint8Array(0);

/** Adds the optional fields only when drawn, as the core builds its messages. */
function withOptional<T extends object>(m: T, extra: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (m as Record<string, unknown>)[k] = v;
  return m;
}

function randomMessage(): Message {
  const rpc = rng.next() < 0.3 ? pick(numbers.filter((n) => n <= 0xffffffff && Number.isInteger(n))) : rng.nextU32();
  switch (rng.int(11) as MessageType) {
    case MessageType.Ping:
      return { type: MessageType.Ping, rpc };
    case MessageType.Pong:
      return { type: MessageType.Pong, rpc };
    case MessageType.Store:
      return withOptional({ type: MessageType.Store, rpc, key: rng.bytes(20), value: bytes(1024), version: Math.floor(num()), ttl: num(), cache: rng.next() < 0.5 }, { token: maybeToken(), signed: maybeSigned() });
    case MessageType.StoreAck: {
      const code = rng.int(7);
      return { type: MessageType.StoreAck, rpc, ok: code === 0, code };
    }
    case MessageType.FindNode:
      return { type: MessageType.FindNode, rpc, target: rng.bytes(20) };
    case MessageType.Nodes:
      return withOptional({ type: MessageType.Nodes, rpc, contacts: Uint32Array.from({ length: rng.int(21) }, () => rng.int(64)) }, { token: maybeToken() });
    case MessageType.FindValue:
      return { type: MessageType.FindValue, rpc, key: rng.bytes(20) };
    case MessageType.AddSource:
      return { type: MessageType.AddSource, rpc, key: rng.bytes(20), value: bytes(512), publisher: rng.bytes(20), ttl: num() };
    case MessageType.FindSources:
      return { type: MessageType.FindSources, rpc, key: rng.bytes(20), cursor: rng.next() < 0.3 ? 0 : Math.floor(num()) % 2 ** 32 };
    case MessageType.Sources: {
      // Up to ~1,300 bytes of values, with or without contacts, so both bin8 and bin16 headers occur.
      const entries = Array.from({ length: rng.int(8) }, () => ({ value: bytes(150), publisher: rng.bytes(20), ttl: num() }));
      const n = rng.next() < 0.5 ? 0 : rng.int(21);
      return { type: MessageType.Sources, rpc, entries, next: rng.next() < 0.5 ? 0 : rng.nextU32(), contacts: Uint32Array.from({ length: n }, () => rng.int(64)) };
    }
    default:
      return withOptional({ type: MessageType.Value, rpc, value: bytes(1024), version: Math.floor(num()), ttl: num() }, { token: maybeToken(), signed: maybeSigned() });
  }
}

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
