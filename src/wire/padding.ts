/**
 * Request padding, as QUIC pads its Initial packets: a node answers an address it has not
 * verified with at most 3× the bytes it received (core/address-check.ts), so a requester that
 * wants a whole NODES or VALUE reply from a peer that does not know it yet sends a larger
 * datagram.
 *
 * Format: a datagram may begin with any number of 0x00 bytes. A message never begins with one
 * (its first byte is a record id, 0x40 + type: structures.ts), so the padding is read off
 * before the message without looking inside it; the padding counts toward the datagram's
 * size and nothing else.
 */
import { MAX_DATAGRAM_BYTES, nodesReplyBytes, valueReplyBytes } from './limits.js';

/** Number of padding bytes at the start of `datagram`. */
export function paddingLength(datagram: Uint8Array): number {
  let n = 0;
  while (n < datagram.length && datagram[n] === 0) n++;
  return n;
}

/** `message` behind enough zero bytes to make `size` bytes (never more than the datagram limit); `message` itself when it is that long already. */
export function padDatagram(message: Uint8Array, size: number): Uint8Array {
  const total = Math.min(size, MAX_DATAGRAM_BYTES);
  if (message.length >= total) return message;
  const out = new Uint8Array(total);
  out.set(message, total - message.length);
  return out;
}

// The verification PING the peer may send us from the same budget (worst case, see core/wire-sizes.ts).
const PING_BYTES = 28;

/**
 * Size a FIND_NODE (or, with `maxValueBytes`, a FIND_VALUE) must have for the largest reply —
 * k contacts of `contactBytes`, or a value of `maxValueBytes` — plus a verification PING to fit
 * within `factor` × its size.
 */
export function paddedRequestBytes(k: number, contactBytes: number, factor: number, maxValueBytes = -1): number {
  let reply = nodesReplyBytes(k, contactBytes);
  if (maxValueBytes >= 0) reply = Math.max(reply, valueReplyBytes(maxValueBytes));
  return Math.ceil((reply + PING_BYTES) / factor);
}
