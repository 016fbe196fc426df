/**
 * The request rate limiter on an injected clock (exact counts, no timing): per-source and
 * node-wide token buckets, the share of the node's budget kept for verified senders, how
 * sources are keyed (IP; loopback per port; IPv6 per /64), and a table whose memory is fixed
 * however many sources it sees.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter, resolveRateLimit } from '../../src/net/rate-limit.js';
import type { Address } from '../../src/wire/address.js';

const v4 = (host: string, port = 4000): Address => ({ kind: 'ipv4', host, port });
const v6 = (host: string, port = 4000): Address => ({ kind: 'ipv6', host, port });

/** Requests admitted out of n sent from `a` at time t. */
function burst(l: RateLimiter, a: Address, n: number, t: number, verified = false): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (l.admit(a, verified, t)) ok++;
  return ok;
}

describe('rate limiter', () => {
  it('defaults are OpenDHT figures and bad settings are refused by name', () => {
    expect(resolveRateLimit()).toMatchObject({ globalPerSecond: 8192, perSourcePerSecond: 1024, burstSeconds: 1 });
    expect(() => resolveRateLimit({ perSourcePerSecond: 0 })).toThrow('rateLimit: perSourcePerSecond must be a positive number, got 0');
    expect(() => resolveRateLimit({ verifiedShare: 1 })).toThrow('rateLimit: verifiedShare must be in 0..1 (1 excluded), got 1');
    expect(() => resolveRateLimit({ sources: 2 })).toThrow('rateLimit: sources must be an integer in 4..4194304, got 2');
    expect(() => resolveRateLimit({ burst: 3 } as never)).toThrow(/rateLimit: unknown setting "burst"/);
  });

  it('a source gets its burst, then its rate; other sources are not affected', () => {
    const l = new RateLimiter({ perSourcePerSecond: 100, globalPerSecond: 10_000, burstSeconds: 1 }, 7);
    const a = v4('10.0.0.1');
    expect(burst(l, a, 500, 0)).toBe(100);
    expect(l.limitedBySource).toBe(400);
    expect(burst(l, v4('10.0.0.2'), 50, 0)).toBe(50);
    // 250 ms later: 25 more tokens, no more.
    expect(burst(l, a, 100, 250)).toBe(25);
    // A long silence refills to the burst, not beyond.
    expect(burst(l, a, 500, 60_000)).toBe(100);
  });

  it('keys sources by IP (any port), loopback by IP and port, IPv6 by /64, IPv4-mapped as IPv4', () => {
    const l = new RateLimiter({ perSourcePerSecond: 10, globalPerSecond: 10_000 }, 7);
    expect(burst(l, v4('10.0.0.1', 1), 10, 0)).toBe(10);
    expect(burst(l, v4('10.0.0.1', 2), 10, 0)).toBe(0);
    expect(burst(l, v6('::ffff:10.0.0.1', 3), 10, 0)).toBe(0);
    expect(burst(l, v4('127.0.0.1', 1), 10, 0)).toBe(10);
    expect(burst(l, v4('127.0.0.1', 2), 10, 0)).toBe(10);
    expect(burst(l, v6('::1', 2), 10, 0)).toBe(10);
    expect(burst(l, v6('2001:db8:1:2::1'), 10, 0)).toBe(10);
    expect(burst(l, v6('2001:db8:1:2:ffff::9'), 10, 0)).toBe(0);
    expect(burst(l, v6('2001:db8:1:3::1'), 10, 0)).toBe(10);
    // /24 grouping when asked for.
    const g = new RateLimiter({ perSourcePerSecond: 10, globalPerSecond: 10_000, ipv4PrefixBits: 24 }, 7);
    expect(burst(g, v4('10.0.0.1'), 10, 0)).toBe(10);
    expect(burst(g, v4('10.0.0.200'), 10, 0)).toBe(0);
    expect(burst(g, v4('10.0.1.1'), 10, 0)).toBe(10);
  });

  it('keeps a share of the node-wide budget for verified senders', () => {
    // 1,000 tokens in all, 300 of them only for verified senders; sources are not the limit here.
    const l = new RateLimiter({ perSourcePerSecond: 1e6, globalPerSecond: 1000, verifiedShare: 0.3 }, 7);
    let unverified = 0;
    for (let i = 0; i < 2000; i++) if (l.admit(v4(`10.1.${i >> 8}.${i & 255}`), false, 0)) unverified++;
    expect(unverified).toBe(700);
    expect(l.limitedByNode).toBe(1300);
    expect(burst(l, v4('192.0.2.7'), 400, 0, true)).toBe(300);
    // Refill goes first to whoever may use it: 100 ms = 100 tokens, below the reserve, so only verified ones.
    expect(burst(l, v4('10.9.9.9'), 50, 100)).toBe(0);
    expect(burst(l, v4('192.0.2.7'), 50, 100, true)).toBe(50);
    // Without a reserve the same unverified flood takes every token.
    const open = new RateLimiter({ perSourcePerSecond: 1e6, globalPerSecond: 1000, verifiedShare: 0 }, 7);
    for (let i = 0; i < 2000; i++) open.admit(v4(`10.1.${i >> 8}.${i & 255}`), false, 0);
    expect(burst(open, v4('192.0.2.7'), 10, 0, true)).toBe(0);
  });

  it('holds a fixed number of sources in fixed memory; a busy source is not pushed out by many idle ones', () => {
    const l = new RateLimiter({ sources: 1024, perSourcePerSecond: 10, globalPerSecond: 1e9 }, 7);
    expect(l.capacity).toBe(1024);
    const bytes = l.tableBytes;
    expect(bytes).toBe(1024 * 36);
    const flooder = v4('203.0.113.5');
    expect(burst(l, flooder, 20, 0)).toBe(10);
    let t = 0;
    for (let i = 0; i < 200_000; i++) {
      t = (i + 1) / 1000; // 200 ms in all
      l.admit(v4(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.1`), false, t);
      // The flooder keeps sending between them and keeps its (empty) bucket: a way goes to a newcomer only when it is the least recently seen of its set.
      if (i % 20 === 0) l.admit(flooder, false, t);
    }
    expect(l.tracked).toBeLessThanOrEqual(1024);
    expect(l.tracked).toBeGreaterThan(1000);
    expect(l.tableBytes).toBe(bytes);
    // 10,000 tries over its last 199.98 ms earned it one whole token, no fresh bucket (a pushed-out source would get 10 at once).
    expect(l.limitedBySource).toBe(10 + 10_000 - 1);
  });
});
