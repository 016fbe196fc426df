/**
 * One Kademlia node, sans-IO. The host hands it messages with `handle(from,
 * msg, now)`, wakes it with `tick(now)` when asked through `host.wake`, and
 * delivers what it sends through `host.send`. It never reads a clock, never
 * sets a timer and draws randomness only from its own seeded stream, so the
 * same inputs in the same order give the same outputs (virtual time relies on it).
 *
 * Host contract: `send` and `wake` must not call back into the node
 * synchronously; deliver later, from the host's own loop.
 */
import { KadConfig } from './config.js';
import { ID_WORDS, compareDistance, idToWords, readIdBytes, writeIdWords } from './id.js';
import { Lookup, LookupKind, NEXT_FINISHED, NEXT_WAIT } from './lookup.js';
import { Message, MessageType, Reply, Request, isRequest } from './messages.js';
import { PeerIds } from './peers.js';
import { Random } from './random.js';
import { RecordStore, StoreOutcome, keyString } from './records.js';
import { Observe, RoutingTable } from './routing-table.js';

export type DropReason =
  | 'unmatched-reply'
  | 'wrong-reply-type'
  | 'from-self'
  | 'value-too-large'
  | 'store-older-version'
  | 'store-full'
  | 'late-reply';

export type NodeEvent =
  | { type: 'stored'; key: Uint8Array; version: number; cached: boolean }
  | { type: 'timeout'; peer: number; request: MessageType }
  | { type: 'lookup'; kind: 'find-node' | 'find-value'; cost: LookupCost }
  /** This node answered a FIND_VALUE from a cached copy. */
  | { type: 'cache-hit'; key: Uint8Array };

export interface NodeHost {
  send(node: KadNode, to: number, msg: Message): void;
  /** Call node.tick(t) at some t >= at. */
  wake(node: KadNode, at: number): void;
  drop(node: KadNode, reason: DropReason): void;
  event?(node: KadNode, ev: NodeEvent): void;
}

export interface LookupCost {
  /** Learned-from depth of the node that answered (the value holder, or the closest node found). */
  depth: number;
  /** Requests sent, timed-out ones included. */
  rpcs: number;
  timeouts: number;
  /** Milliseconds requests of this lookup spent waiting before they timed out. */
  timeoutWait: number;
  /** Milliseconds on the host's clock. */
  duration: number;
  /** Contacts that answered. */
  responded: number;
  /** The lookup step by step, when traceNextLookup() asked for it. */
  trace?: LookupStep[];
}

/** One step of a traced lookup; `t` is milliseconds since the lookup started. */
export interface LookupStep {
  t: number;
  step: 'query' | 'reply' | 'timeout' | 'value' | 'done';
  peer: number;
  /** Learned-from depth of the peer. */
  depth: number;
  /** reply: contacts in the reply that were new to the shortlist. */
  learned?: number;
  inflight: number;
}

export interface FindNodeResult extends LookupCost {
  closest: number[];
}

export interface GetResult extends LookupCost {
  found: boolean;
  value?: Uint8Array;
  version?: number;
}

export interface PutResult extends LookupCost {
  /** Nodes that acknowledged the STORE. */
  stored: number;
  version: number;
}

export interface JoinResult {
  ok: boolean;
  contacts: number;
  rpcs: number;
  duration: number;
}

const enum Purpose {
  Lookup = 0,
  BucketPing = 1,
  Store = 2,
  UserPing = 3,
}

interface Pending {
  peer: number;
  request: MessageType;
  sentAt: number;
  deadline: number;
  purpose: Purpose;
  run: Run | null;
  /** Past its timeout: the lookup has moved on, but a late reply is still taken until the grace deadline. */
  late: boolean;
  done: ((reply: Reply | null, now: number) => void) | null;
}

