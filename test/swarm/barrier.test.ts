/**
 * The virtual-time barrier's abort: a shard waiting in Atomics.wait for one that failed must wake
 * and throw at once, not sit out its timeout. The waiting sides are worker threads running the
 * compiled barrier (a worker needs JavaScript); the main thread only uses the side that never
 * blocks (abortBarrier, and arriving at a barrier already aborted).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { abortBarrier, Barrier, BarrierAborted, createBarrier, type BarrierMemory } from '../../src/swarm/barrier.js';
import { assertFreshBuild, within } from './dist.js';

const BARRIER_JS = new URL('../../dist/src/swarm/barrier.js', import.meta.url).href;

/** Crosses the barrier `crossings` times with value shard + i, then either aborts it or arrives once more (and waits). */
const SHARD = `
const { workerData: w, parentPort } = require('node:worker_threads');
import(w.url).then(({ Barrier, abortBarrier }) => {
  const b = new Barrier(w.mem, w.shard);
  const mins = [];
  for (let i = 0; i < w.crossings; i++) mins.push(b.arriveMin(w.shard + i));
  // Abort before posting: the test terminates a worker once it has posted.
  if (w.then === 'abort') return abortBarrier(w.mem, w.shard), parentPort.postMessage({ mins, aborted: true });
  const t0 = performance.now();
  try {
    b.arriveMin(0, w.timeoutMs);
    parentPort.postMessage({ mins, returned: true });
  } catch (e) {
    parentPort.postMessage({ mins, name: e.name, by: e.by, message: e.message, waitedMs: performance.now() - t0 });
  }
});`;

interface Outcome {
  mins: number[];
  aborted?: boolean;
  returned?: boolean;
  name?: string;
  by?: number;
  message?: string;
  waitedMs?: number;
}

function shard(mem: BarrierMemory, s: number, crossings: number, then: 'abort' | 'wait', timeoutMs = 60_000): Promise<Outcome> {
  const worker = new Worker(SHARD, { eval: true, workerData: { url: BARRIER_JS, mem, shard: s, crossings, then, timeoutMs } });
  return new Promise<Outcome>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

/** Resolves once `count` shards are waiting at the barrier's current crossing (its arrival count, word 0). */
async function waiting(mem: BarrierMemory, count: number): Promise<void> {
  const ctl = new Int32Array(mem.sab, 0, 1);
  while (Atomics.load(ctl, 0) < count) await new Promise((r) => setTimeout(r, 5));
  // Arrived; give it time to be inside Atomics.wait rather than just before it.
  await new Promise((r) => setTimeout(r, 100));
}

describe('barrier abort', () => {
  it('wakes a shard waiting in Atomics.wait when the supervisor side aborts it, naming the failed shard', async () => {
    assertFreshBuild();
    const mem = createBarrier(2);
    const out = shard(mem, 0, 0, 'wait');
    await waiting(mem, 1);
    abortBarrier(mem, 1);
    const r = await within(out, 5000, 'waiting shard');
    expect(r.returned).toBeUndefined();
    expect(r).toMatchObject({ name: 'BarrierAborted', by: 1, message: 'stopped because shard 1 failed' });
    expect(r.waitedMs).toBeLessThan(2000);
  });

  it('between two shard threads: healthy crossings, then one aborts and the other, waiting, throws at once', async () => {
    assertFreshBuild();
    const mem = createBarrier(2);
    const [a, b] = await within(Promise.all([shard(mem, 0, 200, 'wait'), shard(mem, 1, 200, 'abort')]), 20_000, 'two shards');
    // Each crossing reduced both shards' values with min: shard 0's value, i.
    const expected = Array.from({ length: 200 }, (_, i) => i);
    expect(a.mins).toEqual(expected);
    expect(b.mins).toEqual(expected);
    expect(b.aborted).toBe(true);
    expect(a).toMatchObject({ name: 'BarrierAborted', by: 1 });
    expect(a.waitedMs).toBeLessThan(2000);
  });

  it('makes every later arrival throw without waiting, and keeps the first aborter as the one named', () => {
    const mem = createBarrier(3);
    abortBarrier(mem, 2);
    abortBarrier(mem, 0);
    // Arriving on the main thread would block in Atomics.wait if the abort were missed; it throws first.
    const arrive = () => new Barrier(mem, 1).arriveMin(5, 1);
    expect(arrive).toThrow(BarrierAborted);
    expect(arrive).toThrow('stopped because shard 2 failed');
  });

  it('still returns the value alone for a single shard, aborted or not', () => {
    const mem = createBarrier(1);
    abortBarrier(mem, 0);
    expect(new Barrier(mem, 0).arriveMin(7)).toBe(7);
  });
});
