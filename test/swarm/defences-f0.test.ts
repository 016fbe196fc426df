/**
 * Issue 13: with no adversary (F = 0) every defence changes nothing but cost. One in-process
 * network per setting, its IDs and synthetic addresses made as the swarm makes them
 * (identities.ts); finds checked against a brute-force sort, every value read back, and the RPCs
 * compared with the defences off.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type KadConfig } from '../../src/core/config.js';
import { Random } from '../../src/core/random.js';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { PUZZLE_KEY_WORDS, assignAddresses, honestId, installIdentities, needsAddresses } from '../../src/swarm/identities.js';
import { nodeId, presentKey, valueBytes } from '../../src/swarm/workload.js';
import { range, trueClosest } from '../helpers/brute-force.js';

const N = 300;
const SEED = 4;

function network(config: Partial<KadConfig>): SimNetwork {
  const c = resolveConfig(config);
  const net = new SimNetwork({ seed: SEED, config, checkInvariants: false });
  const ips = needsAddresses(c) ? assignAddresses({ nodes: N, seed: SEED, adversaries: null, subnets: 1 }) : null;
  const keys = c.idPuzzleBits > 0 && !c.idFromIp ? new Uint32Array(N * PUZZLE_KEY_WORDS) : null;
  const rule = c.idFromIp || c.idPuzzleBits > 0;
  for (let i = 0; i < N; i++) net.addNode(rule ? honestId(SEED, i, ips![i]!, c, keys) : nodeId(SEED, i));
  if (ips) installIdentities(net.peers, c, ips, keys);
  expect(net.joinAll(0, 1, N, 30).filter((j) => !j.ok)).toEqual([]);
  return net;
}

interface Outcome {
  exactFinds: number;
  found: number;
  rpcs: number;
}

function exercise(net: SimNetwork, ca: boolean): Outcome {
  const rng = new Random(8);
  let exactFinds = 0;
  let rpcs = 0;
  for (let i = 0; i < 20; i++) {
    const asker = rng.int(N);
    const target = rng.bytes(20);
    const r = net.findNode(asker, target);
    rpcs += r.rpcs;
    if (JSON.stringify(r.closest) === JSON.stringify(trueClosest(net.peers, range(N).filter((h) => h !== asker), target, net.config.k))) exactFinds++;
  }
  for (let i = 0; i < 20; i++) rpcs += net.put(rng.int(N), presentKey(i, ca), valueBytes(i)).rpcs;
  let found = 0;
  for (let i = 0; i < 20; i++) {
    const got = net.get(rng.int(N), presentKey(i, ca));
    rpcs += got.rpcs;
    if (got.found && Buffer.from(got.value!).equals(Buffer.from(valueBytes(i)))) found++;
  }
  return { exactFinds, found, rpcs };
}

const SETTINGS: Array<[string, Partial<KadConfig>]> = [
  ['--disjoint 2', { disjointPaths: 2 }],
  ['--disjoint 4 --disjoint-vote', { disjointPaths: 4, disjointVote: true }],
  ['--disjoint 8', { disjointPaths: 8 }],
  ['--id-from-ip --max-per-subnet 1 --max-per-ip 1 --restrict-search-ips', { idFromIp: true, maxPerSubnetPerBucket: 1, maxPerIp: 1, restrictSearchIps: true }],
  ['--id-puzzle 6', { idPuzzleBits: 6 }],
  ['--content-addressed', { contentAddressed: true }],
];

describe('every defence with F = 0', () => {
  const off = exercise(network({}), false);

  it('the defences-off network finds the brute-force k closest and every value', () => {
    expect(off.exactFinds).toBeGreaterThanOrEqual(19);
    expect(off.found).toBe(20);
  });

  for (const [flags, config] of SETTINGS) {
    it(`${flags}: same results as off (disjoint paths cost more RPCs)`, () => {
      const on = exercise(network(config), config.contentAddressed === true);
      expect(on.exactFinds).toBeGreaterThanOrEqual(19);
      expect(on.found).toBe(20);
      if ((config.disjointPaths ?? 1) > 1) expect(on.rpcs).toBeGreaterThan(off.rpcs);
    });
  }
});
