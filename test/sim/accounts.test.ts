/**
 * The simulator's message accounts (ClusterStats): every message that reaches a node ends in one
 * outcome — handled, or refused under one reason — or still waits in the queue. The queued count
 * is kept on its own (incremented on push, decremented on pop), so the sum is a real check.
 */
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { IndexContacts } from '../../src/wire/index-contacts.js';

function sum(m: Map<string, number>): number {
  let n = 0;
  for (const c of m.values()) n += c;
  return n;
}

describe('message accounts in the simulator', () => {
  it('received === handled + Σ refused + queued, through joins, stopped nodes, garbage and unsolicited replies', () => {
    const net = new SimNetwork({ seed: 12, config: { k: 8 } });
    for (let i = 0; i < 80; i++) net.addNode();
    net.joinAll(0, 1, 80, 20);
    const s = net.cluster.stats;
    const check = (): void => expect(s.received).toBe(s.handled + sum(s.refusals) + s.queued);
    check();
    expect(s.handled).toBeGreaterThan(1000);

    // Ten nodes go down; lookups still ask some of them (their contacts do not know yet).
    for (let i = 60; i < 70; i++) net.stop(i);
    for (let i = 0; i < 20; i++) net.findNode(i, new Uint8Array(20).fill(i));
    // A frame that is not a message, and a reply nobody asked for.
    net.cluster.receiveFrame(new Uint8Array([0xc1, 2, 3]), 5, 6, net.now, 0);
    net.cluster.send(net.nodes[4]!, 3, { type: MessageType.Pong, rpc: 424242 });
    check(); // the PONG is queued: counted as received only once it arrives
    net.advance(1000);
    check();
    expect(s.refusals.get('to-stopped-node')).toBeGreaterThan(0);
    expect(s.refusals.get('malformed')).toBe(1);
    expect(s.refusals.get('unmatched-reply')).toBeGreaterThanOrEqual(1);
    // Refusals inside handled messages (a late reply still taken) are drops, never outcomes.
    for (const reason of s.refusals.keys()) expect(['to-stopped-node', 'malformed', 'unmatched-reply', 'wrong-reply-type', 'no-such-node']).toContain(reason);
  });

  it("refuses a frame whose sender ID on the wire is not the named sender's (or names no node) as sender-mismatch, and delivers the true one", () => {
    const net = new SimNetwork({ seed: 3, config: { k: 8 } });
    for (let i = 0; i < 4; i++) net.addNode();
    const s = net.cluster.stats;
    const ping = (sender: number): Uint8Array => encodeMessage(net.peers.idOf(sender), { type: MessageType.Ping, rpc: 77 }, new IndexContacts(net.peers));
    // An area with the frame in the middle, as a ring hands it over.
    const area = new Uint8Array(200);
    const frame = ping(1);
    area.set(frame, 50);
    net.cluster.receiveFrame(area, 2, 0, net.now, 0, 50, 50 + frame.length); // says 2, carries 1's ID
    net.cluster.receiveFrame(frame, 99, 0, net.now, 0); // no node 99
    expect(s.refusals.get('sender-mismatch')).toBe(2);
    const handled = s.handled;
    net.cluster.receiveFrame(area, 1, 0, net.now, 0, 50, 50 + frame.length);
    expect(s.handled).toBe(handled + 1);
    expect(s.refusals.get('sender-mismatch')).toBe(2);
  });
});
