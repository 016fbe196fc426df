/**
 * One Kademlia node, sans-IO and polled (in the style of quinn-proto): the
 * host feeds it inputs and operations, then pulls what it produced. It never
 * calls the host, never reads a clock, never sets a timer and draws
 * randomness only from its own seeded stream, so the same inputs in the same
 * order give the same outputs (virtual time relies on it).
 *
 * Inputs: handle(from, msg, now), handleTimeout(now), the operations (join,
 * findNode, get, put, ping: each ends with one 'done' event carrying the
 * caller's `op` token), stop / resume, addContact. Outputs: pollTransmit
 * (+ transmitTo), pollTimeout, pollEvent. See index.ts for the host contract.
 *
 * This class ties the parts together; the work is in peer-input.ts (what a
 * message, a request's timeout or stopping does), answers.ts (requests this node
 * answers), rpc-table.ts (requests it made), lookup-runs.ts and operations.ts
 * (what it runs), jobs.ts (maintenance) and timers.ts.
 */
import { AddressCheck } from './address-check.js';
import { KadConfig } from './config.js';
import type { DropReason, NodeEvent } from './events.js';
import { runDueJobs } from './jobs.js';
import type { Run } from './lookup-runs.js';
import type { Message, MessageType, SignedPart } from './messages.js';
import type { SignatureVerifier } from './signed.js';
import { NodeShared, NodeState } from './node-state.js';
import { join } from './join.js';
import * as ops from './operations.js';
import { addSource, findSources } from './source-ops.js';
import type { SourceStore } from './sources.js';
import { PeerIds } from './peers.js';
import { Random } from './random.js';
import type { RecordStore } from './records.js';
import type { RecordSpace } from './record-space.js';
import { RoutingTable } from './routing-table.js';
import { tableOptionsOf } from './table-shape.js';
import { handleMessage, requestTimedOut, stopNode } from './peer-input.js';
import type { Pending } from './rpc-table.js';
import { INDEX_CONTACTS, type ContactSizes } from './wire-sizes.js';

export class KadNode {
  // Everything lives in the one state object (see outbox.ts): a node is this wrapper and it.
  private readonly s: NodeState;

  constructor(
    /** This node's handle in `peers`. */
    self: number,
    /** The peer IDs, or what the host's nodes share (a swarm shard's one NodeShared: see node-state.ts). */
    peers: PeerIds | NodeShared,
    config: KadConfig,
    rng: Random,
    now: number,
    /** Bytes per contact on the host's wire, for the amplification budget (default: the swarm's index contacts). */
    sizes: ContactSizes = INDEX_CONTACTS,
  ) {
    const ids = peers instanceof NodeShared ? peers.peers : peers;
    const table = new RoutingTable(ids, self, tableOptionsOf(config));
    this.s = new NodeState(self, peers, config, rng, table, now);
    if (config.verifyAddresses) this.s.check = new AddressCheck(config.amplificationFactor, config.verifyPingsPerSecond, sizes);
  }

  get self(): number {
    return this.s.self;
  }
  get peers(): PeerIds {
    return this.s.peers;
  }
  get config(): KadConfig {
    return this.s.config;
  }
  get rng(): Random {
    return this.s.rng;
  }
  get table(): RoutingTable {
    return this.s.table;
  }
  get epoch(): number {
    return this.s.epoch;
  }

  get id(): Uint8Array {
    return this.peers.idOf(this.self);
  }

  /** False between stop() and resume(). */
  get up(): boolean {
    return this.s.up;
  }

  /** True once a join reached at least one contact. */
  get joined(): boolean {
    return this.s.joined;
  }

  /** The records this node holds (null before the first); read-only to hosts. */
  get records(): RecordStore | null {
    return this.s.records;
  }

  /** The source values this node holds (null before the first); read-only to hosts. */
  get sources(): SourceStore | null {
    return this.s.sources;
  }

  // ---------------------------------------------------------------- inputs

  /**
   * A message from peer `from`. `bytes` is the datagram's size on the wire when the host knows
   * it: with verifyAddresses on, it sets what may be sent back to an unverified sender.
   */
  handle(from: number, msg: Message, now: number, bytes = -1): void {
    handleMessage(this.s, from, msg, now, bytes);
  }

  /** Fires what is due at `now`: request timeouts (in the order sent), then expiry, refresh, replication, republish. */
  handleTimeout(now: number): void {
    const s = this.s;
    if (!s.up) {
      s.dormant = true; // a stopped node forgets its wake-up, as the old core did (see timers.ts)
      return;
    }
    s.expireRequests(now, this);
    runDueJobs(s, now);
    s.rearm();
  }

  /**
   * The host checked `peer`'s address itself (a bootstrap that answered the host's own PING):
   * its requests count as verified. No effect with verifyAddresses off.
   */
  addressVerified(peer: number): void {
    this.s.check?.verify(peer);
  }

  /** True when `peer`'s address is verified, or verification is off. */
  isVerified(peer: number): boolean {
    return this.s.check?.isVerified(peer) ?? true;
  }

  /**
   * True when this node answered a request from `peer` (so `peer` has most likely verified this
   * node's address), or verification is off. A host pads first requests to other peers so
   * their replies fit the peer's amplification budget.
   */
  hasAnswered(peer: number): boolean {
    return this.s.check?.hasAnswered(peer) ?? true;
  }

  /** The host gives `peer`'s handle to another (ID, address): its verification state is cleared. */
  forget(peer: number): void {
    this.s.check?.forget(peer);
  }

