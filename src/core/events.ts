/**
 * Everything a node reports to its host, as values: the host pulls these with
 * `pollEvent()` (see index.ts for the contract). Each result type is defined
 * here once; hosts and reports import them from the core's entry.
 *
 * An operation (join, findNode, get, put, ping) ends with exactly one 'done'
 * event carrying the token the caller passed. Events are in the order things
 * happened inside the node; they are read-only to the host.
 */
import type { MessageType, SignedPart, StoreRefusal } from './messages.js';

export type DropReason =
  | 'unmatched-reply'
  | 'wrong-reply-type'
  | 'from-self'
  | 'value-too-large'
  | 'store-older-version'
  | 'store-full'
  /** A STORE of a different value under a key held unsigned (or unsigned onto a signed one). */
  | 'store-conflict'
  /** A STORE for a new record from a quota group that already holds its share. */
  | 'store-source-over-quota'
  /** A STORE without a valid write token for the sender's address (requireWriteTokens). */
  | 'store-bad-token'
  /** A signed STORE whose signature or key did not verify (or no verifier is installed). */
  | 'store-bad-signature'
  /** A VALUE reply carrying a signed record that did not verify: the lookup goes on without it. */
  | 'value-bad-signature'
  | 'late-reply'
  /** An ADD_SOURCE refused: the key holds maxSourcesPerKey values already. */
  | 'sources-per-key-full'
  /** An ADD_SOURCE refused: the value would take the key past maxSourceBytesPerKey. */
  | 'source-bytes-per-key-full'
  /** contentAddressed: a STORE whose value does not hash to its key, refused. */
  | 'store-not-content-addressed'
  /** contentAddressed: a VALUE reply whose value does not hash to the key: the lookup goes on without it. */
  | 'value-not-content-addressed'
  /** idFromIp: a contact whose ID is not derived from its address (BEP 42), refused a table slot. */
  | 'id-not-from-ip'
  /** idPuzzleBits: a contact whose ID fails the static puzzle, refused a table slot. */
  | 'id-puzzle-failed';

/**
 * Drop reasons under which the core refused a whole message: it was not handled. Every other
 * reason counts something refused inside a message the node did handle (a STORE it answered
 * with a refusal, a late reply it still took) or outside any message; a host that counts one
 * outcome per datagram (UdpNode) keeps those apart.
 */
export const MESSAGE_REFUSALS: ReadonlySet<DropReason> = new Set<DropReason>(['unmatched-reply', 'wrong-reply-type', 'from-self']);

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
  /** The signature parts when the value found is a signed record (verified before it was taken). */
  signed?: SignedPart;
}

export interface PutResult extends LookupCost {
  /** Nodes that hold the value after the put: the putter itself, when it is among the closest, plus `acked`. */
  stored: number;
  /**
   * Nodes other than the putter that acknowledged the STORE. A put succeeded when this is ≥ 1:
   * a copy on the putter alone is not in the DHT (it leaves with the putter).
   */
  acked: number;
  version: number;
  /** Nodes that refused the STORE, by reason (STORE_ACK's code); absent when none did. */
  refused?: Partial<Record<StoreRefusal, number>>;
}

export interface AddSourceResult extends LookupCost {
  /** Nodes that kept the value (this one included when it is among the closest). */
  stored: number;
  /** Nodes other than this one that acknowledged it: the store succeeded when this is above 0. */
  acked: number;
  /** Nodes that answered with a refusal (a per-key cap, or a value too large for them). */
  refused: number;
}

/** One value of a sources key: who published it and how long it has left (ms, as its holder said). */
export interface SourceFound {
  value: Uint8Array;
  /** The publisher's 20-byte node ID. */
  publisher: Uint8Array;
  ttl: number;
}

/** findSources: the union of the values the reached nodes hold, one per (publisher, value). */
export interface FindSourcesResult extends LookupCost {
  values: SourceFound[];
  /** Nodes (this one included) that returned at least one value. */
  contributors: number;
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
  | { type: 'done'; op: number; kind: 'ping'; result: PingResult }
  | { type: 'done'; op: number; kind: 'add-source'; result: AddSourceResult }
  | { type: 'done'; op: number; kind: 'find-sources'; result: FindSourcesResult };

export type NodeEvent =
  | { type: 'stored'; key: Uint8Array; version: number; cached: boolean }
  | { type: 'timeout'; peer: number; request: MessageType }
  | { type: 'lookup'; kind: 'find-node' | 'find-value' | 'find-sources'; cost: LookupCost }
  /** This node answered a FIND_VALUE from a cached copy. */
  | { type: 'cache-hit'; key: Uint8Array }
  /** This node sent a STORE of `key` to `peer`, a newcomer among the key's k closest (hand-over.ts). */
  | { type: 'hand-over'; peer: number; key: Uint8Array }
  /** A message or record was refused (replaces the old host.drop). */
  | { type: 'drop'; reason: DropReason }
  | DoneEvent;
