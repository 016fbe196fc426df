/**
 * The swarm's IDs, written once into the shared ID array before any shard starts.
 */
import { resolveConfig } from '../core/config.js';
import { ID_WORDS, writeIdWords } from '../core/id.js';
import { nodeId } from './workload.js';
import { PUZZLE_KEY_WORDS, assignAddresses, honestId, needsAddresses, type IdCost } from './identities.js';
import type { SwarmOptions } from './swarm-options.js';

/**
 * Writes every node's ID: the seed's (nodeId) unless an ID defence of issue 13 is on, when it is
 * derived from the node's synthetic address or solves the puzzle (identities.ts). Returns the
 * addresses and puzzle keys the shards need, or null when no defence needs them.
 */
export function writeIdentities(opts: SwarmOptions, ids: Uint32Array): { ips: Uint32Array; keys: Uint32Array | null; cost: IdCost } | null {
  const c = resolveConfig(opts.config);
  if (!needsAddresses(c)) {
    for (let i = 0; i < opts.nodes; i++) writeIdWords(nodeId(opts.seed, i), ids, i * ID_WORDS);
    return null;
  }
  const ips = assignAddresses({ nodes: opts.nodes, seed: opts.seed, adversaries: opts.adversaries ?? null, subnets: opts.subnets ?? 1 });
  const keys = c.idPuzzleBits > 0 && !c.idFromIp ? new Uint32Array(new SharedArrayBuffer(opts.nodes * PUZZLE_KEY_WORDS * 4)) : null;
  const rule = c.idFromIp || c.idPuzzleBits > 0;
  const cost: IdCost = { ids: 0, hashes: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < opts.nodes; i++) writeIdWords(rule ? honestId(opts.seed, i, ips[i]!, c, keys, cost) : nodeId(opts.seed, i), ids, i * ID_WORDS);
  cost.ms = performance.now() - t0;
  return { ips, keys, cost };
}
