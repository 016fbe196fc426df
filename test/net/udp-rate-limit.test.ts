/**
 * The request rate limits of a real UDP node on 127.0.0.1: a source flooding valid PINGs gets
 * no more answers than its bucket allows and the rest is dropped as 'rate-limited', while an
 * honest peer the victim works with (in its table, answering its requests) keeps being
 * answered; a flood that presents a fresh ID in every datagram (never verified) is held to the
 * unreserved part of the node-wide budget; and the limiter's table stays within its bound
 * whatever the number of sources. Bounds are computed from the flood's measured duration, so
 * a slow machine loosens them instead of failing them.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { UdpNode, type UdpNodeOptions } from '../../src/net/udp-node.js';
import { AddressBook, decodeMessage, encodeMessage } from '../../src/wire/index.js';

const nodes: UdpNode[] = [];
const sockets: dgram.Socket[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  for (const s of sockets.splice(0)) s.close();
});

async function node(rateLimit: UdpNodeOptions['rateLimit'], seed: number): Promise<UdpNode> {
  const n = await UdpNode.create({ listen: '127.0.0.1:0', seed, rateLimit });
  nodes.push(n);
  return n;
}

const portOf = (n: UdpNode): number => (n.address.kind === 'ipv4' ? n.address.port : 0);

/** A bare socket that sends PINGs and counts the PONGs that come back. */
async function attacker(): Promise<{ sock: dgram.Socket; pongs: () => number }> {
  const sock = dgram.createSocket('udp4');
  sockets.push(sock);
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let pongs = 0;
  const book = new AddressBook(new Uint8Array(20), { kind: 'ipv4', host: '127.0.0.1', port: 1 });
  sock.on('message', (buf) => {
    const d = decodeMessage(buf, book, { maxDatagramBytes: 1400, maxValueBytes: 1024, maxContacts: 64 });
    if (d.ok && d.message.type === MessageType.Pong) pongs++;
  });
  return { sock, pongs: () => pongs };
}

/** Sends `n` PINGs to `port`, 25 at a time with a short pause (so the kernel buffer seldom drops them); returns the seconds it took. */
async function flood(sock: dgram.Socket, port: number, n: number, idFor: (i: number) => Uint8Array, settleMs = 200): Promise<number> {
  const book = new AddressBook(new Uint8Array(20), { kind: 'ipv4', host: '127.0.0.1', port: 1 });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 25) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(n, i + 25); j++) {
      const bytes = encodeMessage(idFor(j), { type: MessageType.Ping, rpc: j + 1 }, book);
      batch.push(new Promise<void>((r) => sock.send(bytes, port, '127.0.0.1', () => r())));
    }
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 2));
  }
  // Replies still in flight get a moment to arrive; the elapsed time counts it (a looser bound).
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  return (performance.now() - t0) / 1000;
}

/** Pings from the honest peer, one after another, at least `min` and on until `during` has settled; answered counts pings answered within three tries. */
async function pingWhile(h: UdpNode, victim: UdpNode, during: Promise<unknown>, min: number): Promise<{ sent: number; answered: number }> {
  let done = false;
  void during.then(() => (done = true));
  let sent = 0;
  let answered = 0;
  while (sent < min || (!done && sent < 1000)) {
    sent++;
    // An honest peer's pace (≤ 100 requests/s), under any per-source limit used here.
    await new Promise((r) => setTimeout(r, 10));
    // Up to three tries, as an RPC layer retries: the kernel may drop a datagram when the flood
    // overruns the victim's socket buffer, which no limiter can prevent; a locked-out peer fails all three.
    for (let t = 0; t < 3; t++) {
      if ((await h.ping(victim.addressText, 1000)) !== null) {
        answered++;
        break;
      }
    }
  }
  return { sent, answered };
}

