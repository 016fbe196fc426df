/**
 * The operations a node runs: findNode, get (with caching on the
 * lookup path), put / storeAtClosest, ping (join is in join.ts). Each user operation ends with
 * exactly one 'done' event carrying the caller's token, queued on the outbox
 * at the point the old core called its callback, so everything that followed
 * that call still follows it. Internal runs (replication, republish) pass
 * op = null and emit no 'done'.
 */
import { DoneEvent, FindNodeResult, GetResult, PutResult } from './events.js';
import { ID_WORDS, compareDistance, idToWords, writeIdWords } from './id.js';
import { LookupKind } from './lookup.js';
import { LookupCost } from './events.js';
import { MessageType, Reply, Request, STORE_CODE_NAMES, SignedPart, StoreCode, StoreRefusal } from './messages.js';
import { NodeState } from './node-state.js';
import { Purpose, Waiter, request } from './rpc-table.js';
import { Run, closestDepth, costOf } from './lookup-runs.js';
import { startOperationLookup } from './disjoint-lookup.js';
import { accept } from './answers.js';
import { targetScratch } from './scratch.js';
import { TimerKind } from './timers.js';

function done(s: NodeState, ev: DoneEvent): void {
  s.event(ev);
}

// The results below are the cost's fields and the operation's, written out: `{ ...cost, … }`
// copies an object with double fields (duration, timeoutWait) through V8's runtime on Node 20,
// ~2 µs per copy measured, against ~50 ns for the literal. Same fields in the same order; a
// traced cost (rare) keeps the spread, which also copies its trace.

function findNodeResult(c: LookupCost, closest: number[]): FindNodeResult {
  if (c.trace) return { ...c, closest };
  return { depth: c.depth, rpcs: c.rpcs, timeouts: c.timeouts, timeoutWait: c.timeoutWait, duration: c.duration, responded: c.responded, closest };
}

function getResult(c: LookupCost, found: boolean, value: Uint8Array | null, version: number): GetResult {
  if (c.trace) return found ? { ...c, found, value: value!, version } : { ...c, found };
  const { depth, rpcs, timeouts, timeoutWait, duration, responded } = c;
  return found ? { depth, rpcs, timeouts, timeoutWait, duration, responded, found, value: value!, version } : { depth, rpcs, timeouts, timeoutWait, duration, responded, found };
}

/** A put's result: the lookup's cost with its own rpcs, timeouts and duration (their places unchanged). */
function putResult(c: LookupCost, rpcs: number, timeouts: number, duration: number, stored: number, acked: number, version: number): PutResult {
  if (c.trace) return { ...c, rpcs, timeouts, duration, stored, acked, version };
  return { depth: c.depth, rpcs, timeouts, timeoutWait: c.timeoutWait, duration, responded: c.responded, stored, acked, version };
}

export function findNode(s: NodeState, target: Uint8Array, now: number, op: number): void {
  writeIdWords(target, targetScratch, 0);
  startOperationLookup(s, LookupKind.FindNode, targetScratch, now, (run, end) => {
    const cost = costOf(run, end, closestDepth(run));
    s.event({ type: 'lookup', kind: 'find-node', cost });
    done(s, { type: 'done', op, kind: 'find-node', result: findNodeResult(cost, run.lookup.results()) });
  });
}

/** FIND_VALUE: ends at the first value, then caches it on the closest node that did not return it. */
export function get(s: NodeState, key: Uint8Array, now: number, op: number): void {
  const held = s.records ? s.records.find(key, now) : -1;
  if (held >= 0) {
    const sp = s.records!.space;
    // A copy: the caller owns its result, the store's bytes stay the store's.
    const result: GetResult = { found: true, value: sp.valueOf(held).slice(), version: sp.version(held), depth: 0, rpcs: 0, timeouts: 0, timeoutWait: 0, duration: 0, responded: 0 };
    const signed = sp.signedOf(held);
    if (signed) result.signed = signed;
    done(s, { type: 'done', op, kind: 'get', result });
    return;
  }
  writeIdWords(key, targetScratch, 0);
  startOperationLookup(
    s,
    LookupKind.FindValue,
    targetScratch,
    now,
    (run, end) => {
      const found = run.value !== null;
      const cost = costOf(run, end, found ? run.valueDepth : closestDepth(run));
      s.event({ type: 'lookup', kind: 'find-value', cost });
      if (found && s.config.cacheOnLookupPath) cacheOnPath(s, run, end);
      const result = getResult(cost, found, run.value, run.version);
      if (found && run.signed) result.signed = run.signed;
      done(s, { type: 'done', op, kind: 'get', result });
    },
    key,
  );
}

function cacheOnPath(s: NodeState, run: Run, now: number): void {
  const peer = run.lookup.closestSucceeded(run.valueFrom);
  if (peer < 0) return;
  const msg = storeMessage(run.key, run.value!, run.version, run.ttl, true, run.tokens?.get(peer), run.signed);
  request(s, peer, msg, Purpose.Store, now, null, null);
}

/** A STORE; the token and the signature parts only when there are some (the swarm's messages keep one shape). */
function storeMessage(key: Uint8Array, value: Uint8Array, version: number, ttl: number, cache: boolean, token: Uint8Array | undefined, signed: SignedPart | null): Request {
  const msg: Request = { type: MessageType.Store, rpc: 0, key, value, version, ttl, cache };
  if (token) msg.token = token;
  if (signed) msg.signed = signed;
  return msg;
}

