/**
 * Lookups when many contacts are dead (k = 3, half the nodes stopped after the
 * values were stored): the closest live node to a key holds the value, so a get
 * should reach it. Two defects made it fail: the shortlist dropped the closest
 * contact of the first reply while far first picks were in flight (α = 3), and a
 * lookup whose first picks were all dead gave up instead of asking its table for more.
 */
import { describe, expect, it } from 'vitest';
import { compareDistance, idToWords, ID_WORDS } from '../../src/core/id.js';
import { Random } from '../../src/core/random.js';
import { keyString } from '../../src/core/records.js';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { parseLatency } from '../../src/sim/network-model.js';

const N = 1000;
const KEYS = 150;

function halfDown(alpha: number) {
  const net = new SimNetwork({ seed: 5, config: { k: 3, alpha, replicate: false, cacheOnLookupPath: false }, network: { latency: parseLatency('20-200ms'), jitter: 0.1 } });
  for (let i = 0; i < N; i++) net.addNode();
  expect(net.joinAll(0, 1, N, 50).filter((j) => !j.ok)).toEqual([]);
  const rng = new Random(9);
  const keys = Array.from({ length: KEYS }, (_, j) => {
    const key = rng.bytes(20);
    net.put(rng.int(N), key, Uint8Array.of(j));
    return key;
  });
  const down = new Set<number>();
  while (down.size < N / 2) down.add(1 + rng.int(N - 1));
  for (const i of down) net.stop(i);
  const live = Array.from({ length: N }, (_, i) => i).filter((i) => !down.has(i));
  return { net, rng, keys, live };
}

describe('lookups with half the nodes dead (k = 3)', () => {
  for (const alpha of [1, 3]) {
    it(`α = ${alpha}: a get reaches the closest live node when it holds the value`, () => {
      const { net, rng, keys, live } = halfDown(alpha);
      let eligible = 0;
      let found = 0;
      keys.forEach((key, j) => {
        const t = idToWords(key);
        const closest = live.reduce((a, b) => (compareDistance(net.peers.words, a * ID_WORDS, b * ID_WORDS, t, 0) <= 0 ? a : b));
        const asker = live[rng.int(live.length)]!;
        if (asker === closest || !net.nodes[closest]!.records?.get(keyString(key), net.now)) return;
        eligible++;
        const r = net.get(asker, key);
        if (r.found && r.value![0] === j) found++;
      });
      expect(eligible).toBeGreaterThan(KEYS / 3);
      // The seeds are fixed, so the ratio is too: 77 % (α = 1) and 79 % (α = 3) now, 68 % and 54 %
      // before the fixes. What is left is the limit of k = 3: no node asked knew the holder.
      expect(found / eligible).toBeGreaterThan(0.74);
    });
  }
});
