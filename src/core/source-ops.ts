/**
 * The sources kind's side of the node (see sources.ts for the store): ADD_SOURCE and
 * FIND_SOURCES answered, addSource (lookup, then ADD_SOURCE to the k closest), findSources (a
 * lookup that runs to the k closest like FIND_NODE, reads every holder's pages and returns the
 * union), and the replication and republish of source values.
 *
 * A value is identified by (publisher ID, value); the publisher is an ID, not a handle, because
 * replication carries it from node to node and handles are local to each node.
 */
import type { AddSourceResult, DropReason, FindSourcesResult, LookupCost, SourceFound } from './events.js';
import { ID_WORDS, compareDistance, idToWords, writeIdWords } from './id.js';
import { LookupKind } from './lookup.js';
import { MessageType, StoreCode, type AddSource, type FindSources, type Reply, type SourceEntry } from './messages.js';
import type { NodeState, Run, SourceCollector } from './node-state.js';
import { keyString } from './records.js';
import { Purpose, request, type Waiter } from './rpc-table.js';
import { closestDepth, costOf, startLookup } from './lookup-runs.js';
import { SOURCE_REPLY_CONTACT_BYTES } from './source-sizes.js';
import { SourceOutcome, SourceStore } from './sources.js';
import { targetScratch } from './scratch.js';
import { closestTo } from './table-select.js';
import { TimerKind, replicationDelay } from './timers.js';
import { sourcesBytesMax } from './wire-sizes.js';

const NO_CONTACTS = new Uint32Array(0);

// ------------------------------------------------------------------ answering

export function answerAddSource(s: NodeState, from: number, msg: AddSource, now: number): void {
  let code: StoreCode;
  // As for STORE (answers.ts): without the token a spoofed source cannot store, nor spend another's share.
  if (s.config.requireWriteTokens && !s.tokens.valid(s.peers.addressKey(from), msg.token, now)) {
    s.drop('store-bad-token');
    code = StoreCode.BadToken;
  } else {
    code = acceptSource(s, msg.key, msg.value, msg.publisher, msg.ttl, now, s.peers.groupKey(from));
  }
  s.send(from, { type: MessageType.StoreAck, rpc: msg.rpc, ok: code === StoreCode.Ok, code });
}

/** One page of the values held under the key; the first page (cursor 0) also carries the closest contacts. */
export function answerFindSources(s: NodeState, from: number, msg: FindSources, now: number, budget = Infinity): void {
  if (budget !== Infinity) {
    // An unverified requester (address-check.ts): no contacts, and only the values that fit its
    // amplification budget (none when not even an empty page fits); once verified it reads the rest.
    const room = Math.min(s.config.sourceReplyBytes, budget - sourcesBytesMax(0));
    if (room < 0) return;
    const page = s.sources ? s.sources.page(msg.key, msg.cursor, room, now) : { entries: [], next: 0 };
    s.send(from, { type: MessageType.Sources, rpc: msg.rpc, entries: page.entries, next: page.next, contacts: NO_CONTACTS });
    return;
  }
  const contacts = msg.cursor === 0 ? closestTo(s, msg.key, from) : NO_CONTACTS;
  const room = s.config.sourceReplyBytes - contacts.length * SOURCE_REPLY_CONTACT_BYTES;
  const page = s.sources ? s.sources.page(msg.key, msg.cursor, room, now) : { entries: [], next: 0 };
  s.send(from, { type: MessageType.Sources, rpc: msg.rpc, entries: page.entries, next: page.next, contacts });
}

/** Keeps one source value unless it is too large or a per-key cap is reached (each refusal is one drop reason). */
/** Each refusal of the sources store: its drop reason and STORE_ACK code. */
const SOURCE_REFUSALS: Partial<Record<SourceOutcome, [DropReason, StoreCode]>> = {
  [SourceOutcome.TooManyValues]: ['sources-per-key-full', StoreCode.Full],
  [SourceOutcome.TooManyBytes]: ['source-bytes-per-key-full', StoreCode.Full],
  [SourceOutcome.Full]: ['store-full', StoreCode.Full],
  [SourceOutcome.OverQuota]: ['store-source-over-quota', StoreCode.SourceOverQuota],
};

/**
 * Keeps one source value unless it is too large, a per-key cap is reached, the store is full or
 * the sender's group (`group`: PeerIds.groupKey; the node's own adds pass its own) holds its share;
 * each refusal is one drop reason and its STORE_ACK code.
 */