describe('UDP request rate limits', () => {
  it('a flooding source gets its bucket and no more, while a verified peer keeps being answered', async () => {
    const perSource = 200;
    const victim = await node({ perSourcePerSecond: perSource, burstSeconds: 1 }, 401);
    const honest = await node({}, 402);
    expect((await honest.join([victim.addressText])).ok).toBe(true);
    expect((await honest.put('kept', 'answered')).acked).toBe(1);
    const a = await attacker();
    const id = new Random(5).bytes(20);
    const flooding = flood(a.sock, portOf(victim), 5000, () => id);
    const [seconds, pings] = await Promise.all([flooding, pingWhile(honest, victim, flooding, 30)]);
    // The honest peer: every ping answered, then a lookup through the victim still works.
    expect(pings.sent).toBeGreaterThanOrEqual(30);
    expect(pings.answered).toBe(pings.sent);
    expect(new TextDecoder().decode((await honest.get('kept')).value)).toBe('answered');
    // The flooder: its burst, plus its rate for as long as the flood lasted.
    expect(a.pongs()).toBeGreaterThanOrEqual(perSource / 2);
    expect(a.pongs()).toBeLessThanOrEqual(perSource + perSource * seconds + 1);
    const limited = victim.drops.get('rate-limited') ?? 0;
    expect(limited).toBe(victim.limiter!.limitedBySource + victim.limiter!.limitedByNode);
    // Nearly all the rest was dropped by the limiter (a few may be lost in the kernel's buffers).
    expect(limited).toBeGreaterThanOrEqual(5000 - a.pongs() - 250);
    // ... and only the flooder's: not one of the honest peer's requests was limited.
    expect(limited).toBeLessThanOrEqual(5000 - a.pongs());
  }, 60_000);

  it('a fresh ID in every datagram stays unverified: the verified share of the node budget keeps answering the honest peer', async () => {
    const global = 300;
    const victim = await node({ globalPerSecond: global, perSourcePerSecond: 1e6, verifiedShare: 0.5, burstSeconds: 1 }, 411);
    const honest = await node({}, 412);
    expect((await honest.join([victim.addressText])).ok).toBe(true);
    const a = await attacker();
    const rng = new Random(6);
    const flooding = flood(a.sock, portOf(victim), 4000, () => rng.bytes(20));
    const [seconds, pings] = await Promise.all([flooding, pingWhile(honest, victim, flooding, 30)]);
    expect(pings.sent).toBeGreaterThanOrEqual(30);
    expect(pings.answered).toBe(pings.sent);
    // Unverified requests may spend only the unreserved half: 150 tokens, then half of the refill at most.
    expect(a.pongs()).toBeLessThanOrEqual(global / 2 + global * seconds + 1);
    expect(victim.limiter!.limitedByNode).toBeGreaterThanOrEqual(4000 - a.pongs() - 250);
    expect(victim.limiter!.limitedBySource).toBe(0);
  }, 60_000);

  it('the limiter table keeps its size however many sources send', async () => {
    const victim = await node({ sources: 64 }, 421);
    const before = victim.limiter!.tableBytes;
    expect(before).toBe(64 * 36);
    const senders = await Promise.all(Array.from({ length: 200 }, () => attacker()));
    const rng = new Random(7);
    for (const s of senders) await flood(s.sock, portOf(victim), 2, () => rng.bytes(20), 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(senders.reduce((n, s) => n + s.pongs(), 0)).toBeGreaterThanOrEqual(390);
    expect(victim.limiter!.tracked).toBeLessThanOrEqual(64);
    expect(victim.limiter!.tableBytes).toBe(before);
    expect(victim.drops.get('rate-limited') ?? 0).toBe(0);
  }, 120_000);

  it('can be turned off', async () => {
    const victim = await node(false, 431);
    expect(victim.limiter).toBeNull();
    const a = await attacker();
    const id = new Random(8).bytes(20);
    await flood(a.sock, portOf(victim), 600, () => id);
    expect(victim.drops.get('rate-limited') ?? 0).toBe(0);
    expect(a.pongs()).toBeGreaterThanOrEqual(550);
  }, 60_000);
});
