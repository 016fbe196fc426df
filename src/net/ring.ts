/**
 * FrameRing: a single-producer/single-consumer queue of frames in a SharedArrayBuffer.
 *
 * Contract: exactly one thread calls `tryWrite*` and exactly one thread calls `drain`; both wrap
 * the same SAB (`new FrameRing(sab)`). Writes never block and are never partial: `false` means
 * "full, try again after the consumer drains" (back-pressure). `drain` hands each frame to the
 * callback as a view into the ring, valid only during that call — copy it (or decode it fully)
 * before returning, because the slot is reused once the read counter moves on. `drainAt` is the
 * same without the per-frame view (offset + length into one constant Uint8Array), for hot paths.
 *
 * Layout: a 128-byte control block, then a power-of-two data area. Each frame is
 *   [u32 payload length][u32 a][u32 b][u32 c][f64 t][payload][pad to 4 bytes]
 * and is always contiguous: when it would run past the end, the writer puts a wrap marker in the
 * length word and starts again at offset 0. The (a, b, c, t) words exist for the swarm's routing
 * header (source node, destination node, the source's sequence number, deliver-at time) so it never
 * copies a message just to prefix it; plain `tryWrite` sets them to 0.
 *
 * Ordering: payload bytes are written with plain stores and then published with
 * `Atomics.store(head)`; the reader sees them after `Atomics.load(head)` (the JS memory model makes
 * that pair a synchronizes-with edge). The same holds in reverse for the read counter.
 */

/** Int32 index of the write counter: total bytes ever written, wrapping mod 2^32. */
const HEAD = 0;
/** Int32 index of the read counter; 64 bytes from HEAD so the two sit on different cache lines. */
const TAIL = 16;
/** Control block size in bytes; the data area starts here. */
const CONTROL_BYTES = 128;
/** Bytes of per-frame header: length, a, b, c (u32 each) and t (f64, 8-byte aligned). */
export const FRAME_HEADER_BYTES = 24;
/** Length word meaning "nothing more before the end of the data area; continue at offset 0". */
const WRAP = 0xffffffff;
/** The reader publishes its counter every this many frames within one drain, so a writer facing a
 * small, full ring can refill it while a long drain is still running (and not only at the end). */
const PUBLISH_EVERY = 32;

/** Called once per frame; `bytes` is a view into the ring, valid only during the call. */
export type FrameHandler = (bytes: Uint8Array, a: number, b: number, t: number, c: number) => void;
/** Called once per frame by `drainAt`; the payload is `area[offset, offset + length)`, valid only during the call. */
export type FrameAtHandler = (area: Uint8Array, offset: number, length: number, a: number, b: number, t: number, c: number) => void;

/** Bytes a frame with this payload length occupies in the data area (header + payload + pad). */
export function frameBytes(payloadLength: number): number {
  return (FRAME_HEADER_BYTES + payloadLength + 3) & ~3;
}

export class FrameRing {
  /** The shared memory; pass it to the other thread (in workerData or a message, not transferList). */
  readonly sab: SharedArrayBuffer;
  /** Data area size in bytes (a power of two). */
  readonly capacity: number;
  /** Largest payload a single frame may carry: half the data area, less the frame header. With at
   * most half, a frame always fits into an empty ring even after a wrap marker wastes the tail end. */
  readonly maxPayload: number;

  private readonly ctl: Int32Array;
  private readonly data: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly dv: DataView;
  private readonly mask: number;
  // Stale copies of the other side's counter. Stale is always safe (it under-estimates free space
  // for the writer and available frames for the reader); refreshing them only when they say "no"
  // keeps the atomic loads of the shared line off the common path.
  private tailSeen = 0;
  private headSeen = 0;

  /** Allocate a ring whose data area is `capacityBytes` (a power of two, at least 64). */
  static create(capacityBytes: number): FrameRing {
    checkCapacity(capacityBytes);
    return new FrameRing(new SharedArrayBuffer(CONTROL_BYTES + capacityBytes));
  }

  /** Wrap an existing ring's memory (e.g. the SAB received by a worker). */
  constructor(sab: SharedArrayBuffer) {
    const capacity = sab.byteLength - CONTROL_BYTES;
    checkCapacity(capacity);
    this.sab = sab;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxPayload = capacity / 2 - FRAME_HEADER_BYTES;
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.data = new Uint8Array(sab, CONTROL_BYTES, capacity);
    this.u32 = new Uint32Array(sab, CONTROL_BYTES, capacity / 4);
    this.dv = new DataView(sab, CONTROL_BYTES, capacity);
    this.tailSeen = Atomics.load(this.ctl, TAIL);
    this.headSeen = Atomics.load(this.ctl, HEAD);
  }

  /** Append one frame with a zero routing header. */
  tryWrite(payload: Uint8Array): boolean {
    return this.tryWriteFrame(0, 0, 0, payload);
  }

