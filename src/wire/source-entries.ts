/**
 * The values of a SOURCES reply as one msgpack bin field: per value a u16 length, the value, the
 * publisher's 20-byte ID and the remaining life as a u32 of whole milliseconds. One bin instead
 * of a msgpack array of maps keeps the record writer's bytes equal to msgpackr's (a bin is a bin)
 * and lets the decoder check the framing in one pass, like a contact list.
 */
import type { SourceEntry } from '../core/messages.js';
import { ID_BYTES } from '../core/id.js';
import { SOURCE_ENTRY_OVERHEAD_BYTES } from '../core/source-sizes.js';
import { isBytes, isId, isTtl } from './fields.js';

/** Writes the entries at `at` of `buf`; returns the end. Throws on a bad entry or when `limit` would be passed. */
export function writeSourceEntries(entries: SourceEntry[], buf: Uint8Array, at: number, limit: number): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (const e of entries) {
    if (!isBytes(e.value) || e.value.length > 0xffff) throw new TypeError('SOURCES value must be a Uint8Array of at most 65,535 bytes');
    if (!isId(e.publisher)) throw new TypeError('SOURCES publisher must be a 20-byte ID');
    if (!isTtl(e.ttl)) throw new TypeError(`ttl must be a non-negative finite number, got ${e.ttl}`);
    if (at + e.value.length + SOURCE_ENTRY_OVERHEAD_BYTES > limit) {
      throw new RangeError(`${entries.length} source values do not fit in one datagram`);
    }
    view.setUint16(at, e.value.length);
    buf.set(e.value, at + 2);
    at += 2 + e.value.length;
    buf.set(e.publisher, at);
    at += ID_BYTES;
    view.setUint32(at, Math.min(0xffffffff, Math.floor(e.ttl)));
    at += 4;
  }
  return at;
}

/**
 * Reads the entries of a bin field (the values and IDs are views into `list`, which the decoder
 * copied), or the reason to drop the datagram: 'bad-field' when the framing is not a whole
 * number of entries, 'value-too-large' for a value over `maxValueBytes`.
 */
export function readSourceEntries(list: Uint8Array, maxValueBytes: number): SourceEntry[] | 'bad-field' | 'value-too-large' {
  const view = new DataView(list.buffer, list.byteOffset, list.byteLength);
  const out: SourceEntry[] = [];
  let at = 0;
  while (at < list.length) {
    if (at + 2 > list.length) return 'bad-field';
    const n = view.getUint16(at);
    if (at + n + SOURCE_ENTRY_OVERHEAD_BYTES > list.length) return 'bad-field';
    if (n > maxValueBytes) return 'value-too-large';
    const value = list.subarray(at + 2, at + 2 + n);
    at += 2 + n;
    const publisher = list.subarray(at, at + ID_BYTES);
    at += ID_BYTES;
    out.push({ value, publisher, ttl: view.getUint32(at) });
    at += 4;
  }
  return out;
}
