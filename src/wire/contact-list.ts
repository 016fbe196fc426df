/**
 * The NODES contact list as one binary field: framing on both sides, the
 * meaning of handles left to a ContactWriter / ContactReader.
 */
import { ID_BYTES } from '../core/id.js';
import { addressBodyBytes, MAX_CONTACT_BYTES } from './address.js';
import type { ContactReader, ContactWriter } from './contacts.js';
import { MAX_DATAGRAM_BYTES } from './limits.js';

// Reused by every encode: msgpackr copies the field into its own buffer
// before encodeMessage returns, so one scratch buffer serves all calls.
const scratch = new Uint8Array(MAX_DATAGRAM_BYTES);

/** Writes the contacts of `handles`; the result is a view into scratch, valid until the next call. */
export function writeContactList(handles: Uint32Array, writer: ContactWriter): Uint8Array {
  let at = 0;
  for (let i = 0; i < handles.length; i++) {
    if (at + MAX_CONTACT_BYTES > scratch.length) {
      throw new RangeError(`${handles.length} contacts do not fit in a ${MAX_DATAGRAM_BYTES}-byte datagram`);
    }
    at = writer.writeContact(handles[i]!, scratch, at);
  }
  return scratch.subarray(0, at);
}

export const BAD_CONTACT = -1;
export const TOO_MANY_CONTACTS = -2;

/**
 * Checks the framing of a contact list without resolving anything (so a
 * malformed reply never reaches a reader that interns peers). Returns the
 * number of contacts, BAD_CONTACT when the bytes are not a whole number of
 * contacts or carry an unknown tag, TOO_MANY_CONTACTS above `max`. The list
 * is `bytes[start … end)` (a range, so a decoder needs no view of it).
 */
export function countContacts(bytes: Uint8Array, max: number, start = 0, end = bytes.length): number {
  let count = 0;
  let at = start;
  while (at < end) {
    const tagAt = at + ID_BYTES;
    if (tagAt >= end) return BAD_CONTACT;
    const body = addressBodyBytes(bytes[tagAt]!);
    if (body === 0) return BAD_CONTACT;
    at = tagAt + 1 + body;
    if (at > end) return BAD_CONTACT;
    if (++count > max) return TOO_MANY_CONTACTS;
  }
  return count;
}

// Handle arrays are views of a shared slab: a Uint32Array over 64 bytes is
// allocated outside the V8 heap (~0.3 µs here, a third of a NODES decode),
// a view costs a small fraction of that. A slab is replaced when full, not rewritten under a
// view it handed out; a view goes back to being written only when its message returns to the
// swarm's pool (message-pool.ts) and is decoded into again. One kept forever pins its 64 KiB.
const SLAB_HANDLES = 16_384;
let slab = new Uint32Array(SLAB_HANDLES);
let slabUsed = 0;

/**
 * Resolves the `count` well-framed contacts of `bytes[start … end)` (see countContacts); dropped
 * ones are left out. A reader with a bulk readContacts gets the whole list at once.
 */
export function readContactList(bytes: Uint8Array, count: number, reader: ContactReader, start = 0, end = bytes.length): Uint32Array {
  if (slabUsed + count > SLAB_HANDLES) {
    slab = new Uint32Array(Math.max(SLAB_HANDLES, count));
    slabUsed = 0;
  }
  const first = slabUsed;
  const n = readFrom(bytes, reader, start, end, slab, first);
  slabUsed = n;
  return slab.subarray(first, n);
}

/**
 * readContactList into `out` (room for every contact of the list) from index 0, for a caller
 * that owns an array (message-pool.ts): returns how many were kept.
 */
export function readContactsInto(bytes: Uint8Array, reader: ContactReader, start: number, end: number, out: Uint32Array): number {
  return readFrom(bytes, reader, start, end, out, 0);
}

function readFrom(bytes: Uint8Array, reader: ContactReader, start: number, end: number, out: Uint32Array, n: number): number {
  if (reader.readContacts !== undefined) return reader.readContacts(bytes, viewOf(bytes), bytes.byteOffset, start, end, out, n);
  for (let at = start; at < end; ) {
    const tag = bytes[at + ID_BYTES]!;
    const handle = reader.readContact(bytes, at, tag);
    if (handle >= 0) out[n++] = handle;
    at += ID_BYTES + 1 + addressBodyBytes(tag);
  }
  return n;
}

// A DataView over the whole buffer of the last list read: the swarm reads from two buffers only
// (its rings' shared memory and the encoder's scratch), so views are made rarely, not per list.
let lastBuffer: ArrayBufferLike | null = null;
let lastView: DataView = new DataView(new ArrayBuffer(0));
let otherBuffer: ArrayBufferLike | null = null;
let otherView: DataView = lastView;

function viewOf(bytes: Uint8Array): DataView {
  const buffer = bytes.buffer;
  if (buffer === lastBuffer) return lastView;
  if (buffer !== otherBuffer) {
    otherBuffer = buffer;
    otherView = new DataView(buffer);
  }
  // Swap, so the two buffers a shard alternates between both stay cached.
  const v = otherView;
  otherBuffer = lastBuffer;
  otherView = lastView;
  lastBuffer = buffer;
  lastView = v;
  return v;
}
