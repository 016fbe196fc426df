/**
 * Address validation before trust in the core (verifyAddresses on): an unverified requester
 * is answered within the amplification budget and probed once, is kept out of the routing
 * table until its PONG, and the node-wide pace bounds the probes a flood can cause. Sizes are
 * checked against the wire constants here and against the real encoder in test/wire/sizes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type KadConfig } from '../../src/core/config.js';
import { KadNode, type NodeEvent } from '../../src/core/index.js';
import { idToWords } from '../../src/core/id.js';
import { keyFromString } from '../../src/core/key.js';
import { MessageType, type Message, type Nodes } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { INDEX_CONTACT_BYTES, PING_BYTES_MAX, nodesBytesMax } from '../../src/core/wire-sizes.js';

/** Node 0 knowing peers 1..known (verified through addContact, as an oracle would); handles up to `all` exist. */
function setup(known: number, all: number, config: Partial<KadConfig> = {}): KadNode {
  const rng = new Random(7);
  const peers = new PeerIds();
  for (let h = 0; h <= all; h++) peers.setId(h, rng.bytes(20));
  const node = new KadNode(0, peers, resolveConfig({ verifyAddresses: true, ...config }), new Random(3), 0);
  for (let h = 1; h <= known; h++) node.addContact(h);
  return node;
}

function transmits(node: KadNode): Array<{ to: number; msg: Message }> {
  const out: Array<{ to: number; msg: Message }> = [];
  for (let m = node.pollTransmit(); m !== null; m = node.pollTransmit()) out.push({ to: node.transmitTo, msg: m });
  return out;
}

function events(node: KadNode): NodeEvent[] {
  const out: NodeEvent[] = [];
  for (let e = node.pollEvent(); e !== null; e = node.pollEvent()) out.push(e);
  return out;
}

const STRANGER = 40;

