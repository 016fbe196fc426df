/**
 * Lookups in progress: a Lookup iterator plus what the node needs to finish
 * it (the key, the value found, costs, the trace). Starts them seeded from
 * the table, pumps requests out as the iterator allows, feeds replies and
 * timeouts back, asks the table for more when the first picks ran dry, and
 * calls the run's `finish` exactly once.
 *
 * `finish` is the operation's own continuation (operations.ts, jobs.ts): it
 * runs synchronously inside the node and may queue a 'done' event; it never
 * reaches the host.
 */
import { hashesTo } from './content-check.js';
import { LookupCost, LookupStep } from './events.js';
import { ID_WORDS, readIdBytes } from './id.js';
import { Lookup, LookupKind, NEXT_FINISHED, NEXT_WAIT, PeerState } from './lookup.js';
import { MessageType, Reply, Request } from './messages.js';
import { NodeState, Run, secondsSinceEpoch, type ShortlistRules, type SourceCollector } from './node-state.js';
import { Pending, Purpose, request } from './rpc-table.js';
import { guardFor } from './lookup-guard.js';
import { learnContacts, mayNeedUs } from './join-learn.js';
import { seedFromClosest } from './lookup-seeds.js';

export type { Run } from './node-state.js';

/** What a lean join (join-lean.ts) changes in its lookups; every other lookup runs with none of it. */
export interface JoinLookupOptions {
  /** Closest answers the lookup runs to (default k). */
  want?: number;
  /** Requests in flight (default α). */
  alpha?: number;
  /** Offer the contacts in replies to the table. */
  learn?: boolean;
  /** End the lookup once the bucket holding its target is full. */
  fillBucket?: boolean;
  /**
   * Past what the lookup itself needs (its k closest answers; for a fillBucket refresh, an answer
   * from inside the range), ask a candidate only when this node may be among its true k nearest.
   */
  greet?: boolean;
  /**
   * With greet: the join's self-lookup (`'own'` for the self-lookup itself). Its candidates count as
   * nodes this node knows when it decides whether a peer may need it, and a peer that answered it
   * heard from this node already, so it is not greeted again.
   */
  neighbours?: Lookup | 'own';
}

export const IGNORE_RESULT: Run['finish'] = () => {};

/**
 * Starts a lookup seeded from the table's k closest contacts to `target`. A retry passes `seeds`
 * (contacts that failed once, which the table no longer offers: the bootstrap of a join whose
 * exchange was lost) and a `timeoutScale` above 1 for its requests.
 */
export function startLookup(
  s: NodeState,
  kind: LookupKind,
  target: Uint32Array,
  now: number,
  finish: Run['finish'],
  key?: Uint8Array,
  gather: SourceCollector | null = null,
  seeds?: readonly number[],
  timeoutScale = 1,
  join?: JoinLookupOptions,
  guard: ShortlistRules | null = guardFor(s),
  /** Disjoint paths (disjoint-lookup.ts) seed their shortlists themselves: the table offers none here. */
  seedFromTable = true,
): Run {
  const k = s.config.k;
  const want = join?.want ?? k;
  const lookup = new Lookup(kind, s.peers, target, 0, want, join?.alpha ?? s.config.alpha, want + k, s.self);
  if (seeds) for (const peer of seeds) if (guard) guard.offer(s, lookup, peer, 1); else lookup.add(peer, 1);
  const seeded = !seedFromTable ? 0 : guard ? guard.seed(s, lookup, k) : seedFromClosest(s, lookup, k);
  s.table.touchBucketFor(target, 0, secondsSinceEpoch(s, now));
  const run: Run = {
    lookup,
    key: key ?? readIdBytes(target, 0),
    startedAt: now,
    value: null,
    version: 0,
    ttl: 0,
    signed: null,
    tokens: null,
    valueDepth: 0,
    valueFrom: -1,
    timeoutWait: 0,
    trace: s.traceNext ? [] : null,
    seeded,
    gather,
    timeoutScale,
    learn: join?.learn === true,
    fillBucket: join?.fillBucket === true,
    // Every field in the literal, set or not: join runs and the others share one hidden class, so
    // pump and lookupAnswered read run.* monomorphically (fields added later made a second map).
    greet: join?.greet === true,
    neighbours: join?.neighbours === undefined ? undefined : join.neighbours === 'own' ? lookup : join.neighbours,
    finish,
    guard: guard ?? undefined,
  };
  s.traceNext = false;
  pump(s, run, now);
  return run;
}

