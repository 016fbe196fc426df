/**
 * The bootstrap contacts a real-time stress newcomer joins through (shard-ops joinVia): three
 * distinct bootstrap nodes, never the newcomer itself, spread over the list by the node's index —
 * so at 30 % loss a join loses its whole first exchange one time in eight, not one in two.
 */
import { describe, expect, it } from 'vitest';
import { JOIN_VIA, joinVia } from '../../src/swarm/shard-ops.js';

const BOOTS = Array.from({ length: 16 }, (_, i) => i * 100);

describe('joinVia', () => {
  it('gives three distinct bootstrap nodes, the first chosen by the node index', () => {
    expect(JOIN_VIA).toBe(3);
    expect(joinVia(5, BOOTS)).toEqual([500, 600, 700]);
    expect(joinVia(14, BOOTS)).toEqual([1400, 1500, 0]); // wraps around the list
  });

  it('never gives the node itself: a bootstrap node joins through the others', () => {
    for (const self of BOOTS) {
      const via = joinVia(self, BOOTS);
      expect(via).toHaveLength(3);
      expect(via).not.toContain(self);
      expect(new Set(via).size).toBe(3);
    }
  });

  it('gives what there is when there are fewer bootstrap nodes, and none when only the node itself', () => {
    expect(joinVia(1, [0])).toEqual([0]);
    expect(joinVia(7, [0, 7])).toEqual([0]);
    expect(joinVia(0, [0])).toEqual([]);
  });

  it('spreads 2,000 newcomers evenly: each of 16 bootstrap nodes is asked by 3/16 of them', () => {
    const asked = new Map<number, number>();
    for (let self = 0; self < 2000; self++) if (!BOOTS.includes(self)) for (const b of joinVia(self, BOOTS)) asked.set(b, (asked.get(b) ?? 0) + 1);
    expect(asked.size).toBe(16);
    const total = [...asked.values()].reduce((a, b) => a + b, 0);
    for (const n of asked.values()) expect(Math.abs(n - total / 16)).toBeLessThan(total / 16 / 10);
  });
});
