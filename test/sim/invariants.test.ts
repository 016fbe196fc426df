/**
 * The simulator's state checker: silent on an honest run, and each check stops a run that
 * breaks it, naming the seed and the event.
 */
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { InvariantError } from '../../src/sim/invariants.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

function network(nodes: number, seed = 7): SimNetwork {
  const net = new SimNetwork({ seed, config: { k: 8 } });
  for (let i = 0; i < nodes; i++) net.addNode();
  net.joinAll(0, 1, nodes, 20);
  return net;
}

describe('invariant checker', () => {
  it('checks every event of an honest run and finds nothing', () => {
    const net = network(60);
    const key = new Uint8Array(20).fill(9);
    net.put(5, key, new Uint8Array([1, 2, 3]));
    expect(net.get(40, key).found).toBe(true);
    expect(net.invariants!.checks).toBeGreaterThan(net.delivered * 0.9);
  });

  it('stops a run in which a node accepts a reply to a request it never sent', () => {
    const net = network(20);
    const victim = net.nodes[3]!;
    // A broken core: it takes every reply as an answer (no 'unmatched-reply' drop).
    const handle = victim.handle.bind(victim);
    victim.handle = (from, msg, now) => (msg.type === MessageType.Pong ? undefined : handle(from, msg, now));
    // Node 4 answers a PING that node 3 never sent: a PONG with an RPC id nobody used.
    net.cluster.send(net.nodes[4]!, 3, { type: MessageType.Pong, rpc: 424242 });
    expect(() => net.advance(10_000)).toThrow(InvariantError);
    expect(() => net.advance(10_000)).not.toThrow(); // the bad event is gone; the run can go on
  });

  it('names the seed and the event', () => {
    const net = network(20, 31);
    const victim = net.nodes[3]!;
    victim.handle = () => undefined;
    net.cluster.send(net.nodes[4]!, 3, { type: MessageType.Pong, rpc: 7 });
    expect(() => net.advance(10_000)).toThrow(/seed 31\).*node 3 accepted PONG rpc 7 from 4, which answers no request it sent/);
  });

  it('stops a run in which a node holds itself, or a bucket holds more than k', () => {
    const self = network(20);
    const n = self.nodes[6]!;
    const has = n.table.has.bind(n.table);
    n.table.has = (h: number) => h === n.self || has(h);
    // The first event at node 6 after the change (a reply to its lookup, or its next wake-up) stops the run.
    expect(() => self.get(6, new Uint8Array(20).fill(1))).toThrow(/node 6 has itself in its routing table after the (delivery of NODES|wake-up of the node in slot 6)/);

    const big = network(20);
    const m = big.nodes[2]!;
    m.table.describeBuckets = () => [{ depth: 0, contacts: 9, replacements: 0, stale: 0 }];
    expect(() => big.get(2, new Uint8Array(20).fill(1))).toThrow(/node 2 has a bucket \(depth 0\) of 9 contacts, above k = 8/);
  });

  it('refuses virtual time going back', () => {
    const net = network(3);
    net.advance(1000);
    expect(() => net.clock.advanceTo(net.now - 1)).toThrow(/virtual time cannot go back/);
  });
});
