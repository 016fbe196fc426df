/**
 * A UDP node without --seed draws its ID and every RPC id from node:crypto (nothing to recover
 * from an observed ID or rpc); with a seed it stays reproducible for tests.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { idToHex } from '../../src/core/id.js';
import { Random } from '../../src/core/random.js';
import { CryptoRandom } from '../../src/net/crypto-random.js';
import { UdpNode } from '../../src/net/udp-node.js';

const nodes: UdpNode[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
});

describe('CryptoRandom', () => {
  it('is a Random whose words come from node:crypto: two streams share nothing, and the pool refills', () => {
    const a = new CryptoRandom();
    const b = new CryptoRandom();
    const wa = Array.from({ length: 3000 }, () => a.nextU32()); // past one 1,024-word pool
    const wb = Array.from({ length: 3000 }, () => b.nextU32());
    expect(new Set(wa).size).toBeGreaterThan(2990);
    expect(wa.filter((w, i) => w === wb[i]).length).toBeLessThan(3);
    // Every bit position is about half ones (binomial, 3000 draws: 6 sigma is ±164).
    for (let bit = 0; bit < 32; bit++) {
      const ones = wa.filter((w) => (w >>> bit) & 1).length;
      expect(Math.abs(ones - 1500)).toBeLessThan(164);
    }
    expect(a).toBeInstanceOf(Random);
    expect(a.bytes(20)).toHaveLength(20);
    expect(a.int(10)).toBeLessThan(10);
  });
});

describe('UdpNode identity', () => {
  it('without a seed: crypto ID and crypto RPC ids; with one: the same ID for the same seed', async () => {
    for (let i = 0; i < 2; i++) nodes.push(await UdpNode.create({ listen: '127.0.0.1:0' }));
    for (let i = 0; i < 2; i++) nodes.push(await UdpNode.create({ listen: '127.0.0.1:0', seed: 31 }));
    const [x, y, s1, s2] = nodes;
    expect(idToHex(x!.id)).not.toBe(idToHex(y!.id));
    expect(x!.core.rng).toBeInstanceOf(CryptoRandom);
    expect(idToHex(s1!.id)).toBe(idToHex(s2!.id));
    expect(idToHex(s1!.id)).toBe(idToHex(new Random(31, 3).bytes(20)));
    expect(s1!.core.rng).not.toBeInstanceOf(CryptoRandom);
  });
});
