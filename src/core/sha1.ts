/**
 * SHA-1 in plain JS for the core, which is sans-IO (no node:crypto): the content check of
 * values (content-check.ts) and the ID puzzle (id-puzzle.ts) hash a few hundred bytes at most.
 * Checked against node:crypto in test/core/sha1.test.ts. One 80-word schedule is reused: the
 * core runs on one thread, and nothing here keeps state between calls.
 */
const W = new Int32Array(80);
const H = new Int32Array(5);

/** SHA-1 of bytes[from, to) written into out[at, at + 20). */
export function sha1Into(bytes: Uint8Array, out: Uint8Array, at = 0, from = 0, to = bytes.length): void {
  const len = to - from;
  const blocks = ((len + 8) >>> 6) + 1;
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < 16; i++) {
      let v = 0;
      for (let j = 0; j < 4; j++) {
        const p = b * 64 + i * 4 + j;
        const byte = p < len ? bytes[from + p]! : p === len ? 0x80 : 0;
        v = (v << 8) | byte;
      }
      W[i] = v;
    }
    if (b === blocks - 1) {
      // The message length in bits, big-endian, in the last 8 bytes (lengths below 2^32 bits here).
      W[14] = Math.floor((len * 8) / 0x1_0000_0000);
      W[15] = (len * 8) | 0;
    }
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = H[0]!;
    let bb = H[1]!;
    let c = H[2]!;
    let d = H[3]!;
    let e = H[4]!;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (bb & c) | (~bb & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = bb ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (bb & c) | (bb & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = bb ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0;
      e = d;
      d = c;
      c = (bb << 30) | (bb >>> 2);
      bb = a;
      a = t;
    }
    H[0] = (H[0]! + a) | 0;
    H[1] = (H[1]! + bb) | 0;
    H[2] = (H[2]! + c) | 0;
    H[3] = (H[3]! + d) | 0;
    H[4] = (H[4]! + e) | 0;
  }
  for (let i = 0; i < 5; i++) {
    const v = H[i]!;
    out[at + i * 4] = v >>> 24;
    out[at + i * 4 + 1] = (v >>> 16) & 0xff;
    out[at + i * 4 + 2] = (v >>> 8) & 0xff;
    out[at + i * 4 + 3] = v & 0xff;
  }
}

export function sha1(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  sha1Into(bytes, out);
  return out;
}