/** A lookup in progress and what to do with its outcome. */
interface Run {
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

interface Published {
  key: Uint8Array;
  value: Uint8Array;
  version: number;
  republishAt: number;
}

const SEC = 1000;

// Target words for the call in progress: lookup() copies them, closest() only reads them.
const targetScratch = new Uint32Array(ID_WORDS);

// Reply contact lists are views of a slab: allocating a small typed array costs far more than
// a view. A slab is never rewritten, only replaced when full, so a view stays valid while kept.
const SLAB = 16_384;
let slab = new Uint32Array(SLAB);
let slabUsed = 0;

function allocHandles(n: number): Uint32Array {
  if (slabUsed + n > SLAB) {
    slab = new Uint32Array(SLAB);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + n);
  slabUsed += n;
  return view;
}

export class KadNode {
  readonly table: RoutingTable;
  records: RecordStore | null = null;
  private published: Map<string, Published> | null = null;
  private pending: Map<number, Pending> | null = null;
  /** The earliest time the host has been asked to wake this node. */
  private wakeAt = Infinity;
  private refreshAt = Infinity;
  private replicateAt = Infinity;
  private republishAt = Infinity;
  private expireAt = Infinity;
  /** Node-wide RTT estimate for contacts with none of their own. */
  private srtt = 0;
  private rttvar = 0;
  private lastVersion = 0;
  readonly epoch: number;
  joined = false;
  /** Set by traceNextLookup(): the next lookup records its steps. */
  private traceNext = false;
  /** Cleared by the host to silence a node (churn, faults): it then neither answers nor acts. */
  up = true;

  constructor(
    /** This node's handle in `peers`. */
    readonly self: number,
    readonly peers: PeerIds,
    readonly config: KadConfig,
    readonly host: NodeHost,
    readonly rng: Random,
    now: number,
  ) {
    this.epoch = now;
    this.table = new RoutingTable(peers, self, {
      k: config.k,
      replacements: config.replacementCacheSize,
      maxFailures: config.maxFailures,
      bitsPerStep: config.bitsPerStep,
      pingIntervalSec: Math.round(config.bucketPingIntervalMs / SEC),
    });
  }

  get id(): Uint8Array {
    return this.peers.idOf(this.self);
  }

  // ---------------------------------------------------------------- inputs

  handle(from: number, msg: Message, now: number): void {
    if (!this.up) return;
    if (from === this.self) {
      this.host.drop(this, 'from-self');
      return;
    }
    if (isRequest(msg)) {
      this.heardFrom(from, -1, now);
      this.answer(from, msg, now);
      return;
    }
    const p = this.pending?.get(msg.rpc);
    if (!p || p.peer !== from) {
      this.host.drop(this, 'unmatched-reply');
      return;
    }
    if (msg.type !== replyTypeFor(p.request, msg.type)) {
      this.host.drop(this, 'wrong-reply-type');
      return;
    }
    this.pending!.delete(msg.rpc);
    if (p.late) this.host.drop(this, 'late-reply');
    const rtt = now - p.sentAt;
    this.sampleRtt(rtt);
    if (p.purpose === Purpose.BucketPing) this.table.pingResult(from, true, rtt);
    else this.heardFrom(from, rtt, now);
    switch (p.purpose) {
      case Purpose.Lookup:
        this.onLookupReply(p, msg, now);
        break;
      case Purpose.Store:
      case Purpose.UserPing:
        p.done?.(msg, now);
        break;
      default:
        break;
    }
  }

  /** Fires what is due at `now`: request timeouts, then maintenance. */
  tick(now: number): void {
    this.wakeAt = Infinity;
    if (!this.up) return;
    if (this.pending) {
      for (const [rpc, p] of this.pending) {
        if (p.deadline > now) continue;
        if (p.late || p.purpose !== Purpose.Lookup) this.pending.delete(rpc);
        if (!p.late) this.onTimeout(p, now);
      }
    }
    if (now >= this.expireAt) this.expireAt = this.records ? this.records.sweep(now) : Infinity;
    if (now >= this.refreshAt) this.refresh(now);
    if (now >= this.replicateAt) this.replicate(now);
    if (now >= this.republishAt) this.republish(now);
    this.scheduleNext();
  }

  /** Forgets in-flight work, as a crashed or paused process would; the host calls it when taking the node down. */
  stop(now: number): void {
    this.up = false;
    const pending = this.pending;
    this.pending = null;
    this.wakeAt = Infinity;
    // Operations in flight end now, with what they have: callers waiting on them are not left hanging.
    for (const p of pending?.values() ?? []) {
      if (p.run) {
        if (!p.run.lookup.finished) {
          p.run.lookup.finish();
          p.run.finish(p.run, now);
        }
      } else {
        p.done?.(null, now);
      }
    }
  }