  /**
   * Append one frame: routing words `a`, `b`, `c` (u32) and `t` (f64), then `payload`, copied once.
   * Returns false, writing nothing, when the ring lacks room. Throws RangeError if the payload is
   * larger than `maxPayload` (it could never fit).
   */
  tryWriteFrame(a: number, b: number, t: number, payload: Uint8Array, c = 0): boolean {
    const len = payload.length;
    if (len > this.maxPayload) {
      throw new RangeError(`FrameRing: payload of ${len} B exceeds maxPayload ${this.maxPayload} B (capacity ${this.capacity} B)`);
    }
    const size = (FRAME_HEADER_BYTES + len + 3) & ~3;
    const head = this.ctl[HEAD]!; // only this thread writes HEAD, so a plain read is current
    const pos = head & this.mask;
    const untilEnd = this.capacity - pos; // >= 4 because pos is 4-aligned, so a wrap marker fits
    const need = size <= untilEnd ? size : untilEnd + size;
    if (this.capacity - ((head - this.tailSeen) | 0) < need) {
      this.tailSeen = Atomics.load(this.ctl, TAIL);
      if (this.capacity - ((head - this.tailSeen) | 0) < need) return false;
    }
    let at = pos;
    if (size > untilEnd) {
      this.u32[pos >> 2] = WRAP;
      at = 0;
    }
    const w = at >> 2;
    this.u32[w] = len;
    this.u32[w + 1] = a;
    this.u32[w + 2] = b;
    this.u32[w + 3] = c;
    this.dv.setFloat64(at + 16, t, true);
    this.data.set(payload, at + FRAME_HEADER_BYTES);
    Atomics.store(this.ctl, HEAD, (head + need) | 0); // release: publishes everything above
    return true;
  }

  /**
   * Read up to `max` frames, calling `onFrame` for each, and free their space. Returns the number
   * of frames read (0 if the ring was empty). If `onFrame` throws, the frame that threw counts as
   * consumed (a poison frame must not be redelivered forever) and the error propagates.
   */
  drain(onFrame: FrameHandler, max = Infinity): number {
    const data = this.data; // a plain Uint8Array: its subarray is cheaper than Buffer's
    return this.drainAt((_area, offset, length, a, b, t, c) => onFrame(data.subarray(offset, offset + length), a, b, t, c), max);
  }

  /**
   * Like `drain`, but without making a view per frame (on a SAB that costs about as much as the
   * rest of the read path): the payload is `area[offset, offset + length)`, where `area` is the
   * same plain Uint8Array over the whole data area on every call (plain, not a Buffer, so a
   * decoder's slice() is a copy). Suits decoders that take a range (the swarm's decodeInto).
   */
  drainAt(onFrame: FrameAtHandler, max = Infinity): number {
    const { ctl, u32, dv, data: area, mask, capacity, maxPayload } = this;
    let tail = ctl[TAIL]!; // only this thread writes TAIL
    let head = this.headSeen;
    let n = 0;
    try {
      while (n < max) {
        if (tail === head) {
          head = this.headSeen = Atomics.load(ctl, HEAD); // acquire
          if (tail === head) break;
        }
        const pos = tail & mask;
        const w = pos >> 2;
        const len = u32[w]!;
        if (len === WRAP) {
          tail = (tail + capacity - pos) | 0;
          if (((head - tail) | 0) < 0) throw new Error(`FrameRing: corrupt wrap marker at offset ${pos}`);
          continue;
        }
        const next = (tail + ((FRAME_HEADER_BYTES + len + 3) & ~3)) | 0;
        // Only a bug (two writers, a foreign write into the SAB) gets here; stop rather than walk
        // garbage or spin past the head. The read counter stays on the bad frame.
        if (len > maxPayload || ((head - next) | 0) < 0) {
          throw new Error(`FrameRing: corrupt frame (length ${len}) at offset ${pos}`);
        }
        tail = next;
        onFrame(area, pos + FRAME_HEADER_BYTES, len, u32[w + 1]!, u32[w + 2]!, dv.getFloat64(pos + 16, true), u32[w + 3]!);
        if (++n % PUBLISH_EVERY === 0) Atomics.store(ctl, TAIL, tail);
      }
    } finally {
      Atomics.store(ctl, TAIL, tail);
    }
    return n;
  }

  /** True when the consumer has read everything published so far (exact only on the consumer). */
  isEmpty(): boolean {
    return Atomics.load(this.ctl, HEAD) === Atomics.load(this.ctl, TAIL);
  }

  /** Bytes published but not yet consumed, including wrap waste. */
  usedBytes(): number {
    return (Atomics.load(this.ctl, HEAD) - Atomics.load(this.ctl, TAIL)) | 0;
  }
}

function checkCapacity(capacity: number): void {
  // Power of two so that `counter & mask` maps the wrapping u32 counters to offsets correctly
  // across the 2^32 wrap; 64 bytes minimum so at least one small frame fits.
  if (!Number.isInteger(capacity) || capacity < 64 || capacity > 2 ** 30 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`FrameRing: capacity must be a power of two between 64 B and 1 GiB, got ${capacity}`);
  }
}
