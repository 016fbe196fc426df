/**
 * CPU per message: a thread's own CPU time (not the process's, which is what process.cpuUsage()
 * reports inside a worker), and the report's ratio of shard CPU to messages delivered.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cpuPerMessageUs } from '../../src/report/stress-report.js';
import { threadCpuMs } from '../../src/swarm/thread-cpu.js';
import { createRingMesh } from '../../src/net/ring-mesh.js';
import { Shard } from '../../src/swarm/shard.js';

const linux = process.platform === 'linux';

describe('threadCpuMs', () => {
  it.runIf(linux)('counts the calling thread only: a busy worker adds to the process, not to this thread', async () => {
    const mine = threadCpuMs();
    const processBefore = process.cpuUsage();
    // The worker spins for 400 ms of its own time and reports what it read of itself.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const { readFileSync } = require('node:fs');
       const cpu = () => Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
       const start = cpu();
       while (cpu() - start < 400);
       parentPort.postMessage(cpu() - start);`,
      { eval: true },
    );
    const workerMs = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const processMs = (process.cpuUsage(processBefore).user + process.cpuUsage(processBefore).system) / 1000;
    const mineMs = threadCpuMs() - mine;
    expect(workerMs).toBeGreaterThanOrEqual(400);
    expect(processMs).toBeGreaterThanOrEqual(400); // the process-wide figure includes the worker …
    expect(mineMs).toBeLessThan(workerMs / 2); // … this thread's does not (it only waited)
  });

  it.runIf(linux)('grows with work done on this thread', () => {
    const start = threadCpuMs();
    let x = 0;
    while (threadCpuMs() - start < 50) x++;
    expect(x).toBeGreaterThan(0);
    expect(threadCpuMs() - start).toBeGreaterThanOrEqual(50);
  });
});

describe('Shard.forReport', () => {
  it.runIf(linux)('hands back the work\'s result and leaves its CPU time out of the shard\'s cpuMs', () => {
    const ids = new SharedArrayBuffer(2 * 5 * 4);
    new Uint32Array(ids).forEach((_, i, a) => (a[i] = i + 1));
    const shard = new Shard({
      shard: 0, shards: 1, nodes: 2, seed: 1, ids, mesh: createRingMesh(1, 4096), config: {},
      network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0, seed: 1 }, clock: 'virtual',
    });
    const before = shard.snapshot().cpuMs ?? 0;
    // Report work that burns 200 ms of this thread's CPU (a health check, say).
    const got = shard.forReport(() => {
      const start = threadCpuMs();
      while (threadCpuMs() - start < 200);
      return 'figures';
    });
    expect(got).toBe('figures');
    const after = shard.snapshot().cpuMs ?? 0;
    expect(after - before).toBeLessThan(100);
    // The same work outside forReport is the shard's own.
    const start = threadCpuMs();
    while (threadCpuMs() - start < 200);
    expect((shard.snapshot().cpuMs ?? 0) - after).toBeGreaterThanOrEqual(200);
  });
});

describe('cpuPerMessageUs', () => {
  it('is the shards’ CPU microseconds summed over the messages they delivered', () => {
    expect(cpuPerMessageUs([{ cpuMs: 300, delivered: 100_000 }, { cpuMs: 100, delivered: 60_000 }])).toBeCloseTo(400_000 / 160_000, 12);
  });

  it('is null when a shard could not read its CPU time, or nothing was delivered', () => {
    expect(cpuPerMessageUs([{ cpuMs: 300, delivered: 100 }, { cpuMs: -1, delivered: 100 }])).toBeNull();
    expect(cpuPerMessageUs([{ delivered: 100 }])).toBeNull();
    expect(cpuPerMessageUs([{ cpuMs: 5, delivered: 0 }])).toBeNull();
  });
});
