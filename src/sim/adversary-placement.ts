/**
 * Who the adversaries are and which IDs they take, from the seed alone (every shard and the
 * supervisor agree whatever the worker count).
 *
 * - `random`: round(F·n) nodes drawn uniformly, with the seed's random IDs. Bootstrap nodes are
 *   never adversaries: they are the operator's own, and an honest newcomer must be able to join.
 * - `targeted` (and every `eclipse`): the same nodes, but each mints its ID around one target key
 *   (adversary j takes target j mod T): the key's first MINT_PREFIX_BITS bits and random rest. No
 *   honest ID of a swarm below ~2^24 nodes shares that many bits with a given key, so every
 *   target's ⌊m / T⌋ minters are closer to it than any honest node; with m ≥ k·T the k closest
 *   to each target are all adversaries. A `mint` hook replaces the free choice when IDs must
 *   derive from addresses (`--id-from-ip`: the attacker can only pick among its subnets' IDs).
 */
import { Random, deriveSeed } from '../core/random.js';
import type { AdversaryPlan, AdversarySpec } from './adversary.js';

export const MINT_PREFIX_BITS = 32;

/** An ID for adversary `ordinal` near `target` (20 bytes), drawn from `rng`; the default keeps MINT_PREFIX_BITS. */
export type MintId = (ordinal: number, target: Uint8Array, rng: Random) => Uint8Array;

export interface PlacementInput {
  nodes: number;
  seed: number;
  spec: AdversarySpec;
  /** The T target keys, 20 bytes each, concatenated. */
  targetKeys: Uint8Array;
  /** Nodes 0 … bootstraps−1 stay honest. */
  bootstraps: number;
  mint?: MintId;
}

export function mintsIds(spec: AdversarySpec): boolean {
  return spec.attack === 'eclipse' || spec.placement === 'targeted';
}

/** How many adversaries a plan holds: round(F·n), bootstrap nodes excepted. */
export function adversaryCount(nodes: number, fraction: number, bootstraps: number): number {
  return Math.min(Math.max(0, nodes - bootstraps), Math.round(fraction * nodes));
}

export function planAdversaries(p: PlacementInput): AdversaryPlan {
  const { nodes, spec } = p;
  const rng = new Random(deriveSeed(p.seed, 0xad7e), 5);
  const eligible = Math.max(0, nodes - p.bootstraps);
  const m = adversaryCount(nodes, spec.fraction, p.bootstraps);
  // A partial Fisher–Yates over the non-bootstrap nodes.
  const pool = Int32Array.from({ length: eligible }, (_, i) => p.bootstraps + i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(eligible - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  const list = pool.slice(0, m).sort();
  const members = new Uint8Array(nodes);
  for (const i of list) members[i] = 1;
  const targets = p.targetKeys.length / 20;
  const mint = mintsIds(spec) && targets > 0;
  const ids = new Uint8Array(mint ? m * 20 : 0);
  if (mint) {
    const make = p.mint ?? mintByPrefix;
    // Minters in member order, so a target's minters are spread over the shards.
    for (let j = 0; j < m; j++) ids.set(make(j, p.targetKeys.subarray((j % targets) * 20, (j % targets) * 20 + 20), rng), j * 20);
  }
  return { attack: spec.attack, placement: spec.placement, members, list, targetKeys: p.targetKeys, minted: mint ? list.slice() : new Int32Array(0), ids };
}

/** The free attacker's ID: the target's first MINT_PREFIX_BITS bits, the rest random. */
export function mintByPrefix(_ordinal: number, target: Uint8Array, rng: Random): Uint8Array {
  const id = rng.bytes(20);
  id.set(target.subarray(0, MINT_PREFIX_BITS / 8));
  return id;
}
