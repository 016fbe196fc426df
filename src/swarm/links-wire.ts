/**
 * The bytes on the TCP links of a multi-host swarm (issue 16). Every message on every link is
 * [u32 length][body]; `Framer` cuts a byte stream back into bodies.
 *
 * - Control link (host ↔ coordinator): the body is a v8-serialized object (typed arrays and all,
 *   as the MessagePorts carry them); both ends run the same kadswarm and Node major, which the
 *   handshake checks.
 * - Data link (host ↔ host, one per pair): the body starts with a kind byte:
 *   HELLO [u32 host index] — the first message of a link, from the side that connected;
 *   FRAMES [u32 count] then per frame [u32 from][u32 to][u32 seq][f64 at][u32 length][bytes] —
 *     the rings' wire bytes plus their routing words, for nodes on the receiving host;
 *   MARKER [u32 round][u32 frames] — virtual time: the end of an exchange round, with the number
 *     of frames sent in it (the receiver checks it).
 */
import { serialize, deserialize } from 'node:v8';
import type { Socket } from 'node:net';

export const DATA_HELLO = 1;
export const DATA_FRAMES = 2;
export const DATA_MARKER = 3;

/** Per-frame bytes on a data link besides the message itself. */
export const LINK_FRAME_HEADER = 24;

/**
 * Cuts a stream of [u32 length][body] messages into bodies; `push` hands each complete body on.
 * Chunks wait in a list until the message they belong to is complete, so a large batch arriving
 * in many chunks is joined once, not once per chunk.
 */
export class Framer {
  private chunks: Buffer[] = [];
  private total = 0;
  /** Bytes (header included) of the message at the front, once its header arrived; 0 before. */
  private need = 0;

  constructor(private readonly onBody: (body: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    for (;;) {
      if (this.need === 0) {
        if (this.total < 4) return;
        const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.joined();
        this.need = 4 + head.readUInt32LE(0);
      }
      if (this.total < this.need) return;
      const all = this.joined();
      const body = all.subarray(4, this.need);
      const rest = all.subarray(this.need);
      this.chunks = rest.length ? [rest] : [];
      this.total = rest.length;
      this.need = 0;
      this.onBody(body);
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.total)];
    return this.chunks[0]!;
  }
}

function prefixed(body: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Sends one control object. */
export function sendControl(socket: Socket, msg: object): void {
  if (!socket.destroyed) socket.write(prefixed(serialize(msg)));
}

export function readControl<T>(body: Buffer): T {
  return deserialize(body) as T;
}

/** Accumulates the frames bound for one peer host until the next flush: one buffer, no object per frame. */
export class FrameBatch {
  private static readonly HEAD = 9; // [u32 length][u8 FRAMES][u32 count]
  private buf: Buffer = Buffer.allocUnsafe(1 << 16);
  private len = FrameBatch.HEAD;
  count = 0;

  add(from: number, to: number, at: number, payload: Uint8Array, seq: number): void {
    const need = this.len + LINK_FRAME_HEADER + payload.length;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    const b = this.buf;
    let at0 = this.len;
    b.writeUInt32LE(from, at0);
    b.writeUInt32LE(to, at0 + 4);
    b.writeUInt32LE(seq, at0 + 8);
    b.writeDoubleLE(at, at0 + 12);
    b.writeUInt32LE(payload.length, at0 + 20);
    at0 += LINK_FRAME_HEADER;
    b.set(payload, at0); // a copy: `payload` is a ring slot
    this.len = at0 + payload.length;
    this.count++;
  }

  /** The FRAMES message, ready to write (null when empty); the batch is empty afterwards. */
  take(): Buffer | null {
    if (this.count === 0) return null;
    const out = this.buf.subarray(0, this.len);
    out.writeUInt32LE(this.len - 4, 0);
    out.writeUInt8(DATA_FRAMES, 4);
    out.writeUInt32LE(this.count, 5);
    // The socket keeps `out` until it is written: the next batch gets a buffer of its own.
    this.buf = Buffer.allocUnsafe(Math.max(1 << 16, Math.min(this.buf.length, 1 << 22)));
    this.len = FrameBatch.HEAD;
    this.count = 0;
    return out;
  }
}

export function helloMessage(index: number): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeUInt32LE(5, 0);
  b.writeUInt8(DATA_HELLO, 4);
  b.writeUInt32LE(index, 5);
  return b;
}

export function markerMessage(round: number, frames: number): Buffer {
  const b = Buffer.allocUnsafe(13);
  b.writeUInt32LE(9, 0);
  b.writeUInt8(DATA_MARKER, 4);
  b.writeUInt32LE(round, 5);
  b.writeUInt32LE(frames, 9);
  return b;
}

/** Calls `onFrame` for each frame of a FRAMES body (after its kind byte); the payload is a view into `body`. */
export function readFrames(body: Buffer, onFrame: (from: number, to: number, at: number, payload: Uint8Array, seq: number) => void): number {
  const count = body.readUInt32LE(1);
  let at = 5;
  for (let i = 0; i < count; i++) {
    const from = body.readUInt32LE(at);
    const to = body.readUInt32LE(at + 4);
    const seq = body.readUInt32LE(at + 8);
    const t = body.readDoubleLE(at + 12);
    const len = body.readUInt32LE(at + 20);
    at += LINK_FRAME_HEADER;
    onFrame(from, to, t, body.subarray(at, at + len), seq);
    at += len;
  }
  return count;
}
