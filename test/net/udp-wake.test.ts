/**
 * Over real UDP on 127.0.0.1: a UDP node's timers keep firing after a nearer deadline supersedes
 * a farther one. The host loop remembers the wake-up it superseded and reuses it when the node
 * asks for that time again (HostLoop.lateAt), so the host must keep that timer armed. When it
 * did not, this exact sequence (a verification PING out for maxTimeoutMs, then a lookup whose
 * requests time out sooner) left the node with no timer at all: the PING never timed out,
 * the refresh timer was gone, and any later request to a silent peer waited forever (the hang
 * of the spoofed-PING flood test in udp-amplification.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { UdpNode } from '../../src/net/udp-node.js';
import { FakePeer } from './fake-peer.js';
import { until } from './flood.js';

const nodes: UdpNode[] = [];
let peer: FakePeer;

beforeAll(async () => {
  for (let i = 0; i < 8; i++) nodes.push(await UdpNode.create({ listen: '127.0.0.1:0', seed: 900 + i }));
  for (const n of nodes.slice(1)) expect((await n.join([nodes[0]!.addressText])).ok).toBe(true);
  peer = await FakePeer.bind();
}, 60_000);

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.close()), peer.close()]);
});

/** The host's next timer is never later than the core's next deadline (the core's own account). */
function expectArmed(node: UdpNode, when: string): void {
  expect(node.nextWakeAt, when).toBeLessThanOrEqual(node.core.pollTimeout());
}

describe('UDP wake-ups', () => {
  it('a verification PING superseded by a lookup\'s nearer deadlines still times out, and the node keeps its refresh timer', async () => {
    const victim = nodes[3]!;
    const spoofedId = new Random(5).bytes(20);
    const pings = (): number => peer.received.filter((r) => r.msg?.type === MessageType.Ping).length;
    // Idle after the join: nothing in flight, only maintenance timers (refresh: an hour away) armed.
    await until(() => victim.core.pendingCount === 0 && victim.core.pollTimeout() > Date.now() + 60_000, 20_000);
    expectArmed(victim, 'after the join');
    // A stranger's PING: answered, and probed with one verification PING that waits maxTimeoutMs.
    await peer.send(spoofedId, { type: MessageType.Ping, rpc: 1 }, victim.addressText);
    await until(() => pings() === 1);
    expect(victim.core.pendingCount).toBe(1);
    expectArmed(victim, 'with the verification PING out');
    // Its requests wait minTimeoutMs..initialTimeoutMs, less than the PING's maxTimeoutMs: nearer wake-ups.
    const found = await victim.findNode(new Random(6).bytes(20));
    expect(found.closest.length).toBe(nodes.length - 1);
    expectArmed(victim, 'after the lookup');
    // The PING's deadline passes: the node wakes and lets it go (20 s: a loaded machine, 4× the deadline).
    await until(() => victim.core.pendingCount === 0, 20_000);
    expectArmed(victim, 'after the verification PING timed out');
    expect(victim.core.pollTimeout()).toBeLessThan(Infinity); // the refresh timer, still armed
    // The timed-out probe is over: the same stranger's next PING is probed again.
    await peer.send(spoofedId, { type: MessageType.Ping, rpc: 2 }, victim.addressText);
    await until(() => pings() === 2);
    expect(peer.received.filter((r) => r.msg?.type === MessageType.Pong).map((r) => (r.msg as { rpc: number }).rpc)).toEqual([1, 2]);
  }, 60_000);
});
