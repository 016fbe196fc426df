/**
 * Everything a node reports to its host, as values: the host pulls these with
 * `pollEvent()` (see index.ts for the contract). Each result type is defined
 * here once; hosts and reports import them from the core's entry.
 *
 * An operation (join, findNode, get, put, ping) ends with exactly one 'done'
 * event carrying the token the caller passed. Events are in the order things
 * happened inside the node; they are read-only to the host.
 */
import { MessageType } from './messages.js';

export type DropReason =
  | 'unmatched-reply'
  | 'wrong-reply-type'
  | 'from-self'
  | 'value-too-large'
  | 'store-older-version'
  | 'store-full'
  | 'late-reply';

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

export interface PingResult {
  alive: boolean;
  /** Round trip in milliseconds; -1 when the peer did not answer. */
  rttMs: number;
}

/** The one event that ends an operation; `op` is the caller's token. */
export type DoneEvent =
  | { type: 'done'; op: number; kind: 'join'; result: JoinResult }
  | { type: 'done'; op: number; kind: 'find-node'; result: FindNodeResult }
  | { type: 'done'; op: number; kind: 'get'; result: GetResult }
  | { type: 'done'; op: number; kind: 'put'; result: PutResult }
  | { type: 'done'; op: number; kind: 'ping'; result: PingResult };

export type NodeEvent =
  | { type: 'stored'; key: Uint8Array; version: number; cached: boolean }
  | { type: 'timeout'; peer: number; request: MessageType }
  | { type: 'lookup'; kind: 'find-node' | 'find-value'; cost: LookupCost }
  /** This node answered a FIND_VALUE from a cached copy. */
  | { type: 'cache-hit'; key: Uint8Array }
  /** This node sent a STORE of `key` to `peer`, a newcomer among the key's k closest (hand-over.ts). */
  | { type: 'hand-over'; peer: number; key: Uint8Array }
  /** A message or record was refused (replaces the old host.drop). */
  | { type: 'drop'; reason: DropReason }
  | DoneEvent;
