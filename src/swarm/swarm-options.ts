/**
 * What a Swarm (supervisor.ts) is started with: the run's size, seed, protocol config and
 * network, test hooks, the adversary plan of issue 13 and the multi-host roles of issue 16.
 */
import type { KadConfig } from '../core/config.js';
import type { Command, Reply } from './control.js';
import type { NetworkModel } from '../sim/network-model.js';
import type { AdversaryPlan } from '../sim/adversary.js';

export interface SwarmOptions {
  nodes: number;
  workers?: number;
  seed: number;
  config?: Partial<KadConfig>;
  network: NetworkModel;
  /** Bytes per ring (a power of two). */
  ringBytes?: number;
  /** Old-generation heap limit per shard, MiB. */
  maxHeapMb?: number;
  cpuProfileDir?: string;
  /** Test hook: make one shard throw after this many delivered messages. */
  fault?: { shard: number; afterMessages: number };
  /** 'virtual': time advances from event to event; run experiments with virtual(). */
  clock?: 'real' | 'virtual';
  /** Check the simulator's invariants after every event (off by default: a table walk per event). */
  checkInvariants?: boolean;
  /** Adversary nodes (issue 13): their minted IDs replace the seed's before any node spawns. */
  adversary?: AdversaryPlan;
  /** Issue 13: 1 for an adversary, by node index (their synthetic addresses share `subnets` /24s). */
  adversaries?: Uint8Array;
  /** /24s the adversaries share (--subnets; default 1). */
  subnets?: number;
  /**
   * Issue 13: called once the IDs (and, when a defence needs them, the synthetic addresses and
   * puzzle keys) are written, before any shard starts: the adversary plan writes minted IDs here.
   */
  placeIdentities?: (ids: Uint32Array, ips: Uint32Array | null, keys: Uint32Array | null) => void;
  /** Multi-host (issue 16), on a host: these are host `index`'s shards of `hosts` × workers, plus an edge in the mesh and the barrier. */
  edge?: { index: number; hosts: number };
  /** Multi-host, on the coordinator: no threads here; commands go to the hosts' shards through `remote`. */
  remote?: RemoteShards;
}

/** The coordinator's view of the shards of every host (coordinator.ts): global shard g is worker g mod W of host ⌊g / W⌋. */
export interface RemoteShards {
  readonly shards: number;
  post(shard: number, cmd: Command): void;
  /** Called once by the Swarm: where replies and a host's failure go. */
  attach(onReply: (r: Reply) => void, onFailure: (err: Error) => void): void;
  stop(): Promise<void>;
}
