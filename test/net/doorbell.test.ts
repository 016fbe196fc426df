// Doorbell semantics on one thread: the three wait outcomes and the read-drain-wait order.
import { describe, expect, it } from 'vitest';
import { Doorbell, createBells, waitForBell } from '../../src/net/doorbell.js';

describe('Doorbell', () => {
  it("returns 'not-equal' at once when rung after the read (no lost wake-up)", async () => {
    const bell = new Doorbell(createBells(2), 1);
    const seen = bell.read();
    bell.ring(); // a producer rings between our read and our wait
    expect(await bell.wait(seen)).toBe('not-equal');
  });

  it("resolves 'ok' when rung while waiting, and only that bell", async () => {
    const bells = createBells(2);
    const other = new Doorbell(bells, 0);
    const bell = new Doorbell(bells, 1);
    const waiting = bell.wait(bell.read(), 10_000);
    other.ring();
    setTimeout(() => bell.ring(), 20);
    expect(await waiting).toBe('ok');
    expect([other.read(), bell.read()]).toEqual([1, 1]);
  });

  it("resolves 'timed-out' after the timeout", async () => {
    const bells = createBells(1);
    const t0 = performance.now();
    expect(await waitForBell(bells, 0, 0, 30)).toBe('timed-out');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('refuses counters outside shared memory', () => {
    expect(() => new Doorbell(new Int32Array(1), 0)).toThrow(TypeError);
    expect(() => new Doorbell(createBells(1), 1)).toThrow(RangeError);
  });
});