  /** Brings a stopped node back, keeping its routing table and records (a paused process). */
  resume(): void {
    this.up = true;
  }

  // ------------------------------------------------------------ operations

  /** Joins through the bootstrap contacts: self-lookup, then refresh of every bucket beyond the nearest neighbour. */
  join(bootstraps: number[], now: number, done: (r: JoinResult) => void): void {
    for (const b of bootstraps) if (b !== this.self) this.table.observe(b);
    const self = idToWords(this.id);
    let rpcs = 0;
    this.lookup(LookupKind.FindNode, self, now, (run, t) => {
      rpcs += run.lookup.rpcs;
      const responded = run.lookup.succeededCount();
      const nearest = this.table.nearestBucket();
      const targets: Uint32Array[] = [];
      for (let b = nearest + 1; b < this.table.bucketCount; b++) {
        const target = new Uint32Array(ID_WORDS);
        this.table.randomIdInBucket(b, target, () => this.rng.nextU32());
        targets.push(target);
      }
      const finish = (end: number): void => {
        this.joined = responded > 0;
        this.refreshAt = Math.min(this.refreshAt, end + this.config.refreshMs);
        this.scheduleNext();
        done({ ok: responded > 0, contacts: this.table.size, rpcs, duration: end - now });
      };
      let left = targets.length;
      if (left === 0 || responded === 0) return finish(t);
      for (const target of targets) {
        this.lookup(LookupKind.FindNode, target, t, (r, end) => {
          rpcs += r.lookup.rpcs;
          if (--left === 0) finish(end);
        });
      }
    });
  }

  findNode(target: Uint8Array, now: number, done: (r: FindNodeResult) => void): void {
    writeIdWords(target, targetScratch, 0);
    this.lookup(LookupKind.FindNode, targetScratch, now, (run, end) => {
      const cost = this.costOf(run, end, closestDepth(run));
      this.host.event?.(this, { type: 'lookup', kind: 'find-node', cost });
      done({ ...cost, closest: run.lookup.results() });
    });
  }

  /** FIND_VALUE: ends at the first value, then caches it on the closest node that did not return it. */
  get(key: Uint8Array, now: number, done: (r: GetResult) => void): void {
    const local = this.records?.get(keyString(key), now);
    if (local) {
      done({ found: true, value: local.value, version: local.version, depth: 0, rpcs: 0, timeouts: 0, timeoutWait: 0, duration: 0, responded: 0 });
      return;
    }
    writeIdWords(key, targetScratch, 0);
    this.lookup(
      LookupKind.FindValue,
      targetScratch,
      now,
      (run, end) => {
        const found = run.value !== null;
        const cost = this.costOf(run, end, found ? run.valueDepth : closestDepth(run));
        this.host.event?.(this, { type: 'lookup', kind: 'find-value', cost });
        if (found && this.config.cacheOnLookupPath) this.cacheOnPath(run, end);
        done(found ? { ...cost, found, value: run.value!, version: run.version } : { ...cost, found });
      },
      key,
    );
  }

  /** Stores the value on the `replicas` closest nodes and remembers it for republishing. */
  put(key: Uint8Array, value: Uint8Array, now: number, done: (r: PutResult) => void, version?: number): void {
    if (value.length > this.config.maxValueBytes) {
      throw new RangeError(`value is ${value.length} bytes; the limit is ${this.config.maxValueBytes}`);
    }
    const v = version ?? Math.max(this.lastVersion + 1, Math.floor(now));
    this.lastVersion = Math.max(this.lastVersion, v);
    if (this.config.replicate) {
      if (!this.published) this.published = new Map();
      const republishAt = now + this.config.republishMs;
      this.published.set(keyString(key), { key, value, version: v, republishAt });
      this.republishAt = Math.min(this.republishAt, republishAt);
    }
    this.storeAtClosest(key, value, v, this.config.expireMs, now, done);
  }

