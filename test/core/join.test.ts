/**
 * Joins that always fill the table and joins under loss, on the in-process network (virtual time):
 * every newcomer ends its join with contacts in the far half of the ID space (whose IDs differ from
 * its own in the top bit), even when its self-lookup heard from k or fewer nodes; and at 30 % loss
 * every join succeeds, the lost bootstrap exchanges being retried.
 */
import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { ID_WORDS, idToWords } from '../../src/core/id.js';
import { randomIdAtPrefix } from '../../src/core/join.js';
import { Random } from '../../src/core/random.js';
import { range, trueClosest } from '../helpers/brute-force.js';
import { mayNeedUs } from '../../src/core/join-learn.js';
import { Lookup, LookupKind } from '../../src/core/lookup.js';
import type { NodeState } from '../../src/core/node-state.js';

/** Far-half contacts (IDs that differ from the node's own in the top bit) in node i's table now. */
function farHalf(net: SimNetwork, i: number): number {
  const w = net.peers.words;
  return net.nodes[i]!.table.contacts().filter((h) => ((w[h * ID_WORDS]! ^ w[i * ID_WORDS]!) & 0x80000000) !== 0).length;
}

/**
 * Joins nodes 1..n-1 through node 0, 50 at a time (as SimNetwork.joinAll), and returns the
 * newcomers that had no far-half contact at the moment their join ended (later joiners fill
 * tables in, so the end of the whole run would hide it), and the RPCs of each join.
 */
function joinAndCheck(net: SimNetwork, n: number): { failed: number; lacking: number[]; rpcs: number[] } {
  let next = 1;
  let active = 0;
  let done = 0;
  let failed = 0;
  const lacking: number[] = [];
  const rpcs: number[] = [];
  const start = (): void => {
    while (active < 50 && next < n) {
      const i = next++;
      active++;
      net.cluster.join(i, [0], (r) => {
        if (!r.ok) failed++;
        if (farHalf(net, i) === 0) lacking.push(i);
        rpcs.push(r.rpcs);
        active--;
        done++;
        start();
      });
    }
  };
  start();
  net.run(() => done === n - 1);
  return { failed, lacking, rpcs };
}