describe('an unverified requester', () => {
  it('gets its PONG and one verification PING, enters the table only when that PING is answered', () => {
    const node = setup(30, 50);
    node.handle(STRANGER, { type: MessageType.Ping, rpc: 11 }, 0, 28);
    const out = transmits(node);
    expect(out.map((t) => [t.to, t.msg.type])).toEqual([
      [STRANGER, MessageType.Pong],
      [STRANGER, MessageType.Ping],
    ]);
    expect(out[0]!.msg.rpc).toBe(11);
    expect(node.table.has(STRANGER)).toBe(false);
    expect(node.isVerified(STRANGER)).toBe(false);
    // Another request while the probe is out: answered, no second probe.
    node.handle(STRANGER, { type: MessageType.Ping, rpc: 12 }, 5, 28);
    expect(transmits(node).map((t) => t.msg.type)).toEqual([MessageType.Pong]);
    // A PONG with another rpc is no answer; the probe's own rpc verifies.
    node.handle(STRANGER, { type: MessageType.Pong, rpc: (out[1]!.msg.rpc + 1) >>> 0 }, 8);
    expect(events(node)).toEqual([{ type: 'drop', reason: 'unmatched-reply' }]);
    expect(node.table.has(STRANGER)).toBe(false);
    node.handle(STRANGER, { type: MessageType.Pong, rpc: out[1]!.msg.rpc }, 10);
    expect(node.isVerified(STRANGER)).toBe(true);
    expect(node.table.has(STRANGER)).toBe(true);
    // From now on its requests are answered in full and send no probe.
    node.handle(STRANGER, { type: MessageType.FindNode, rpc: 13, target: new Random(1).bytes(20) }, 20, 46);
    const full = transmits(node);
    expect(full).toHaveLength(1);
    expect((full[0]!.msg as Nodes).contacts.length).toBe(20);
  });

  it('a PING that is never answered leaves it out of the table and lets a later request probe again', () => {
    const node = setup(5, 50);
    node.handle(STRANGER, { type: MessageType.Ping, rpc: 1 }, 0, 28);
    expect(transmits(node)).toHaveLength(2);
    node.handleTimeout(node.pollTimeout());
    expect(events(node)).toEqual([]); // a silent source is what a spoofed one looks like: no timeout event
    expect(node.table.has(STRANGER)).toBe(false);
    node.handle(STRANGER, { type: MessageType.Ping, rpc: 2 }, 5000, 28);
    expect(transmits(node).map((t) => t.msg.type)).toEqual([MessageType.Pong, MessageType.Ping]);
  });

  it('gets a NODES reply trimmed to 3× its request, verification PING included, closest contacts first', () => {
    const node = setup(60, 100);
    const target = new Random(2).bytes(20);
    for (const bytes of [46, 100, 200, 400]) {
      const from = 60 + bytes / 2; // a fresh stranger each time
      node.handle(from, { type: MessageType.FindNode, rpc: 5, target }, 0, bytes);
      const out = transmits(node);
      const nodes = out[0]!.msg as Nodes;
      const probe = out.length === 2 ? PING_BYTES_MAX : 0;
      expect(out.length).toBe(2);
      const size = nodesBytesMax(nodes.contacts.length * INDEX_CONTACT_BYTES);
      expect(size + probe).toBeLessThanOrEqual(3 * bytes);
      // As many as fit (up to k), and exactly the closest ones.
      const fit = Math.min(20, Math.floor((3 * bytes - probe - nodesBytesMax(0)) / INDEX_CONTACT_BYTES));
      expect(nodes.contacts.length).toBe(bytes >= 400 ? 20 : fit);
      const sorted = new Uint32Array(20);
      node.table.closest(idToWords(target), 0, 20, sorted, from, true);
      expect(Array.from(nodes.contacts)).toEqual(Array.from(sorted.subarray(0, nodes.contacts.length)));
    }
  });

  it('gets a NODES reply instead of a 1,024-byte VALUE that does not fit; once verified, the VALUE', () => {
    const node = setup(30, 50);
    const key = keyFromString('big');
    node.handle(1, { type: MessageType.Store, rpc: 1, key, value: new Uint8Array(1024).fill(7), version: 1, ttl: 60_000, cache: false }, 0);
    transmits(node);
    node.handle(STRANGER, { type: MessageType.FindValue, rpc: 2, key }, 0, 46);
    const out = transmits(node);
    expect(out.map((t) => t.msg.type)).toEqual([MessageType.Nodes, MessageType.Ping]);
    // A padded request (wire/padding.ts sizes it) gets the value.
    node.handle(STRANGER + 1, { type: MessageType.FindValue, rpc: 3, key }, 0, 371);
    expect(transmits(node).map((t) => t.msg.type)).toEqual([MessageType.Value, MessageType.Ping]);
    node.handle(STRANGER, { type: MessageType.Pong, rpc: out[1]!.msg.rpc }, 10);
    node.handle(STRANGER, { type: MessageType.FindValue, rpc: 4, key }, 20, 46);
    expect(transmits(node).map((t) => t.msg.type)).toEqual([MessageType.Value]);
  });

  it('a flood of unverified sources gets at most verifyPingsPerSecond probes a second (burst the same)', () => {
    const node = setup(5, 1000, { verifyPingsPerSecond: 100 });
    const probesAt = (now: number, from: number, n: number): number => {
      let probes = 0;
      for (let h = from; h < from + n; h++) {
        node.handle(h, { type: MessageType.Ping, rpc: h }, now, 28);
        probes += transmits(node).filter((t) => t.msg.type === MessageType.Ping).length;
      }
      return probes;
    };
    expect(probesAt(0, 10, 300)).toBe(100);
    expect(probesAt(500, 310, 300)).toBe(50); // half a second refills half the bucket
    expect(probesAt(10_000, 610, 300)).toBe(100); // never more than the burst
    expect(node.table.size).toBe(5);
  });

  it('a reply to our own request verifies its sender', () => {
    const node = setup(3, 50);
    node.ping(2, 0, 1);
    const [ping] = transmits(node);
    expect(node.isVerified(2)).toBe(false);
    node.handle(2, { type: MessageType.Pong, rpc: ping!.msg.rpc }, 5);
    expect(node.isVerified(2)).toBe(true);
    node.handle(2, { type: MessageType.Ping, rpc: 9 }, 6, 28);
    expect(transmits(node).map((t) => t.msg.type)).toEqual([MessageType.Pong]); // no probe
  });

  it('with verifyAddresses off (the default) nothing changes: a stranger enters the table from its request', () => {
    const node = setup(3, 50, { verifyAddresses: false });
    node.handle(STRANGER, { type: MessageType.Ping, rpc: 1 }, 0, 28);
    expect(transmits(node).map((t) => t.msg.type)).toEqual([MessageType.Pong]);
    expect(node.table.has(STRANGER)).toBe(true);
  });
});

describe('identity', () => {
  it('a peer claiming this node\'s ID under another handle is dropped as from-self, and is never a table contact or a lookup candidate', () => {
    const node = setup(3, 5, { verifyAddresses: false });
    node.peers.repeatsIds = true; // as the UDP address book: handles are (ID, address) pairs
    node.peers.setId(5, node.id);
    node.handle(5, { type: MessageType.Ping, rpc: 1 }, 0);
    expect(transmits(node)).toEqual([]);
    expect(events(node)).toEqual([{ type: 'drop', reason: 'from-self' }]);
    node.addContact(5);
    expect(node.table.has(5)).toBe(false);
    node.findNode(new Random(4).bytes(20), 0, 1);
    const asked = transmits(node);
    node.handle(asked[0]!.to, { type: MessageType.Nodes, rpc: asked[0]!.msg.rpc, contacts: Uint32Array.of(5) }, 1);
    expect(transmits(node).some((t) => t.to === 5)).toBe(false);
  });
});