  ping(peer: number, now: number, done: (alive: boolean, rttMs: number) => void): void {
    this.request(peer, { type: MessageType.Ping, rpc: 0 }, Purpose.UserPing, now, null, (reply, end) => {
      done(reply !== null, reply ? end - now : -1);
    });
  }

  /** The next lookup this node starts (findNode, get or put) records its steps in its cost's `trace`. */
  traceNextLookup(): void {
    this.traceNext = true;
  }

  // ---------------------------------------------------------------- answers

  private answer(from: number, msg: Request, now: number): void {
    switch (msg.type) {
      case MessageType.Ping:
        this.host.send(this, from, { type: MessageType.Pong, rpc: msg.rpc });
        return;
      case MessageType.FindNode:
        this.host.send(this, from, { type: MessageType.Nodes, rpc: msg.rpc, contacts: this.closestTo(msg.target, from) });
        return;
      case MessageType.FindValue: {
        const r = this.records?.get(keyString(msg.key), now);
        if (r) {
          if (r.cached) this.host.event?.(this, { type: 'cache-hit', key: msg.key });
          this.host.send(this, from, { type: MessageType.Value, rpc: msg.rpc, value: r.value, version: r.version, ttl: r.expiresAt - now });
        } else {
          this.host.send(this, from, { type: MessageType.Nodes, rpc: msg.rpc, contacts: this.closestTo(msg.key, from) });
        }
        return;
      }
      case MessageType.Store:
        this.host.send(this, from, { type: MessageType.StoreAck, rpc: msg.rpc, ok: this.accept(msg.key, msg.value, msg.version, msg.ttl, msg.cache, now) });
        return;
    }
  }

  private closestTo(target: Uint8Array, exclude: number): Uint32Array {
    writeIdWords(target, targetScratch, 0);
    const out = allocHandles(this.config.k);
    const n = this.table.closest(targetScratch, 0, this.config.k, out, exclude, false);
    return n === out.length ? out : out.subarray(0, n);
  }

  private accept(key: Uint8Array, value: Uint8Array, version: number, ttl: number, cached: boolean, now: number): boolean {
    if (value.length > this.config.maxValueBytes) {
      this.host.drop(this, 'value-too-large');
      return false;
    }
    const life = Math.min(ttl, this.config.expireMs) * (cached ? this.cacheScale(key) : 1);
    if (!this.records) this.records = new RecordStore(this.config.maxRecords);
    const outcome = this.records.put(key, value, version, now + life, cached, now);
    if (outcome === StoreOutcome.OlderVersion) {
      this.host.drop(this, 'store-older-version');
      return false;
    }
    if (outcome === StoreOutcome.Full) {
      this.host.drop(this, 'store-full');
      return false;
    }
    this.expireAt = Math.min(this.expireAt, now + life);
    if (this.config.replicate && !cached && this.replicateAt === Infinity) this.replicateAt = now + this.replicationDelay();
    this.host.event?.(this, { type: 'stored', key, version, cached });
    this.scheduleNext();
    return true;
  }

  /**
   * Cached copies expire sooner the farther this node is from the key: the
   * life is scaled by (distance to the k-th nearest neighbour) / (distance to
   * the key), i.e. inversely to the estimated number of nodes between this
   * node and the key, in units of k.
   */
  private cacheScale(key: Uint8Array): number {
    const ids = this.peers.words;
    const selfAt = this.self * ID_WORDS;
    const near = new Uint32Array(this.config.k);
    const n = this.table.closest(ids, selfAt, this.config.k, near);
    if (n < this.config.k) return 1;
    const kw = idToWords(key);
    let dKey = 0;
    let dK = 0;
    const kthAt = near[n - 1]! * ID_WORDS;
    for (let w = 0; w < ID_WORDS; w++) {
      dKey = dKey * 4294967296 + ((kw[w]! ^ ids[selfAt + w]!) >>> 0);
      dK = dK * 4294967296 + ((ids[kthAt + w]! ^ ids[selfAt + w]!) >>> 0);
    }
    return dKey <= dK ? 1 : dK / dKey;
  }

  // ---------------------------------------------------------------- lookups

