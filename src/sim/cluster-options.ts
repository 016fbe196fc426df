/** What a Cluster (cluster.ts) is made with, and the links a swarm shard gives it to the other shards. */
import type { KadConfig } from '../core/config.js';
import type { PeerIds } from '../core/peers.js';
import type { DecodeLimits } from '../wire/index.js';
import type { Clock } from '../host/clock.js';
import type { InvariantChecker } from './invariants.js';
import type { NetworkModel } from './network-model.js';

/** Frames for other shards: written to a ring, or kept in order behind a full one (never dropped). */
export interface RemoteLinks {
  write(dest: number, from: number, to: number, at: number, bytes: Uint8Array, seq: number): void;
}

export interface ClusterOptions {
  /** This cluster's shard index and the shard count (node i lives on shard i mod shards). */
  index: number;
  shards: number;
  seed: number;
  peers: PeerIds;
  config?: Partial<KadConfig>;
  network: NetworkModel;
  clock: Clock;
  /** Null when every node lives here. */
  links: RemoteLinks | null;
  /** Hash every delivered message (virtual time: proves determinism). */
  trace?: boolean;
  invariants?: InvariantChecker | null;
  /** Test hook: throw from the loop after this many delivered messages. */
  faultAfterMessages?: number;
  /** Largest datagram and contact count the decoder accepts. */
  limits?: Partial<DecodeLimits>;
}
