/**
 * How the codec turns peer handles into contacts on the wire and back.
 *
 * A NODES reply carries its contacts as one binary field: each contact is a
 * 20-byte ID followed by a tagged address (address.ts). The codec owns the
 * framing; the host owns the meaning of a handle:
 *
 * - encode calls `writeContact` once per handle, into a scratch buffer;
 * - decode first checks the whole list's framing, then calls `readContact`
 *   once per contact. A reader returns a handle, or -1 to drop that one
 *   contact (unknown node, wrong ID, table full); dropped contacts are counted
 *   and the message is still delivered.
 *
 * Both sides see raw bytes and offsets, not objects, so a 20-contact reply is
 * decoded without allocating per contact.
 */
import { ID_WORDS } from '../core/id.js';
import type { AddressTag } from './address.js';

export interface ContactWriter {
  /**
   * Writes the contact of `handle` (20 ID bytes, then the tagged address) into
   * `out` at `at` and returns the offset after it. `out` has room for
   * MAX_CONTACT_BYTES. Throws for a handle it does not know (a caller bug).
   */
  writeContact(handle: number, out: Uint8Array, at: number): number;
  /**
   * Optional, for a writer whose contacts all have one size (the swarm's): writes every handle
   * from `at` with one room check for the whole list, through `view` (a DataView over `out`'s
   * bytes, byte 0 of the view = byte 0 of `out`). Returns the offset after them, or -1, writing
   * nothing, when writeContact one by one would have run out of room below `limit` (the caller
   * throws). Throws like writeContact for a handle it does not know.
   */
  writeContacts?(handles: Uint32Array, out: Uint8Array, view: DataView, at: number, limit: number): number;
}

export interface ContactReader {
  /**
   * Resolves one contact: the ID is `bytes[at … at+20)`, `tag` (a known tag,
   * already checked) is at `at+20` and the address body follows. Returns the
   * handle, or -1 to drop the contact. `bytes` is only valid during the call:
   * copy what you keep.
   */
  readContact(bytes: Uint8Array, at: number, tag: AddressTag): number;
  /**
   * Optional, for a reader that interns nothing (the swarm's): resolves every contact of the
   * well-framed list `bytes[start … end)` into `out` from `n`, through `view` (a DataView whose
   * byte `viewAt + i` is `bytes[i]`), exactly as readContact one by one would; returns the new
   * `n`. Word reads through a DataView measured 2–3× faster than byte reads and shifts.
   */
  readContacts?(bytes: Uint8Array, view: DataView, viewAt: number, start: number, end: number, out: Uint32Array, n: number): number;
}

/** The codec writes IDs with the core's word-to-bytes copy (one copy of that loop). */
export { writeIdFromWords } from '../core/id.js';

/**
 * True when the 20 bytes at `at` equal the ID held as words at `wordAt`.
 * Compares as int32 (`| 0` on both sides): u32 values above 2^31 are doubles
 * in V8, and the int32 form measured about twice as fast.
 */
export function idBytesEqualWords(bytes: Uint8Array, at: number, words: Uint32Array, wordAt: number): boolean {
  for (let w = 0; w < ID_WORDS; w++) {
    const b = at + w * 4;
    const v = (bytes[b]! << 24) | (bytes[b + 1]! << 16) | (bytes[b + 2]! << 8) | bytes[b + 3]!;
    if ((words[wordAt + w]! | 0) !== v) return false;
  }
  return true;
}