export function acceptSource(s: NodeState, key: Uint8Array, value: Uint8Array, publisher: Uint8Array, ttl: number, now: number, group: number): StoreCode {
  const c = s.config;
  if (value.length > c.maxSourceValueBytes) {
    s.drop('value-too-large');
    return StoreCode.ValueTooLarge;
  }
  const life = Math.min(ttl, c.expireMs);
  if (!s.sources) s.sources = new SourceStore(c);
  const outcome = s.sources.add(key, value, publisher, now + life, now, group);
  const refusal = SOURCE_REFUSALS[outcome];
  if (refusal) {
    s.drop(refusal[0]);
    return refusal[1];
  }
  s.lowerTimer(TimerKind.Expire, now + life);
  if (c.replicate && s.timer(TimerKind.Replicate) === Infinity) s.setTimer(TimerKind.Replicate, now + replicationDelay(c, s.rng));
  s.rearm();
  return StoreCode.Ok;
}

// ------------------------------------------------------------------ operations

/** Adds a value under key at the k closest nodes as this node's own, and republishes it. Throws RangeError for a value over maxSourceValueBytes. */
export function addSource(s: NodeState, key: Uint8Array, value: Uint8Array, now: number, op: number): void {
  const c = s.config;
  if (value.length > c.maxSourceValueBytes) {
    throw new RangeError(`source value is ${value.length} bytes; the limit is maxSourceValueBytes = ${c.maxSourceValueBytes}`);
  }
  const publisher = s.peers.idOf(s.self);
  if (c.replicate) {
    const republishAt = now + c.republishMs;
    (s.publishedSources ??= new Map()).set(keyString(key) + keyString(value), { key, value, republishAt });
    s.lowerTimer(TimerKind.Republish, republishAt);
  }
  storeSourcesAtClosest(s, key, [{ value, publisher, ttl: c.expireMs }], now, op);
}

/** Finds the k closest nodes to the key and sends each of them every entry (and keeps them here when this node is among them). */
export function storeSourcesAtClosest(s: NodeState, key: Uint8Array, entries: SourceEntry[], now: number, op: number | null): void {
  const keyWords = idToWords(key);
  startLookup(s, LookupKind.FindNode, keyWords, now, (run, t) => {
    const replicas = s.config.replicas;
    let targets = run.lookup.results(replicas);
    const base = costOf(run, t, closestDepth(run));
    const batch = new SourceBatch(s, op, base, run.startedAt);
    const last = targets[targets.length - 1];
    if (targets.length < replicas || compareDistance(s.peers.words, s.self * ID_WORDS, last! * ID_WORDS, keyWords, 0) < 0) {
      for (const e of entries) batch.count(acceptSource(s, key, e.value, e.publisher, e.ttl, t, s.peers.groupKey(s.self)) === StoreCode.Ok);
      targets = targets.slice(0, replicas - 1);
    }
    batch.left = targets.length * entries.length;
    batch.sent = batch.left;
    if (batch.left === 0) return batch.report(t);
    for (const peer of targets) {
      for (const e of entries) {
        const msg: AddSource = { type: MessageType.AddSource, rpc: 0, key, value: e.value, publisher: e.publisher, ttl: e.ttl };
        const token = run.tokens?.get(peer); // from the lookup's NODES reply (requireWriteTokens)
        if (token) msg.token = token;
        request(s, peer, msg, Purpose.Store, t, null, batch);
      }
    }
  });
}

/** The ADD_SOURCEs of one store: counts acknowledgements, refusals and timeouts; reports when the last settles. */
class SourceBatch implements Waiter {
  left = 0;
  sent = 0;
  private stored = 0;
  /** Acknowledgements from other nodes: what makes a store a success (the local copy does not). */
  private acked = 0;
  private refused = 0;
  private timeouts: number;

  constructor(
    private readonly s: NodeState,
    private readonly op: number | null,
    private readonly base: LookupCost,
    private readonly startedAt: number,
  ) {
    this.timeouts = base.timeouts;
  }

  count(ok: boolean): void {
    if (ok) this.stored++;
    else this.refused++;
  }

  settle(reply: Reply | null, end: number): void {
    if (reply && reply.type === MessageType.StoreAck) {
      this.count(reply.ok);
      if (reply.ok) this.acked++;
    }
    if (!reply) this.timeouts++;
    if (--this.left === 0) this.report(end);
  }

  report(end: number): void {
    if (this.op === null) return;
    const { base, stored, acked, refused } = this;
    const result: AddSourceResult = { ...base, rpcs: base.rpcs + this.sent, timeouts: this.timeouts, duration: end - this.startedAt, stored, acked, refused };
    this.s.event({ type: 'done', op: this.op, kind: 'add-source', result });
  }
}

/**
 * The values under key from every node the lookup reaches: the lookup runs to the k closest like
 * FIND_NODE (it does not stop at the first holder), each SOURCES page that says more is left is
 * followed by a request for the next, and the result is the union by (publisher, value).
 */
