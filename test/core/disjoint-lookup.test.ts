/**
 * Disjoint lookup paths (issue 13) at one node driven by hand: every other node answers as an
 * ideal network would (the true k closest to the target, from a brute-force sort; a holder
 * answers FIND_VALUE with its value). Checked over every request the node sends: no node is
 * asked twice (a path never re-asks, so a repeat would be two paths sharing it); finds return the
 * brute-force k closest for d = 1, 2, 4, 8; a put stores at every path's closest; a get finds the
 * value; a poisoned path loses the vote.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type KadConfig } from '../../src/core/config.js';
import { KadNode, type NodeEvent } from '../../src/core/index.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { trueClosest, range } from '../helpers/brute-force.js';

const N = 600;
const K = 20;

interface World {
  node: KadNode;
  peers: PeerIds;
  /** Destinations of every request the node sent, in order. */
  asked: number[];
  stores: number[];
  done: NodeEvent[];
}

/** Node 0 knows 60 random others; `holders` answer FIND_VALUE for `key` with `valueOf(holder)`. */
function world(config: Partial<KadConfig>, seed = 3): World {
  const rng = new Random(seed);
  const peers = new PeerIds(N);
  for (let h = 0; h < N; h++) peers.setId(h, rng.bytes(20));
  const node = new KadNode(0, peers, resolveConfig(config), new Random(1), 0);
  for (let i = 0; i < 60; i++) node.addContact(1 + rng.int(N - 1));
  return { node, peers, asked: [], stores: [], done: [] };
}

function run(w: World, valueOf: (holder: number, key: Uint8Array) => Uint8Array | null = () => null): void {
  const everyone = range(N);
  for (let t = 1; t < 10_000; t++) {
    const out: Array<{ to: number; msg: Message }> = [];
    for (let m = w.node.pollTransmit(); m !== null; m = w.node.pollTransmit()) out.push({ to: w.node.transmitTo, msg: m });
    for (let e = w.node.pollEvent(); e !== null; e = w.node.pollEvent()) if (e.type === 'done') w.done.push(e);
    if (out.length === 0) return;
    for (const { to, msg } of out) {
      if (msg.type === MessageType.FindNode || msg.type === MessageType.FindValue) {
        w.asked.push(to);
        const target = msg.type === MessageType.FindNode ? msg.target : msg.key;
        const value = msg.type === MessageType.FindValue ? valueOf(to, msg.key) : null;
        if (value) {
          w.node.handle(to, { type: MessageType.Value, rpc: msg.rpc, value, version: 1, ttl: 60_000 }, t);
          continue;
        }
        const closest = trueClosest(w.peers, everyone.filter((h) => h !== to), target, K);
        w.node.handle(to, { type: MessageType.Nodes, rpc: msg.rpc, contacts: Uint32Array.from(closest) }, t);
      } else if (msg.type === MessageType.Store) {
        w.stores.push(to);
        w.node.handle(to, { type: MessageType.StoreAck, rpc: msg.rpc, ok: true, code: 0 }, t);
      }
    }
  }
}

const noRepeats = (xs: number[]) => new Set(xs).size === xs.length;

describe('disjoint lookup paths', () => {
  for (const d of [1, 2, 4, 8]) {
    it(`d = ${d}: a find asks no node twice and returns the brute-force k closest`, () => {
      const rng = new Random(11);
      for (let i = 0; i < 5; i++) {
        const w = world({ disjointPaths: d });
        const target = rng.bytes(20);
        w.node.findNode(target, 0, 1);
        run(w);
        expect(noRepeats(w.asked)).toBe(true);
        const done = w.done[0] as Extract<NodeEvent, { type: 'done' }>;
        const truth = trueClosest(w.peers, range(N).filter((h) => h !== 0), target, K);
        expect((done.result as { closest: number[] }).closest).toEqual(truth);
      }
    });
  }

  it('d = 4 costs more RPCs than d = 1 (each path runs to its own k closest)', () => {
    const cost = (d: number) => {
      const w = world({ disjointPaths: d });
      w.node.findNode(new Random(5).bytes(20), 0, 1);
      run(w);
      return w.asked.length;
    };
    expect(cost(4)).toBeGreaterThan(cost(1) * 1.5);
  });

  it('a put with d = 4 stores at the union of the paths, a superset of the k closest, each node once', () => {
    const key = new Random(9).bytes(20);
    const w = world({ disjointPaths: 4 });
    w.node.put(key, Uint8Array.of(1), 0, 1);
    run(w);
    expect(noRepeats(w.stores)).toBe(true);
    const truth = trueClosest(w.peers, range(N).filter((h) => h !== 0), key, K);
    const stored = new Set(w.stores);
    // The putter keeps a copy itself when it is among the closest; every other true replica got one.
    for (const h of truth) expect(stored.has(h) || h === 0).toBe(true);
    expect(w.stores.length).toBeGreaterThan(K);
  });

  it('a get with d = 4 returns the value; with disjointVote the forged value is never returned', () => {
    const votes: boolean[] = [];
    for (let seed = 0; seed < 6; seed++) {
      const key = new Random(100 + seed).bytes(20);
      for (const vote of [false, true]) {
        const w = world({ disjointPaths: 4, disjointVote: vote });
        const near = trueClosest(w.peers, range(N).filter((h) => h !== 0), key, 40);
        // The node closest to the key forges (it sits in one path only); the other near ones hold the real value.
        const forger = near[0]!;
        const holders = new Set(near.slice(1));
        w.node.get(key, 0, 1);
        run(w, (h) => (h === forger ? Uint8Array.of(66) : holders.has(h) ? Uint8Array.of(7) : null));
        const done = w.done[0] as Extract<NodeEvent, { type: 'done' }>;
        expect(noRepeats(w.asked)).toBe(true);
        const result = done.result as { found: boolean; value?: Uint8Array };
        // First value: found, whichever path answered first. The vote never returns the forgery: with
        // one forging path against one honest path (the others starved of the nodes near the key) it is a tie, and nothing wins.
        if (!vote) expect(result.found).toBe(true);
        else if (result.found) expect(result.value).toEqual(Uint8Array.of(7));
        if (vote) votes.push(result.found);
      }
    }
    expect(votes.filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });
});
