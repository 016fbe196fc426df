// FrameRing and Doorbell across real threads (compiled fixtures in dist/; npm test builds first).
import { describe, expect, it } from 'vitest';
import { createBells, ringBell, waitForBell } from '../../src/net/doorbell.js';
import { createRingMesh } from '../../src/net/ring-mesh.js';
import { FrameRing } from '../../src/net/ring.js';
import { CONSUMER_BELL, FNV_SEED, SPACE_BELL, fillFrame, fnv1a, frameLength, MAX_LEN } from './fixtures/frame-pattern.js';
import { nextMessage, startFixture } from './worker-helpers.js';

describe('FrameRing across threads', () => {
  it('delivers 1,000,000 random-size frames through a 64 KiB ring: none lost, duplicated or reordered', async () => {
    const FRAMES = 1_000_000;
    const ring = FrameRing.create(64 * 1024);
    const bells = createBells(2);
    const producer = startFixture('ring-producer', { ring: ring.sab, bells: bells.buffer, frames: FRAMES });
    const done = nextMessage<{ checksum: number; stalls: number }>(producer, 110_000);
    done.catch(() => {}); // observed below; avoid an unhandled rejection while we are still draining

    let next = 0;
    let checksum = FNV_SEED;
    let bad = '';
    const expected = new Uint8Array(MAX_LEN);
    try {
      while (next < FRAMES && !bad) {
        const seen = Atomics.load(bells, CONSUMER_BELL); // read, then drain, then wait on what we read
        const n = ring.drain((bytes, a, b) => {
          const want = expected.subarray(0, frameLength(next));
          fillFrame(next, want);
          if (a !== next || b !== want.length || bytes.length !== want.length || Buffer.compare(bytes, want) !== 0) {
            bad ||= `frame ${next}: got seq ${a}, length ${bytes.length}`;
          }
          checksum = fnv1a(checksum, bytes);
          next++;
        }, 4096);
        if (n > 0) ringBell(bells, SPACE_BELL); // the producer may be blocked on a full ring
        else if ((await waitForBell(bells, CONSUMER_BELL, seen, 10_000)) === 'timed-out') bad = `stuck at frame ${next}`;
      }
      expect(bad).toBe('');
      expect(next).toBe(FRAMES);
      const result = await done;
      expect(result.checksum).toBe(checksum);
      expect(ring.isEmpty()).toBe(true);
    } finally {
      await producer.terminate();
    }
  });

  it('wakes a waiting thread for every frame: 10,000 ping-pong round trips with no lost wake-up', async () => {
    const ROUNDS = 10_000;
    const mesh = createRingMesh(2, 4096);
    const data = (shard: number) => ({ mesh, shard, rounds: ROUNDS, waitTimeoutMs: 5_000 });
    const workers = [startFixture('ping-pong', data(0)), startFixture('ping-pong', data(1))];
    type Stats = { received: number; ok: number; notEqual: number; timedOut: number; errors: string[] };
    try {
      const stats = await Promise.all(workers.map((w) => nextMessage<Stats>(w, 60_000)));
      for (const s of stats) {
        expect(s.errors).toEqual([]);
        expect(s.timedOut).toBe(0);
        expect(s.received).toBe(ROUNDS);
        expect(s.ok).toBeGreaterThan(0); // the threads really slept and were woken
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
});
