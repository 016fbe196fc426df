/**
 * What one operation on behalf of a user (the HTTP gateway, the node REPL) gives back through the
 * control protocol (control.ts): a put or get with its cost, a findSources, one node's state.
 */
import type { PutResult } from '../core/index.js';
import type { SignedPart } from '../core/messages.js';

/** A signed put's seq and signature parts (the gateway signs; the shard's node stores). */
export interface SignedKv {
  seq: number;
  part: SignedPart;
}

/** What a lookup on behalf of a user (the gateway) cost. */
export interface KvCost {
  depth: number;
  rpcs: number;
  timeouts: number;
  duration: number;
  responded: number;
}

/** One put or get on behalf of a user (the HTTP gateway), with its cost. */
export interface KvResult extends KvCost {
  ok: boolean;
  found: boolean;
  value: Uint8Array | null;
  /** put: nodes that hold the value, the asker included; get: 0. */
  stored: number;
  /** put: nodes other than the asker that acknowledged the STORE (the put succeeded when ≥ 1); get: 0. */
  acked: number;
  /** A put: nodes that refused it, by reason (absent when none did). */
  refused?: PutResult['refused'];
  /** A get that found a signed record: its publisher's public key (hex) and seq. */
  signer?: { publicKey: string; seq: number };
}

/** One findSources on behalf of a user (the gateway): the values with their publishers, and the cost. */
export interface SourcesKvResult extends KvCost {
  values: Array<{ value: Uint8Array; publisher: string; ttlMs: number }>;
  contributors: number;
}

export interface NodeInfo {
  node: number;
  id: string;
  up: boolean;
  buckets: Array<{ depth: number; contacts: number; replacements: number; stale: number }>;
  contacts: number[];
  records: Array<{ key: string; valueBytes: number; version: number; expiresInMs: number; cached: boolean }>;
}
