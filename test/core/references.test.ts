/**
 * KadNode.isReferenced and matchReply, the two read-only queries a host that reuses handles
 * relies on (the UDP address book): a handle is referenced exactly while the table, the
 * replacement cache, a pending request or a running lookup holds it; matchReply says what
 * handle() would do with a reply, without doing it.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { KadNode } from '../../src/core/index.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';

function setup(n: number): KadNode {
  const rng = new Random(7);
  const peers = new PeerIds();
  for (let h = 0; h <= n; h++) peers.setId(h, rng.bytes(20));
  return new KadNode(0, peers, resolveConfig({ k: 4, initialTimeoutMs: 100, minTimeoutMs: 100 }), new Random(1, 0), 0);
}

function sent(node: KadNode): Array<{ to: number; msg: Message }> {
  const out: Array<{ to: number; msg: Message }> = [];
  for (let m = node.pollTransmit(); m !== null; m = node.pollTransmit()) out.push({ to: node.transmitTo, msg: m });
  while (node.pollEvent() !== null);
  return out;
}

describe('isReferenced', () => {
  it('is true for the node itself and its table contacts, false for a stranger', () => {
    const node = setup(3);
    node.addContact(1);
    expect(node.isReferenced(0)).toBe(true);
    expect(node.isReferenced(1)).toBe(true);
    expect(node.isReferenced(2)).toBe(false);
  });

  it('holds a peer with a pending request until the request times out', () => {
    const node = setup(3);
    node.ping(2, 0);
    const [ping] = sent(node);
    expect(ping!.to).toBe(2);
    expect(node.table.has(2)).toBe(false);
    expect(node.isReferenced(2)).toBe(true);
    node.handleTimeout(1000);
    sent(node);
    expect(node.isReferenced(2)).toBe(false);
  });

  it('holds the candidates of a running lookup that the table does not, and lets go when it ends', () => {
    const node = setup(10);
    node.addContact(1);
    node.findNode(new Random(3).bytes(20), 0);
    const [ask] = sent(node);
    expect(node.matchReply(1, MessageType.Nodes, ask!.msg.rpc)).toBeNull();
    expect(node.matchReply(1, MessageType.Pong, ask!.msg.rpc)).toBe('wrong-reply-type');
    expect(node.matchReply(2, MessageType.Nodes, ask!.msg.rpc)).toBe('unmatched-reply');
    expect(node.matchReply(0, MessageType.Nodes, ask!.msg.rpc)).toBe('from-self');
    // Read-only: asking did not take the request; the real reply still matches.
    node.handle(1, { type: MessageType.Nodes, rpc: ask!.msg.rpc, contacts: Uint32Array.from([5, 6]) }, 1);
    const next = sent(node);
    expect(next.map((s) => s.to).sort()).toEqual([5, 6]);
    expect(node.table.has(5)).toBe(false);
    expect(node.isReferenced(5)).toBe(true);
    expect(node.isReferenced(7)).toBe(false);
    // 5 and 6 never answer: the lookup ends, and nothing holds them any more.
    for (let t = 200; t < 20_000 && node.pendingCount > 0; t += 200) {
      node.handleTimeout(t);
      sent(node);
    }
    expect(node.pendingCount).toBe(0);
    expect(node.isReferenced(5)).toBe(false);
    expect(node.isReferenced(6)).toBe(false);
    expect(node.isReferenced(1)).toBe(true); // the table keeps the one that answered
  });
});
