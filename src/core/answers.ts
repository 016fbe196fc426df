/**
 * How the node answers each request kind, one function each: PING, FIND_NODE,
 * FIND_VALUE, and STORE through `accept` (which the node's own puts use for
 * the replica it keeps). Answers go to the outbox; nothing here sends a
 * request of its own.
 */
import { MessageType, type FindNode, type FindValue, type Ping, type Request, type Store } from './messages.js';
import type { NodeState } from './node-state.js';
import { RecordStore, StoreOutcome, keyString } from './records.js';
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
      return answerFindNode(s, from, msg, budget);
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

function answerFindNode(s: NodeState, from: number, msg: FindNode, budget: number): void {
  sendNodes(s, from, msg.rpc, msg.target, budget);
}

function answerFindValue(s: NodeState, from: number, msg: FindValue, now: number, budget: number): void {
  const r = s.records?.get(keyString(msg.key), now);
  if (r && (budget === Infinity || valueBytesMax(r.value.length) <= budget)) {
    if (r.cached) s.event({ type: 'cache-hit', key: msg.key });
    s.send(from, { type: MessageType.Value, rpc: msg.rpc, value: r.value, version: r.version, ttl: r.expiresAt - now });
  } else {
    sendNodes(s, from, msg.rpc, msg.key, budget);
  }
}

/** A NODES reply: the k closest, or as many of the closest as fit in `budget` bytes (none sent when not even an empty list fits). */
function sendNodes(s: NodeState, from: number, rpc: number, target: Uint8Array, budget: number): void {
  const contacts = budget === Infinity ? closestTo(s, target, from) : closestWithin(s, target, from, budget, s.check!.sizes);
  if (contacts) s.send(from, { type: MessageType.Nodes, rpc, contacts });
}

function answerStore(s: NodeState, from: number, msg: Store, now: number): void {
  const ok = accept(s, msg.key, msg.value, msg.version, msg.ttl, msg.cache, now);
  s.send(from, { type: MessageType.StoreAck, rpc: msg.rpc, ok });
}

/**
 * Keeps the record unless it is too large, older than the one held, or there is no room
 * (each refusal is a drop event). A kept record sets the expiry sweep and, for the first
 * replica, the replication timer (one draw from the node's stream), and re-arms the timers.
 */
export function accept(s: NodeState, key: Uint8Array, value: Uint8Array, version: number, ttl: number, cached: boolean, now: number): boolean {
  const c = s.config;
  if (value.length > c.maxValueBytes) {
    s.drop('value-too-large');
    return false;
  }
  const life = Math.min(ttl, c.expireMs) * (cached ? cacheScale(s, key) : 1);
  if (!s.records) s.records = new RecordStore(c.maxRecords);
  const outcome = s.records.put(key, value, version, now + life, cached, now);
  if (outcome === StoreOutcome.OlderVersion) {
    s.drop('store-older-version');
    return false;
  }
  if (outcome === StoreOutcome.Full) {
    s.drop('store-full');
    return false;
  }
  s.lowerTimer(TimerKind.Expire, now + life);
  if (c.replicate && !cached && s.timer(TimerKind.Replicate) === Infinity) s.setTimer(TimerKind.Replicate, now + replicationDelay(c, s.rng));
  s.event({ type: 'stored', key, version, cached });
  s.rearm();
  return true;
}
