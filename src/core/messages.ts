/**
 * The protocol's messages as the core sees them. The wire layer turns these
 * into bytes and back; the sender's ID and address are not fields here
 * because the host resolves them to a peer handle before the core sees the
 * message (every datagram carries the sender's ID on the wire).
 *
 * Contacts are peer handles (see peers.ts); the codec maps them to and from
 * (ID, address) pairs.
 */

export const enum MessageType {
  Ping = 0,
  Pong = 1,
  Store = 2,
  StoreAck = 3,
  FindNode = 4,
  Nodes = 5,
  FindValue = 6,
  Value = 7,
  /** A "sources" record kind (sources.ts): adds one value to the set under a key; answered by STORE_ACK. */
  AddSource = 8,
  FindSources = 9,
  Sources = 10,
}

export const MESSAGE_TYPE_NAMES = ['PING', 'PONG', 'STORE', 'STORE_ACK', 'FIND_NODE', 'NODES', 'FIND_VALUE', 'VALUE', 'ADD_SOURCE', 'FIND_SOURCES', 'SOURCES'] as const;

export interface Ping {
  type: MessageType.Ping;
  rpc: number;
}
export interface Pong {
  type: MessageType.Pong;
  rpc: number;
}
/**
 * What makes a record mutable and unhijackable (BEP 44): the publisher's ed25519 public key,
 * a salt, and the signature over (salt, seq, value) (see signed.ts). The record's key is
 * SHA-1(publicKey ‖ salt) and its version is the sequence number.
 */
export interface SignedPart {
  /** 32 bytes. */
  publicKey: Uint8Array;
  /** 0..64 bytes, as BEP 44. */
  salt: Uint8Array;
  /** 64 bytes. */
  signature: Uint8Array;
}

/**
 * Why a node refused a STORE, as STORE_ACK carries it (0 = stored). The texts in
 * STORE_CODE_TEXT are what the library's put errors say.
 */
export const enum StoreCode {
  Ok = 0,
  /** It holds a different unsigned value for the key, or a signed one with an equal or higher seq. */
  Conflict = 1,
  Full = 2,
  SourceOverQuota = 3,
  ValueTooLarge = 4,
  BadToken = 5,
  BadSignature = 6,
  /** contentAddressed: the value does not hash to the key (SHA-1). */
  NotContentAddressed = 7,
}

export const STORE_CODE_NAMES = ['stored', 'conflict', 'full', 'source-over-quota', 'value-too-large', 'bad-token', 'bad-signature', 'not-content-addressed'] as const;
export type StoreRefusal = Exclude<(typeof STORE_CODE_NAMES)[number], 'stored'>;

export const STORE_CODE_TEXT: Readonly<Record<StoreRefusal, string>> = Object.freeze({
  conflict: 'the node holds a different value for this key (an unsigned record is never replaced; use a signed put to update) or a signed one with an equal or higher sequence number',
  full: 'the node\'s store is full and nothing could be evicted',
  'source-over-quota': 'the sender\'s address group (/24 IPv4, /64 IPv6) or publisher key already holds its share of the node\'s store',
  'value-too-large': 'the value is larger than the node accepts',
  'bad-token': 'the STORE carried no valid write token for the sender\'s address (tokens come from a NODES or VALUE reply and last 5 to 10 minutes)',
  'bad-signature': 'the signature or the key (SHA-1 of public key and salt) did not verify',
  'not-content-addressed': 'the node takes content-addressed values only, and SHA-1 of this value is not the key',
});

export interface Store {
  type: MessageType.Store;
  rpc: number;
  key: Uint8Array;
  value: Uint8Array;
  /** Publisher's version (a signed record's seq). Unsigned: informational; signed: only a higher seq replaces. */
  version: number;
  /** Milliseconds the record has left to live; replication keeps the original expiry. */
  ttl: number;
  /** A cached copy placed on a lookup path, not a replica. */
  cache: boolean;
  /** The write token the receiver handed the sender in a NODES or VALUE reply (absent or empty: none). */
  token?: Uint8Array;
  /** Present for a signed (mutable) record. */
  signed?: SignedPart;
}
export interface StoreAck {
  type: MessageType.StoreAck;
  rpc: number;
  /** False when the node refused the record; `code` says why. */
  ok: boolean;
  /** StoreCode; absent on a message built without one (then ok decides: 0 or Conflict). */
  code?: StoreCode;
}
export interface FindNode {
  type: MessageType.FindNode;
  rpc: number;
  target: Uint8Array;
}
export interface Nodes {
  type: MessageType.Nodes;
  rpc: number;
  contacts: Uint32Array;
  /** Write token for the requester's address (absent or empty when the node requires none). */
  token?: Uint8Array;
}
export interface FindValue {
  type: MessageType.FindValue;
  rpc: number;
  key: Uint8Array;
}
export interface Value {
  type: MessageType.Value;
  rpc: number;
  value: Uint8Array;
  version: number;
  ttl: number;
  /** Write token for the requester's address, as in NODES. */
  token?: Uint8Array;
  /** Present when the record is signed: the getter verifies it before trusting the value. */
  signed?: SignedPart;
}

/** Adds `value` to the set under `key`; the set holds one copy per (publisher, value). */
export interface AddSource {
  type: MessageType.AddSource;
  rpc: number;
  key: Uint8Array;
  value: Uint8Array;
  /** ID (not handle) of the node that published the value: replication forwards it unchanged. */
  publisher: Uint8Array;
  /** Milliseconds the value has left to live; replication keeps the original expiry. */
  ttl: number;
  /** The holder's write token for this sender (requireWriteTokens), as for STORE. */
  token?: Uint8Array;
}
export interface FindSources {
  type: MessageType.FindSources;
  rpc: number;
  key: Uint8Array;
  /** 0 for the first page; else the `next` of the previous SOURCES reply from the same node. */
  cursor: number;
}
/** One value of a sources set as it travels: its publisher's ID and its remaining life in ms. */
export interface SourceEntry {
  value: Uint8Array;
  publisher: Uint8Array;
  ttl: number;
}
export interface Sources {
  type: MessageType.Sources;
  rpc: number;
  entries: SourceEntry[];
  /** Cursor of the next page, 0 when this page was the last. */
  next: number;
  /** The holder's closest contacts to the key, on the first page only (the lookup walks on them). */
  contacts: Uint32Array;
}

export type Request = Ping | Store | FindNode | FindValue | AddSource | FindSources;
export type Reply = Pong | StoreAck | Nodes | Value | Sources;
export type Message = Request | Reply;

// Indexed by type: one load of `type` (megamorphic over the message shapes) instead of up to six.
const IS_REQUEST = Uint8Array.of(1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0);

export function isRequest(m: Message): m is Request {
  return IS_REQUEST[m.type] === 1;
}
