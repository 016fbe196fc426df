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

/** Cuts a stream of [u32 length][body] messages into bodies; `push` hands each complete body on. */
export class Framer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onBody: (body: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let at = 0;
    while (this.buf.length - at >= 4) {
      const len = this.buf.readUInt32LE(at);
      if (this.buf.length - at - 4 < len) break;
      const body = this.buf.subarray(at + 4, at + 4 + len);
      at += 4 + len;
      this.onBody(body);
    }
    this.buf = at === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(at);
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

/** Accumulates the frames bound for one peer host until the next flush. */
export class FrameBatch {
  private parts: Buffer[] = [];
  private bytes = 0;
  count = 0;

  add(from: number, to: number, at: number, payload: Uint8Array, seq: number): void {
    const h = Buffer.allocUnsafe(LINK_FRAME_HEADER);
    h.writeUInt32LE(from, 0);
    h.writeUInt32LE(to, 4);
    h.writeUInt32LE(seq, 8);
    h.writeDoubleLE(at, 12);
    h.writeUInt32LE(payload.length, 20);
    this.parts.push(h, Buffer.from(payload)); // a copy: `payload` is a ring slot
    this.bytes += LINK_FRAME_HEADER + payload.length;
    this.count++;
  }

  /** The FRAMES message (null when empty); the batch is empty afterwards. Returns its bytes on the wire too. */
  take(): Buffer | null {
    if (this.count === 0) return null;
    const head = Buffer.allocUnsafe(9);
    head.writeUInt32LE(5 + this.bytes, 0);
    head.writeUInt8(DATA_FRAMES, 4);
    head.writeUInt32LE(this.count, 5);
    const out = Buffer.concat([head, ...this.parts]);
    this.parts = [];
    this.bytes = 0;
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
