/**
 * The swarm runner end to end on real worker threads (compiled build, see dist.ts): a 2,000-node
 * swarm on 2 shards with zero latency must join completely, find every stored key, find nothing
 * for absent keys, return the true k closest for FIND_NODE, and carry its cross-shard traffic
 * through the SAB rings. The same seed on 1 and 2 workers must give the same IDs and the same
 * per-operation outcomes: the worker count may change timing, not results.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ID_WORDS, idToWords, writeIdWords } from '../../src/core/id.js';
import type { OpsResult, ShardStats } from '../../src/swarm/control.js';
import { IdOracle } from '../../src/sim/oracle.js';
import type { PhaseObserver, PhaseResult, StressOptions, StressResult } from '../../src/swarm/stress-run.js';
import type { Swarm } from '../../src/swarm/supervisor.js';
import { findTarget, nodeId } from '../../src/swarm/workload.js';
import { loadStressRun, loadSupervisor, within } from './dist.js';

const SEED = 7;
const K = 20;
const RUN_MS = 150_000;

const quiet: PhaseObserver = { start() {}, progress() {}, end() {} };

function stressOptions(workers: number): StressOptions {
  return {
    nodes: 2000,
    workers,
    keys: 2000,
    seed: SEED,
    concurrency: 256,
    joinConcurrency: 256,
    // As the stress CLI: real time on a busy machine, so timeouts start generous.
    config: { k: K, alpha: 3, minTimeoutMs: 2000, maxTimeoutMs: 10_000, initialTimeoutMs: 5000 },
    network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0.1, seed: SEED },
    zipf: 0,
    checkSample: 1000,
    healthSample: 200,
    bootstraps: 16,
    trace: 0,
  };
}

function phase(r: StressResult, name: string): PhaseResult & { rows: OpsResult } {
  const p = r.phases.find((x) => x.name === name);
  if (!p?.rows) throw new Error(`no rows for phase ${name}; phases: ${r.phases.map((x) => x.name).join(', ')}`);
  return p as PhaseResult & { rows: OpsResult };
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function shard(stats: ShardStats[], i: number): ShardStats {
  const s = stats.find((x) => x.shard === i);
  if (!s) throw new Error(`no stats for shard ${i}`);
  return s;
}

describe('stress run: 2,000 nodes, zero latency', () => {
  let two: StressResult;
  let one: StressResult;
  /** What runStress asked the swarm to do, per run: every join (nodes, bootstraps) and ops call (kind, nodes, items, sample). */
  let calls2: unknown[][];
  let calls1: unknown[][];

  beforeAll(async () => {
    const { runStress } = await loadStressRun();
    // runStress drives the same compiled Swarm class: spy on it (calling through) to see its choices.
    const { Swarm } = await loadSupervisor();
    const ops = vi.spyOn(Swarm.prototype, 'ops');
    const join = vi.spyOn(Swarm.prototype, 'join');
    const record = (): unknown[][] => [
      ...join.mock.calls.map((c) => ['join', c[0], c[1]]),
      ...ops.mock.calls.map((c) => [c[0], c[1], c[2], c[4]]),
    ];
    try {
      two = await within(runStress(stressOptions(2), quiet), RUN_MS, 'runStress on 2 workers');
      calls2 = record();
      ops.mockClear();
      join.mockClear();
      one = await within(runStress(stressOptions(1), quiet), RUN_MS, 'runStress on 1 worker');
      calls1 = record();
    } finally {
      ops.mockRestore();
      join.mockRestore();
    }
  }, 2 * RUN_MS + 10_000);

  it('ran on the requested worker counts, every phase over every item', () => {
    expect(two.workers).toBe(2);
    expect(one.workers).toBe(1);
    expect(two.phases.map((p) => [p.name, p.count])).toEqual([
      ['spawn', 2000],
      ['join', 1999],
      ['store', 2000],
      ['get', 2000],
      ['get-absent', 2000],
      ['find-node', 2000],
    ]);
    expect(sum(two.spawn.map((s) => s.nodes))).toBe(2000);
  });

  it('every join succeeds', () => {
    const join = two.phases.find((p) => p.name === 'join')!;
    expect(join.joinFailed).toBe(0);
    expect(join.joinRpcs).toHaveLength(1999);
    // A join that "succeeded" without a single RPC would be suspicious.
    expect(Math.min(...join.joinRpcs!)).toBeGreaterThan(0);
  });

  it('every key is stored and every present key is found with its value', () => {
    const store = phase(two, 'store').rows;
    expect(sum(store.ok)).toBe(2000);
    expect(Math.min(...store.stored)).toBeGreaterThan(0);
    const get = phase(two, 'get').rows;
    expect(sum(get.ok) / get.ok.length).toBe(1);
  });

  it('every absent key lookup completes and finds nothing (ok = 1 means "not found, and peers answered")', () => {
    const absent = phase(two, 'get-absent').rows;
    expect(sum(absent.ok) / absent.ok.length).toBe(1);
    // Completed lookups: each asked someone.
    expect(Math.min(...absent.rpcs)).toBeGreaterThan(0);
  });

  it('FIND_NODE returns the true k closest for at least 99% of the checked sample', () => {
    expect(two.checked).toBe(1000);
    expect(two.exactClosest / two.checked).toBeGreaterThanOrEqual(0.99);
    const find = phase(two, 'find-node').rows;
    expect(sum(find.ok)).toBe(2000);
    // Sampled rows are filled: no −1 padding in the first k entries of a 2,000-node swarm.
    expect(find.closest).toHaveLength(1000 * K);
    expect(find.closest.indexOf(-1)).toBe(-1);
  });

  it('cross-shard traffic went through the rings: frames out of one shard = frames into the other, both > 0', () => {
    const s0 = shard(two.stats, 0);
    const s1 = shard(two.stats, 1);
    expect(s0.framesOut).toBeGreaterThan(0);
    expect(s1.framesOut).toBeGreaterThan(0);
    expect(s1.framesIn).toBe(s0.framesOut);
    expect(s0.framesIn).toBe(s1.framesOut);
    // Interleaved placement puts about half of all messages across shards.
    const local = s0.localMessages + s1.localMessages;
    const crossing = s0.framesOut + s1.framesOut;
    expect(crossing / (crossing + local)).toBeGreaterThan(0.3);
    expect(s0.handlerErrors + s1.handlerErrors).toBe(0);
    // One worker has no rings at all: everything is local.
    const solo = shard(one.stats, 0);
    expect(solo.framesOut).toBe(0);
    expect(solo.framesIn).toBe(0);
    expect(solo.localMessages).toBeGreaterThan(0);
  });

  it('every message a shard received has one outcome: received = handled + refused + still queued, and the frames in are among them', () => {
    for (const s of [shard(two.stats, 0), shard(two.stats, 1), shard(one.stats, 0)]) {
      const a = s.accounts;
      const refused = Object.values(a.refused).reduce((x, y) => x + y, 0);
      expect(a.received).toBe(a.handled + refused + a.queued);
      expect(a.received).toBe(s.framesIn + s.localMessages); // each arrival counted once, from a ring or from the shard itself
      expect(a.handled).toBeGreaterThan(0.99 * a.received); // an honest, lossless run: nearly everything is handled
    }
  });

  it('1 and 2 workers get the same workload for the same seed: joiners, storers, askers, keys, targets', () => {
    // The 15 other bootstrap nodes' join (together, through node 0 and one another) + the bulk join; store, get, get-absent, find-node.
    const joins = calls2.filter((c) => c[0] === 'join');
    expect(joins).toHaveLength(2);
    // The bootstrap nodes are offered all 16 (each then joins through three others, never itself:
    // test/swarm/join-via.test.ts), not node 0 alone; everyone else joins through the same 16.
    const [boot, bulk] = joins as [string, number[], number[]][];
    expect(boot[1]).toHaveLength(15);
    expect(boot[2]).toEqual([boot[2][0], ...boot[1]]);
    expect(bulk[2]).toEqual(boot[2]);
    expect(bulk[1]).toHaveLength(2000 - 16);
    expect(calls2.filter((c) => c[0] !== 'join').map((c) => c[0])).toEqual(['put', 'get', 'get-absent', 'find']);
    expect(calls1).toEqual(calls2);
    // Sanity: the choices are random nodes, not all the same one.
    const storers = calls2.find((c) => c[0] === 'put')![1] as number[];
    expect(new Set(storers).size).toBeGreaterThan(1000);
  });

  it('1 and 2 workers give the same per-operation outcomes for the same seed', () => {
    expect(one.phases.map((p) => [p.name, p.count])).toEqual(two.phases.map((p) => [p.name, p.count]));
    expect(one.phases.find((p) => p.name === 'join')!.joinFailed).toBe(0);
    for (const name of ['store', 'get', 'get-absent', 'find-node']) {
      const a = phase(one, name).rows;
      const b = phase(two, name).rows;
      expect(Array.from(a.ok), `${name} ok`).toEqual(Array.from(b.ok));
      expect(Array.from(a.stored), `${name} stored`).toEqual(Array.from(b.stored));
    }
    expect(one.exactClosest / one.checked).toBeGreaterThanOrEqual(0.99);
    // Same targets and askers: the sampled FIND_NODE results agree row by row (up to timing noise).
    const a = phase(one, 'find-node').rows.closest;
    const b = phase(two, 'find-node').rows.closest;
    let same = 0;
    for (let i = 0; i < 1000; i++) if (a.subarray(i * K, i * K + K).every((h, j) => b[i * K + j] === h)) same++;
    expect(same / 1000).toBeGreaterThanOrEqual(0.98);
  });
});