  /** A contact from outside the protocol (an oracle-filled table); no ping is sent for a full bucket. */
  addContact(peer: number): void {
    this.table.observe(peer);
  }

  /**
   * Forgets in-flight work, as a crashed or paused process would; the host calls it when taking
   * the node down. Operations in flight end now with what they have (their 'done' events are
   * queued): callers waiting on them are not left hanging.
   */
  stop(now: number): void {
    stopNode(this.s, now);
  }

  /**
   * The host drops this node (it replaces it with a fresh one): its records' rows and its pinned
   * puts go back to the host's record space, its routing table's words to the thread's table
   * slab (table-slab.ts). The node must not be used after.
   */
  discard(): void {
    this.s.dropStorage();
    this.s.table.release();
  }

  /** Brings a stopped node back, keeping its routing table and records (a paused process). */
  resume(): void {
    this.s.up = true;
  }

  // ------------------------------------------------------------ operations

  /** Joins through the bootstrap contacts: self-lookup, then refreshes of the far ranges (join.ts; joinMode picks the paper's or the lean one). */
  join(bootstraps: number[], now: number, op = 0): void {
    join(this.s, bootstraps, now, op);
  }

  findNode(target: Uint8Array, now: number, op = 0): void {
    ops.findNode(this.s, target, now, op);
  }

  /** FIND_VALUE: ends at the first value, then caches it on the closest node that did not return it. A local record answers at once. */
  get(key: Uint8Array, now: number, op = 0): void {
    ops.get(this.s, key, now, op);
  }

  /** Stores the value on the `replicas` closest nodes and remembers it for republishing. Throws RangeError for a value over maxValueBytes. */
  put(key: Uint8Array, value: Uint8Array, now: number, op = 0, version?: number): void {
    ops.put(this.s, key, value, now, op, version);
  }

  /**
   * Stores a signed (mutable) record: `key` must be SHA-1(publicKey ‖ salt) and `signed` the
   * publisher's signature over (salt, seq, value), made by the host (src/net/ed25519.ts); nodes
   * replace it only with a valid one of higher seq.
   */
  putSigned(key: Uint8Array, value: Uint8Array, seq: number, signed: SignedPart, now: number, op = 0): void {
    ops.put(this.s, key, value, now, op, seq, signed);
  }

  /**
   * Where this node's records live: a space the host shares between the nodes of one thread
   * (record-space.ts), set before the first record arrives; unset, the node makes its own.
   */
  set recordSpace(space: RecordSpace | null) {
    this.s.recordSpace = space;
  }

  /** The host's signature checker for signed records (none: every signed record is refused). */
  set verifier(v: SignatureVerifier | null) {
    this.s.verifier = v;
  }

  ping(peer: number, now: number, op = 0): void {
    ops.ping(this.s, peer, now, op);
  }

  /** Adds `value` to the sources set under key on the k closest nodes, as this node's own (republished). Throws RangeError over maxSourceValueBytes. */
  addSource(key: Uint8Array, value: Uint8Array, now: number, op = 0): void {
    addSource(this.s, key, value, now, op);
  }

  /** The union of the source values under key held by the k closest nodes (every page of each), with how many contributed. */
  findSources(key: Uint8Array, now: number, op = 0): void {
    findSources(this.s, key, now, op);
  }

  /** The next lookup this node starts (findNode, get or put) records its steps in its cost's `trace`. */
  traceNextLookup(): void {
    this.s.traceNext = true;
  }

  // --------------------------------------------------------------- outputs

  /** The next message to send (to `transmitTo`), in the order the node made them; null when none is left. */
  pollTransmit(): Message | null {
    return this.s.pollTransmit();
  }

  /** Destination handle of the message pollTransmit just returned. */
  get transmitTo(): number {
    return this.s.transmitTo;
  }

  /** The earliest time handleTimeout must run; Infinity when nothing is armed. */
  pollTimeout(): number {
    return this.s.earliestTimer();
  }

  /** The next event (drops, stores, timeouts, lookups, cache hits, done), in the order they happened. */
  pollEvent(): NodeEvent | null {
    return this.s.pollEvent();
  }

  // -------------------------------------------------------------- internals

  /** @internal The request table's callback for a request past its deadline (see RequestTable.expireRequests). */
  onRequestTimeout(p: Pending<Run>, now: number): void {
    requestTimedOut(this.s, p, now);
  }

  // ---------------------------------------------------------------- queries

  /**
   * Read-only: null when a reply of `type` with `rpc` from `from` answers a request this node is
   * waiting on, else the reason handle() would drop it. Lets a host check a reply before it
   * interns the peers the reply names.
   */
  matchReply(from: number, type: MessageType, rpc: number): DropReason | null {
    if (from === this.self) return 'from-self';
    return this.s.matchReply(from, type, rpc);
  }

  /**
   * True when the node holds `peer`'s handle: in its routing table or replacement cache, in a
   * pending request or a running lookup (itself included). A host that reuses handles (the UDP
   * address book) reclaims only handles for which this is false.
   */
  isReferenced(peer: number): boolean {
    if (peer === this.s.self) return true;
    return this.table.holds(peer) || this.s.refersTo(peer);
  }

  // ---------------------------------------------------------------- reports

  /** Number of requests awaiting a reply. */
  get pendingCount(): number {
    return this.s.pendingCount;
  }

  get recordCount(): number {
    return this.s.records?.size ?? 0;
  }
}
