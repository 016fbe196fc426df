/**
 * Event order on the virtual clock: same-instant events run by (time, global
 * index of the node that caused them, that node's event counter), and the
 * hosts keep one queued wake-up per node. A node that asks for an earlier
 * wake-up leaves its later request queued; ticking the node for that stale
 * request made it ask again, so copies multiplied with run length (11 idle
 * ticks per message after four minutes of a 4,000-node churn run).
 */
import { describe, expect, it } from 'vitest';
import type { KadNode } from '../../src/core/index.js';
import { createRingMesh } from '../../src/net/ring-mesh.js';
import { Shard } from '../../src/swarm/shard.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

/**
 * Replaces the node's timer input with a recorder, and its wish for a wake-up with the times a
 * test asks for (`want`), so only the host's decisions are seen.
 */
function recordTicks(node: KadNode): { ticks: number[]; want: (at: number) => void } {
  const ticks: number[] = [];
  let next = Infinity;
  node.handleTimeout = (now: number) => void ticks.push(now);
  node.pollTimeout = () => {
    const t = next;
    next = Infinity;
    return t;
  };
  return { ticks, want: (at) => (next = at) };
}

function virtualShard(nodes: number): Shard {
  const ids = new SharedArrayBuffer(nodes * 5 * 4);
  new Uint32Array(ids).forEach((_, i, a) => (a[i] = i + 1));
  return new Shard({
    shard: 0, shards: 1, nodes, seed: 1, ids, mesh: createRingMesh(1, 4096), config: {},
    network: { latency: { kind: 'constant', ms: 20 }, loss: 0, jitter: 0, seed: 1 }, clock: 'virtual',
  });
}

describe('same-instant order on the virtual clock', () => {
  it('runs actions by time, then node index, then the order each node\'s events were made', () => {
    const shard = virtualShard(3);
    const ran: string[] = [];
    shard.at(10, 2, () => ran.push('node 2, first'));
    shard.at(10, 0, () => ran.push('node 0'));
    shard.at(10, 2, () => ran.push('node 2, second'));
    shard.at(5, 2, () => ran.push('earlier'));
    shard.at(10, -1, () => ran.push('no node'));
    shard.at(10, 1, () => ran.push('node 1'));
    shard.runUntil(100);
    expect(ran).toEqual(['earlier', 'no node', 'node 0', 'node 1', 'node 2, first', 'node 2, second']);
  });
});

describe('one queued wake-up per node', () => {
  it('the simulated network ticks a node once when an earlier request supersedes a later one', () => {
    const net = new SimNetwork({ seed: 1 });
    const a = net.nodes[net.addNode()]!;
    const { ticks, want } = recordTicks(a);
    const ask = (at: number): void => {
      want(at);
      net.cluster.loop.drain(0, net.now);
    };
    ask(100);
    ask(50);
    ask(70); // later than the queued one: the node will ask again after its tick at 50
    net.advance(1000);
    expect(ticks).toEqual([50]);
  });

  it('a shard on the virtual clock does the same, and serves a new request after the tick', () => {
    const shard = virtualShard(2);
    const a = shard.spawn(0);
    const { ticks, want } = recordTicks(a);
    const ask = (at: number): void => {
      want(at);
      shard.loop.drain(0, shard.now());
    };
    ask(100);
    ask(50);
    expect(shard.runUntil(60)).toBe(100); // the stale request is still queued...
    ask(80);
    shard.runUntil(1000);
    expect(ticks).toEqual([50, 80]); // ...but does not tick the node
  });
});
