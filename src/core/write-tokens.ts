/**
 * Write tokens (BEP 5): a node hands each requester, in its NODES and VALUE
 * replies, a token bound to the requester's address, and accepts a STORE
 * only with a valid token for the sender's address. Whoever STOREs must
 * therefore receive at the address it claims, so a spoofed source cannot
 * write.
 *
 * token = HalfSipHash-2-4-style keyed hash (64-bit key, 64-bit output) of
 * the host's dense address key for the peer, under a secret drawn from the
 * node's Random. Secrets rotate every `rotateMs`; a token made under the
 * previous secret is still accepted, so a token lives between one and two
 * rotations (5–10 minutes by default, as BEP 5). Rotation is lazy (on the
 * next issue or check), so a node that hands out no tokens draws nothing
 * from its stream. The UDP host seeds that stream from node:crypto; the
 * simulator's stays seeded.
 */
import type { Random } from './random.js';

export const TOKEN_BYTES = 8;

export class WriteTokens {
  /** Current secret (2 words), then previous (2 words). */
  private readonly secrets = new Uint32Array(4);
  private rotatedAt = -Infinity;
  private readonly out = new Uint32Array(2);

  constructor(
    private readonly rng: Random,
    private readonly rotateMs: number,
  ) {}

  /** A fresh token for the peer whose address key is `addressKey`. */
  issue(addressKey: number, now: number): Uint8Array {
    this.rotate(now);
    this.mac(0, addressKey);
    const t = new Uint8Array(TOKEN_BYTES);
    const o = this.out;
    for (let i = 0; i < 4; i++) {
      t[i] = (o[0]! >>> (24 - 8 * i)) & 0xff;
      t[4 + i] = (o[1]! >>> (24 - 8 * i)) & 0xff;
    }
    return t;
  }

  /** True when `token` was issued to `addressKey` under the current or the previous secret. */
  valid(addressKey: number, token: Uint8Array | undefined, now: number): boolean {
    if (!token || token.length !== TOKEN_BYTES) return false;
    this.rotate(now);
    const hi = ((token[0]! << 24) | (token[1]! << 16) | (token[2]! << 8) | token[3]!) >>> 0;
    const lo = ((token[4]! << 24) | (token[5]! << 16) | (token[6]! << 8) | token[7]!) >>> 0;
    for (let which = 0; which < 4; which += 2) {
      this.mac(which, addressKey);
      if (this.out[0] === hi && this.out[1] === lo) return true;
    }
    return false;
  }

  private rotate(now: number): void {
    if (now < this.rotatedAt + this.rotateMs) return;
    const s = this.secrets;
    if (now < this.rotatedAt + 2 * this.rotateMs) {
      s[2] = s[0]!;
      s[3] = s[1]!;
    } else {
      // Idle for two rotations or more (or the first use): no earlier token may stay valid.
      s[2] = this.rng.nextU32();
      s[3] = this.rng.nextU32();
    }
    s[0] = this.rng.nextU32();
    s[1] = this.rng.nextU32();
    this.rotatedAt = now;
  }

  /** 64-bit keyed hash of one 32-bit word under secret `which` (0 current, 2 previous) into `out`. */
  private mac(which: number, m: number): void {
    const k0 = this.secrets[which]!;
    const k1 = this.secrets[which + 1]!;
    const v = V;
    v[0] = k0;
    v[1] = k1 ^ 0xee;
    v[2] = 0x6c796765 ^ k0;
    v[3] = 0x74656462 ^ k1;
    m >>>= 0;
    v[3] ^= m;
    round(v);
    round(v);
    v[0] ^= m;
    const b = (4 << 24) >>> 0;
    v[3] ^= b;
    round(v);
    round(v);
    v[0] ^= b;
    v[2] ^= 0xee;
    for (let i = 0; i < 4; i++) round(v);
    this.out[0] = (v[1]! ^ v[3]!) >>> 0;
    v[1] ^= 0xdd;
    for (let i = 0; i < 4; i++) round(v);
    this.out[1] = (v[1]! ^ v[3]!) >>> 0;
  }
}

/** The hash's four lanes; a Uint32Array wraps every sum to 32 bits by itself. */
const V = new Uint32Array(4);
const rotl = (x: number, b: number): number => ((x << b) | (x >>> (32 - b))) >>> 0;

function round(v: Uint32Array): void {
  v[0] = v[0]! + v[1]!;
  v[1] = rotl(v[1]!, 5) ^ v[0]!;
  v[0] = rotl(v[0]!, 16);
  v[2] = v[2]! + v[3]!;
  v[3] = rotl(v[3]!, 8) ^ v[2]!;
  v[0] = v[0]! + v[3]!;
  v[3] = rotl(v[3]!, 7) ^ v[0]!;
  v[2] = v[2]! + v[1]!;
  v[1] = rotl(v[1]!, 13) ^ v[2]!;
  v[2] = rotl(v[2]!, 16);
}
