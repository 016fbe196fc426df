/**
 * The state one node's parts share. KadNode owns it and hands it to the
 * functions in answers.ts, lookup-runs.ts, operations.ts and jobs.ts; hosts
 * never see it (they read what KadNode exposes).
 *
 * Density (bytes per node matter: a shard holds tens of thousands): each field costs 8 bytes
 * in every node, and a number that is not a small integer costs a 16-byte box besides, so
 * fields few nodes use live in an object made on first use, and the accessors below keep the
 * names the rest of the core reads and writes.
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
import { keyString, type RecordStore } from './records.js';
import { RecordSpace } from './record-space.js';
import { Published, type PublishedSource } from './published.js';
import type { RoutingTable } from './routing-table.js';
import type { SourceStore } from './sources.js';
import { RequestTable } from './rpc-table.js';
import type { SignatureVerifier } from './signed.js';
import { WriteTokens } from './write-tokens.js';

export const SEC = 1000;

/**
 * What few swarm nodes ever need, made on first use: after a join a node holds no record, put,
 * source, hand-over or write token, so eight fields (64 bytes) live here instead of in every
 * node's state. A UDP node with address checks on makes it at once (it is one node).
 */
class NodeExtras {
  records: RecordStore | null = null;
  published: Map<string, Published> | null = null;
  sources: SourceStore | null = null;
  publishedSources: Map<string, PublishedSource> | null = null;
  handOver: HandOverQueue | null = null;
  lastVersion = 0;
  check: AddressCheck | null = null;
  writeTokens: WriteTokens | null = null;
}

// Bits of NodeTimers.flags past the timers' own (Flag.Dormant): one small integer for five booleans.
const enum Flag {
  Up = 2,
  Joined = 4,
  Joining = 8,
  TraceNext = 16,
}

/**
 * Where the nodes of one host find what they share: the peer IDs, the record space and the
 * signature checker. A swarm shard makes one for all its nodes; a node whose host sets its own
 * space or verifier gets a copy of its own (copy on write).
 */
export class NodeShared {
  constructor(
    readonly peers: PeerIds,
    readonly recordSpace: RecordSpace | null = null,
    readonly verifier: SignatureVerifier | null = null,
  ) {}
}

/**
 * Everything one node knows, in one object: the random stream, the output queues, the timer
 * table and the request table come from the classes it extends (see outbox.ts for why one
 * object). What most nodes never use is in NodeExtras, what a host's nodes share in NodeShared,
 * and the booleans are bits of one word (timers.ts `flags`): a node's state is 160 bytes with
 * its stream (it was 304, then 192 + a 56-byte Random: bench/node-bytes.mjs).
 */
export class NodeState extends RequestTable<Run> {
  private extras: NodeExtras | null = null;
  shared: NodeShared;

  constructor(
    /** This node's handle in `peers`. */
    readonly self: number,
    peers: PeerIds | NodeShared,
    config: KadConfig,
    rng: Random,
    table: RoutingTable,
    /** `now` when the node was made; bucket times are seconds since then. */
    epoch: number,
  ) {
    super(table, config, rng);
    this.shared = peers instanceof NodeShared ? peers : new NodeShared(peers);
    this.flags |= Flag.Up;
    this.setEpoch(epoch);
  }

  private more(): NodeExtras {
    return (this.extras ??= new NodeExtras());
  }

  get peers(): PeerIds {
    return this.shared.peers;
  }

