/**
 * Issue 11, problem 7: every datagram a UDP node receives ends in exactly one outcome, handled or
 * dropped under one reason, and what is refused inside a handled datagram is counted apart.
 * Over real UDP on 127.0.0.1, after a hostile mix: received === handled + Σ drops, the 'drop'
 * events a listener saw add up to the same counts, and each kind of attack landed under the
 * reason it must.
 */
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { UdpNode } from '../../src/net/udp-node.js';
import { parseAddress } from '../../src/wire/address.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { decodeMessage } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { paddingLength } from '../../src/wire/padding.js';
import { expectExactAccounts, portOf, until } from './flood.js';

const r = new Random(21);

describe('exact accounting over real UDP', () => {
  const closers: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('after a hostile mix, received === handled + Σ drops, and each attack is counted under its reason', async () => {
    // Write tokens off: this flood is about the store cap and the accounts (tokens: store-attacks.test.ts).
    const victim = await UdpNode.create({ listen: '127.0.0.1:0', seed: 31, rateLimit: false, config: { maxRecords: 40, requireWriteTokens: false } });
    closers.push(() => victim.close());
    const seen = { datagram: new Map<string, number>(), inner: new Map<string, number>(), contacts: 0 };
    victim.on('drop', (reason, scope, n) => {
      if (scope === 'contacts') seen.contacts += n;
      else seen[scope].set(reason, (seen[scope].get(reason) ?? 0) + n);
    });

    // The attacker: one socket that reads what the victim sends it.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise<void>((resolve) => sock.close(() => resolve())));
    const inbox: Message[] = [];
    const attackerBook = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:1'));
    sock.on('message', (b) => {
      const d = decodeMessage(b.subarray(paddingLength(b)), attackerBook); // the victim pads its first requests to us
      if (d.ok) inbox.push(d.message);
    });
    const attackerId = r.bytes(20);
    const contacts = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:1'));
    const fresh = Array.from({ length: 10 }, (_, i) => contacts.handleFor(r.bytes(20), parseAddress(`127.9.0.${i + 1}:${i < 3 ? 0 : 5000 + i}`)));
    const enc = (msg: Message, id = attackerId): Uint8Array => encodeMessage(id, msg, contacts);
    let sent = 0;
    const send = async (bytes: Uint8Array): Promise<void> => {
      sent++;
      await new Promise<void>((resolve) => sock.send(bytes, portOf(victim), '127.0.0.1', () => resolve()));
      await until(() => victim.accounts.received >= sent, 2000);
    };

    // Garbage, cut-off messages, a datagram too large.
    for (let i = 0; i < 200; i++) await send(r.bytes(1 + r.int(200)));
    const store = enc({ type: MessageType.Store, rpc: 1, key: r.bytes(20), value: r.bytes(100), version: 1, ttl: 60_000, cache: false });
    for (let n = 1; n < store.length; n += 7) await send(store.subarray(0, n));
    await send(new Uint8Array(1401));
    // Replies nobody asked for: from an unknown pair, and from a known one (after a PING) with a made-up rpc.
    await send(enc({ type: MessageType.Nodes, rpc: 77, contacts: Uint32Array.from(fresh) }));
    await send(enc({ type: MessageType.Pong, rpc: 78 }));
    await send(enc({ type: MessageType.Ping, rpc: 79 })); // the attacker is now a known pair
    // It answers the victim's verification PING, so it is verified and enters the victim's table.
    await until(() => inbox.some((m) => m.type === MessageType.Ping));
    await send(enc({ type: MessageType.Pong, rpc: inbox.find((m) => m.type === MessageType.Ping)!.rpc }));
    await send(enc({ type: MessageType.Value, rpc: 80, value: r.bytes(10), version: 1, ttl: 1000 }));
    await send(enc({ type: MessageType.StoreAck, rpc: 81, ok: true }));
    // Our own ID from another address.
    await send(enc({ type: MessageType.Ping, rpc: 82 }, victim.id));
    // A STORE flood past the store's cap: every STORE is handled (answered), the refusals are inner drops.
    for (let i = 0; i < 60; i++) await send(enc({ type: MessageType.Store, rpc: 100 + i, key: r.bytes(20), value: r.bytes(50), version: 1, ttl: 60_000, cache: false }));
    const bookBefore = victim.state().addressBook.size;

    // A reply of the wrong type to a request the victim did send, then the right one with bad contacts in it.
    const lookup = victim.findNode(r.bytes(20));
    await until(() => inbox.some((m) => m.type === MessageType.FindNode));
    const ask = inbox.find((m) => m.type === MessageType.FindNode)!;
    await send(enc({ type: MessageType.Pong, rpc: ask.rpc }));
    await send(enc({ type: MessageType.Nodes, rpc: ask.rpc, contacts: Uint32Array.from(fresh) }));
    await lookup;

    const s = victim.state();
    expect(s.received).toBe(sent);
    expectExactAccounts(victim);
    // Each kind of attack under its reason, once per datagram.
    expect(s.drops['too-large']).toBe(1);
    expect(s.drops['from-self']).toBe(1);
    expect(s.drops['unmatched-reply']).toBe(4);
    expect(s.drops['wrong-reply-type']).toBe(1);
    expect(s.drops['truncated']).toBeGreaterThanOrEqual(Math.ceil((store.length - 1) / 7));
    // Handled: the PING, the PONG to the verification PING, the 60 STOREs and the matched NODES reply. One
    // source gets its share of the store (storeSourceShare 1/8 of 40 records = 5): the other 55 STOREs
    // are refused inside handled datagrams.
    expect(s.handled).toBe(63);
    expect(s.innerDrops['store-source-over-quota']).toBe(55);
    expect(s.drops['store-source-over-quota']).toBeUndefined();
    expect(s.records).toBe(5);
    // The matched reply's 3 port-0 contacts were dropped; its 7 others were interned. The unmatched NODES added nobody.
    expect(s.droppedContacts).toBe(3);
    expect(s.addressBook.size).toBe(bookBefore + 7);
    // The listener saw exactly what state() counts.
    expect(Object.fromEntries(seen.datagram)).toEqual(s.drops);
    expect(Object.fromEntries(seen.inner)).toEqual(s.innerDrops);
    expect(seen.contacts).toBe(s.droppedContacts);
  });
});