describe('Swarm driven directly: same seed, 1 vs 2 workers', () => {
  const NODES = 1000;
  const swarms: Swarm[] = [];
  let SwarmClass: typeof Swarm;

  beforeAll(async () => {
    SwarmClass = (await loadSupervisor()).Swarm;
  });

  afterAll(async () => {
    await within(Promise.allSettled(swarms.map((s) => s.stop())), 30_000, 'stopping swarms');
  });

  const start = (workers: number, nodes = NODES): Swarm => {
    const s = SwarmClass.start({
      nodes,
      workers,
      seed: SEED,
      config: { k: K, alpha: 3, minTimeoutMs: 2000, maxTimeoutMs: 10_000, initialTimeoutMs: 5000 },
      network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0.1, seed: SEED },
    });
    swarms.push(s);
    return s;
  };

  it('gives the same IDs, derived from the seed alone, whatever the worker count', async () => {
    const a = start(1, 2000);
    const b = start(2, 2000);
    const c = start(3, 2000);
    expect(b.workers).toBe(2);
    expect(c.workers).toBe(3);
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    expect(Array.from(c.ids)).toEqual(Array.from(a.ids));
    const expected = new Uint32Array(2000 * ID_WORDS);
    for (let i = 0; i < 2000; i++) writeIdWords(nodeId(SEED, i), expected, i * ID_WORDS);
    expect(Array.from(a.ids)).toEqual(Array.from(expected));
    // Not all equal (a broken derivation could give every node one ID).
    expect(new Set(Array.from({ length: 2000 }, (_, i) => a.ids[i * ID_WORDS])).size).toBeGreaterThan(1990);
    await within(Promise.all([a.stop(), b.stop(), c.stop()]), 30_000, 'stopping swarms');
    swarms.length = 0;
  });

  it('stop({ awaitExit: false }) returns once every shard has ended its task, and the threads then exit', async () => {
    const s = start(2, 200);
    await within(s.spawn(), 30_000, 'spawn');
    const pool = (s as unknown as { pool: { threads: unknown[] } }).pool;
    expect(pool.threads.length).toBe(2);
    await within(s.stop({ awaitExit: false }), 30_000, 'stop');
    swarms.splice(swarms.indexOf(s), 1);
    // Every shard's task has settled: each ended its loop on the stop command.
    const tasks = await Promise.allSettled((s as unknown as { tasks: Promise<unknown>[] }).tasks);
    expect(tasks.map((t) => t.status)).toEqual(['fulfilled', 'fulfilled']);
    // The pool was told to end its threads, not left with idle ones (idleTimeout is Infinity: they would stay).
    const deadline = Date.now() + 20_000;
    while (pool.threads.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pool.threads.length).toBe(0);
  });

  /** Joins, stores, reads back and runs FIND_NODE from the node nearest each target (which must leave itself out). */
  async function workload(workers: number): Promise<{ put: OpsResult; get: OpsResult; find: OpsResult; askers: number[]; joinFailed: number; ids: Uint32Array }> {
    const s = start(workers);
    await within(s.spawn(), 30_000, 'spawn');
    let joinFailed = 0;
    for (let i = 1; i < 8; i++) joinFailed += (await within(s.join([i], [0], 1), 30_000, `join ${i}`)).failed;
    const rest = Array.from({ length: NODES - 8 }, (_, i) => 8 + i);
    joinFailed += (await within(s.join(rest, [0, 1, 2, 3, 4, 5, 6, 7], 128), 60_000, 'join')).failed;

    const items = Array.from({ length: 500 }, (_, i) => i);
    const storers = items.map((i) => (i * 7919) % NODES);
    const readers = items.map((i) => (i * 104_729 + 1) % NODES);
    const put = await within(s.ops('put', storers, items, 128, 0, K), 60_000, 'put');
    const get = await within(s.ops('get', readers, items, 128, 0, K), 60_000, 'get');

    const oracle = new IdOracle(s.ids, NODES);
    const askers = items.map((i) => oracle.closest(idToWords(findTarget(SEED, i)), 0, 1)[0]!);
    const find = await within(s.ops('find', askers, items, 128, items.length, K), 60_000, 'find');
    await within(s.stop(), 30_000, 'stop');
    swarms.splice(swarms.indexOf(s), 1);
    return { put, get, find, askers, joinFailed, ids: Uint32Array.from(s.ids) };
  }

  it('runs the same workload to the same results on 1 and 2 workers (rows back in command order)', async () => {
    const a = await workload(1);
    const b = await workload(2);
    for (const r of [a, b]) {
      expect(r.joinFailed).toBe(0);
      expect(sum(r.put.ok)).toBe(500);
      expect(sum(r.get.ok)).toBe(500);
      expect(sum(r.find.ok)).toBe(500);
    }
    expect(Array.from(b.put.stored)).toEqual(Array.from(a.put.stored));

    // Each row must be the true k closest to ITS target, excluding ITS asker (the node nearest the
    // target): a row returned at the wrong position, or a lookup that counts its own node, fails.
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    const oracle = new IdOracle(a.ids, NODES);
    const exact = (r: { find: OpsResult; askers: number[] }): number => {
      let n = 0;
      for (let i = 0; i < 500; i++) {
        const truth = oracle.closest(idToWords(findTarget(SEED, i)), 0, K, (h) => h !== r.askers[i]);
        if (truth.every((h, j) => r.find.closest[i * K + j] === h)) n++;
      }
      return n;
    };
    expect(exact(a) / 500).toBeGreaterThanOrEqual(0.99);
    expect(exact(b) / 500).toBeGreaterThanOrEqual(0.99);
    let same = 0;
    for (let i = 0; i < 500 * K; i += K) if (a.find.closest.subarray(i, i + K).every((h, j) => b.find.closest[i + j] === h)) same++;
    expect(same / 500).toBeGreaterThanOrEqual(0.98);
  });
});
