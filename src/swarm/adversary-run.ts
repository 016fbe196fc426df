/**
 * Issue 13's adversaries in a stress run: the plan from the seed (who, which IDs), honest-only
 * askers, and the figures gathered from the shards at the end (honest tables' share of
 * adversaries, the attack's answers, which puts landed on an honest node).
 */
import { Random, deriveSeed } from '../core/random.js';
import type { AdversaryPlan, AdversarySpec } from '../sim/adversary.js';
import { adversaryCount, mintsIds, planAdversaries, type MintId } from '../sim/adversary-placement.js';
import { PuzzleBudgetMinter, defaultPuzzleBudget, insertBounded } from './adversary-puzzle.js';
import type { Swarm, SwarmOptions } from './supervisor.js';
import { resolveConfig, type KadConfig } from '../core/config.js';
import { IpIdMinter, PUZZLE_KEY_WORDS, adversarySubnets, type IdCost } from './identities.js';
import { ID_WORDS } from '../core/id.js';
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
  /**
   * Per target key: adversaries with a valid ID closer to it than its k-th closest honest node
   * (k or more: the target's k closest are all adversaries, eclipsed in ID space).
   */
  nearTargets: number[];
  /** Under --id-puzzle: what the attacker's budget bought (valid IDs, hashes, ms). */
  puzzle?: Omit<NonNullable<AdversaryPlan['puzzle']>, 'valid'> & { validMinters: number };
  /** Under an ID rule: what the honest IDs cost to grind (the puzzle's price per join). */
  idCost?: IdCost;
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
  const puzzle = puzzleMinter(nodes, seed, spec, Math.min(bootstraps, nodes), c);
  const mint: MintId | undefined = minter ? (o, t, rng) => minter.mint(o, t, rng) : puzzle ? (o, t, rng) => puzzle.mint(o, t, rng) : undefined;
  const plan = stressAdversaries(nodes, seed, spec, bootstraps, c.contentAddressed, mint);
  if (puzzle) plan.puzzle = puzzle.mintInfo;
  const placeIdentities = (_ids: Uint32Array, ips: Uint32Array | null, keys: Uint32Array | null): void => {
    // The bought keys go where the verifiers read them; a minter without one keeps the honest
    // key of the ID it overwrote, so its minted ID fails the check (ID ≠ SHA-1(key)).
    if (puzzle && keys) {
      plan.minted.forEach((node, j) => {
        const words = puzzle.keyOf.get(j);
        if (words) keys.set(words, node * PUZZLE_KEY_WORDS);
      });
    }
    if (!minter || !ips) return;
    plan.minted.forEach((node, j) => {
      const ip = minter.ipOf.get(j);
      if (ip !== undefined) ips[node] = ip;
    });
  };
  return { plan, swarm: { adversary: plan, adversaries: plan.members, subnets, placeIdentities } };
}

/**
 * Under --id-puzzle c (without --id-from-ip, where the address binds the ID instead), an attack
 * that mints IDs buys them with its hash budget; --adversary-budget anywhere else is refused.
 */
function puzzleMinter(nodes: number, seed: number, spec: AdversarySpec, bootstraps: number, c: KadConfig): PuzzleBudgetMinter | null {
  const applies = c.idPuzzleBits > 0 && !c.idFromIp && mintsIds(spec) && spec.targets > 0;
  if (!applies) {
    if (spec.budget !== undefined) throw new Error('--adversary-budget needs --id-puzzle c (without --id-from-ip) and an attack that mints IDs (eclipse, or --placement targeted)');
    return null;
  }
  const m = adversaryCount(nodes, spec.fraction, bootstraps);
  const budget = spec.budget ?? defaultPuzzleBudget(m, c.idPuzzleBits);
  return new PuzzleBudgetMinter(c.idPuzzleBits, budget, seed, targetKeyBytes(spec.targets, c.contentAddressed), m);
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
  const k = resolveConfig(swarm.opts.config).k;
  const puzzle = puzzleSummary(plan);
  return {
    spec,
    adversaries: plan.list.length,
    minted: plan.minted.length,
    tableContacts,
    tableAdversaries,
    answered,
    silenced,
    honestHolders: holders,
    nearTargets: nearTargets(swarm.ids, plan, k),
    ...(puzzle ? { puzzle } : {}),
    ...(swarm.idCost ? { idCost: swarm.idCost } : {}),
  };
}

/** What the minter's budget bought, for the reports (the per-minter flags left out). */
export function puzzleSummary(plan: AdversaryPlan): AdversaryRun['puzzle'] | undefined {
  const p = plan.puzzle;
  return p ? { bits: p.bits, budget: p.budget, hashes: p.hashes, ms: p.ms, validIds: p.validIds, validMinters: p.valid.reduce((a, b) => a + b, 0) } : undefined;
}

/**
 * For each target key, by brute force over every node's ID: the adversaries whose IDs count
 * (under the puzzle, only minters the budget bought a valid ID) that are closer to the target
 * than its k-th closest honest node. Distances compare on the first 64 bits.
 */
export function nearTargets(ids: Uint32Array, plan: AdversaryPlan, k: number): number[] {
  const n = plan.members.length;
  const refused = new Uint8Array(n);
  if (plan.puzzle) plan.minted.forEach((node, j) => (refused[node] = plan.puzzle!.valid[j] ? 0 : 1));
  const out: number[] = [];
  for (let at = 0; at < plan.targetKeys.length; at += 20) {
    const v = new DataView(plan.targetKeys.buffer, plan.targetKeys.byteOffset + at, 8);
    const t0 = v.getUint32(0);
    const t1 = v.getUint32(4);
    const hi: number[] = [];
    const lo: number[] = [];
    const none: number[] = [];
    for (let i = 0; i < n; i++) if (plan.members[i] !== 1) insertBounded(hi, lo, none, k, (ids[i * ID_WORDS]! ^ t0) >>> 0, (ids[i * ID_WORDS + 1]! ^ t1) >>> 0, i);
    const kh = hi.length ? hi[hi.length - 1]! : Infinity;
    const kl = lo.length ? lo[lo.length - 1]! : Infinity;
    let near = 0;
    for (const i of plan.list) {
      if (refused[i]) continue;
      const h = (ids[i * ID_WORDS]! ^ t0) >>> 0;
      const l = (ids[i * ID_WORDS + 1]! ^ t1) >>> 0;
      if (h < kh || (h === kh && l < kl)) near++;
    }
    out.push(near);
  }
  return out;
}
