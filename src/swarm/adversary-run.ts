/**
 * Issue 13's adversaries in a stress run: the plan from the seed (who, which IDs), honest-only
 * askers, and the figures gathered from the shards at the end (honest tables' share of
 * adversaries, the attack's answers, which puts landed on an honest node).
 */
import { Random, deriveSeed } from '../core/random.js';
import type { AdversaryPlan, AdversarySpec } from '../sim/adversary.js';
import { planAdversaries, type MintId } from '../sim/adversary-placement.js';
import type { Swarm, SwarmOptions } from './supervisor.js';
import { resolveConfig, type KadConfig } from '../core/config.js';
import { IpIdMinter, adversarySubnets } from './identities.js';
import { presentKey } from './workload.js';

export interface AdversaryRun {
  spec: AdversarySpec;
  adversaries: number;
  /** Adversaries whose IDs were minted around the target keys. */
  minted: number;
  /** Contacts in honest running nodes' tables, and of them adversaries. */
  tableContacts: number;
  tableAdversaries: number;
  /** Requests the attack answered / swallowed, by message type name index. */
  answered: number[];
  silenced: number[];
  /** Per stored key: honest nodes other than its putter holding a replica at the end. */
  honestHolders: Uint32Array;
}

/** The target keys are the workload's first T keys: key0 … key{T−1}. */
export function targetKeyBytes(targets: number, contentAddressed = false): Uint8Array {
  const out = new Uint8Array(targets * 20);
  for (let t = 0; t < targets; t++) out.set(presentKey(t, contentAddressed), t * 20);
  return out;
}

/**
 * The plan and what the swarm needs of it: the members (the defences' address plan puts them in
 * `subnets` shared /24s), and under --id-from-ip a minter limited to those subnets (helper S's
 * IpIdMinter: the best prefixes its addresses allow), whose chosen addresses are written into
 * the address table before any shard starts.
 */
export function placeAdversaries(nodes: number, seed: number, spec: AdversarySpec, bootstraps: number, config: Partial<KadConfig>, subnets: number): { plan: AdversaryPlan; swarm: Pick<SwarmOptions, 'adversary' | 'adversaries' | 'subnets' | 'placeIdentities'> } {
  const c = resolveConfig(config);
  const minter = c.idFromIp ? new IpIdMinter(adversarySubnets(seed, subnets)) : null;
  const plan = stressAdversaries(nodes, seed, spec, bootstraps, c.contentAddressed, minter ? (o, t, rng) => minter.mint(o, t, rng) : undefined);
  const placeIdentities = (_ids: Uint32Array, ips: Uint32Array | null): void => {
    if (!minter || !ips) return;
    plan.minted.forEach((node, j) => {
      const ip = minter.ipOf.get(j);
      if (ip !== undefined) ips[node] = ip;
    });
  };
  return { plan, swarm: { adversary: plan, adversaries: plan.members, subnets, placeIdentities } };
}

export function stressAdversaries(nodes: number, seed: number, spec: AdversarySpec, bootstraps: number, contentAddressed: boolean, mint?: MintId): AdversaryPlan {
  return planAdversaries({ nodes, seed, spec, targetKeys: targetKeyBytes(spec.targets, contentAddressed), bootstraps: Math.min(bootstraps, nodes), ...(mint ? { mint } : {}) });
}

/**
 * Replaces every adversary among the askers by an honest node (a getter also differs from its
 * key's storer), drawn from a stream of its own so that a run without adversaries draws nothing.
 */
export function honestAskers(plan: AdversaryPlan, seed: number, storers: number[], getters: number[], getItems: number[], absentAskers: number[], askers: number[]): void {
  const m = plan.members;
  const n = m.length;
  if (plan.list.length >= n) throw new Error('every node is an adversary: no honest node to ask from');
  const rng = new Random(deriveSeed(seed, 0xad5), 7);
  const honest = (x: number, not = -1): number => {
    while (m[x] === 1 || x === not) x = rng.int(n);
    return x;
  };
  for (let i = 0; i < storers.length; i++) storers[i] = honest(storers[i]!);
  for (let i = 0; i < getters.length; i++) getters[i] = honest(getters[i]!, n > 1 ? storers[getItems[i]!]! : -1);
  for (let i = 0; i < absentAskers.length; i++) absentAskers[i] = honest(absentAskers[i]!);
  for (let i = 0; i < askers.length; i++) askers[i] = honest(askers[i]!);
}

/**
 * Gathers the shards' figures and re-scores the store phase: with adversaries a put succeeds
 * when some honest node other than the putter holds the value (an adversary's acknowledgement
 * proves nothing).
 */
export async function adversaryFigures(swarm: Swarm, plan: AdversaryPlan, spec: AdversarySpec, phases: ReadonlyArray<{ name: string; rows?: { ok: Uint8Array } }>, storers: number[]): Promise<AdversaryRun> {
  const items = storers.map((_, i) => i);
  const parts = await swarm.adversary(items, storers);
  const holders = new Uint32Array(items.length);
  let tableContacts = 0;
  let tableAdversaries = 0;
  const answered = new Array<number>(11).fill(0);
  const silenced = new Array<number>(11).fill(0);
  for (const p of parts) {
    if (!p) continue;
    tableContacts += p.tableContacts;
    tableAdversaries += p.tableAdversaries;
    p.answered.forEach((v, i) => (answered[i]! += v));
    p.silenced.forEach((v, i) => (silenced[i]! += v));
    for (let j = 0; j < holders.length; j++) holders[j]! += p.holders[j]!;
  }
  const store = phases.find((p) => p.name === 'store');
  if (store?.rows) for (let j = 0; j < holders.length; j++) store.rows.ok[j] = holders[j]! > 0 ? 1 : 0;
  return { spec, adversaries: plan.list.length, minted: plan.minted.length, tableContacts, tableAdversaries, answered, silenced, honestHolders: holders };
}