/** Nodes whose table holds every one of their true k nearest (brute-force sort over all IDs). */
function knowingAllNearest(net: SimNetwork, n: number): number {
  const k = net.config.k;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const truth = trueClosest(net.peers, range(n).filter((h) => h !== i), net.peers.idOf(i), k);
    if (truth.every((h) => net.nodes[i]!.table.has(h))) ok++;
  }
  return ok;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('joins fill the far half of the table, find the true neighbours, and keep lookups exact', () => {
  // Mean RPCs per join, by network size and join mode, for the comparison after each pair.
  const rpcsPerJoin = new Map<string, number>();
  // The 1,001-node lean network, for the greeting test below.
  let leanNet: SimNetwork | undefined;
  for (const n of [201, 1001]) {
    for (const joinMode of ['paper', 'lean'] as const) {
      it(`${n} nodes, ${joinMode} join: far-half contacts after every join, exact FIND_NODE for 200 lookups, and ≥ 99 % of tables know their true k nearest right after the joins`, () => {
        const net = new SimNetwork({ seed: 3, checkInvariants: false, config: { joinMode } });
        for (let i = 0; i < n; i++) net.addNode();
        const { failed, lacking, rpcs } = joinAndCheck(net, n);
        expect(failed).toBe(0);
        expect(lacking).toEqual([]);
        rpcsPerJoin.set(`${n} ${joinMode}`, mean(rpcs));
        // Right after the joins, before any lookup. Measured: 100 % for both joins at both sizes;
        // the paper's join left ~93.5 % before its self-lookup greeted past the k nearest and its
        // replies' contacts were offered to the table (join.ts).
        expect(knowingAllNearest(net, n) / n).toBeGreaterThanOrEqual(0.99);
        if (n > 1000 && joinMode === 'lean') leanNet = net;
        // And lookups stay exact: 200 random targets from random nodes against a brute-force sort.
        const rng = new Random(17);
        let exact = 0;
        for (let q = 0; q < 200; q++) {
          const asker = rng.int(n);
          const target = rng.bytes(20);
          const got = net.findNode(asker, target).closest;
          if (JSON.stringify(got) === JSON.stringify(trueClosest(net.peers, range(n).filter((h) => h !== asker), target, 20))) exact++;
        }
        expect(exact).toBe(200);
      }, 600_000);
    }
    // Measured: 38.7 vs 133.1 RPCs per join on 1,001 nodes (49.1 vs 121.9 before the joins
    // greeted and the paper's join learned); on 201 the paper's join has few far ranges to
    // refresh (so the bound there is 1/1.5, not 1/2).
    const bound = n > 1000 ? 2 : 1.5;
    it(`${n} nodes: the lean join costs under 1/${bound} of the paper's RPCs per join`, () => {
      const lean = rpcsPerJoin.get(`${n} lean`);
      const paper = rpcsPerJoin.get(`${n} paper`);
      if (lean === undefined || paper === undefined) throw new Error('run with the two join tests above (they measure the RPCs)');
      expect(lean).toBeLessThan(paper / bound);
    });
  }

  it('1001 nodes: the lean join costs at most 45 RPCs per join (49.1 before its lookups greeted only the nodes that may need the newcomer)', () => {
    const lean = rpcsPerJoin.get('1001 lean');
    if (lean === undefined) throw new Error('run with the join tests above (they measure the RPCs)');
    expect(lean).toBeLessThanOrEqual(45);
  });

  it('mayNeedUs says "not needed" only when the node is truly not among the peer\'s k nearest (brute force), and says it often', () => {
    const net = leanNet;
    if (!net) throw new Error('run with the 1001-node lean join test above (it builds the network)');
    const n = net.peers.count;
    const k = net.config.k;
    let notNeeded = 0;
    let checked = 0;
    for (const i of [1, 97, 250, 501, 777, 1000]) {
      const state = (net.nodes[i] as unknown as { s: NodeState }).s;
      for (let p = 0; p < n; p += 5) {
        if (p === i) continue;
        checked++;
        if (mayNeedUs(state, p)) continue;
        notNeeded++;
        const truth = trueClosest(net.peers, range(n).filter((h) => h !== p), net.peers.idOf(p), k);
        expect(truth).not.toContain(i);
      }
    }
    // Most peers are far from the node and have k nearer nodes that it knows of.
    expect(notNeeded).toBeGreaterThan(checked / 2);
  });

  it('mayNeedUs with a shortlist of the neighbourhood counts its candidates as known nodes: still never wrong (brute force), and "not needed" more often near the node', () => {
    const net = leanNet;
    if (!net) throw new Error('run with the 1001-node lean join test above (it builds the network)');
    const n = net.peers.count;
    const k = net.config.k;
    let tableOnly = 0;
    let withShortlist = 0;
    for (const i of [1, 97, 250, 501, 777, 1000]) {
      const state = (net.nodes[i] as unknown as { s: NodeState }).s;
      const near = trueClosest(net.peers, range(n).filter((h) => h !== i), net.peers.idOf(i), 3 * k);
      // The self-lookup's shortlist as a join leaves it: the 2k nearest, the table's or not.
      const self = new Lookup(LookupKind.FindNode, net.peers, idToWords(net.peers.idOf(i)), 0, k, 3, 2 * k, i);
      self.addAll(near.slice(0, 2 * k), 1);
      for (const p of near) {
        if (!mayNeedUs(state, p)) tableOnly++;
        if (mayNeedUs(state, p, self)) continue;
        withShortlist++;
        const truth = trueClosest(net.peers, range(n).filter((h) => h !== p), net.peers.idOf(p), k);
        expect(truth).not.toContain(i);
      }
    }
    expect(withShortlist).toBeGreaterThan(tableOnly);
  });

  it('randomIdAtPrefix draws IDs that share exactly the asked number of leading bits', () => {
    const ids = new Uint32Array(ID_WORDS);
    const rng = new Random(5);
    for (let w = 0; w < ID_WORDS; w++) ids[w] = rng.nextU32();
    const out = new Uint32Array(ID_WORDS);
    for (const p of [0, 1, 5, 31, 32, 33, 100, 159]) {
      randomIdAtPrefix(ids, 0, p, out, () => rng.nextU32());
      let shared = 0;
      for (let w = 0; w < ID_WORDS; w++) {
        const d = (out[w]! ^ ids[w]!) >>> 0;
        if (d === 0) { shared += 32; continue; }
        shared += Math.clz32(d);
        break;
      }
      expect(shared).toBe(p);
    }
  });
});

describe('joins under loss', () => {
  it('300 nodes at 30 % loss: every join succeeds (lost bootstrap exchanges are retried)', () => {
    const net = new SimNetwork({ seed: 4, network: { loss: 0.3 }, checkInvariants: false });
    for (let i = 0; i < 300; i++) net.addNode();
    const joins = net.joinAll(0, 1, 300);
    expect(joins.filter((j) => !j.ok).length).toBe(0);
    // Retries happened: about half the bootstrap exchanges are lost at this loss (request or reply).
    expect(net.drops.get('lost') ?? 0).toBeGreaterThan(0);
    for (let i = 1; i < 300; i++) expect(net.nodes[i]!.table.size).toBeGreaterThan(20);
  });

  it('with joinAttempts 1 (no retry) the same network fails joins: the retry is what makes them succeed', () => {
    const net = new SimNetwork({ seed: 4, network: { loss: 0.3 }, config: { joinAttempts: 1 }, checkInvariants: false });
    for (let i = 0; i < 300; i++) net.addNode();
    const failed = net.joinAll(0, 1, 300).filter((j) => !j.ok).length;
    expect(failed).toBeGreaterThan(50);
  });
});