export function findSources(s: NodeState, key: Uint8Array, now: number, op: number): void {
  const gather = new SourceGather(s, op);
  const local = s.sources?.page(key, 0, Infinity, now);
  if (local && local.entries.length > 0) gather.take(s.self, local.entries);
  writeIdWords(key, targetScratch, 0);
  startLookup(s, LookupKind.FindSources, targetScratch, now, (run, end) => gather.lookupEnded(run, end), key, gather);
}

/** What one findSources has gathered; the lookup and the page requests report here. */
export class SourceGather implements SourceCollector {
  private readonly seen = new Map<string, SourceFound>();
  private readonly contributors = new Set<number>();
  private pagesOut = 0;
  private pageRpcs = 0;
  private pageTimeouts = 0;
  private run: Run | null = null;

  constructor(
    private readonly s: NodeState,
    private readonly op: number,
  ) {}

  /** Values from `peer` (a reply page, or this node's own set). */
  take(peer: number, entries: SourceEntry[]): void {
    if (entries.length > 0) this.contributors.add(peer);
    for (const e of entries) {
      const id = keyString(e.publisher) + keyString(e.value);
      const had = this.seen.get(id);
      if (!had) this.seen.set(id, { value: e.value, publisher: e.publisher, ttl: e.ttl });
      else if (e.ttl > had.ttl) had.ttl = e.ttl;
    }
  }

  /** A first page the lookup received: its values, and a request for the next page when there is one. */
  firstPage(peer: number, entries: SourceEntry[], next: number, key: Uint8Array, now: number): void {
    this.take(peer, entries);
    if (next !== 0) this.askPage(peer, key, next, this.s.config.maxSourcesPerKey, now);
  }

  lookupEnded(run: Run, end: number): void {
    this.run = run;
    if (this.pagesOut === 0) this.complete(end);
  }

  /** `pagesLeft` bounds what one holder can make us ask: an honest one has at most maxSourcesPerKey values, one or more a page. */
  private askPage(peer: number, key: Uint8Array, cursor: number, pagesLeft: number, now: number): void {
    this.pagesOut++;
    this.pageRpcs++;
    const waiter: Waiter = { settle: (reply, t) => this.pageSettled(peer, key, cursor, pagesLeft - 1, reply, t) };
    const msg: FindSources = { type: MessageType.FindSources, rpc: 0, key, cursor };
    request(this.s, peer, msg, Purpose.Store, now, null, waiter);
  }

  private pageSettled(peer: number, key: Uint8Array, cursor: number, pagesLeft: number, reply: Reply | null, now: number): void {
    this.pagesOut--;
    if (reply && reply.type === MessageType.Sources) {
      this.take(peer, reply.entries);
      // Cursors only move forward, and a page past the first carries values: anything else would loop.
      if (reply.next > cursor && reply.entries.length > 0 && pagesLeft > 0) this.askPage(peer, key, reply.next, pagesLeft, now);
    } else if (!reply) this.pageTimeouts++;
    if (this.pagesOut === 0 && this.run) this.complete(now);
  }

  private complete(end: number): void {
    const run = this.run!;
    const cost = costOf(run, end, closestDepth(run));
    cost.rpcs += this.pageRpcs;
    cost.timeouts += this.pageTimeouts;
    const result: FindSourcesResult = { ...cost, values: [...this.seen.values()], contributors: this.contributors.size };
    this.s.event({ type: 'lookup', kind: 'find-sources', cost });
    this.s.event({ type: 'done', op: this.op, kind: 'find-sources', result });
  }
}

// ------------------------------------------------------------------ maintenance

/** Pushes each held source value not stored here within the last interval to the current k closest, keeping its expiry. */
export function replicateSources(s: NodeState, now: number): void {
  if (!s.sources) return;
  for (const set of s.sources.map.values()) {
    const entries: SourceEntry[] = [];
    for (const v of set.values) {
      if (v.expiresAt <= now || now - v.storedAt < s.config.replicateMs) continue;
      v.storedAt = now;
      entries.push({ value: v.value, publisher: v.publisher, ttl: v.expiresAt - now });
    }
    if (entries.length > 0) storeSourcesAtClosest(s, set.key, entries, now, null);
  }
}

/** Re-adds this node's own source values whose republish time has come, with a full life; returns the next republish time. */
export function republishSources(s: NodeState, now: number): number {
  let next = Infinity;
  if (!s.publishedSources) return next;
  const publisher = s.peers.idOf(s.self);
  for (const p of s.publishedSources.values()) {
    if (p.republishAt <= now) {
      p.republishAt = now + s.config.republishMs;
      storeSourcesAtClosest(s, p.key, [{ value: p.value, publisher, ttl: s.config.expireMs }], now, null);
    }
    next = Math.min(next, p.republishAt);
  }
  return next;
}