  private lookup(kind: LookupKind, target: Uint32Array, now: number, finish: Run['finish'], key?: Uint8Array): Run {
    const k = this.config.k;
    const lookup = new Lookup(kind, this.peers, target, 0, k, this.config.alpha, 2 * k, this.self);
    const seeds = new Uint32Array(k);
    const n = this.table.closest(target, 0, k, seeds, -1, false);
    for (let i = 0; i < n; i++) lookup.add(seeds[i]!, 1);
    this.table.touchBucketFor(target, 0, this.secondsSinceEpoch(now));
    const run: Run = {
      lookup,
      key: key ?? readIdBytes(target, 0),
      startedAt: now,
      value: null,
      version: 0,
      ttl: 0,
      valueDepth: 0,
      valueFrom: -1,
      timeoutWait: 0,
      trace: this.traceNext ? [] : null,
      seeded: n,
      finish,
    };
    this.traceNext = false;
    this.pump(run, now);
    return run;
  }

  private pump(run: Run, now: number): void {
    const l = run.lookup;
    if (!this.up && !l.finished) {
      l.finish();
      run.finish(run, now);
      return;
    }
    for (;;) {
      const peer = l.next(now);
      if (peer === NEXT_WAIT) return;
      if (peer === NEXT_FINISHED) {
        if (this.refill(run)) continue;
        run.trace?.push({ t: now - run.startedAt, step: 'done', peer: -1, depth: 0, inflight: l.inflight });
        run.finish(run, now);
        return;
      }
      const msg: Request =
        l.kind === LookupKind.FindValue
          ? { type: MessageType.FindValue, rpc: 0, key: run.key }
          : { type: MessageType.FindNode, rpc: 0, target: run.key };
      l.setDeadline(peer, this.request(peer, msg, Purpose.Lookup, now, run, null));
      run.trace?.push({ t: now - run.startedAt, step: 'query', peer, depth: l.depthOf(peer), inflight: l.inflight });
    }
  }

  /**
   * A lookup that ran out of candidates with fewer than k answers takes the table's next closest
   * contacts: its first picks may all have been dead (with k = 3 and half the nodes gone, one
   * lookup in eight), while farther buckets still hold live ones. False when the table has no more.
   */
  private refill(run: Run): boolean {
    const l = run.lookup;
    if (l.succeededCount() >= l.want || run.seeded >= this.table.size) return false;
    const want = Math.min(this.table.size, run.seeded + this.config.k);
    const out = new Uint32Array(want);
    const n = this.table.closest(l.target, 0, want, out, -1, false);
    run.seeded = want;
    const before = l.size;
    // Known candidates (the earlier picks, failed ones included) are recognised and skipped.
    for (let i = 0; i < n; i++) l.add(out[i]!, 1);
    if (l.size === before && !l.hasUncontacted()) return this.refill(run);
    l.reopen();
    return true;
  }

  private onLookupReply(p: Pending, msg: Reply, now: number): void {
    const run = p.run!;
    const l = run.lookup;
    if (l.finished) return;
    const depth = l.depthOf(p.peer);
    if (depth < 0) return;
    if (msg.type === MessageType.Value) {
      l.onSuccess(p.peer);
      run.value = msg.value;
      run.version = msg.version;
      run.ttl = msg.ttl;
      run.valueDepth = depth;
      run.valueFrom = p.peer;
      l.finish();
      run.trace?.push({ t: now - run.startedAt, step: 'value', peer: p.peer, depth, inflight: l.inflight });
      run.finish(run, now);
      return;
    }
    if (msg.type === MessageType.Nodes) {
      const before = l.size;
      l.onSuccess(p.peer, msg.contacts);
      run.trace?.push({ t: now - run.startedAt, step: 'reply', peer: p.peer, depth, learned: l.size - before, inflight: l.inflight });
    }
    this.pump(run, now);
  }

  private cacheOnPath(run: Run, now: number): void {
    const peer = run.lookup.closestSucceeded(run.valueFrom);
    if (peer < 0) return;
    const msg: Request = { type: MessageType.Store, rpc: 0, key: run.key, value: run.value!, version: run.version, ttl: run.ttl, cache: true };
    this.request(peer, msg, Purpose.Store, now, null, null);
  }

