/**
 * The state one node's parts share. KadNode owns it and hands it to the
 * functions in answers.ts, lookup-runs.ts, operations.ts and jobs.ts; hosts
 * never see it (they read what KadNode exposes).
 */
import type { AddressCheck } from './address-check.js';
import type { KadConfig } from './config.js';
import type { LookupStep } from './events.js';
import type { HandOverQueue } from './hand-over-queue.js';
import type { Lookup } from './lookup.js';
import type { SourceEntry } from './messages.js';
import type { PeerIds } from './peers.js';
import type { SignedPart } from './messages.js';
import type { Random } from './random.js';
import type { RecordStore } from './records.js';
import type { RecordSpace } from './record-space.js';
import type { RoutingTable } from './routing-table.js';
import type { SourceStore } from './sources.js';
import { RequestTable } from './rpc-table.js';
import type { SignatureVerifier } from './signed.js';
import { WriteTokens } from './write-tokens.js';

export const SEC = 1000;

/** A value this node put and republishes. */
export interface Published {
  key: Uint8Array;
  value: Uint8Array;
  version: number;
  republishAt: number;
  signed: SignedPart | null;
}

/**
 * Everything one node knows, in one object: the output queues, the timer table and the request
 * table come from the classes it extends (see outbox.ts for why one object).
 */
/** A source value this node added as its own and republishes. */
export interface PublishedSource {
  key: Uint8Array;
  value: Uint8Array;
  republishAt: number;
}

export class NodeState extends RequestTable<Run> {
  /** Created with the first record / the first put (most swarm nodes hold few). */
  records: RecordStore | null = null;
  /** Where the record store keeps its rows: the host's shared space (a swarm shard's), or null for one of its own. */
  recordSpace: RecordSpace | null = null;
  published: Map<string, Published> | null = null;
  /** The sources kind (sources.ts): values held, and own values republished. */
  sources: SourceStore | null = null;
  publishedSources: Map<string, PublishedSource> | null = null;
  /** Hand-overs waiting for the pacing budget (hand-over.ts); null while none waits. */
  handOver: HandOverQueue | null = null;
  lastVersion = 0;
  joined = false;
  /** A join is running: the table is still filling, so it is no picture of who is closest (no hand-over meanwhile). */
  joining = false;
  /** Set by traceNextLookup(): the next lookup records its steps. */
  traceNext = false;
  /** False between stop() and resume(): the node neither answers nor acts. */
  up = true;
  /** Address validation state, when config.verifyAddresses is on (address-check.ts). */
  check: AddressCheck | null = null;
  /** Made on the first token issued or checked (requireWriteTokens), so nodes without draw nothing. */
  private writeTokens: WriteTokens | null = null;
  /** Checks signed records; injected by the host (null: signed records are refused). */
  verifier: SignatureVerifier | null = null;

  constructor(
    /** This node's handle in `peers`. */
    readonly self: number,
    readonly peers: PeerIds,
    config: KadConfig,
    rng: Random,
    table: RoutingTable,
    /** `now` when the node was made; bucket times are seconds since then. */
    readonly epoch: number,
  ) {
    super(table, config, rng);
  }

  get tokens(): WriteTokens {
    return (this.writeTokens ??= new WriteTokens(this.rng, this.config.writeTokenRotateMs));
  }
}

export function secondsSinceEpoch(s: NodeState, now: number): number {
  return Math.max(0, Math.floor((now - s.epoch) / SEC));
}

/** Where a findSources lookup hands the first SOURCES page of each node (source-ops.ts SourceGather). */
export interface SourceCollector {
  firstPage(peer: number, entries: SourceEntry[], next: number, key: Uint8Array, now: number): void;
}

/** What may enter a run's shortlist (lookup-guard.ts LookupGuard, issue 13's defences). */
export interface ShortlistRules {
  /** Offers `handle`, learned at `depth`, to `l` through the rules. */
  offer(s: NodeState, l: Lookup, handle: number, depth: number): void;
  /** Offers the table's `want` closest contacts at depth 1; returns how many the table had. */
  seed(s: NodeState, l: Lookup, want: number): number;
}

/** A lookup in progress and what to do with its outcome (lookup-runs.ts drives it). */
export interface Run {
  lookup: Lookup;
  key: Uint8Array;
  startedAt: number;
  value: Uint8Array | null;
  version: number;
  ttl: number;
  /** The signature parts of the value found, when it is signed. */
  signed: SignedPart | null;
  /** Write tokens from the replies, by peer (null until a reply carries one). */
  tokens: Map<number, Uint8Array> | null;
  valueDepth: number;
  valueFrom: number;
  timeoutWait: number;
  trace: LookupStep[] | null;
  /** How many of the table's closest contacts have been offered to the lookup. */
  seeded: number;
  /** A findSources run's collector (null for every other lookup). */
  gather: SourceCollector | null;
  /** Multiplies the timeout of its requests: 1, or 2^attempt for a retried join self-lookup. */
  timeoutScale: number;
  /** A lean join's lookup (join-lean.ts): the contacts in its replies are offered to the table. */
  learn: boolean;
  /** A lean join's range refresh: the run ends as soon as the bucket holding its target is full. */
  fillBucket: boolean;
  /** A lean join's lookup: past what the lookup itself needs, only candidates that may need this node are asked (join-learn.ts). */
  greet?: boolean;
  /**
   * A lean join's lookup: the join's self-lookup, whose candidates count as nodes this node knows
   * when it decides whom to greet, and whose answered candidates heard from it already.
   */
  neighbours?: Lookup;
  finish: (run: Run, now: number) => void;
  /** Shortlist rules (lookup-guard.ts) when a defence of issue 13 is on; absent otherwise. */
  guard?: ShortlistRules;
  /** A disjoint lookup's merged result: each path's `replicas` closest, closest first (a put stores at all). */
  union?: number[];
}
