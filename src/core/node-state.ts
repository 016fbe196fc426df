/**
 * The state one node's parts share. KadNode owns it and hands it to the
 * functions in answers.ts, lookup-runs.ts, operations.ts and jobs.ts; hosts
 * never see it (they read what KadNode exposes). Nothing here does anything.
 */
import type { KadConfig } from './config.js';
import type { LookupStep } from './events.js';
import type { Lookup } from './lookup.js';
import type { Outbox } from './outbox.js';
import type { PeerIds } from './peers.js';
import type { Random } from './random.js';
import type { RecordStore } from './records.js';
import type { RoutingTable } from './routing-table.js';
import type { RpcTable } from './rpc-table.js';
import type { Timers } from './timers.js';

export const SEC = 1000;

/** A value this node put and republishes. */
export interface Published {
  key: Uint8Array;
  value: Uint8Array;
  version: number;
  republishAt: number;
}

export interface NodeState {
  /** This node's handle in `peers`. */
  readonly self: number;
  readonly peers: PeerIds;
  readonly config: KadConfig;
  /** The node's own stream: every draw happens in a fixed order, so runs replay. */
  readonly rng: Random;
  readonly table: RoutingTable;
  /** `now` when the node was made; bucket times are seconds since then. */
  readonly epoch: number;
  readonly out: Outbox;
  readonly timers: Timers;
  readonly rpcs: RpcTable<Run>;
  /** Created with the first record / the first put (most swarm nodes hold few). */
  records: RecordStore | null;
  published: Map<string, Published> | null;
  lastVersion: number;
  joined: boolean;
  /** Set by traceNextLookup(): the next lookup records its steps. */
  traceNext: boolean;
  /** False between stop() and resume(): the node neither answers nor acts. */
  up: boolean;
}

export function secondsSinceEpoch(s: NodeState, now: number): number {
  return Math.max(0, Math.floor((now - s.epoch) / SEC));
}

/** A lookup in progress and what to do with its outcome (lookup-runs.ts drives it). */
export interface Run {
  lookup: Lookup;
  key: Uint8Array;
  startedAt: number;
  value: Uint8Array | null;
  version: number;
  ttl: number;
  valueDepth: number;
  valueFrom: number;
  timeoutWait: number;
  trace: LookupStep[] | null;
  /** How many of the table's closest contacts have been offered to the lookup. */
  seeded: number;
  finish: (run: Run, now: number) => void;
}
