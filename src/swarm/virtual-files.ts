/**
 * The file workload under churn (`kadswarm churn --workload files`), on the virtual clock: when
 * the measured part starts, each file is published by S distinct nodes that are up then (and stay
 * up PUT_STAY_MS, like a put's node); after the publishing, source lookups and keyword searches
 * from random up nodes, each a Poisson stream of `rate` per second. Every draw comes from the seed
 * and the churn schedule, the same in every shard; each shard runs its own nodes' operations.
 */
import { Random, deriveSeed } from '../core/random.js';
import { randomUpNode, type ChurnSchedule } from '../sim/churn-model.js';
import { shardOf } from '../sim/placement.js';
import { emptyOpsResult, type OpsResult } from './control.js';
import { startFileOp } from './file-ops.js';
import { fileWorkload, type ChurnFilesParams, type FileWorkload } from './files-workload.js';
import type { Shard } from './shard.js';


/** The operations of a churn run's file workload, the same list on every shard. */
export interface ChurnFilePlan {
  w: FileWorkload;
  /** Per publish (file × sources): time and node. */
  publishAt: Float64Array;
  /** Per lookup or search: time (ms into the measured part), kind (0 lookup, 1 search), node, item. */
  opAt: Float64Array;
  opKind: Uint8Array;
  opNode: Int32Array;
  opItem: Int32Array;
}

export const FILE_STAY_MS = 60_000;
/** Quiet time between the last publish and the first lookup: a publish is up to six stores in a row. */
const AFTER_PUBLISH_MS = 30_000;

export function planChurnFiles(seed: number, nodes: number, p: ChurnFilesParams, schedule: ChurnSchedule | null, startMs: number, endMs: number): ChurnFilePlan {
  const base = fileWorkload(seed, nodes, p);
  const rng = new Random(deriveSeed(seed, 0xf11e6), 6);
  const total = p.files * p.sources;
  const publishAt = new Float64Array(total);
  const publishers = new Int32Array(total);
  for (let f = 0; f < p.files; f++) {
    const chosen = new Set<number>();
    const t = startMs + f * p.sources * p.publishSpacingMs;
    // Distinct nodes that are up now and stay up through the publish (a bounded number of tries).
    for (let tries = 0; chosen.size < p.sources && tries < 1000; tries++) chosen.add(randomUpNode(schedule, nodes, t, rng, FILE_STAY_MS));
    [...chosen].forEach((node, s) => {
      publishers[f * p.sources + s] = node;
      publishAt[f * p.sources + s] = t + s * p.publishSpacingMs;
    });
    for (let s = chosen.size; s < p.sources; s++) publishers[f * p.sources + s] = -1;
  }
  const w: FileWorkload = { ...base, publishers };
  const opsStart = startMs + total * p.publishSpacingMs + AFTER_PUBLISH_MS;
  const at: number[] = [];
  const kind: number[] = [];
  const node: number[] = [];
  const item: number[] = [];
  if (p.rate > 0) {
    for (const k of [0, 1]) {
      let t = opsStart;
      for (;;) {
        t += rng.exponential(1000 / p.rate);
        if (t >= endMs) break;
        at.push(t);
        kind.push(k);
        node.push(randomUpNode(schedule, nodes, t, rng));
        item.push(rng.int(p.files));
      }
    }
  }
  return { w, publishAt, opAt: Float64Array.from(at), opKind: Uint8Array.from(kind), opNode: Int32Array.from(node), opItem: Int32Array.from(item) };
}

/**
 * Schedules this shard's publishes and operations; the rows (one per lookup or search, in plan
 * order) are filled as they end. `ok` is 0/1, or `cutShort` when the asking node left midway.
 */
export function scheduleChurnFiles(shard: Shard, plan: ChurnFilePlan, cutShort: number): OpsResult {
  const mine = (i: number): boolean => i >= 0 && shardOf(i, shard.shards) === shard.index;
  const { w } = plan;
  const scratch = emptyOpsResult(1, 0, shard.config.k);
  for (let r = 0; r < plan.publishAt.length; r++) {
    const node = w.publishers[r]!;
    if (!mine(node)) continue;
    shard.at(plan.publishAt[r]!, node, () => {
      if (shard.node(node).up) startFileOp(shard, 'publish', node, r, 0, scratch, w, () => {});
    });
  }
  const rows = emptyOpsResult(plan.opAt.length, 0, shard.config.k);
  for (let j = 0; j < plan.opAt.length; j++) {
    const node = plan.opNode[j]!;
    if (!mine(node)) continue;
    shard.at(plan.opAt[j]!, node, () => {
      const nd = shard.node(node);
      if (!nd.up) return;
      startFileOp(shard, plan.opKind[j] === 0 ? 'find-sources' : 'search', node, plan.opItem[j]!, j, rows, w, (c, ok) => {
        rows.depth[j] = c.depth;
        rows.rpcs[j] = c.rpcs;
        rows.duration[j] = c.duration;
        rows.ok[j] = !nd.up ? cutShort : ok ? 1 : 0;
        rows.stored[j] = 1; // ran to its end
      });
    });
  }
  return rows;
}
