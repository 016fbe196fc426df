/**
 * Attackers and honest peers for the address-book tests, over real UDP on 127.0.0.0/8 (every
 * target is a node of the test itself). Floods are paced by what the victim has received (it
 * runs in this process), so the kernel's receive buffer does not silently drop most of them.
 */
import dgram from 'node:dgram';
import { expect } from 'vitest';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { UdpNode } from '../../src/net/udp-node.js';
import { parseAddress } from '../../src/wire/address.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { encodeMessage } from '../../src/wire/encode.js';

export function portOf(node: UdpNode): number {
  return node.address.kind === 'index' ? 0 : node.address.port;
}

/** Resolves once `cond` holds, checking every millisecond; throws after `ms`. */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function bind(host: string): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, () => resolve(s));
  });
}

function send(s: dgram.Socket, bytes: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve) => s.send(bytes, port, '127.0.0.1', () => resolve()));
}

const noContacts = new AddressBook(new Uint8Array(20), parseAddress('127.0.0.1:1'), 2);

/** Sends datagrams from `sockets`, `perBatch` at a time, waiting until the victim has received each batch. */
async function paced(victim: UdpNode, items: Array<[dgram.Socket, Uint8Array]>, perBatch = 200): Promise<void> {
  const port = portOf(victim);
  for (let i = 0; i < items.length; i += perBatch) {
    const batch = items.slice(i, i + perBatch);
    const target = victim.accounts.received + batch.length;
    await Promise.all(batch.map(([s, b]) => send(s, b, port)));
    // A datagram lost in the kernel is not waited for forever: the test checks what arrived.
    await until(() => victim.accounts.received >= target, 2000).catch(() => undefined);
  }
}

/**
 * One valid PING from each of `count` sources: sockets bound to distinct 127.a.b.c addresses in
 * rounds of `perRound` (closed after each round), each PING with a fresh ID.
 */
export async function distinctSourcePings(victim: UdpNode, count: number, seed = 1, perRound = 250): Promise<void> {
  const r = new Random(seed);
  for (let round = 0, sent = 0; sent < count; round++) {
    const n = Math.min(perRound, count - sent);
    const hosts = Array.from({ length: n }, (_, j) => `127.${1 + (round >> 8)}.${round & 255}.${1 + j}`);
    const sockets = await Promise.all(hosts.map(bind));
    const items = sockets.map((s): [dgram.Socket, Uint8Array] => [s, encodeMessage(r.bytes(20), { type: MessageType.Ping, rpc: r.nextU32() }, noContacts)]);
    await paced(victim, items);
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    sent += n;
  }
}

/** `count` PINGs from one socket, each presenting a different ID. */
export async function oneSocketManyIds(victim: UdpNode, count: number, seed = 2): Promise<void> {
  const r = new Random(seed);
  const s = await bind('127.0.0.1');
  const items = Array.from({ length: count }, (): [dgram.Socket, Uint8Array] => [s, encodeMessage(r.bytes(20), { type: MessageType.Ping, rpc: r.nextU32() }, noContacts)]);
  await paced(victim, items);
  s.close();
}

/** NODES replies nobody asked for, each as full as a 1,400-byte datagram allows (50 IPv4 contacts), every contact fresh. */
export async function unsolicitedNodes(victim: UdpNode, datagrams: number, seed = 3): Promise<void> {
  const r = new Random(seed);
  const perReply = 50;
  const s = await bind('127.0.0.1');
  const items: Array<[dgram.Socket, Uint8Array]> = [];
  const senderId = r.bytes(20);
  for (let d = 0; d < datagrams; d++) {
    const book = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:1'), perReply + 1);
    const handles = new Uint32Array(perReply);
    for (let i = 0; i < perReply; i++) handles[i] = book.handleFor(r.bytes(20), parseAddress(`127.${2 + (d >> 8)}.${d & 255}.${1 + i}:${1024 + r.int(60_000)}`));
    const msg: Message = { type: MessageType.Nodes, rpc: r.nextU32(), contacts: handles };
    items.push([s, encodeMessage(senderId, msg, book)]);
  }
  expect(items[0]![1].length).toBeLessThanOrEqual(1400);
  await paced(victim, items, 25);
  s.close();
}

/**
 * A fresh honest node joins through the victim and stores a value (acknowledged by the victim:
 * at least 2 replicas counting its own), and a second fresh node joins and reads it back.
 */
export async function honestRoundTrip(victim: UdpNode, key: string): Promise<void> {
  // Strangers in the victim's table never answer: a short first timeout; a floor of 500 ms so a busy machine does not time out the honest STOREs.
  const config = { initialTimeoutMs: 500, minTimeoutMs: 500, maxTimeoutMs: 1000 };
  const writer = await UdpNode.create({ listen: '127.0.0.1:0', seed: 777, config });
  const reader = await UdpNode.create({ listen: '127.0.0.1:0', seed: 778, config });
  try {
    expect((await writer.join([victim.addressText])).ok).toBe(true);
    const put = await writer.put(key, `value of ${key}`);
    expect(put.stored).toBeGreaterThanOrEqual(2);
    expect((await reader.join([victim.addressText])).ok).toBe(true);
    const got = await reader.get(key);
    expect(got.found).toBe(true);
    expect(new TextDecoder().decode(got.value)).toBe(`value of ${key}`);
  } finally {
    await Promise.all([writer.close(), reader.close()]);
  }
}

/** received === handled + Σ drops, and the book within its bound. */
export function expectExactAccounts(node: UdpNode): void {
  const s = node.state();
  const dropped = Object.values(s.drops).reduce((a, b) => a + b, 0);
  expect(s.received).toBe(s.handled + dropped);
  expect(s.addressBook.size).toBeLessThanOrEqual(s.addressBook.capacity);
}