/** Sends what the iterator allows; finishes the run when it is done (or the node is down). */
export function pump(s: NodeState, run: Run, now: number): void {
  const l = run.lookup;
  if (!s.up && !l.finished) {
    l.finish();
    run.finish(run, now);
    return;
  }
  for (;;) {
    const peer = l.next(now);
    if (peer === NEXT_WAIT) return;
    if (peer === NEXT_FINISHED) {
      if (refill(s, run)) continue;
      run.trace?.push({ t: now - run.startedAt, step: 'done', peer: -1, depth: 0, inflight: l.inflight });
      run.finish(run, now);
      return;
    }
    if (run.fillBucket && l.inflight <= 1 && !inTargetBucket(s, l.target, peer) && (answeredInside(s, run) || l.rpcs > s.config.alpha)) {
      // A lean join's range refresh, one request at a time: every candidate inside the range has
      // answered (they sort before any outside it), so nothing is left to learn about the range;
      // or nobody inside is known after α requests outside it (an empty range). The peer just
      // handed out is not asked: it does not count as an RPC.
      l.rpcs--;
      l.finish();
      run.finish(run, now);
      return;
    }
    if (run.greet && pastWhatLookupNeeds(s, run, peer) && (heardUs(run, peer) || !mayNeedUs(s, peer, run.neighbours))) {
      // A lean join's greeting that nobody needs: the peer answered the join's self-lookup (it
      // heard from us then), or this node already knows k nodes closer to the peer than itself,
      // so the peer's k nearest are complete without it. Not asked, and counted as done so the
      // lookup moves on (it is no RPC).
      l.rpcs--;
      l.onSuccess(peer);
      continue;
    }
    const msg: Request =
      l.kind === LookupKind.FindValue
        ? { type: MessageType.FindValue, rpc: 0, key: run.key }
        : l.kind === LookupKind.FindSources
          ? { type: MessageType.FindSources, rpc: 0, key: run.key, cursor: 0 }
          : { type: MessageType.FindNode, rpc: 0, target: run.key };
    // The iterator keeps the request's own deadline: a host that ticks late still sees it expire.
    l.setDeadline(peer, request(s, peer, msg, Purpose.Lookup, now, run, null, run.timeoutScale));
    run.trace?.push({ t: now - run.startedAt, step: 'query', peer, depth: l.depthOf(peer), inflight: l.inflight });
  }
}

/**
 * True when `peer` answered the join's self-lookup (a refresh's greeting would repeat it). Measured
 * (10,000 nodes, 256 joins in flight, virtual time): 4.8 RPCs per join went to such repeats.
 */
function heardUs(run: Run, peer: number): boolean {
  const n = run.neighbours;
  if (n === undefined || n === run.lookup) return false;
  const i = n.indexOf(peer);
  return i >= 0 && n.states[i] === PeerState.Succeeded;
}

/** True when `peer` falls in the table bucket that holds `target`. */
function inTargetBucket(s: NodeState, target: Uint32Array, peer: number): boolean {
  const t = s.table;
  return t.bucketForTarget(s.peers.words, peer * ID_WORDS) === t.bucketForTarget(target, 0);
}

/**
 * True when asking `peer` would add nothing the lookup itself needs: k closer candidates have
 * answered (a self-lookup past its k nearest), or, for a range refresh, the range is already
 * known from an answer inside it and `peer` lies in it (it is asked only to hear of us).
 */
function pastWhatLookupNeeds(s: NodeState, run: Run, peer: number): boolean {
  const l = run.lookup;
  if (run.fillBucket) return inTargetBucket(s, l.target, peer) && answeredInside(s, run);
  return l.succeededBefore(peer) >= s.config.k;
}

/** True when the closest candidate that answered lies in the target's bucket. */
function answeredInside(s: NodeState, run: Run): boolean {
  const peer = run.lookup.closestSucceeded();
  return peer >= 0 && inTargetBucket(s, run.lookup.target, peer);
}

/**
 * A lookup that ran out of candidates with fewer than k answers takes the table's next closest
 * contacts: its first picks may all have been dead (with k = 3 and half the nodes gone, one
 * lookup in eight), while farther buckets still hold live ones. False when the table has no more.
 */
function refill(s: NodeState, run: Run): boolean {
  const l = run.lookup;
  for (;;) {
    if (l.succeededCount() >= l.want || run.seeded >= s.table.size) return false;
    const want = Math.min(s.table.size, run.seeded + s.config.k);
    const before = l.size;
    if (run.guard) run.guard.seed(s, l, want);
    else seedFromClosest(s, l, want);
    run.seeded = want;
    if (l.size !== before || l.hasUncontacted()) break;
  }
  l.reopen();
  return true;
}

