/**
 * The shapes of UdpNode's public API: its options, what its operations and state() return, the
 * events a user can observe, and how user keys and values become bytes. Kept apart from the node
 * so udp-host.ts and udp-node.ts share them; udp-node.ts re-exports them as they always were.
 */
import type { KadConfig } from '../core/config.js';
import type { FindNodeResult, GetResult, KadNode, NodeEvent } from '../core/index.js';
import { keyFromString } from '../core/key.js';
import type { AccountsSnapshot, DropScope } from './datagram-accounts.js';
import type { RateLimitOptions } from './rate-limit.js';

export interface UdpNodeOptions {
  /** "host:port" or "[v6]:port" to listen on; port 0 picks a free one. */
  listen: string;
  /** The node's 20-byte ID; from node:crypto when absent (derived from `seed` when one is given). */
  id?: Uint8Array;
  /**
   * Seed of the node's random streams (RPC ids, refresh targets, write-token secrets) and,
   * without `id`, of its ID: reproducible, hence predictable — for tests. Absent, every draw comes
   * from node:crypto, so RPC ids and token secrets cannot be guessed.
   */
  seed?: number;
  /**
   * Protocol settings over the UDP defaults (UDP_DEFAULTS: address validation, IP-diversity limits
   * and write tokens on).
   */
  config?: Partial<KadConfig>;
  /** Loopback (127.0.0.0/8, ::1) counts as one IP per port for the diversity limits, so local swarms work (default true). */
  loopbackPerPort?: boolean;
  /**
   * Token buckets for the requests this node answers (rate-limit.ts: requests per second per
   * source and in all, with a share kept for verified contacts); on by default with OpenDHT's
   * figures, `false` turns them off. A request over the limit is dropped as 'rate-limited'.
   */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Peers the address book holds at most (default 65,536); unreferenced ones are reclaimed LRU. */
  addressBookCapacity?: number;
}

export interface Contact {
  id: string;
  address: string;
}

/** What state() reports: the table, the records, the address book and the exact datagram accounts. */
export interface UdpNodeState extends AccountsSnapshot {
  id: string;
  address: string;
  buckets: ReturnType<KadNode['table']['describeBuckets']>;
  contacts: number;
  records: number;
  addressBook: { size: number; capacity: number; reclaimed: number; refused: number };
}

export interface UdpGetResult extends Omit<GetResult, 'value'> {
  value?: Uint8Array;
}

export interface UdpFindNodeResult extends Omit<FindNodeResult, 'closest'> {
  closest: Contact[];
}

/**
 * Events a user can observe: 'drop' (reason, scope, count: a datagram's outcome, something
 * refused inside or outside one, or dropped contacts; see datagram-accounts.ts), 'stored',
 * 'timeout', 'lookup', 'cache-hit', 'hand-over' (a STORE sent to a newcomer).
 */
export interface UdpNodeEvents {
  drop: [reason: string, scope: DropScope, count: number];
  stored: [ev: Extract<NodeEvent, { type: 'stored' }>];
  timeout: [ev: Extract<NodeEvent, { type: 'timeout' }>];
  lookup: [ev: Extract<NodeEvent, { type: 'lookup' }>];
  'cache-hit': [ev: Extract<NodeEvent, { type: 'cache-hit' }>];
  'hand-over': [ev: Extract<NodeEvent, { type: 'hand-over' }>];
}

const utf8 = new TextEncoder();

/** A user value: a string is taken as its UTF-8 bytes. */
export function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

/** A user key: a string maps to SHA-1(string); 20 bytes are taken as the key itself. */
export function toKey(key: string | Uint8Array): Uint8Array {
  if (typeof key === 'string') return keyFromString(key);
  if (key.length !== 20) throw new RangeError(`a binary key is 20 bytes, got ${key.length}`);
  return key;
}
