/**
 * Wire sizes the core needs to cut a SOURCES reply into pages that fit one datagram. The core
 * cannot import the wire layer, so the two numbers live here and test/wire/sources-codec.test.ts
 * checks them against the encoder's real output.
 */

/** Per value in a SOURCES reply besides the value itself: u16 length, 20-byte publisher ID, u32 ttl. */
export const SOURCE_ENTRY_OVERHEAD_BYTES = 26;

/** The largest contact on the wire: a 20-byte ID and a tagged IPv6 address with its port (wire MAX_CONTACT_BYTES). */
export const SOURCE_REPLY_CONTACT_BYTES = 39;
