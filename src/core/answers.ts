/**
 * How the node answers each request kind, one function each: PING, FIND_NODE,
 * FIND_VALUE, and STORE through `accept` (which the node's own puts use for
 * the replica it keeps). Answers go to the outbox; nothing here sends a
 * request of its own.
 */
import { hashesTo } from './content-check.js';
import type { DropReason } from './events.js';
import { MessageType, StoreCode, type FindNode, type FindValue, type Ping, type Request, type SignedPart, type Store, type Value } from './messages.js';
import type { NodeState } from './node-state.js';
import { RecordStore, StoreOutcome, storeLimits } from './records.js';
import { publisherGroup, wellFormed } from './signed.js';
import { cacheScale, closestTo, closestWithin } from './table-select.js';
import { TimerKind, replicationDelay } from './timers.js';
import { valueBytesMax } from './wire-sizes.js';
import { answerAddSource, answerFindSources } from './source-ops.js';

/**
 * Answers `msg`. `budget` is what the reply may take on the wire, in bytes (Infinity for a
 * verified requester; see address-check.ts): a NODES reply then carries only the closest
 * contacts that fit, and a VALUE that does not fit becomes a NODES reply.
 */
export function answer(s: NodeState, from: number, msg: Request, now: number, budget = Infinity): void {
  switch (msg.type) {
    case MessageType.Ping:
      return answerPing(s, from, msg);
    case MessageType.FindNode:
      return answerFindNode(s, from, msg, budget, now);
    case MessageType.FindValue:
      return answerFindValue(s, from, msg, now, budget);
    case MessageType.Store:
      return answerStore(s, from, msg, now);
    case MessageType.AddSource:
      return answerAddSource(s, from, msg, now);
    case MessageType.FindSources:
      return answerFindSources(s, from, msg, now, budget);
  }
}

function answerPing(s: NodeState, from: number, msg: Ping): void {
  s.send(from, { type: MessageType.Pong, rpc: msg.rpc });
}

/** A write token for the requester when this node requires them (none otherwise: the swarm draws nothing). */
function tokenFor(s: NodeState, from: number, now: number): Uint8Array | undefined {
  return s.config.requireWriteTokens ? s.tokens.issue(s.peers.addressKey(from), now) : undefined;
}

function answerFindNode(s: NodeState, from: number, msg: FindNode, budget: number, now: number): void {
  sendNodes(s, from, msg.rpc, msg.target, budget, tokenFor(s, from, now));
}

function answerFindValue(s: NodeState, from: number, msg: FindValue, now: number, budget: number): void {
  const c = s.records ? s.records.find(msg.key, now) : -1;
  const token = tokenFor(s, from, now);
  const sp = s.records?.space;
  const signed = c >= 0 ? sp!.signedOf(c) : null;
  if (c >= 0 && (budget === Infinity || valueBytesMax(sp!.valueLength(c), !!signed) <= budget)) {
    // A copy: the host may reuse a delivered request's key (src/wire/message-pool.ts), and an event outlives the call.
    if (sp!.cached(c)) s.event({ type: 'cache-hit', key: msg.key.slice() });
    const reply: Value = {
      type: MessageType.Value,
      rpc: msg.rpc,
      value: sp!.valueOf(c), // a view of the store's bytes, which are never rewritten in place
      version: sp!.version(c),
      ttl: sp!.expiresAt(c) - now,
    };
    if (token) reply.token = token;
    if (signed) reply.signed = signed;
    s.send(from, reply);
  } else {
    sendNodes(s, from, msg.rpc, msg.key, budget, token);
  }
}

/** A NODES reply: the k closest, or as many of the closest as fit in `budget` bytes (none sent when not even an empty list fits). */
function sendNodes(s: NodeState, from: number, rpc: number, target: Uint8Array, budget: number, token: Uint8Array | undefined): void {
  const contacts = budget === Infinity ? closestTo(s, target, from) : closestWithin(s, target, from, budget, s.check!.sizes);
  if (contacts) s.send(from, token ? { type: MessageType.Nodes, rpc, contacts, token } : { type: MessageType.Nodes, rpc, contacts });
}