  private costOf(run: Run, end: number, depth: number): LookupCost {
    const l = run.lookup;
    const cost: LookupCost = { depth, rpcs: l.rpcs, timeouts: l.timeouts, timeoutWait: run.timeoutWait, duration: end - run.startedAt, responded: l.succeededCount() };
    if (run.trace) cost.trace = run.trace;
    return cost;
  }

  // ------------------------------------------------------------------ store

  private storeAtClosest(key: Uint8Array, value: Uint8Array, version: number, ttl: number, now: number, done: (r: PutResult) => void): void {
    const keyWords = idToWords(key);
    this.lookup(LookupKind.FindNode, keyWords, now, (run, t) => {
      const replicas = this.config.replicas;
      let targets = run.lookup.results(replicas);
      const base = this.costOf(run, t, closestDepth(run));
      let stored = 0;
      // The storing node is a node like any other: it keeps a replica when it is among the closest.
      const last = targets[targets.length - 1];
      const ids = this.peers.words;
      if (targets.length < replicas || compareDistance(ids, this.self * ID_WORDS, last! * ID_WORDS, keyWords, 0) < 0) {
        if (this.accept(key, value, version, ttl, false, t)) stored++;
        targets = targets.slice(0, replicas - 1);
      }
      let left = targets.length;
      let timeouts = base.timeouts;
      if (left === 0) return done({ ...base, stored, version });
      for (const peer of targets) {
        const msg: Request = { type: MessageType.Store, rpc: 0, key, value, version, ttl, cache: false };
        this.request(peer, msg, Purpose.Store, t, null, (reply, end) => {
          if (reply && reply.type === MessageType.StoreAck && reply.ok) stored++;
          if (!reply) timeouts++;
          if (--left === 0) done({ ...base, rpcs: base.rpcs + targets.length, timeouts, duration: end - run.startedAt, stored, version });
        });
      }
    });
  }

  // ------------------------------------------------------------ maintenance

  private refresh(now: number): void {
    const nowSec = this.secondsSinceEpoch(now);
    const periodSec = Math.ceil(this.config.refreshMs / SEC);
    let earliest = Infinity;
    for (let b = 0; b < this.table.bucketCount; b++) {
      if (nowSec - this.table.lastLookupSec(b) >= periodSec) {
        const target = new Uint32Array(ID_WORDS);
        this.table.randomIdInBucket(b, target, () => this.rng.nextU32());
        this.lookup(LookupKind.FindNode, target, now, () => {});
      }
    }
    for (let b = 0; b < this.table.bucketCount; b++) earliest = Math.min(earliest, this.table.lastLookupSec(b));
    this.refreshAt = Math.max(now + SEC, this.epoch + (earliest + periodSec) * SEC);
  }

  /** Pushes each replica not STOREd here within the last interval to the current k closest, keeping its expiry. */
  /**
   * The replication period with ±25 % jitter. The paper relies on nodes' timers
   * being out of step: the first holder to replicate refreshes the others,
   * which then skip the key. Holders that all received the same STORE at the
   * same instant would otherwise replicate in lockstep and all skip every
   * other round.
   */
  private replicationDelay(): number {
    return this.config.replicateMs * (0.75 + 0.5 * this.rng.next());
  }

  private replicate(now: number): void {
    this.replicateAt = now + this.replicationDelay();
    if (!this.records) return;
    for (const r of this.records.map.values()) {
      if (r.cached || r.expiresAt <= now || now - r.storedAt < this.config.replicateMs) continue;
      r.storedAt = now;
      this.storeAtClosest(r.key, r.value, r.version, r.expiresAt - now, now, () => {});
    }
  }

  private republish(now: number): void {
    let next = Infinity;
    for (const p of this.published?.values() ?? []) {
      if (p.republishAt <= now) {
        p.republishAt = now + this.config.republishMs;
        this.storeAtClosest(p.key, p.value, p.version, this.config.expireMs, now, () => {});
      }
      next = Math.min(next, p.republishAt);
    }
    this.republishAt = next;
  }

  // -------------------------------------------------------------- requests

