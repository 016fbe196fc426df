/**
 * What the request table (rpc-table.ts) hands its callers about one request: its purpose, what
 * waits on it, and the view of its slot a handler reads; and which reply type answers which
 * request.
 */
import type { Lookup } from './lookup.js';
import { MessageType, type Reply } from './messages.js';
import { NO_SLOT, SLOTS } from './request-slots.js';

export const enum Purpose {
  Lookup = 0,
  BucketPing = 1,
  Store = 2,
  UserPing = 3,
  /** A PING that checks a requester's address (address-check.ts). */
  Verify = 4,
}

/** What waits on a STORE or a user PING: called once, with the reply or null (timeout, stop). */
export interface Waiter {
  settle(reply: Reply | null, now: number): void;
}

/** The part of a lookup in progress the request table needs to know about. */
export interface LookupRef {
  readonly lookup: Lookup;
}

/**
 * A request as the table hands it to a handler: a view of its slot, valid only during the call
 * that handed it out (the table fills one view again for the next request; takeAllRequests
 * returns objects of their own). `slot` is NO_SLOT once the request has left the table.
 */
export interface Pending<R extends LookupRef = LookupRef> {
  readonly slot: number;
  readonly rpc: number;
  readonly peer: number;
  readonly request: MessageType;
  readonly sentAt: number;
  readonly deadline: number;
  readonly purpose: Purpose;
  readonly run: R | null;
  readonly waiter: Waiter | null;
  /** Past its timeout: the lookup has moved on, but a late reply is still taken until the grace deadline. */
  readonly late: boolean;
}

export class PendingView implements Pending<LookupRef> {
  slot = NO_SLOT;
  rpc = 0;
  peer = 0;
  request = 0 as MessageType;
  sentAt = 0;
  deadline = 0;
  purpose = 0 as Purpose;
  run: LookupRef | null = null;
  waiter: Waiter | null = null;
  late = false;
}

/** Fills `v` from slot `i`; `kept`: the slot stays in the table (else the view says NO_SLOT). */
export function fill(v: PendingView, i: number, kept: boolean): PendingView {
  const S = SLOTS;
  v.slot = kept ? i : NO_SLOT;
  v.rpc = S.rpc[i]!;
  v.peer = S.peer[i]!;
  v.request = S.request[i]! as MessageType;
  v.sentAt = S.sentAt[i]!;
  v.deadline = S.deadline[i]!;
  v.purpose = S.purpose[i]! as Purpose;
  const owner = S.owner[i] ?? null;
  v.run = v.purpose === Purpose.Lookup ? (owner as LookupRef | null) : null;
  v.waiter = v.purpose === Purpose.Lookup ? null : (owner as Waiter | null);
  v.late = S.late[i] === 1;
  return v;
}

// One view for the thread: the core is never re-entered, and no handler keeps it past its call.
export const VIEW = new PendingView();

export function replyTypeFor(request: MessageType, reply: MessageType): MessageType {
  switch (request) {
    case MessageType.Ping:
      return MessageType.Pong;
    case MessageType.Store:
      return MessageType.StoreAck;
    case MessageType.FindNode:
      return MessageType.Nodes;
    case MessageType.FindValue:
      return reply === MessageType.Value ? MessageType.Value : MessageType.Nodes;
    case MessageType.AddSource:
      return MessageType.StoreAck;
    case MessageType.FindSources:
      return MessageType.Sources;
    default:
      return -1 as MessageType;
  }
}

