/** Shared test data: a peer table, one sample of every message type, both contact tables. */
import { PeerIds } from '../../src/core/peers.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { IndexContacts } from '../../src/wire/index-contacts.js';
import { parseAddress } from '../../src/wire/address.js';

export const rng = new Random(42);
export const senderId = rng.bytes(20);

export function peerTable(n: number, seed = 7): PeerIds {
  const r = new Random(seed);
  const peers = new PeerIds(n);
  for (let i = 0; i < n; i++) peers.setId(i, r.bytes(20));
  return peers;
}

export function indexContacts(n = 100): IndexContacts {
  return new IndexContacts(peerTable(n));
}

/** An address book holding the local node plus `n` peers on mixed IPv4 / IPv6 addresses. */
export function addressBook(n = 30): AddressBook {
  const r = new Random(9);
  const book = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:4000'));
  for (let i = 1; i <= n; i++) {
    const address = i % 2 ? parseAddress(`10.0.${i}.1:${5000 + i}`) : parseAddress(`[2001:db8::${i.toString(16)}]:${6000 + i}`);
    book.handleFor(r.bytes(20), address);
  }
  return book;
}

export function handles(from: number, count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => from + i);
}

/** One message of every type (and the signed forms of STORE and VALUE); NODES carries `contacts`. */
export function sampleMessages(contacts: Uint32Array): Message[] {
  const r = new Random(3);
  return [
    { type: MessageType.Ping, rpc: 1 },
    { type: MessageType.Pong, rpc: 0xffffffff },
    { type: MessageType.Store, rpc: 7, key: r.bytes(20), value: r.bytes(100), version: 2 ** 40, ttl: 86_400_000, cache: true, token: r.bytes(8) },
    { type: MessageType.StoreAck, rpc: 8, ok: false, code: 3 },
    { type: MessageType.FindNode, rpc: 9, target: r.bytes(20) },
    { type: MessageType.Nodes, rpc: 10, contacts, token: r.bytes(8) },
    { type: MessageType.FindValue, rpc: 11, key: r.bytes(20) },
    { type: MessageType.Value, rpc: 12, value: r.bytes(1024), version: 3, ttl: 1.5 },
    { type: MessageType.AddSource, rpc: 13, key: r.bytes(20), value: r.bytes(300), publisher: r.bytes(20), ttl: 3_600_000.5 },
    { type: MessageType.FindSources, rpc: 14, key: r.bytes(20), cursor: 17 },
    {
      type: MessageType.Sources,
      rpc: 15,
      // The wire carries whole milliseconds of ttl, so these round-trip exactly.
      entries: [
        { value: r.bytes(0), publisher: r.bytes(20), ttl: 0 },
        { value: r.bytes(200), publisher: r.bytes(20), ttl: 86_400_000 },
      ],
      next: 9,
      contacts: contacts.subarray(0, 10),
    },
  ];
}

/** A signed STORE and a signed VALUE (BEP 44 parts with their real sizes; the signature is not checked by the codec). */
export function signedSamples(): Message[] {
  const r = new Random(5);
  const signed = { publicKey: r.bytes(32), salt: r.bytes(64), signature: r.bytes(64) };
  return [
    { type: MessageType.Store, rpc: 13, key: r.bytes(20), value: r.bytes(1000), version: 2 ** 53 - 1, ttl: 60_000, cache: false, token: r.bytes(8), signed },
    { type: MessageType.Value, rpc: 14, value: r.bytes(1000), version: 7, ttl: 1.5, signed },
  ];
}
