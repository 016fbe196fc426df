/**
 * What a shard does for the supervisor's node commands: spawn its nodes, join a batch of them
 * (and the bounded runner the operations share), take nodes down and bring them back. The
 * workload's operations are in shard-op-runner.ts, the table-health figures in shard-health.ts,
 * the gateway's single operations in shard-kv.ts.
 */
import { getHeapStatistics } from 'node:v8';
import { tableSlabBytes } from '../core/table-slab.js';
import { timerSlabBytes } from '../core/timers.js';
import type { JoinBatchResult, SpawnResult } from './control.js';
import { localSlot } from '../sim/placement.js';
import type { Shard } from './shard.js';

export function spawnAll(shard: Shard): SpawnResult {
  const total = shard.nodes.length;
  const first = Math.max(1, Math.floor(total / 10));
  const measure = (): number => {
    shard.gcForReport();
    const typed = timerSlabBytes() + tableSlabBytes();
    return getHeapStatistics().used_heap_size + typed;
  };
  for (let s = 0; s < first; s++) shard.spawn(s);
  const bytesAtFirst = measure();
  for (let s = first; s < total; s++) shard.spawn(s);
  const bytesAtAll = measure();
  return { nodes: total, firstNodes: first, bytesAtFirst, bytesAtAll };
}

/** Runs `count` asynchronous jobs, at most `concurrency` at a time; `onProgress` sees the number done. */
export function runBounded(count: number, concurrency: number, job: (i: number, done: () => void) => void, onProgress: (done: number) => void): Promise<void> {
  return new Promise((resolve) => {
    if (count === 0) return resolve();
    let next = 0;
    let finished = 0;
    const startMore = (): void => {
      while (next < count && next - finished < concurrency) {
        const i = next++;
        job(i, () => {
          finished++;
          onProgress(finished);
          if (finished === count) resolve();
          else startMore();
        });
      }
    };
    startMore();
  });
}

/** Bootstrap contacts a newcomer is given (as a client ships several router addresses): at 30 % loss all three are lost for one join in eight, one alone for every second. */
export const JOIN_VIA = 3;

/**
 * The bootstrap nodes node `self` joins through: JOIN_VIA of them (fewer when there are not so
 * many), never itself, the first chosen by its index so the joins spread over all of them. With
 * one, a lost exchange (half of them at 30 % loss) cost the join a timeout and a retry at twice it.
 */
export function joinVia(self: number, bootstraps: readonly number[]): number[] {
  const others = bootstraps.filter((b) => b !== self);
  const via: number[] = [];
  for (let j = 0; j < Math.min(JOIN_VIA, others.length); j++) via.push(others[(self + j) % others.length]!);
  return via;
}

export async function joinBatch(shard: Shard, nodes: Int32Array, bootstraps: number[], concurrency: number, onProgress: (done: number) => void): Promise<JoinBatchResult> {
  const rpcs = new Float64Array(nodes.length);
  const durations = new Float64Array(nodes.length);
  let failed = 0;
  await runBounded(
    nodes.length,
    concurrency,
    (i, done) => {
      const node = shard.node(nodes[i]!);
      shard.join(node.self, joinVia(node.self, bootstraps), (r) => {
        if (!r.ok) failed++;
        rpcs[i] = r.rpcs;
        durations[i] = r.duration;
        done();
      });
      shard.ringOwnBell();
    },
    onProgress,
  );
  return { failed, rpcs, durations };
}

/** Takes nodes down as a crashed process would: they stop answering and forget in-flight work. */
export function kill(shard: Shard, nodes: Int32Array): number {
  let killed = 0;
  for (const i of nodes) {
    const node = shard.nodes[localSlot(i, shard.shards)];
    if (node && node.self === i && node.up) {
      shard.stop(i);
      killed++;
    }
  }
  return killed;
}

/**
 * Brings nodes back and rejoins them through the bootstrap nodes with their
 * old IDs: `fresh` loses their routing table and records (a crashed process),
 * otherwise they keep both (a paused one).
 */
export async function revive(shard: Shard, nodes: Int32Array, bootstraps: number[], fresh: boolean): Promise<number> {
  const down = Array.from(nodes).filter((i) => {
    const n = shard.nodes[localSlot(i, shard.shards)];
    return n && n.self === i && !n.up;
  });
  for (const i of down) {
    if (fresh) shard.spawn(localSlot(i, shard.shards));
    else shard.node(i).resume();
  }
  await joinBatch(shard, Int32Array.from(down), bootstraps, 64, () => {});
  return down.length;
}

