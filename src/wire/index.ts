/** The wire layer: one msgpackr codec for UDP and the swarm rings, plus the two contact tables. */
export * from './address.js';
export * from './contacts.js';
export * from './limits.js';
export { encodeMessage, encodeMessageView } from './encode.js';
export { decodeMessage, DEFAULT_DECODE_LIMITS, type Decoded, type DecodeLimits, type DropReason } from './decode.js';
export { MESSAGE_STRUCTURES, FIRST_RECORD_ID, createEncoder, createDecoder } from './structures.js';
export { IndexContacts } from './index-contacts.js';
export { AddressBook, DEFAULT_ADDRESS_BOOK_CAPACITY } from './address-book.js';
