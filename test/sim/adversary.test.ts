/**
 * Adversary nodes in one cluster (src/sim/adversary*.ts): every reply an attacker sends is
 * checked against what the attack allows, with brute force as the truth for "the colluders
 * closest to the target"; placement is checked against a full sort of every ID.
 */
import { describe, expect, it } from 'vitest';
import { ID_WORDS, compareDistance, idToWords } from '../../src/core/id.js';
import { keyFromString } from '../../src/core/key.js';
import { keyString } from '../../src/core/records.js';
import { MessageType, isRequest, type Message } from '../../src/core/messages.js';
import { Random, deriveSeed } from '../../src/core/random.js';
import { AdversaryActor, type AdversarySpec } from '../../src/sim/adversary.js';
import { FORGED_VERSION } from '../../src/sim/adversary-poison.js';
import { planAdversaries } from '../../src/sim/adversary-placement.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

const N = 160;
const keyOf = (i: number): Uint8Array => keyFromString(`key${i}`);
const enc = new TextEncoder();

function targetKeys(t: number): Uint8Array {
  const out = new Uint8Array(t * 20);
  for (let i = 0; i < t; i++) out.set(keyOf(i), i * 20);
  return out;
}

/** A joined network of N nodes of which the plan's are adversaries; every message an adversary sends is kept. */
function attacked(spec: AdversarySpec, seed = 7) {
  const plan = planAdversaries({ nodes: N, seed, spec, targetKeys: targetKeys(spec.targets), bootstraps: 1 });
  const sim = new SimNetwork({ seed, config: { k: 8, alpha: 3 }, checkInvariants: false });
  const minted = new Map<number, Uint8Array>();
  plan.minted.forEach((node, j) => minted.set(node, plan.ids.slice(j * 20, j * 20 + 20)));
  for (let i = 0; i < N; i++) sim.addNode(minted.get(i) ?? new Random(deriveSeed(seed, i), 1).bytes(20));
  const actor = new AdversaryActor(plan, sim.peers, sim.config.k);
  sim.cluster.adversary = actor;
  const sent: Array<{ from: number; to: number; msg: Message }> = [];
  const send = sim.cluster.send.bind(sim.cluster);
  sim.cluster.send = (node, to, msg) => {
    if (plan.members[node.self] === 1) sent.push({ from: node.self, to, msg });
    send(node, to, msg);
  };
  const joins = sim.joinAll(0, 1, N, 20);
  expect(joins.every((j) => j.ok)).toBe(true);
  const honest = Array.from({ length: N }, (_, i) => i).filter((i) => plan.members[i] !== 1);
  return { sim, plan, actor, sent, honest };
}

/** The `count` adversaries closest to `target` by a full sort of their IDs, `self` left out. */
function bruteClosest(sim: SimNetwork, list: Int32Array, target: Uint8Array, count: number, self: number): number[] {
  const t = idToWords(target);
  return Array.from(list)
    .filter((a) => a !== self)
    .sort((a, b) => compareDistance(sim.peers.words, a * ID_WORDS, b * ID_WORDS, t, 0))
    .slice(0, count);
}

