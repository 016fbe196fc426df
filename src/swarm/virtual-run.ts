/**
 * A whole experiment in virtual time, run by every shard at once.
 *
 * Conservative synchronisation: each window starts at the earliest pending
 * event of any shard (idle stretches are skipped) and lasts at most the
 * minimum network latency, so nothing sent inside a window can land inside
 * it. At the window's end the shards exchange what they sent through the
 * rings at a barrier and agree on the next window's start. Events at one
 * instant are ordered by the node that caused them (see Shard), every node draws
 * from its own stream, and the schedules below are computed identically in
 * every shard from the seed: the same seed gives the same run, whatever the
 * worker count.
 *
 * Timeline: joins in [0, joinEnd), then the workload and churn until
 * joinEnd + durationMs: the initial puts first (the swarm already in its
 * steady state of churn), then gets.
 */
import { Random, deriveSeed } from '../core/random.js';
import { keyString } from '../core/records.js';
import { Barrier, type BarrierMemory } from './barrier.js';
import { ChurnSchedule, randomUpNode } from '../sim/churn-model.js';
import { IdOracle } from '../sim/oracle.js';
import { fillTablesFromOracle } from '../sim/oracle-fill.js';
import { emptyOpsResult, type VirtualParams } from './control.js';
import { GET_CUT_SHORT, FILE_CUT_SHORT, PUT_STAY_MS, measuredStartMs, type VirtualShardResult } from './virtual-result.js';

import { localSlot, shardOf } from '../sim/placement.js';
import { startOp } from './shard-op-runner.js';
import { honestAsker } from './adversary-wiring.js';
import { ChurnAdversaryCounts } from './adversary-churn.js';
import type { Shard } from './shard.js';
import { findTarget, presentKey, valueBytes } from './workload.js';
import { formatChain } from '../sim/trace-hash.js';
import { planChurnFiles, scheduleChurnFiles } from './virtual-files.js';

