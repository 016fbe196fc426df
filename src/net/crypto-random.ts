/**
 * The core's Random, drawn from node:crypto instead of a seeded generator: what a node on a
 * real network uses, so that nobody who watches its RPC ids (or its ID) can predict the next
 * rpc id and answer a request it never saw (a spoofed PONG would otherwise complete a
 * bootstrap or verify a forged address). The simulator and `--seed` keep the seeded sfc32.
 *
 * Words come from a pool filled by getRandomValues 4 KiB at a time: a UDP node draws a few per
 * request.
 */
import { getRandomValues } from 'node:crypto';
import { Random } from '../core/random.js';

const POOL_WORDS = 1024;

export class CryptoRandom extends Random {
  // Declared, not initialised: Random's constructor already draws through nextU32, before a
  // subclass's field initialisers would run (and reset them).
  declare private pool: Uint32Array | undefined;
  declare private used: number;

  constructor() {
    super(0);
  }

  override nextU32(): number {
    if (this.pool === undefined || this.used === POOL_WORDS) {
      this.pool = getRandomValues(this.pool ?? new Uint32Array(POOL_WORDS));
      this.used = 0;
    }
    return this.pool[this.used++]!;
  }
}
