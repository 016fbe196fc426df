/**
 * The order-sensitive trace hash sees what today's sum cannot: two messages a node receives
 * swapped, or one moved in time. Order across nodes stays free (shards run side by side).
 */
import { describe, expect, it } from 'vitest';
import { TraceHash, combineChains, formatChain } from '../../src/sim/trace-hash.js';

type Msg = [slot: number, node: number, t: number, from: number, rpc: number, type: number];

function hashOf(msgs: Msg[]): TraceHash {
  const h = new TraceHash(4);
  for (const m of msgs) h.add(...m);
  return h;
}

const a: Msg = [0, 10, 5.5, 3, 111, 4];
const b: Msg = [0, 10, 7.25, 4, 222, 5];
const c: Msg = [1, 11, 6, 3, 333, 1];

describe('trace hash', () => {
  it('changes when a node receives the same messages in another order; the old sum does not', () => {
    const ab = hashOf([a, b]);
    const ba = hashOf([b, a]);
    expect(ba.sum).toBe(ab.sum);
    expect(ba.count).toBe(ab.count);
    expect(formatChain(ba.chainSum())).not.toBe(formatChain(ab.chainSum()));
  });

  it('does not depend on how deliveries to different nodes interleave', () => {
    expect(hashOf([a, c, b]).chainSum()).toBe(hashOf([c, a, b]).chainSum());
    expect(hashOf([a, b, c]).chainSum()).toBe(hashOf([c, a, b]).chainSum());
  });

  it('changes when one message moves by a microsecond, or goes to another node', () => {
    const base = hashOf([a, b]).chainSum();
    expect(hashOf([[0, 10, 5.501, 3, 111, 4], b]).chainSum()).not.toBe(base);
    expect(hashOf([[2, 12, 5.5, 3, 111, 4], b]).chainSum()).not.toBe(base);
  });

  it('sums shards mod 2^64 as 16 hex digits, the same as one shard holding every node', () => {
    const one = hashOf([a, b, c]);
    const s0 = hashOf([a, b]);
    const s1 = hashOf([c]);
    expect(combineChains([formatChain(s0.chainSum()), formatChain(s1.chainSum())])).toBe(formatChain(one.chainSum()));
    expect(combineChains(['ffffffffffffffff', '0000000000000002'])).toBe('0000000000000001');
  });
});
