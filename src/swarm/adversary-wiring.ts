/**
 * The swarm's side of issue 13's adversaries: a shard attaches the plan's attack to its cluster,
 * and for sybil-flood gives every node its network group (adversaries all behind one address).
 * Also the shard-side counts the report needs: who touched an adversary, what the honest tables
 * hold, which honest nodes hold a key.
 */
import { ID_WORDS } from '../core/id.js';
import type { LookupStep } from '../core/index.js';
import { keyString } from '../core/records.js';
import { AdversaryActor, adversaryGroups, type AdversaryPlan } from '../sim/adversary.js';
import type { Cluster } from '../sim/cluster.js';
import { randomUpNode, type ChurnSchedule } from '../sim/churn-model.js';
import { Random, deriveSeed } from '../core/random.js';
import type { AdversaryShardResult } from './control.js';
import { presentKey } from './workload.js';

export function attachAdversary(cluster: Cluster & { total: number }, plan: AdversaryPlan): void {
  if (plan.attack === 'sybil-flood') adversaryGroups(cluster.peers, plan, cluster.total);
  cluster.adversary = new AdversaryActor(plan, cluster.peers, cluster.config.k);
}

/** Contacts in the tables of this cluster's honest, running nodes, and how many are adversaries. */
export function honestTableShare(cluster: Cluster): { contacts: number; adversaries: number } {
  const adv = cluster.adversary;
  let contacts = 0;
  let adversaries = 0;
  if (!adv) return { contacts, adversaries };
  for (const node of cluster.nodes) {
    if (!node || !node.up || adv.isAdversary(node.self)) continue;
    for (const c of node.table.contacts()) {
      contacts++;
      if (adv.isAdversary(c)) adversaries++;
    }
  }
  return { contacts, adversaries };
}

/**
 * For each key, the honest running nodes here that hold it, the putter of that key (`except`)
 * left out: a put "lands" when some other honest node holds its value.
 */
export function honestHolders(cluster: Cluster, keys: Uint8Array[], except: Int32Array): Uint32Array {
  const out = new Uint32Array(keys.length);
  const adv = cluster.adversary;
  const now = cluster.clock.now();
  const names = keys.map(keyString);
  for (const node of cluster.nodes) {
    if (!node || !node.up || adv?.isAdversary(node.self) || !node.records) continue;
    for (let j = 0; j < names.length; j++) {
      if (except[j] === node.self) continue;
      const r = node.records.get(names[j]!, now);
      if (r && !r.cached) out[j]!++; // a replica, not a copy a later get cached on its path
    }
  }
  return out;
}


/** True when a traced lookup sent a request to an adversary. */
export function touchedAdversary(adv: AdversaryActor, steps: readonly LookupStep[]): boolean {
  for (const s of steps) if (s.step === 'query' && adv.isAdversary(s.peer)) return true;
  return false;
}

/** The `adversary` command: this shard's table share, attack counters and honest holders of the workload keys `items`. */
export function adversaryFigures(cluster: Cluster, items: Int32Array, except: Int32Array): AdversaryShardResult {
  const share = honestTableShare(cluster);
  const adv = cluster.adversary;
  return {
    tableContacts: share.contacts,
    tableAdversaries: share.adversaries,
    answered: adv ? Array.from(adv.answered) : [],
    silenced: adv ? Array.from(adv.silenced) : [],
    holders: honestHolders(cluster, Array.from(items, (i) => presentKey(i, cluster.config.contentAddressed)), except),
  };
}

/**
 * The churn driver's asker filter: the node drawn, or, when it is an adversary, an honest up node
 * drawn from a stream of its own (so a run without adversaries draws exactly what it drew before).
 */
export function honestAsker(cluster: Cluster, schedule: ChurnSchedule | null, nodes: number, seed: number): (node: number, t: number, stayMs?: number) => number {
  const adv = cluster.adversary;
  if (!adv) return (node) => node;
  const rng = new Random(deriveSeed(seed, 0xad6), 8);
  return (node, t, stayMs = 0) => {
    while (adv.isAdversary(node)) node = randomUpNode(schedule, nodes, t, rng, stayMs);
    return node;
  };
}
