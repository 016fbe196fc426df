/**
 * What UdpNode's puts add on top of the core: the error for a put every node refused, and the
 * signing side of signed puts (BEP 44) — the node's own key pair, the seq to use next for each
 * key, the signature — so the node only hands the core a ready signed record.
 */
import { idToHex } from '../core/id.js';
import type { PutResult } from '../core/index.js';
import { STORE_CODE_TEXT, type SignedPart, type StoreRefusal } from '../core/messages.js';
import { generateSigningKeyPair, signRecord, signedKey, type SigningKeyPair } from './ed25519.js';

/** A put that every node that answered refused: `result` has the counts by reason. */
export class StoreRefusedError extends Error {
  constructor(readonly result: PutResult) {
    const reasons = Object.entries(result.refused ?? {}) as Array<[StoreRefusal, number]>;
    super(`put: refused by ${reasons.reduce((n, [, c]) => n + c, 0)} node(s), stored on none: ${reasons.map(([r, c]) => `${c} × ${r} (${STORE_CODE_TEXT[r]})`).join('; ')}`);
    this.name = 'StoreRefusedError';
  }
}

/** A put that no node stored and some refused becomes a StoreRefusedError naming the reasons. */
export function refusedIfNone<R extends PutResult>(r: R): R {
  if (r.stored === 0 && r.refused) throw new StoreRefusedError(r);
  return r;
}

export interface UdpPutSignedResult extends PutResult {
  /** The record's key, SHA-1(public key ‖ salt): what a get asks for. */
  key: Uint8Array;
  /** The same key in hex. */
  keyHex: string;
  seq: number;
}

/** A signed record ready for the core. */
export interface PreparedSigned {
  key: Uint8Array;
  seq: number;
  signed: SignedPart;
}

export class SignedPuts {
  /** Last seq signed for each signed key (hex), so a default seq always grows. */
  private readonly seqs = new Map<string, number>();
  private own: SigningKeyPair | null = null;

  /** The node's own key pair, made on first use. */
  get ownKeys(): SigningKeyPair {
    return (this.own ??= generateSigningKeyPair());
  }

  /**
   * Signs `value` under SHA-1(public key ‖ salt). `seq` defaults to the greater of the last seq
   * signed here for the key + 1 and the wall clock in ms. Throws RangeError for a value over
   * `maxValueBytes`, a salt over 64 bytes or a bad seq.
   */
  prepare(keys: SigningKeyPair, salt: Uint8Array, value: Uint8Array, seq: number | undefined, maxValueBytes: number): PreparedSigned {
    if (value.length > maxValueBytes) throw new RangeError(`a signed value is at most ${maxValueBytes} bytes, got ${value.length}`);
    const key = signedKey(keys.publicKey, salt);
    const hex = idToHex(key);
    const last = this.seqs.get(hex) ?? -1;
    const n = seq ?? Math.max(last + 1, Math.floor(Date.now()));
    const signed = signRecord(keys, salt, n, value);
    this.seqs.set(hex, Math.max(n, last));
    return { key, seq: n, signed };
  }
}