  /** Sends a request and returns its deadline (-1 when the node is down and nothing was sent). */
  private request(peer: number, msg: Request, purpose: Purpose, now: number, run: Run | null, done: Pending['done']): number {
    if (!this.up) {
      done?.(null, now);
      return -1;
    }
    let rpc = this.rng.nextU32();
    if (!this.pending) this.pending = new Map();
    while (this.pending.has(rpc)) rpc = this.rng.nextU32();
    msg.rpc = rpc;
    const deadline = now + this.timeoutFor(peer);
    this.pending.set(rpc, { peer, request: msg.type, sentAt: now, deadline, purpose, run, done, late: false });
    this.host.send(this, peer, msg);
    this.wakeBy(deadline);
    return deadline;
  }

  private onTimeout(p: Pending, now: number): void {
    this.host.event?.(this, { type: 'timeout', peer: p.peer, request: p.request });
    if (p.purpose === Purpose.BucketPing) {
      this.table.pingResult(p.peer, false);
      return;
    }
    this.table.fail(p.peer);
    if (p.purpose === Purpose.Lookup) {
      // Free the slot now, but keep listening: a slow answer still counts if the lookup is running.
      p.late = true;
      p.deadline = now + this.config.maxTimeoutMs;
      const run = p.run!;
      run.timeoutWait += now - p.sentAt;
      const l = run.lookup;
      if (l.finished) return;
      l.onFailure(p.peer);
      const depth = l.depthOf(p.peer);
      run.trace?.push({ t: now - run.startedAt, step: 'timeout', peer: p.peer, depth: depth < 0 ? 0 : depth, inflight: l.inflight });
      this.pump(run, now);
      return;
    }
    p.done?.(null, now);
  }

  private heardFrom(peer: number, rtt: number, now: number): void {
    if (this.table.observe(peer, rtt, this.secondsSinceEpoch(now)) === Observe.Ping) {
      this.request(this.table.pingTarget, { type: MessageType.Ping, rpc: 0 }, Purpose.BucketPing, now, null, null);
    }
  }

  /** RFC 6298-style timeout: srtt + 4·rttvar of the contact, else of the node, within [min, max]. */
  private timeoutFor(peer: number): number {
    const c = this.config;
    const own = this.table.rttOf(peer);
    let rto: number;
    if (own) rto = own.srtt + 4 * own.rttvar;
    // The node-wide estimate mixes near and far peers: be twice as patient with a stranger.
    else if (this.srtt > 0) rto = 2 * (this.srtt + 4 * this.rttvar);
    else rto = c.initialTimeoutMs;
    return Math.min(c.maxTimeoutMs, Math.max(c.minTimeoutMs, rto));
  }

  private sampleRtt(rtt: number): void {
    if (this.srtt === 0) {
      this.srtt = Math.max(rtt, 0.001);
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
  }

  // ---------------------------------------------------------------- timers

  private wakeBy(at: number): void {
    if (at < this.wakeAt) {
      this.wakeAt = at;
      this.host.wake(this, at);
    }
  }

  private scheduleNext(): void {
    let next = Math.min(this.refreshAt, this.replicateAt, this.republishAt, this.expireAt);
    if (this.pending) for (const p of this.pending.values()) if (p.deadline < next) next = p.deadline;
    if (next < Infinity) this.wakeBy(next);
  }

  private secondsSinceEpoch(now: number): number {
    return Math.max(0, Math.floor((now - this.epoch) / SEC));
  }

  // ---------------------------------------------------------------- reports

  /** Number of requests awaiting a reply. */
  get pendingCount(): number {
    return this.pending?.size ?? 0;
  }

  get recordCount(): number {
    return this.records?.size ?? 0;
  }
}

function replyTypeFor(request: MessageType, reply: MessageType): MessageType {
  switch (request) {
    case MessageType.Ping:
      return MessageType.Pong;
    case MessageType.Store:
      return MessageType.StoreAck;
    case MessageType.FindNode:
      return MessageType.Nodes;
    case MessageType.FindValue:
      return reply === MessageType.Value ? MessageType.Value : MessageType.Nodes;
    default:
      return -1 as MessageType;
  }
}

function closestDepth(run: Run): number {
  const peer = run.lookup.closestSucceeded();
  return peer < 0 ? 0 : run.lookup.depthOf(peer);
}
