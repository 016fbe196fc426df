/**
 * The hosts keep one queued wake-up per node. A node that asks for an earlier
 * wake-up leaves its later request queued; ticking the node for that stale
 * request made it ask again, so copies multiplied with run length (11 idle
 * ticks per message after four minutes of a 4,000-node churn run).
 */
import { describe, expect, it } from 'vitest';
import type { KadNode } from '../../src/core/node.js';
import { createRingMesh } from '../../src/net/ring-mesh.js';
import { Shard } from '../../src/swarm/shard.js';
import { SimNetwork } from '../../src/swarm/sim-network.js';

/** Replaces node.tick with a recorder, so only the host's calls are seen. */
function recordTicks(node: KadNode): number[] {
  const ticks: number[] = [];
  node.tick = (now: number) => void ticks.push(now);
  return ticks;
}

describe('one queued wake-up per node', () => {
  it('the simulated network ticks a node once when an earlier request supersedes a later one', () => {
    const net = new SimNetwork({ seed: 1 });
    const a = net.nodes[net.addNode()]!;
    const ticks = recordTicks(a);
    net.wake(a, 100);
    net.wake(a, 50);
    net.wake(a, 70); // later than the queued one: the node will ask again after its tick at 50
    net.advance(1000);
    expect(ticks).toEqual([50]);
  });

  it('a shard on the virtual clock does the same, and serves a new request after the tick', () => {
    const ids = new SharedArrayBuffer(2 * 5 * 4);
    new Uint32Array(ids).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const shard = new Shard({
      shard: 0, shards: 1, nodes: 2, seed: 1, ids, mesh: createRingMesh(1, 4096), config: {},
      network: { latency: { kind: 'constant', ms: 20 }, loss: 0, jitter: 0, seed: 1 }, clock: 'virtual',
    });
    const a = shard.spawn(0);
    const ticks = recordTicks(a);
    shard.wake(a, 100);
    shard.wake(a, 50);
    expect(shard.runUntil(60)).toBe(100); // the stale request is still queued...
    shard.wake(a, 80);
    shard.runUntil(1000);
    expect(ticks).toEqual([50, 80]); // ...but does not tick the node
  });
});
