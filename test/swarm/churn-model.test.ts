/** The churn model: configured means, steady-state start, bootstrap nodes never down. */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { ChurnSchedule, randomUpNode } from '../../src/sim/churn-model.js';

describe('the churn schedule', () => {
  const spec = { uptimeMs: 20 * 60_000, downtimeMs: 10 * 60_000, startMs: 1000, endMs: 1000 + 200 * 3600_000, bootstraps: 2, seed: 9 };
  const s = new ChurnSchedule(2000, spec);

  it('draws up and down periods with the configured means (within sampling error)', () => {
    const ups: number[] = [];
    const downs: number[] = [];
    for (let i = 2; i < 2000; i++) {
      const f = s.flipsOf(i);
      let up = s.initially(i);
      for (let j = 1; j < f.length; j++) {
        // Whole periods only: between two flips.
        (up ? downs : ups).push(f[j]! - f[j - 1]!);
        up = !up;
      }
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    // Hundreds of thousands of exponential samples: the standard error of the mean is well under 1 %.
    expect(ups.length).toBeGreaterThan(100_000);
    expect(mean(ups) / spec.uptimeMs).toBeGreaterThan(0.98);
    expect(mean(ups) / spec.uptimeMs).toBeLessThan(1.02);
    expect(mean(downs) / spec.downtimeMs).toBeGreaterThan(0.98);
    expect(mean(downs) / spec.downtimeMs).toBeLessThan(1.02);
  });

  it('starts in the steady state: a node is up with probability up / (up + down), at the start and later', () => {
    const upAt = (t: number) => {
      let n = 0;
      for (let i = 2; i < 2000; i++) if (s.isUp(i, t)) n++;
      return n / 1998;
    };
    const expected = 2 / 3;
    for (const t of [spec.startMs, spec.startMs + 3600_000, spec.startMs + 50 * 3600_000]) {
      expect(Math.abs(upAt(t) - expected)).toBeLessThan(0.04); // 1,998 nodes: 3.5 standard errors
    }
  });

  it('never takes a bootstrap node down, and everyone is up before the churn starts', () => {
    for (const t of [0, spec.startMs, spec.startMs + 1234567, spec.endMs - 1]) {
      expect(s.isUp(0, t)).toBe(true);
      expect(s.isUp(1, t)).toBe(true);
    }
    expect(s.flipsOf(0).length).toBe(0);
    for (let i = 2; i < 50; i++) expect(s.isUp(i, spec.startMs - 1)).toBe(true);
  });

  it('isUpThrough agrees with isUp sampled every second, and randomUpNode honours the stay', () => {
    const brute = (i: number, t0: number, t1: number): boolean => {
      for (let t = t0; t <= t1; t += 1000) if (!s.isUp(i, t)) return false;
      return s.isUp(i, t1);
    };
    let checked = 0;
    for (let i = 2; i < 40; i++) {
      for (const f of s.flipsOf(i).subarray(0, 4)) {
        // Windows ending just before, spanning and starting just after a flip.
        for (const [t0, t1] of [[f - 61_000, f - 1000], [f - 30_000, f + 30_000], [f + 1000, f + 61_000]] as const) {
          expect(s.isUpThrough(i, t0, t1)).toBe(brute(i, t0, t1));
          checked++;
        }
      }
      // Across the churn start: everyone up before it, the node's own first state after it.
      expect(s.isUpThrough(i, spec.startMs - 5000, spec.startMs + 5000)).toBe(s.initially(i) && s.flipsOf(i)[0]! > spec.startMs + 5000);
    }
    expect(checked).toBeGreaterThan(300);
    const rng = new Random(4);
    for (let n = 0; n < 200; n++) {
      const t = spec.startMs + rng.int(3600_000);
      const node = randomUpNode(s, 2000, t, rng, 60_000);
      expect(brute(node, t, t + 60_000)).toBe(true);
    }
  });

  it('is the same schedule for the same seed, and another for another seed', () => {
    const again = new ChurnSchedule(2000, spec);
    const other = new ChurnSchedule(2000, { ...spec, seed: 10 });
    expect(Array.from(again.flipsOf(77))).toEqual(Array.from(s.flipsOf(77)));
    expect(Array.from(other.flipsOf(77))).not.toEqual(Array.from(s.flipsOf(77)));
  });
});