/**
 * Stores the value on the `replicas` closest nodes and remembers it for republishing. A signed
 * record (`signed` given, made by the host: the core holds no keys) uses `version` as its seq.
 */
export function put(s: NodeState, key: Uint8Array, value: Uint8Array, now: number, op: number, version?: number, signed: SignedPart | null = null): void {
  const c = s.config;
  if (value.length > c.maxValueBytes) {
    throw new RangeError(`value is ${value.length} bytes; the limit is ${c.maxValueBytes}`);
  }
  if (signed && version === undefined) throw new RangeError('a signed put needs its sequence number');
  const v = version ?? Math.max(s.lastVersion + 1, Math.floor(now));
  if (!signed) s.lastVersion = Math.max(s.lastVersion, v);
  if (c.replicate) {
    const republishAt = now + c.republishMs;
    s.publish(key, value, v, republishAt, signed);
    s.lowerTimer(TimerKind.Republish, republishAt);
  }
  storeAtClosest(s, key, value, v, c.expireMs, now, op, signed);
}

/**
 * Finds the closest nodes to the key and STOREs the record there (and here, when this node is
 * among them), each with the write token its NODES reply carried.
 */
export function storeAtClosest(
  s: NodeState,
  key: Uint8Array,
  value: Uint8Array,
  version: number,
  ttl: number,
  now: number,
  op: number | null,
  signed: SignedPart | null = null,
): void {
  const keyWords = idToWords(key);
  startOperationLookup(s, LookupKind.FindNode, keyWords, now, (run, t) => {
    const replicas = s.config.replicas;
    // Disjoint paths: every path's replicas closest (the union), so a put reaches honest replicas when one path does.
    const cap = run.union ? Math.max(run.union.length, replicas) : replicas;
    let targets = run.union ?? run.lookup.results(replicas);
    const base = costOf(run, t, closestDepth(run));
    let stored = 0;
    let refused: PutResult['refused'];
    // The storing node is a node like any other: it keeps a replica when it is among the closest.
    const last = targets[targets.length - 1];
    if (targets.length < cap || compareDistance(s.peers.words, s.self * ID_WORDS, last! * ID_WORDS, keyWords, 0) < 0) {
      const code = accept(s, key, value, version, ttl, false, t, undefined, signed);
      if (code === StoreCode.Ok) stored++;
      else refused = countRefusal(refused, code);
      targets = targets.slice(0, cap - 1);
    }
    if (targets.length === 0) {
      if (op !== null) done(s, { type: 'done', op, kind: 'put', result: withRefused(putResult(base, base.rpcs, base.timeouts, base.duration, stored, 0, version), refused) });
      return;
    }
    const batch = new StoreBatch(s, op, base, run.startedAt, targets.length, stored, version, refused);
    for (const peer of targets) request(s, peer, storeMessage(key, value, version, ttl, false, run.tokens?.get(peer), signed), Purpose.Store, t, null, batch);
  });
}

/** The STOREs of one storeAtClosest: counts acknowledgements and timeouts, reports when the last settles. */
class StoreBatch implements Waiter {
  private left: number;
  private timeouts: number;
  /** Acknowledgements from other nodes; `stored` adds the putter's own copy to them. */
  private acked = 0;

  constructor(
    private readonly s: NodeState,
    private readonly op: number | null,
    private readonly base: LookupCost,
    private readonly startedAt: number,
    private readonly sent: number,
    private stored: number,
    private readonly version: number,
    private refused: PutResult['refused'],
  ) {
    this.left = sent;
    this.timeouts = base.timeouts;
  }

  settle(reply: Reply | null, end: number): void {
    if (reply && reply.type === MessageType.StoreAck) {
      if (reply.ok) {
        this.stored++;
        this.acked++;
      } else this.refused = countRefusal(this.refused, reply.code ?? StoreCode.Conflict);
    }
    if (!reply) this.timeouts++;
    if (--this.left !== 0 || this.op === null) return;
    const { base, stored, acked, version } = this;
    const result = putResult(base, base.rpcs + this.sent, this.timeouts, end - this.startedAt, stored, acked, version);
    done(this.s, { type: 'done', op: this.op, kind: 'put', result: withRefused(result, this.refused) });
  }
}

/** Adds one refusal with `code` to the counts (made on the first; a code past the known ones counts as conflict). */
function countRefusal(refused: PutResult['refused'], code: number): NonNullable<PutResult['refused']> {
  const name = (STORE_CODE_NAMES[code] ?? 'conflict') as StoreRefusal | 'stored';
  const out = refused ?? {};
  const key: StoreRefusal = name === 'stored' ? 'conflict' : name;
  out[key] = (out[key] ?? 0) + 1;
  return out;
}

function withRefused(result: PutResult, refused: PutResult['refused']): PutResult {
  if (refused) result.refused = refused;
  return result;
}

/** A user PING: alive with the round trip, or not alive (rttMs -1) on timeout or stop. */
export function ping(s: NodeState, peer: number, now: number, op: number): void {
  const waiter: Waiter = {
    settle(reply, end) {
      done(s, { type: 'done', op, kind: 'ping', result: { alive: reply !== null, rttMs: reply ? end - now : -1 } });
    },
  };
  request(s, peer, { type: MessageType.Ping, rpc: 0 }, Purpose.UserPing, now, null, waiter);
}
