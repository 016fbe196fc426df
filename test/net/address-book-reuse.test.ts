/**
 * Reuse of address-book slots never hands the core a stale handle: a peer the core is waiting
 * on (a pending request, a running lookup) or holds in its table keeps its handle through a
 * flood that makes the book reclaim hundreds of others, and its late answer is still matched.
 * The flood goes through UdpNode.ingest (the socket's receive path) so the test is exact.
 */
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { UdpNode } from '../../src/net/udp-node.js';
import { parseAddress, type Address } from '../../src/wire/address.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { decodeMessage } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { paddingLength } from '../../src/wire/padding.js';
import { expectExactAccounts, until } from './flood.js';

const r = new Random(33);

describe('a reclaimed slot never reaches a peer the core still refers to', () => {
  const closers: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('keeps the handle of a peer with a pending request through 2,000 strangers in a 512-peer book', async () => {
    const victim = await UdpNode.create({ listen: '127.0.0.1:0', seed: 5, rateLimit: false, addressBookCapacity: 512, config: { initialTimeoutMs: 300, maxTimeoutMs: 300 } });
    closers.push(() => victim.close());
    // Peer P: a real socket, so the victim's FIND_NODE reaches it and P can answer it later.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise<void>((resolve) => sock.close(() => resolve())));
    const asked: Message[] = [];
    const scratch = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:1'));
    sock.on('message', (b) => {
      const d = decodeMessage(b.subarray(paddingLength(b)), scratch); // the victim pads its first requests to P
      if (d.ok) asked.push(d.message);
    });
    const pId = r.bytes(20);
    const pAddress: Address = { kind: 'ipv4', host: '127.0.0.1', port: sock.address().port };
    const noContacts = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:1'), 2);
    victim.ingest(encodeMessage(pId, { type: MessageType.Ping, rpc: 1 }, noContacts), pAddress);
    const pHandle = victim.book.find(pId, pAddress);
    expect(pHandle).toBeGreaterThan(0);
    const generation = victim.book.generationOf(pHandle);
    // P answers the victim's verification PING: verified, it enters the table the lookup starts from.
    await until(() => asked.some((m) => m.type === MessageType.Ping));
    victim.ingest(encodeMessage(pId, { type: MessageType.Pong, rpc: asked.find((m) => m.type === MessageType.Ping)!.rpc }, noContacts), pAddress);

    const lookup = victim.findNode(r.bytes(20));
    await until(() => asked.some((m) => m.type === MessageType.FindNode));
    const rpc = asked.find((m) => m.type === MessageType.FindNode)!.rpc;

    for (let i = 0; i < 2000; i++) {
      const from: Address = { kind: 'ipv4', host: `127.60.${i >> 8}.${i & 255}`, port: 1000 + i };
      victim.ingest(encodeMessage(r.bytes(20), { type: MessageType.Ping, rpc: i }, noContacts), from);
    }
    const s = victim.state();
    expect(s.addressBook.size).toBe(512);
    expect(s.addressBook.reclaimed).toBeGreaterThan(1000);
    // P still has its handle, same generation, same ID and address.
    expect(victim.book.find(pId, pAddress)).toBe(pHandle);
    expect(victim.book.isCurrent(pHandle, generation)).toBe(true);
    expect(victim.book.idOf(pHandle)).toEqual(pId);
    // Every handle in the routing table still names the peer the table sorted it by: its ID is in the book under that handle.
    for (const h of victim.core.table.contacts()) expect(victim.core.isReferenced(h)).toBe(true);

    // P answers at last: the reply is matched (handled, not dropped). The lookup then goes on to
    // the flood's peers (who never answer); closing the node ends it.
    const before = victim.state();
    victim.ingest(encodeMessage(pId, { type: MessageType.Nodes, rpc, contacts: new Uint32Array(0) }, noContacts), pAddress);
    const after = victim.state();
    expect(after.handled).toBe(before.handled + 1);
    expect(after.drops).toEqual(before.drops);
    expectExactAccounts(victim);
    const ended = lookup.then(() => 'done', (err: Error) => err.message);
    await victim.close();
    expect(await ended).toMatch(/^done$|node closed while the operation was in flight/);
  });
});
