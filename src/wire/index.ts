/**
 * The wire layer: one codec (msgpack records, written and read by hand) for UDP and the swarm rings, plus the two contact tables.
 *
 * In: the core's messages (src/core/messages.ts) and bytes from a socket or a ring.
 * Out: the same bytes on every transport; a decode that never throws (ok, or a drop reason).
 * Never here: sockets, threads, timers, protocol decisions (what to answer is the core's).
 */
export * from './address.js';
export * from './contacts.js';
export * from './limits.js';
export { encodeMessage, encodeMessageInto, encodeMessageView, encodedView, ENCODED } from './encode.js';
export { decodeInto, decodeMessage, decodeStaged, DecodeScratch, resolveContacts, DEFAULT_DECODE_LIMITS, type Decoded, type DecodedMessage, type DecodeLimits, type DropReason } from './decode.js';
export { MESSAGE_STRUCTURES, FIRST_RECORD_ID, createEncoder, createDecoder } from './structures.js';
export { IndexContacts } from './index-contacts.js';
export { releaseMessage } from './message-pool.js';
export { AddressBook, DEFAULT_ADDRESS_BOOK_CAPACITY, type HandleReferee } from './address-book.js';
export { ipGroups } from './ip-groups.js';
export { padDatagram, paddedRequestBytes, paddingLength } from './padding.js';