  /** Created with the first record / the first put (most swarm nodes hold few). */
  get records(): RecordStore | null {
    return this.extras === null ? null : this.extras.records;
  }
  set records(v: RecordStore | null) {
    if (v !== null || this.extras !== null) this.more().records = v;
  }
  get published(): Map<string, Published> | null {
    return this.extras === null ? null : this.extras.published;
  }
  set published(v: Map<string, Published> | null) {
    if (v !== null || this.extras !== null) this.more().published = v;
  }
  /** The sources kind (sources.ts): values held, and own values republished. */
  get sources(): SourceStore | null {
    return this.extras === null ? null : this.extras.sources;
  }
  set sources(v: SourceStore | null) {
    if (v !== null || this.extras !== null) this.more().sources = v;
  }
  get publishedSources(): Map<string, PublishedSource> | null {
    return this.extras === null ? null : this.extras.publishedSources;
  }
  set publishedSources(v: Map<string, PublishedSource> | null) {
    if (v !== null || this.extras !== null) this.more().publishedSources = v;
  }
  /** Hand-overs waiting for the pacing budget (hand-over.ts); null while none waits. */
  get handOver(): HandOverQueue | null {
    return this.extras === null ? null : this.extras.handOver;
  }
  set handOver(v: HandOverQueue | null) {
    if (v !== null || this.extras !== null) this.more().handOver = v;
  }
  get lastVersion(): number {
    return this.extras === null ? 0 : this.extras.lastVersion;
  }
  set lastVersion(v: number) {
    if (v !== 0 || this.extras !== null) this.more().lastVersion = v;
  }
  /** Address validation state, when config.verifyAddresses is on (address-check.ts). */
  get check(): AddressCheck | null {
    return this.extras === null ? null : this.extras.check;
  }
  set check(v: AddressCheck | null) {
    if (v !== null || this.extras !== null) this.more().check = v;
  }
  /** Made on the first token issued or checked (requireWriteTokens), so nodes without draw nothing. */
  get tokens(): WriteTokens {
    const x = this.more();
    return (x.writeTokens ??= new WriteTokens(this.rng, this.config.writeTokenRotateMs));
  }

  /** Where the record store keeps its rows: the host's shared space (a swarm shard's), or null for one of its own. */
  get recordSpace(): RecordSpace | null {
    return this.shared.recordSpace;
  }
  set recordSpace(v: RecordSpace | null) {
    const h = this.shared;
    if (v !== h.recordSpace) this.shared = new NodeShared(h.peers, v, h.verifier);
  }
  /** Checks signed records; injected by the host (null: signed records are refused). */
  get verifier(): SignatureVerifier | null {
    return this.shared.verifier;
  }
  set verifier(v: SignatureVerifier | null) {
    const h = this.shared;
    if (v !== h.verifier) this.shared = new NodeShared(h.peers, h.recordSpace, v);
  }

  /** Remembers this node's own put of key (replacing an earlier one) to republish it at `republishAt`. */
  publish(key: Uint8Array, value: Uint8Array, version: number, republishAt: number, signed: SignedPart | null): void {
    // A host without a shared space (the UDP node) gets one of its own, which its records then use too.
    const space = this.recordSpace ?? (this.recordSpace = new RecordSpace());
    const map = (this.published ??= new Map());
    const tag = keyString(key);
    map.get(tag)?.unpin();
    map.set(tag, new Published(space, space.pin(key, value), version, republishAt, signed));
  }

  /** Gives back what the node holds in its host's record space (rows and pins): the host drops the node. */
  dropStorage(): void {
    this.records?.clear();
    for (const p of this.published?.values() ?? []) p.unpin();
    this.published = null;
  }

  /** False between stop() and resume(): the node neither answers nor acts. */
  get up(): boolean {
    return (this.flags & Flag.Up) !== 0;
  }
  set up(v: boolean) {
    this.flags = v ? this.flags | Flag.Up : this.flags & ~Flag.Up;
  }
  get joined(): boolean {
    return (this.flags & Flag.Joined) !== 0;
  }
  set joined(v: boolean) {
    this.flags = v ? this.flags | Flag.Joined : this.flags & ~Flag.Joined;
  }
  /** A join is running: the table is still filling, so it is no picture of who is closest (no hand-over meanwhile). */
  get joining(): boolean {
    return (this.flags & Flag.Joining) !== 0;
  }
  set joining(v: boolean) {
    this.flags = v ? this.flags | Flag.Joining : this.flags & ~Flag.Joining;
  }
  /** Set by traceNextLookup(): the next lookup records its steps. */
  get traceNext(): boolean {
    return (this.flags & Flag.TraceNext) !== 0;
  }
  set traceNext(v: boolean) {
    this.flags = v ? this.flags | Flag.TraceNext : this.flags & ~Flag.TraceNext;
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
