/**
 * The shard threads of one machine: a piscina pool with one long-lived task per shard, the ring
 * mesh between them, the virtual-clock barrier, and a MessagePort per shard for the supervisor's
 * commands (supervisor.ts sends them and reads the replies).
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { createRingMesh, type RingMesh } from '../net/ring-mesh.js';
import type { Reply, ShardSetup } from './control.js';
import { createBarrier, type BarrierMemory } from './barrier.js';
import type { SwarmOptions } from './swarm-options.js';

export interface ShardThreads {
  pool: Piscina;
  /** The supervisor's end of each shard's command port. */
  ports: MessagePort[];
  /** One per shard; settles when the shard ends (rejects when it fails). */
  tasks: Promise<unknown>[];
  mesh: RingMesh;
  barrier: BarrierMemory | undefined;
}

/**
 * Starts `workers` shards over the shared ID array `ids`. Replies go to `onReply`; a task that
 * fails (a shard that threw, a thread that died) goes to `onFailure` with the local shard number.
 */
export function startShardThreads(
  opts: SwarmOptions,
  workers: number,
  ids: SharedArrayBuffer,
  identity: { ips: Uint32Array; keys: Uint32Array | null } | null,
  onReply: (r: Reply) => void,
  onFailure: (shard: number, err: Error) => void,
): ShardThreads {
  const pool = new Piscina({
    filename: new URL('./shard-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: Infinity,
    atomics: 'disabled',
    // A larger young generation: a shard allocates a message object or two per RPC, and short scavenges
    // of a small nursery promote them before they die.
    resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 4096, maxYoungGenerationSizeMb: 64 },
  });
  // With an edge, one more participant in the mesh and the barrier: the host's main thread.
  const edge = opts.edge;
  const adv = opts.adversary;
  const mesh = createRingMesh(workers + (edge ? 1 : 0), opts.ringBytes ?? 1 << 22);
  const barrier = opts.clock === 'virtual' ? { ...createBarrier(workers + (edge ? 1 : 0)), ...(edge ? { edge: true } : {}) } : undefined;
  const base = edge ? edge.index * workers : 0;
  const ports: MessagePort[] = [];
  const tasks: Promise<unknown>[] = [];
  for (let s = 0; s < workers; s++) {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    port1.on('message', onReply);
    const setup: ShardSetup = {
      shard: base + s,
      shards: edge ? edge.hosts * workers : workers,
      ...(edge ? { host: { base, workers } } : {}),
      nodes: opts.nodes,
      seed: opts.seed,
      ids,
      mesh,
      config: opts.config ?? {},
      network: opts.network,
      port: port2,
      ...(opts.cpuProfileDir ? { cpuProfileDir: opts.cpuProfileDir } : {}),
      ...(opts.fault && opts.fault.shard === s ? { faultAfterMessages: opts.fault.afterMessages } : {}),
      ...(barrier ? { clock: 'virtual' as const, barrier } : {}),
      ...(opts.checkInvariants ? { checkInvariants: true } : {}),
      ...(adv ? { adversary: adv } : {}),
      ...(identity ? { identity: { ips: identity.ips.buffer as SharedArrayBuffer, keys: identity.keys ? (identity.keys.buffer as SharedArrayBuffer) : null } } : {}),
    };
    const task = pool.run(setup, { transferList: [port2] as never });
    task.catch((err: Error) => onFailure(s, err));
    tasks.push(task);
  }
  return { pool, ports, tasks, mesh, barrier };
}
