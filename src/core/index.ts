/**
 * The protocol core's public entry: one Kademlia node (KadNode), sans-IO and
 * polled, plus what a host needs to run it.
 *
 * What goes in (the host calls these):
 *   handle(from, msg, now)       a message that arrived from peer handle `from`
 *   handleTimeout(now)           the wake-up the node asked for through pollTimeout
 *   join / findNode / get / put / ping / addSource / findSources (..., now, op)
 *                                operations; each ends with exactly one 'done' event carrying `op`
 *   stop(now) / resume()         take the node down (ends operations in flight) and back up
 *   addContact(peer)             a contact from outside the protocol (oracle-filled tables)
 *
 * What comes out (the host pulls these; the core never calls the host):
 *   pollTransmit() + transmitTo  the next message to send, and where to
 *   pollTimeout()                the earliest time handleTimeout must run (Infinity: none)
 *   pollEvent()                  drops, stores, timeouts, lookups, cache hits, 'done'
 *
 * Host contract. After every input or operation call (stop and resume
 * included) the host:
 *   1. drains pollTransmit until null, sending each message to transmitTo;
 *   2. reads pollTimeout() and keeps ONE queued wake-up per node, replacing
 *      it only with an earlier time; when a superseded wake-up comes due it
 *      does not call handleTimeout;
 *   3. drains pollEvent until null.
 * The host may call back into the node while handling an event (start the
 * next operation, say): the node has finished the call that made the event,
 * and the new call's outputs queue behind the rest. A result is therefore
 * delivered after the call that produced it has returned, even when it is
 * ready at once (a get of a local record, an operation on a stopped node).
 *
 * Never done here: no I/O, no clock (every time is the `now` passed in, in
 * milliseconds of whatever clock the host runs), no timers, no global
 * randomness (each node draws from the seeded Random it was given, in a
 * fixed order, so the same inputs give the same outputs).
 */
export { KadNode } from './node.js';
export { NodeShared } from './node-state.js';
export type {
  AddSourceResult,
  DoneEvent,
  FindSourcesResult,
  SourceFound,
  DropReason,
  FindNodeResult,
  GetResult,
  JoinResult,
  LookupCost,
  LookupStep,
  NodeEvent,
  PingResult,
  PutResult,
} from './events.js';
export { MESSAGE_REFUSALS } from './events.js';
export { DEFAULT_CONFIG, UDP_DEFAULTS, resolveConfig, type KadConfig } from './config.js';
export { MessageType, type Message, type Reply, type Request } from './messages.js';
export { PeerIds } from './peers.js';
export { Random, deriveSeed } from './random.js';
export { RoutingTable } from './routing-table.js';
export { RecordSpace } from './record-space.js';
export { COPY_METADATA_BYTES } from './records.js';
