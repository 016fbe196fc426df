/**
 * The host layer: the one loop every transport hosts its nodes through, and the clocks.
 *
 * In: a message for a node, a wake-up that came due, or an operation a caller starts (join,
 * findNode, get, put, ping, stop).
 * Out: for each, the core's messages to a transport (`Outbox`), its next wake-up to a wake queue
 * (one queued per node, replaced only by an earlier one), its events to a sink, and each
 * operation's result to that operation's callback — all after the core's call has returned.
 * Never here: encoding, sockets, threads or rings (the transports below and above), protocol
 * decisions (the core), reading the wall clock anywhere but in `RealClock`.
 */
export { RealClock, VirtualClock, type Clock } from './clock.js';
export { HostLoop, type Done, type EventSink, type Outbox, type WakeQueue } from './host-loop.js';
