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
export interface Store {
  type: MessageType.Store;
  rpc: number;
  key: Uint8Array;
  value: Uint8Array;
  /** Publisher's version: a stored record is only replaced by a higher one. */
  version: number;
  /** Milliseconds the record has left to live; replication keeps the original expiry. */
  ttl: number;
  /** A cached copy placed on a lookup path, not a replica. */
  cache: boolean;
}
export interface StoreAck {
  type: MessageType.StoreAck;
  rpc: number;
  /** False when the node refused the record (an older version, or it is full). */
  ok: boolean;
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

export function isRequest(m: Message): m is Request {
  return (
    m.type === MessageType.Ping ||
    m.type === MessageType.Store ||
    m.type === MessageType.FindNode ||
    m.type === MessageType.FindValue ||
    m.type === MessageType.AddSource ||
    m.type === MessageType.FindSources
  );
}
