/**
 * Issue 13: a defence left off, or --disjoint 1, gives exactly today's message flow (the same
 * order-sensitive trace hash as a configuration that never names them); --disjoint 2 does not.
 */
import { describe, expect, it } from 'vitest';
import type { KadConfig } from '../../src/core/config.js';
import { Random } from '../../src/core/random.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

function traced(config: Partial<KadConfig>): string {
  const net = new SimNetwork({ seed: 12, config, trace: true, checkInvariants: false });
  for (let i = 0; i < 150; i++) net.addNode();
  net.joinAll(0, 1, 150, 20);
  const rng = new Random(3);
  for (let i = 0; i < 10; i++) net.put(rng.int(150), rng.bytes(20), Uint8Array.of(i));
  for (let i = 0; i < 10; i++) net.findNode(rng.int(150), rng.bytes(20));
  return net.traceHash;
}

describe('the message flow with the defences off', () => {
  it('--disjoint 1 and every defence at its off value hash like a config that names none; --disjoint 2 differs', () => {
    const plain = traced({});
    expect(traced({ disjointPaths: 1, disjointVote: false, restrictSearchIps: false, idFromIp: false, idPuzzleBits: 0, contentAddressed: false })).toBe(plain);
    expect(traced({ disjointPaths: 2 })).not.toBe(plain);
  });
});