/** A reply to one of the run's requests (late ones included). */
export function lookupAnswered(s: NodeState, p: Pending<Run>, msg: Reply, now: number): void {
  const run = p.run!;
  const l = run.lookup;
  if (l.finished) return;
  const depth = l.depthOf(p.peer);
  if (depth < 0) return;
  if ((msg.type === MessageType.Nodes || msg.type === MessageType.Value) && msg.token && msg.token.length > 0) {
    (run.tokens ??= new Map()).set(p.peer, msg.token);
  }
  if (msg.type === MessageType.Value && msg.signed && !s.verifier?.verify(run.key, msg.value, msg.version, msg.signed)) {
    // A forged or mangled signed value: counted, and the lookup goes on as if the peer knew none.
    s.drop('value-bad-signature');
    l.onSuccess(p.peer);
    pump(s, run, now);
    return;
  }
  if (msg.type === MessageType.Value && !msg.signed && s.config.contentAddressed && !hashesTo(msg.value, run.key)) {
    // A value that is not the key's content (a forged one): counted, and the lookup goes on.
    s.drop('value-not-content-addressed');
    l.onSuccess(p.peer);
    pump(s, run, now);
    return;
  }
  if (msg.type === MessageType.Value) {
    l.onSuccess(p.peer);
    run.value = msg.value;
    run.signed = msg.signed ?? null;
    run.version = msg.version;
    run.ttl = msg.ttl;
    run.valueDepth = depth;
    run.valueFrom = p.peer;
    l.finish();
    run.trace?.push({ t: now - run.startedAt, step: 'value', peer: p.peer, depth, inflight: l.inflight });
    run.finish(run, now);
    return;
  }
  const before = l.size;
  const contacts = msg.type === MessageType.Nodes || msg.type === MessageType.Sources ? msg.contacts : undefined;
  const guard = run.guard;
  if (guard && contacts) {
    l.onSuccess(p.peer);
    for (let c = 0; c < contacts.length; c++) guard.offer(s, l, contacts[c]!, depth + 1);
  } else l.onSuccess(p.peer, contacts);
  if (msg.type === MessageType.Sources) run.gather?.firstPage(p.peer, msg.entries, msg.next, run.key, now);
  if (contacts) {
    run.trace?.push({ t: now - run.startedAt, step: 'reply', peer: p.peer, depth, learned: l.size - before, inflight: l.inflight });
    if (run.learn) learnContacts(s, contacts, now);
  }
  if (run.fillBucket && s.table.bucketSize(s.table.bucketForTarget(l.target, 0)) >= s.config.k) {
    // A lean join's range refresh: the range has its k contacts; more answers would add nothing to it.
    l.finish();
    run.finish(run, now);
    return;
  }
  pump(s, run, now);
}

/**
 * The lookup's side of a request timeout (the node has emitted the event, failed the contact
 * and marked the request late). The iterator may have failed the peer already, on a late
 * tick; onFailure then does not count it again, and the rest still happens.
 */
export function lookupTimedOut(s: NodeState, p: Pending<Run>, now: number): void {
  const run = p.run!;
  run.timeoutWait += now - p.sentAt;
  const l = run.lookup;
  if (l.finished) return;
  l.onFailure(p.peer);
  const depth = l.depthOf(p.peer);
  run.trace?.push({ t: now - run.startedAt, step: 'timeout', peer: p.peer, depth: depth < 0 ? 0 : depth, inflight: l.inflight });
  pump(s, run, now);
}

/** Ends a run that is still going, with what it has (the node stops). */
export function cutShort(run: Run, now: number): void {
  if (run.lookup.finished) return;
  run.lookup.finish();
  run.finish(run, now);
}

export function costOf(run: Run, end: number, depth: number): LookupCost {
  const l = run.lookup;
  const cost: LookupCost = { depth, rpcs: l.rpcs, timeouts: l.timeouts, timeoutWait: run.timeoutWait, duration: end - run.startedAt, responded: l.succeededCount() };
  if (run.trace) cost.trace = run.trace;
  return cost;
}

/** Depth of the closest node that answered, 0 when none did. */
export function closestDepth(run: Run): number {
  const peer = run.lookup.closestSucceeded();
  return peer < 0 ? 0 : run.lookup.depthOf(peer);
}
