/**
 * A cluster finds a node's slot and shard by shift and mask when the shard count is a power of
 * two, by division otherwise: both must agree with placement.ts (node i on shard i mod W, slot
 * floor(i / W)), the one definition every other part of the swarm uses.
 */
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { VirtualClock } from '../../src/host/clock.js';
import { Cluster } from '../../src/sim/cluster.js';
import { DEFAULT_NETWORK } from '../../src/sim/network-model.js';
import { localSlot, shardOf } from '../../src/sim/placement.js';

function cluster(index: number, shards: number, nodes: number): Cluster {
  const peers = new PeerIds(nodes);
  for (let i = 0; i < nodes; i++) peers.setId(i, new Uint8Array(20).fill(i + 1));
  return new Cluster({ index, shards, seed: 1, peers, network: DEFAULT_NETWORK, clock: new VirtualClock(), links: null }, 0);
}

describe('cluster placement', () => {
  for (const shards of [1, 2, 3, 4, 5, 8]) {
    it(`with ${shards} shards: slots as placement.ts says, and only its own nodes are found`, () => {
      const index = shards - 1;
      const c = cluster(index, shards, 64);
      for (let i = 0; i < 5000; i++) expect(c.slotOf(i)).toBe(localSlot(i, shards));
      for (let slot = 0; slot * shards + index < 64; slot++) c.spawn(slot);
      for (let i = 0; i < 64; i++) {
        if (shardOf(i, shards) === index) expect(c.node(i).self).toBe(i);
        else expect(() => c.node(i)).toThrow(`node ${i} is not on shard ${index}`);
      }
    });
  }

  for (const shards of [3, 4]) {
    it(`with ${shards} shards and no links: a message to a node of its own shard is delivered, one for another shard is counted no-such-node`, () => {
      const c = cluster(1, shards, 64);
      for (let slot = 0; slot * shards + 1 < 64; slot++) c.spawn(slot);
      const mate = 1 + shards; // slot 1 here
      c.send(c.node(1), 2, { type: MessageType.Ping, rpc: 7 }); // shard 2
      expect(c.stats.drops.get('no-such-node')).toBe(1);
      c.send(c.node(1), mate, { type: MessageType.Ping, rpc: 8 });
      c.runDue(Infinity, true);
      expect(c.stats.handled).toBe(1); // the PING
      expect(c.stats.sent[MessageType.Pong]).toBe(1); // its answer reached node 1, which never asked: refused there
      expect(c.stats.refusals.get('unmatched-reply')).toBe(1);
    });
  }
});