export function runVirtual(shard: Shard, p: VirtualParams, barrierMem: BarrierMemory, progress: (virtualMs: number, endMs: number) => void): VirtualShardResult {
  const n = shard.total;
  const k = shard.config.k;
  const seed = shardSeed(shard);
  // A run continues the swarm's virtual clock: everything below is relative to where it stands.
  const base = shard.now();
  const joinEnd = base + measuredStartMs(p, n);
  const end = joinEnd + p.durationMs;
  const mine = (i: number): boolean => shardOf(i, shard.shards) === shard.index;
  const schedule = p.churn ? new ChurnSchedule(n, { ...p.churn, startMs: joinEnd, endMs: end, bootstraps: p.bootstraps, seed }) : null;
  const boot = Array.from({ length: Math.min(p.bootstraps, n) }, (_, i) => i);
  let joinsFailed = 0;
  const joinRpcs = new Float64Array(p.join === 'protocol' ? n : 0);
  const joinDurations = new Float64Array(p.join === 'protocol' ? n : 0);

  // Joins.
  if (p.join === 'oracle') {
    fillFromOracle(shard);
  } else if (p.join === 'protocol') {
    for (let i = 1; i < n; i++) {
      if (!mine(i)) continue;
      const via = i < boot.length ? 0 : boot[i % boot.length]!;
      shard.at(base + i * p.joinSpacingMs, i, () => {
        shard.join(i, [via], (r) => {
          if (!r.ok) joinsFailed++;
          joinRpcs[i] = r.rpcs;
          joinDurations[i] = r.duration;
        });
      });
    }
  }

  // Churn: nodes drawn as down go down when the measured part starts; then their flips.
  if (schedule && p.churn) {
    const restart = p.churn.restart;
    for (let i = boot.length; i < n; i++) {
      if (!mine(i)) continue;
      let up = schedule.initially(i);
      if (!up) shard.at(joinEnd, i, () => shard.stop(i));
      for (const t of schedule.flipsOf(i)) {
        up = !up;
        const goingUp = up;
        shard.at(t, i, () => {
          if (!goingUp) return shard.stop(i);
          const node = restart === 'fresh' ? shard.spawn(localSlot(i, shard.shards)) : shard.node(i);
          node.resume();
          shard.join(i, [boot[i % boot.length]!]);
        });
      }
    }
  }

  // Workload: the same streams in every shard; each shard runs the operations of its own nodes.
  const keyIndex = new Map<string, number>();
  for (let j = 0; j < p.keys; j++) keyIndex.set(keyString(presentKey(j, shard.config.contentAddressed)), j);
  // Issue 13: operations start only at honest nodes (an adversary drawn is replaced from a stream of its own).
  const honest = honestAsker(shard, schedule, n, seed);
  const adv = shard.adversary ? new ChurnAdversaryCounts(shard.adversary, p.keys) : null;
  const putRng = new Random(deriveSeed(seed, 0x707574), 1);
  for (let j = 0; j < p.keys; j++) {
    const t = joinEnd + j * p.putSpacingMs;
    const node = honest(randomUpNode(schedule, n, t, putRng, PUT_STAY_MS), t, PUT_STAY_MS);
    if (adv) adv.putters[j] = node;
    if (mine(node)) shard.at(t, node, () => shard.put(node, presentKey(j, shard.config.contentAddressed), valueBytes(j)));
  }
  const getStart = joinEnd + p.keys * p.putSpacingMs;
  if ((p.putRate ?? 0) > 0 && p.keys > 0) {
    const rng = new Random(deriveSeed(seed, 0x72707574), 4);
    let t = getStart;
    for (let j = 0; ; j++) {
      t += rng.exponential(1000 / p.putRate!);
      if (t >= end) break;
      const node = honest(randomUpNode(schedule, n, t, rng, PUT_STAY_MS), t, PUT_STAY_MS);
      const key = rng.int(p.keys);
      if (!mine(node)) continue;
      shard.at(t, node, () => {
        if (shard.node(node).up) shard.put(node, presentKey(key, shard.config.contentAddressed), valueBytes(key));
      });
    }
  }
  const gets: number[] = [];
  if (p.getRate > 0 && p.keys > 0) {
    const getRng = new Random(deriveSeed(seed, 0x676574), 2);
    let t = getStart;
    for (let j = 0; ; j++) {
      t += getRng.exponential(1000 / p.getRate);
      if (t >= end) break;
      const node = honest(randomUpNode(schedule, n, t, getRng), t);
      const key = getRng.int(p.keys);
      if (!mine(node)) continue;
      const at = t;
      shard.at(at, node, () => {
        const nd = shard.node(node);
        if (!nd.up) return;
        adv?.trace(nd);
        shard.get(node, presentKey(key, shard.config.contentAddressed), (r) => {
          const ok = !nd.up ? GET_CUT_SHORT : r.found && sameBytes(r.value, valueBytes(key)) ? 1 : 0;
          gets.push(at - joinEnd, ok, r.depth, r.rpcs, r.timeouts, r.duration);
          if (adv && ok !== GET_CUT_SHORT) adv.get(key, ok, r.trace);
        });
      });
    }
  }
  const finds: number[] = [];
  const findClosest = new Int32Array(Math.min(p.findCheck, p.finds) * (k + 1)).fill(-1);
  if (p.finds > 0) {
    const findRng = new Random(deriveSeed(seed, 0x66696e64), 3);
    const spacing = p.durationMs / p.finds;
    for (let j = 0; j < p.finds; j++) {
      const t = joinEnd + j * spacing;
      const node = honest(randomUpNode(schedule, n, t, findRng), t);
      if (!mine(node)) continue;
      shard.at(t, node, () => {
        if (adv) adv.trace(shard.node(node));
        shard.findNode(node, findTarget(seed, j), (r) => {
          finds.push(j, node, r.depth, r.rpcs, r.timeouts, r.duration);
          adv?.find(r.trace);
          if (j < p.findCheck) {
            findClosest[j * (k + 1)] = node;
            r.closest.forEach((h, c) => (findClosest[j * (k + 1) + 1 + c] = h));
          }
        });
      });
    }
  }

  // The stress workload, if any: each phase's operations at their instants, rows as in real time.
  const phaseRows = (p.phases ?? []).map((ph) => {
    const out = emptyOpsResult(ph.nodes.length, ph.sample, k);
    for (let row = 0; row < ph.nodes.length; row++) {
      const node = ph.nodes[row]!;
      if (!mine(node)) continue;
      shard.at(joinEnd + ph.startMs + row * ph.spacingMs, node, () => startOp(shard, ph.kind, ph.nodes, ph.items, row, out, ph.sample, ph.trace, seed, () => {}, ph.files));
    }
    return out;
  });

  const filePlan = p.files ? planChurnFiles(seed, n, p.files, schedule, joinEnd, end) : null;
  const fileRows = filePlan ? scheduleChurnFiles(shard, filePlan, FILE_CUT_SHORT) : null;

  // Samples every bucket: up nodes, stale contacts, live replicas per key.
  const buckets = Math.max(1, Math.ceil(p.durationMs / p.bucketMs));
  const samples = new Float64Array(buckets * 3);
  const replicas = new Uint16Array(buckets * p.keys);
  for (let b = 0; b < buckets; b++) {
    const t = joinEnd + (b + 1) * p.bucketMs - 1;
    shard.at(Math.min(t, end - 1), -1, () => {
      for (const node of shard.nodes) {
        if (!node || !node.up) continue;
        samples[b * 3]!++;
        for (const c of node.table.contacts()) {
          samples[b * 3 + 1]!++;
          if (schedule && !schedule.isUp(c, shard.now())) samples[b * 3 + 2]!++;
        }
        for (const r of node.records?.map.values() ?? []) {
          if (r.cached || r.expiresAt <= shard.now()) continue;
          const j = keyIndex.get(keyString(r.key));
          if (j !== undefined) replicas[b * p.keys + j]!++;
        }
      }
    });
  }

  // The window loop.
  const barrier = new Barrier(barrierMem, shard.meshIndex);
  let windows = 0;
  let lastReport = performance.now();
  let t = barrier.arriveMin(shard.nextEventTime());
  while (t < end) {
    shard.runUntil(Math.min(t + p.windowMs, end));
    windows++;
    // Exchange: write what waits, let everyone drain, repeat while any shard still has a backlog.
    // The second crossing also agrees on the next window's start: a shard with a backlog says −1
    // (another round), one without says its next event time (≥ 0), so the minimum is either.
    // (One crossing per window fewer than asking separately; across hosts each is a round trip.)
    for (;;) {
      const clear = shard.flushVirtual();
      barrier.arriveMin(0);
      shard.drainVirtual();
      const next = barrier.arriveMin(clear ? shard.nextEventTime() : -1);
      if (next >= 0) {
        t = next;
        break;
      }
    }
    const wall = performance.now();
    if (wall - lastReport > 200) {
      lastReport = wall;
      progress(Math.min(t, end), end);
    }
  }
  shard.advanceTo(end);
  return {
    shard: shard.index,
    gets: Float64Array.from(gets),
    finds: Float64Array.from(finds),
    findClosest,
    joinsFailed,
    samples,
    replicas,
    traceSum: shard.trace!.sum,
    traceCount: shard.trace!.count,
    traceChain: formatChain(shard.trace!.chainSum()),
    endTime: end,
    windows,
    phaseRows,
    ...(filePlan && fileRows ? { files: { rows: fileRows, at: filePlan.opAt, kind: filePlan.opKind, item: filePlan.opItem } } : {}),
    joinRpcs,
    joinDurations,
    joinEnd,
    ...(adv ? { adversary: adv.finish(shard) } : {}),
  };
}

/** `--join oracle`: every routing table filled from the sorted list of all IDs (how: sim/oracle-fill.ts). */
function fillFromOracle(shard: Shard): void {
  const oracle = new IdOracle(shard.peers.words, shard.total);
  fillTablesFromOracle(oracle, shard.nodes, shard.config.k, shard.config.bitsPerStep, shardSeed(shard));
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shardSeed(shard: Shard): number {
  return shard.seed;
}
