/**
 * The piscina task that is one shard for the whole run: it builds the Shard,
 * answers control commands on its MessagePort, and runs the network loop
 * until told to stop. The port listener is also what keeps this thread alive
 * while it waits on its doorbell (a pending Atomics.waitAsync alone does not,
 * Node issue 44729).
 */
import { join } from 'node:path';
import { setImmediate as yieldNow } from 'node:timers/promises';
import { abortBarrier, BarrierAborted, type BarrierMemory } from './barrier.js';
import type { Command, Reply, ShardSetup, VirtualParams } from './control.js';
import { startProfiler } from './profiler.js';
import { Shard } from './shard.js';
import { adversaryFigures } from './adversary-wiring.js';
import { runVirtual } from './virtual-run.js';
import { joinBatch, kill, revive, spawnAll } from './shard-ops.js';
import { runOps } from './shard-op-runner.js';
import { health } from './shard-health.js';
import { addSourceKv, findSourcesKv, getKv, nodeInfo, putKv } from './shard-kv.js';

const PROGRESS_EVERY_MS = 100;

/** Rejection of a command that ended the shard: it gets no reply (the supervisor hears of the task instead). */
const ENDED = new Error('shard ended');

export default async function runShard(setup: ShardSetup): Promise<string> {
  const { port } = setup;
  const profiler = setup.cpuProfileDir ? await startProfiler() : null;
  const shard = new Shard(setup);
  let fatal: Error | null = null;
  let endedBy: string | null = null;

  const reply = (r: Reply): void => port.postMessage(r);
  const progress = (id: number): ((done: number) => void) => {
    let last = 0;
    return (done) => {
      const t = performance.now();
      if (t - last >= PROGRESS_EVERY_MS) {
        last = t;
        reply({ progress: id, done });
      }
    };
  };

  const execute = async (cmd: Command): Promise<unknown> => {
    switch (cmd.op) {
      case 'spawn':
        return spawnAll(shard);
      case 'join':
        return joinBatch(shard, cmd.nodes, cmd.bootstraps, cmd.concurrency, progress(cmd.id));
      case 'ops':
        return runOps(shard, cmd.kind, cmd.nodes, cmd.items, cmd.concurrency, cmd.sample, cmd.trace, setup.seed, progress(cmd.id), cmd.files);
      case 'kill':
        return kill(shard, cmd.nodes);
      case 'revive':
        return revive(shard, cmd.nodes, cmd.bootstraps, cmd.fresh);
      case 'put-kv':
        return putKv(shard, cmd.node, cmd.key, cmd.value, cmd.signed);
      case 'get-kv':
        return getKv(shard, cmd.node, cmd.key);
      case 'add-source':
        return addSourceKv(shard, cmd.node, cmd.key, cmd.value);
      case 'find-sources':
        return findSourcesKv(shard, cmd.node, cmd.key);
      case 'node-info':
        return nodeInfo(shard, cmd.node);
      case 'virtual':
        if (!setup.barrier) throw new Error('this swarm was not started with the virtual clock');
        return virtualRun(cmd.id, cmd.params, setup.barrier);
      case 'stats':
        if (cmd.gc) shard.gcForReport();
        return shard.snapshot();
      case 'health':
        return shard.forReport(() => health(shard, cmd.sample));
      case 'adversary':
        return shard.forReport(() => adversaryFigures(shard, cmd.keys, cmd.except));
      case 'stop':
        shard.stopped = true;
        return null;
    }
  };

  /**
   * A virtual run that throws leaves this shard mid-window and the others waiting for it at the
   * barrier, so the run is over for every shard, not just this command. The error therefore does
   * not go back as a failed command: it aborts the barrier (waking the others) and ends this
   * shard's task with the error, which the supervisor handles like any dead shard, as in real
   * time. A shard stopped by another's abort ends its task quietly: the failing shard's own error,
   * not this consequence of it, is the one to report.
   */
  const virtualRun = (id: number, params: VirtualParams, barrier: BarrierMemory): unknown => {
    try {
      return runVirtual(shard, params, barrier, (t, end) => reply({ progress: id, done: Math.round((t / end) * 1e6) }));
    } catch (err) {
      if (err instanceof BarrierAborted) endedBy = err.message;
      else {
        abortBarrier(barrier, setup.shard);
        fatal = new Error(`${(err as Error).message} (virtual run, at ${(shard.now() / 1000).toFixed(3)} s of virtual time)`);
      }
      shard.stopped = true;
      throw ENDED;
    }
  };

  port.on('message', (cmd: Command) => {
    execute(cmd).then(
      (result) => reply({ id: cmd.id, ok: true, result }),
      (err: Error) => {
        if (err !== ENDED) reply({ id: cmd.id, ok: false, error: err.message });
      },
    );
    // New work may be due now: wake the loop if it is waiting on the doorbell.
    shard.ringOwnBell();
  });

  try {
    while (!shard.stopped) {
      const seen = shard.readBell();
      const next = shard.pass();
      if (next < 0) {
        await yieldNow();
        continue;
      }
      const wait = next === Infinity ? 1000 : next - shard.now();
      if (wait <= 0) await yieldNow();
      else await shard.waitBell(seen, wait);
    }
  } catch (err) {
    fatal = err as Error;
  } finally {
    port.removeAllListeners('message');
    if (profiler) await profiler.stop(join(setup.cpuProfileDir!, `shard-${setup.shard}.cpuprofile`));
    port.close();
  }
  if (fatal) throw new Error(`shard ${setup.shard}: ${fatal.message}`);
  return `shard ${setup.shard} stopped${endedBy ? `: ${endedBy}` : ''}`;
}
