/**
 * Writes our fixed msgpackr records by hand. The bytes are exactly what
 * msgpackr's Packr produces for the shared structures (structures.ts) — a
 * test compares both on thousands of messages — but without building an
 * object per message and walking msgpackr's structure transitions: encoding
 * was the costliest step of the swarm's per-message path. Decoding is
 * hand-written the same way (decode-fields.ts).
 *
 * msgpackr's choices reproduced here: a record is its id byte (0x40 + type)
 * followed by the values in structure order; a whole number in 0..2^32−1 is
 * a fixint below 0x40 (0x40–0x7f are record ids), else the smallest uint
 * form; any other number is a float64; binary is bin8/16/32.
 */
export class RecordWriter {
  private at = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get length(): number {
    return this.at;
  }

  start(recordId: number): this {
    this.at = 0;
    this.buf[this.at++] = recordId;
    return this;
  }

  number(n: number): this {
    const b = this.buf;
    if (n >>> 0 === n) {
      // Below 0x40 only: with records on, bytes 0x40–0x7f name record structures.
      if (n < 0x40) b[this.at++] = n;
      else if (n < 0x100) {
        b[this.at++] = 0xcc;
        b[this.at++] = n;
      } else if (n < 0x10000) {
        b[this.at++] = 0xcd;
        b[this.at++] = n >>> 8;
        b[this.at++] = n & 0xff;
      } else {
        b[this.at++] = 0xce;
        this.view.setUint32(this.at, n);
        this.at += 4;
      }
      return this;
    }
    b[this.at++] = 0xcb;
    this.view.setFloat64(this.at, n);
    this.at += 8;
    return this;
  }

  bool(v: boolean): this {
    this.buf[this.at++] = v ? 0xc3 : 0xc2;
    return this;
  }

  /** Opens a bin field of `length` bytes and returns the offset to write them at. */
  binHeader(length: number): number {
    const b = this.buf;
    if (length < 0x100) {
      b[this.at++] = 0xc4;
      b[this.at++] = length;
    } else if (length < 0x10000) {
      b[this.at++] = 0xc5;
      b[this.at++] = length >>> 8;
      b[this.at++] = length & 0xff;
    } else {
      b[this.at++] = 0xc6;
      this.view.setUint32(this.at, length);
      this.at += 4;
    }
    const start = this.at;
    this.at += length;
    return start;
  }

  bin(bytes: Uint8Array): this {
    this.buf.set(bytes, this.binHeader(bytes.length));
    return this;
  }

  /** A 20-byte binary field written from five big-endian words (an ID in a PeerIds table). */
  binFromWords(words: Uint32Array, at: number): this {
    const o = this.binHeader(20);
    for (let w = 0; w < 5; w++) this.view.setUint32(o + w * 4, words[at + w]!);
    return this;
  }

  /** Closes a bin field whose length was not known in advance: moves its body if the header grows. */
  binAfter(start: number, length: number): this {
    // Reserved as bin8 (2 header bytes) at `start - 2`; bin16 needs one more byte.
    if (length < 0x100) {
      this.buf[start - 1] = length;
      this.at = start + length;
      return this;
    }
    this.buf.copyWithin(start + 1, start, start + length);
    this.buf[start - 2] = 0xc5;
    this.buf[start - 1] = length >>> 8;
    this.buf[start] = length & 0xff;
    this.at = start + 1 + length;
    return this;
  }

  /** Reserves a bin8 header and returns where the body starts (finish with binAfter). */
  openBin(): number {
    this.buf[this.at++] = 0xc4;
    this.buf[this.at++] = 0;
    return this.at;
  }
}