describe('adversaries', () => {
  it('misroute never answers honestly: every reply names only the closest colluders, never a value, and stores nothing', () => {
    const { sim, plan, actor, sent, honest } = attacked({ fraction: 0.25, attack: 'misroute', placement: 'random', targets: 1 });
    // Every request the attack answers after the joins, with the reply it sent.
    const answers: Array<{ self: number; req: Message; reply: Message | undefined }> = [];
    const answer = actor.answer.bind(actor);
    actor.answer = (sink, node, from, msg) => {
      const before = sent.length;
      answer(sink, node, from, msg);
      answers.push({ self: node.self, req: msg, reply: sent[before]?.msg });
    };
    sent.length = 0;
    for (let i = 0; i < 40; i++) sim.put(honest[i % honest.length]!, keyOf(i), enc.encode(`value${i}`));
    for (let i = 0; i < 40; i++) sim.get(honest[(i * 7 + 3) % honest.length]!, keyOf(i));
    for (let i = 0; i < 20; i++) sim.findNode(honest[(i * 5 + 1) % honest.length]!, new Random(99, i).bytes(20));
    const replies = sent.filter((s) => !isRequest(s.msg));
    const counts = { nodes: 0, acks: 0, pongs: 0 };
    for (const { msg } of replies) {
      expect([MessageType.Nodes, MessageType.StoreAck, MessageType.Pong, MessageType.Sources]).toContain(msg.type);
      if (msg.type === MessageType.Nodes) {
        counts.nodes++;
        for (const c of msg.contacts) expect(plan.members[c]).toBe(1);
      }
      if (msg.type === MessageType.StoreAck) {
        counts.acks++;
        expect(msg.ok).toBe(true);
      }
      if (msg.type === MessageType.Pong) counts.pongs++;
    }
    // Each answer against its question: the colluders closest to the target, by a full sort.
    for (const { self, req, reply } of answers) {
      if (req.type !== MessageType.FindNode && req.type !== MessageType.FindValue) continue;
      expect(reply?.type).toBe(MessageType.Nodes);
      const target = req.type === MessageType.FindNode ? req.target : req.key;
      expect(Array.from((reply as { contacts: Uint32Array }).contacts)).toEqual(bruteClosest(sim, plan.list, target, sim.config.k, self));
    }
    expect(answers.length).toBe(replies.length); // every reply an adversary sent was the attack's
    expect(counts.nodes).toBeGreaterThan(200);
    expect(counts.acks).toBeGreaterThan(20);
    // STOREs were acknowledged and discarded: no adversary holds any workload value.
    for (const a of plan.list) for (let i = 0; i < 40; i++) expect(sim.nodes[a]!.records?.get(keyString(keyOf(i)), sim.now)).toBeUndefined();
  });

  it('misroute names the colluders closest to the target, as a full sort of their IDs finds them', () => {
    const { sim, plan, actor } = attacked({ fraction: 0.25, attack: 'misroute', placement: 'random', targets: 1 });
    for (let i = 0; i < 50; i++) {
      const self = plan.list[i % plan.list.length]!;
      const target = new Random(5, i).bytes(20);
      const r = actor.replyTo(self, { type: MessageType.FindNode, rpc: i, target });
      expect(r?.type).toBe(MessageType.Nodes);
      expect(Array.from((r as { contacts: Uint32Array }).contacts)).toEqual(bruteClosest(sim, plan.list, target, sim.config.k, self));
    }
  });

  it('drop is silent: an adversary sends no reply at all, and lookups still end', () => {
    const { sim, sent, honest } = attacked({ fraction: 0.25, attack: 'drop', placement: 'random', targets: 1 });
    for (let i = 0; i < 10; i++) sim.put(honest[i]!, keyOf(i), enc.encode(`value${i}`));
    const got = Array.from({ length: 10 }, (_, i) => sim.get(honest[(i + 5) % honest.length]!, keyOf(i)));
    expect(sent.filter((s) => !isRequest(s.msg))).toEqual([]);
    expect(sent.filter((s) => isRequest(s.msg)).length).toBeGreaterThan(0); // they still join and refresh
    expect(got.filter((g) => g.found).length).toBeGreaterThanOrEqual(9);
  });

  it('eclipse: the minted IDs are the k closest to each target, and gets of the targets fail while others succeed', () => {
    const targets = 3;
    const { sim, plan, honest } = attacked({ fraction: 0.2, attack: 'eclipse', placement: 'random', targets });
    const k = sim.config.k;
    for (let t = 0; t < targets; t++) {
      const all = Array.from({ length: N }, (_, i) => i);
      const tw = idToWords(keyOf(t));
      const closest = all.sort((a, b) => compareDistance(sim.peers.words, a * ID_WORDS, b * ID_WORDS, tw, 0)).slice(0, k);
      for (const c of closest) expect(plan.members[c]).toBe(1);
    }
    for (let i = 0; i < 12; i++) sim.put(honest[i]!, keyOf(i), enc.encode(`value${i}`));
    const found = (i: number): boolean => {
      const g = sim.get(honest[(i + 20) % honest.length]!, keyOf(i));
      return g.found && new TextDecoder().decode(g.value!) === `value${i}`;
    };
    for (let t = 0; t < targets; t++) expect(found(t)).toBe(false);
    let others = 0;
    for (let i = targets; i < 12; i++) others += found(i) ? 1 : 0;
    expect(others).toBe(12 - targets);
  });

  it('poison answers a target key with a forged value of a higher version; other keys are answered honestly', () => {
    const { sim, plan, actor } = attacked({ fraction: 0.25, attack: 'poison', placement: 'random', targets: 2 });
    const self = plan.list[0]!;
    const forged = actor.replyTo(self, { type: MessageType.FindValue, rpc: 1, key: keyOf(0) });
    expect(forged?.type).toBe(MessageType.Value);
    expect((forged as { version: number }).version).toBe(FORGED_VERSION);
    expect(new TextDecoder().decode((forged as { value: Uint8Array }).value)).toMatch(/^forged-by-adversary-/);
    expect(actor.intercepts(self, { type: MessageType.FindValue, rpc: 2, key: keyOf(0) })).toBe(true);
    expect(actor.intercepts(self, { type: MessageType.FindValue, rpc: 3, key: keyOf(5) })).toBe(false);
    expect(actor.intercepts(self, { type: MessageType.Store, rpc: 4, key: keyOf(0), value: new Uint8Array(1), version: 0, ttl: 1, cache: false })).toBe(false);
    void sim;
  });
});

describe('adversary placement', () => {
  const spec: AdversarySpec = { fraction: 0.3, attack: 'misroute', placement: 'random', targets: 4 };
  it('is drawn from the seed alone, keeps the bootstrap nodes honest and takes round(F·n) nodes', () => {
    const a = planAdversaries({ nodes: 1000, seed: 3, spec, targetKeys: targetKeys(4), bootstraps: 16 });
    const b = planAdversaries({ nodes: 1000, seed: 3, spec, targetKeys: targetKeys(4), bootstraps: 16 });
    const c = planAdversaries({ nodes: 1000, seed: 4, spec, targetKeys: targetKeys(4), bootstraps: 16 });
    expect(Array.from(a.list)).toEqual(Array.from(b.list));
    expect(Array.from(a.list)).not.toEqual(Array.from(c.list));
    expect(a.list.length).toBe(300);
    expect(a.list.every((i) => i >= 16)).toBe(true);
    expect(a.members.reduce((s, m) => s + m, 0)).toBe(300);
    expect(a.minted.length).toBe(0); // random placement keeps the seed's IDs
  });

  it('targeted placement mints IDs sharing 32 bits with their target, spread evenly over the targets', () => {
    const p = planAdversaries({ nodes: 1000, seed: 3, spec: { ...spec, placement: 'targeted' }, targetKeys: targetKeys(4), bootstraps: 16 });
    expect(p.minted.length).toBe(300);
    const per = [0, 0, 0, 0];
    for (let j = 0; j < 300; j++) {
      const id = p.ids.subarray(j * 20, j * 20 + 20);
      const t = [0, 1, 2, 3].find((x) => keyOf(x).subarray(0, 4).every((v, i) => v === id[i]));
      expect(t).toBeDefined();
      per[t!]++;
    }
    expect(per).toEqual([75, 75, 75, 75]);
  });
});
