/**
 * Hashes of the message trace, to prove that a run is a function of its seed.
 *
 * - `sum`: today's order-independent 32-bit sum of per-message hashes (kept so runs can be
 *   compared with those recorded before the order-sensitive hash existed). It cannot see two
 *   messages swapped.
 * - `chain`: per receiving node, a 64-bit hash (two 32-bit lanes) chained over what the node
 *   receives, in order; the run's value is the sum of the nodes' chains mod 2^64. Order across
 *   nodes is free (shards run side by side), order at a node is not: swap two messages a node
 *   receives, or the time of one, and the value changes.
 */
import { mix } from './network-model.js';

export class TraceHash {
  sum = 0;
  count = 0;
  /** Slot → two lanes of the node's chain. */
  private chains: Uint32Array;

  constructor(slots: number) {
    this.chains = new Uint32Array(2 * Math.max(1, slots));
  }

  /** A node (global index `node`, local `slot`) received a message. */
  add(slot: number, node: number, t: number, from: number, rpc: number, type: number): void {
    const us = Math.round(t * 1000);
    this.sum = (this.sum + mix(us, from, node, rpc, type)) >>> 0;
    this.count++;
    if (2 * slot + 1 >= this.chains.length) this.grow(slot + 1);
    const c = this.chains;
    const i = 2 * slot;
    // A node's first message seeds its lanes with its index, so two nodes' streams do not cancel out.
    const hi = c[i]! === 0 && c[i + 1]! === 0 ? node : c[i]!;
    c[i] = mix(hi, us, from, rpc, type ^ 0x68690000);
    c[i + 1] = mix(c[i + 1]! ^ 0x6c6f, us, from ^ node, rpc, type);
  }

  /** The sum of the node chains, mod 2^64, as a BigInt (add those of several shards with `combine`). */
  chainSum(): bigint {
    let total = 0n;
    const c = this.chains;
    for (let i = 0; i < c.length; i += 2) if (c[i] !== 0 || c[i + 1] !== 0) total += (BigInt(c[i]!) << 32n) | BigInt(c[i + 1]!);
    return total & 0xffff_ffff_ffff_ffffn;
  }

  private grow(slots: number): void {
    const n = new Uint32Array(2 * Math.max(slots, this.chains.length));
    n.set(this.chains);
    this.chains = n;
  }
}

/** Adds shards' chain sums (hex strings of `chainSum`) mod 2^64 and formats the result. */
export function combineChains(sums: Array<bigint | string>): string {
  let total = 0n;
  for (const s of sums) total += typeof s === 'bigint' ? s : BigInt('0x' + s);
  return (total & 0xffff_ffff_ffff_ffffn).toString(16).padStart(16, '0');
}

export function formatChain(sum: bigint): string {
  return sum.toString(16).padStart(16, '0');
}
