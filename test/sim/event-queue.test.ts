// The shard's event queue (src/sim/event-queue.ts) against a sorted list: bursts that grow it
// far past its first room and drain it again (it then shrinks), with ties broken by the keys or,
// without keys, by insertion order.
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/event-queue.js';
import { Random } from '../../src/core/random.js';

interface Ev {
  time: number;
  k1: number;
  k2: number;
  tag: number;
  item: number;
}

const order = (a: Ev, b: Ev): number => a.time - b.time || a.k1 - b.k1 || a.k2 - b.k2;

describe('EventQueue', () => {
  it('pops in (time, key1, key2) order through bursts that grow and shrink it', () => {
    const rng = new Random(7);
    const q = new EventQueue<number>();
    const model: Ev[] = [];
    let seq = 0;
    let item = 0;
    const capacity = (): number => (q as unknown as { times: Float64Array }).times.length;
    for (let round = 0; round < 4; round++) {
      const burst = 3000 + rng.int(20000);
      for (let i = 0; i < burst; i++) {
        const time = rng.int(500);
        const keyed = rng.int(2) === 0;
        const ev: Ev = keyed
          ? { time, k1: rng.int(50), k2: 1e6 + item, tag: rng.int(1000), item: item++ }
          : { time, k1: 0, k2: seq, tag: rng.int(1000), item: item++ };
        if (keyed) q.push(ev.time, ev.item, ev.k1, ev.k2, ev.tag);
        else q.push(ev.time, ev.item, 0, -1, ev.tag);
        if (!keyed) seq++; // the queue numbers only the pushes without keys
        model.push(ev);
        // Interleave some pops, as a running shard does.
        if (rng.int(4) === 0) {
          model.sort(order);
          const want = model.shift()!;
          expect(q.pop()).toBe(want.item);
          expect(q.poppedTag).toBe(want.tag);
          expect(q.poppedKey1).toBe(want.k1);
        }
      }
      expect(capacity()).toBeGreaterThanOrEqual(q.size);
      const peak = capacity();
      model.sort(order);
      while (model.length > 0) {
        const want = model.shift()!;
        expect(q.peekTime()).toBe(want.time);
        expect(q.pop()).toBe(want.item);
        expect(q.poppedTag).toBe(want.tag);
      }
      expect(q.pop()).toBeUndefined();
      expect(q.peekTime()).toBe(Infinity);
      // Drained, it gives its room back down to the first 1,024 events.
      if (peak > 1024) expect(capacity()).toBe(1024);
    }
  });
});
