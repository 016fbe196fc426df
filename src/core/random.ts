/**
 * Seeded randomness for the core. The core never calls Math.random: every
 * node draws from its own stream, so a run is reproducible from its seed
 * whatever order the host happens to serve nodes in.
 *
 * sfc32 (Chris Doty-Humphrey's small fast counter): four u32 words of state,
 * good statistical quality, and cheap enough for millions of draws per second.
 */
export class Random {
  // The state words are kept as signed 32-bit integers (the same bits as the u32 of the
  // algorithm): V8 stores those in the object as small integers, whereas a u32 of 2^31 or more
  // is a boxed number, allocated again on half the draws (16 bytes each, and garbage).
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = seed | 0;
    this.b = (stream * 0x9e3779b9) | 0;
    this.c = (seed ^ 0x85ebca6b) | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /**
   * A stream whose whole 128-bit state is given (e.g. from node:crypto on UDP, where secrets such
   * as write-token keys must not be recoverable from a 32-bit seed).
   */
  static fromState(words: ArrayLike<number>): Random {
    const r = new Random(0);
    r.a = words[0]! | 0;
    r.b = words[1]! | 0;
    r.c = words[2]! | 0;
    r.d = words[3]! | 1;
    for (let i = 0; i < 12; i++) r.nextU32();
    return r;
  }

  /**
   * Takes over the state of `from` when it is a plain Random: this object then draws what `from`
   * would have drawn next (`from` itself is left as it was). False for a subclass or a stand-in,
   * whose draws may not come from the four words.
   */
  protected continueStream(from: Random): boolean {
    if (from.constructor !== Random) return false;
    this.a = from.a;
    this.b = from.b;
    this.c = from.c;
    this.d = from.d;
    return true;
  }

  nextU32(): number {
    // Sums of two or three int32s are exact doubles, so `| 0` wraps them as `>>> 0` did.
    const t = (this.a + this.b + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextU32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (24 - 8 * j)) & 0xff;
    }
    return out;
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** Derives a well-mixed 32-bit seed for stream `index` of a run seeded with `seed`. */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