function answerStore(s: NodeState, from: number, msg: Store, now: number): void {
  let code: StoreCode;
  if (s.config.requireWriteTokens && !s.tokens.valid(s.peers.addressKey(from), msg.token, now)) {
    s.drop('store-bad-token');
    code = StoreCode.BadToken;
  } else {
    code = accept(s, msg.key, msg.value, msg.version, msg.ttl, msg.cache, now, s.peers.groupKey(from), msg.signed ?? null);
  }
  s.send(from, { type: MessageType.StoreAck, rpc: msg.rpc, ok: code === StoreCode.Ok, code });
}

/** Each store outcome that is a refusal: its drop reason and STORE_ACK code. */
const REFUSALS: Partial<Record<StoreOutcome, [DropReason, StoreCode]>> = {
  [StoreOutcome.OlderVersion]: ['store-older-version', StoreCode.Conflict],
  [StoreOutcome.Conflict]: ['store-conflict', StoreCode.Conflict],
  [StoreOutcome.Full]: ['store-full', StoreCode.Full],
  [StoreOutcome.SourceOverQuota]: ['store-source-over-quota', StoreCode.SourceOverQuota],
};

/**
 * Keeps the record unless it is too large, badly signed, refused by the store's rules (a
 * conflict, an older seq) or over a quota; each refusal is one drop event and its code. `group`
 * is the sender's quota group (the node's own puts pass its own). A signed record is verified
 * only when it could be kept: a seq at or below the one held is refused unverified (refusing is
 * safe), and an exact refresh (same seq, same value) needs no new proof. A kept record sets the
 * expiry sweep and, for the first replica, the replication timer (one draw from the node's
 * stream), and re-arms the timers.
 */
export function accept(
  s: NodeState,
  key: Uint8Array,
  value: Uint8Array,
  version: number,
  ttl: number,
  cached: boolean,
  now: number,
  group = s.peers.groupKey(s.self),
  signed: SignedPart | null = null,
): StoreCode {
  const c = s.config;
  if (value.length > c.maxValueBytes) {
    s.drop('value-too-large');
    return StoreCode.ValueTooLarge;
  }
  if (c.contentAddressed && !signed && !hashesTo(value, key)) {
    s.drop('store-not-content-addressed');
    return StoreCode.NotContentAddressed;
  }
  if (!s.records) s.records = new RecordStore(storeLimits(c), s.recordSpace ?? undefined);
  if (signed) {
    const sp = s.records.space;
    const held = s.records.find(key, now);
    const heldSigned = held >= 0 && sp.signedOf(held) !== null;
    const refresh = heldSigned && sp.version(held) === version && sp.sameValue(held, value);
    const older = heldSigned && !refresh && version <= sp.version(held);
    if (!refresh && !older && !(wellFormed(signed) && s.verifier?.verify(key, value, version, signed))) {
      s.drop('store-bad-signature');
      return StoreCode.BadSignature;
    }
  }
  const life = Math.min(ttl, c.expireMs) * (cached ? cacheScale(s, key) : 1);
  const outcome = s.records.put(key, value, version, now + life, cached, now, group, signed, signed ? publisherGroup(signed.publicKey) : group);
  const refusal = REFUSALS[outcome];
  if (refusal) {
    s.drop(refusal[0]);
    return refusal[1];
  }
  s.lowerTimer(TimerKind.Expire, now + life);
  if (c.replicate && !cached && s.timer(TimerKind.Replicate) === Infinity) s.setTimer(TimerKind.Replicate, now + replicationDelay(c, s.rng));
  s.event({ type: 'stored', key, version, cached });
  s.rearm();
  return StoreCode.Ok;
}
