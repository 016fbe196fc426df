/** Routing-table health of a shard's nodes, for the report (checked against the true k nearest). */
import { ID_WORDS } from '../core/id.js';
import type { HealthNode, HealthResult } from './control.js';
import { IdOracle } from '../sim/oracle.js';
import { localSlot } from '../sim/placement.js';
import type { Shard } from './shard.js';

let oracle: IdOracle | null = null;

/** Routing-table health: bucket counts over all local nodes, nearest-neighbour completeness over a sample. */
export function health(shard: Shard, sample: Int32Array): HealthResult {
  const r: HealthResult = { knowsNearest: 0, sampled: 0, emptyBuckets: 0, fullBuckets: 0, buckets: 0, contacts: 0, nodes: 0 };
  const k = shard.config.k;
  for (const node of shard.nodes) {
    if (!node || !node.up) continue;
    r.nodes++;
    for (const b of node.table.describeBuckets()) {
      r.buckets++;
      r.contacts += b.contacts;
      if (b.contacts === 0) r.emptyBuckets++;
      if (b.contacts === k) r.fullBuckets++;
    }
  }
  if (sample.length > 0) {
    oracle ??= new IdOracle(shard.peers.words, shard.total);
    for (const i of sample) {
      const node = shard.nodes[localSlot(i, shard.shards)];
      if (!node || node.self !== i) continue;
      r.sampled++;
      const truth = oracle.closest(shard.peers.words.subarray(i * ID_WORDS, i * ID_WORDS + ID_WORDS), 0, k, (h) => h !== i);
      const known = truth.reduce((a, h) => a + (node.table.has(h) ? 1 : 0), 0);
      if (known === truth.length) r.knowsNearest++;
      const row: HealthNode = { node: i, contacts: 0, buckets: 0, emptyBuckets: 0, fullBuckets: 0, nearestKnown: known, nearestTotal: truth.length };
      for (const b of node.table.describeBuckets()) {
        row.buckets++;
        row.contacts += b.contacts;
        if (b.contacts === 0) row.emptyBuckets++;
        if (b.contacts === k) row.fullBuckets++;
      }
      (r.sampledNodes ??= []).push(row);
    }
  }
  return r;
}

