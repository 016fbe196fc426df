/**
 * resolveConfig: defaults, replicas following k, and refusals whose messages
 * name the offending field.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, HOUR, MINUTE, SECOND, resolveConfig, type KadConfig } from '../../src/core/config.js';

describe('resolveConfig defaults', () => {
  it('returns the defaults, as a fresh object that does not alias DEFAULT_CONFIG', () => {
    const c = resolveConfig();
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(c).not.toBe(DEFAULT_CONFIG);
    c.k = 3;
    expect(DEFAULT_CONFIG.k).toBe(20);
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(resolveConfig({}).k).toBe(20);
  });

  it('has the documented paper values and units', () => {
    expect(SECOND).toBe(1000);
    expect(MINUTE).toBe(60_000);
    expect(HOUR).toBe(3_600_000);
    const c = resolveConfig();
    expect([c.k, c.alpha, c.bitsPerStep]).toEqual([20, 3, 1]);
    expect(c.expireMs).toBe(24 * HOUR);
    expect(c.replicateMs).toBe(HOUR);
    expect(c.republishMs).toBeLessThan(c.expireMs);
    expect(c.replicateMs).toBeLessThan(c.republishMs);
  });

  it('replicas defaults to k, and an explicit replicas is kept', () => {
    expect(resolveConfig({ k: 8 }).replicas).toBe(8);
    expect(resolveConfig({ k: 255 }).replicas).toBe(255);
    expect(resolveConfig({ k: 8, replicas: 3 }).replicas).toBe(3);
    expect(resolveConfig({ replicas: 30 }).replicas).toBe(30);
    expect(resolveConfig({ replicas: 30 }).k).toBe(20);
  });

  it('keeps the other given values', () => {
    const c = resolveConfig({ alpha: 5, bitsPerStep: 3, replicate: false, cacheOnLookupPath: false, maxRecords: 0, replacementCacheSize: 0 });
    expect([c.alpha, c.bitsPerStep, c.replicate, c.cacheOnLookupPath, c.maxRecords, c.replacementCacheSize]).toEqual([5, 3, false, false, 0, 0]);
  });
});

describe('resolveConfig refusals', () => {
  const bad: Array<[Partial<KadConfig>, RegExp]> = [
    [{ k: 0 }, /\bk must be an integer in 1\.\.255, got 0/],
    [{ k: 256 }, /\bk must be an integer in 1\.\.255, got 256/],
    [{ k: 2.5 }, /\bk must be an integer/],
    [{ k: NaN }, /\bk must be an integer.*got NaN/],
    [{ alpha: 0 }, /alpha must be an integer in 1\.\.64, got 0/],
    [{ alpha: 65 }, /alpha must be an integer in 1\.\.64/],
    [{ bitsPerStep: 0 }, /bitsPerStep must be an integer in 1\.\.8/],
    [{ bitsPerStep: 9 }, /bitsPerStep must be an integer in 1\.\.8/],
    [{ replacementCacheSize: -1 }, /replacementCacheSize must be an integer in 0\.\.255/],
    [{ replacementCacheSize: 256 }, /replacementCacheSize/],
    [{ maxFailures: 0 }, /maxFailures must be an integer in 1\.\.255/],
    [{ replicas: 0 }, /replicas must be an integer in 1\.\.255, got 0/],
    [{ k: 8, replicas: 256 }, /replicas must be an integer/],
    [{ maxValueBytes: -1 }, /maxValueBytes/],
    [{ handOverPerSecond: -1 }, /handOverPerSecond must be an integer in 0\.\.1000000, got -1/],
    [{ joinAttempts: 0 }, /joinAttempts must be an integer in 1\.\.64, got 0/],
    [{ joinAttempts: 1.5 }, /joinAttempts must be an integer in 1\.\.64, got 1\.5/],
    [{ maxValueBytes: 65537 }, /maxValueBytes/],
    [{ maxRecords: -1 }, /maxRecords/],
    [{ maxRecords: 1.5 }, /maxRecords/],
    [{ maxStoreBytes: -1 }, /maxStoreBytes must be a non-negative number of bytes, got -1/],
    [{ maxStoreBytes: NaN }, /maxStoreBytes must be a non-negative number of bytes, got NaN/],
    [{ storeSourceShare: 0 }, /storeSourceShare must be in \(0, 1\], got 0/],
    [{ storeSourceShare: 1.5 }, /storeSourceShare must be in \(0, 1\], got 1\.5/],
    [{ requireWriteTokens: 'yes' as unknown as boolean }, /requireWriteTokens must be true or false, got yes/],
    [{ writeTokenRotateMs: 0 }, /writeTokenRotateMs must be a positive number of milliseconds, got 0/],
    [{ initialTimeoutMs: 0 }, /initialTimeoutMs must be a positive number of milliseconds, got 0/],
    [{ minTimeoutMs: -5 }, /minTimeoutMs must be a positive number/],
    [{ maxTimeoutMs: Infinity }, /maxTimeoutMs must be a positive number.*Infinity/],
    [{ expireMs: NaN }, /expireMs must be a positive number.*NaN/],
    [{ replicateMs: 0 }, /replicateMs must be a positive number/],
    [{ republishMs: -1 }, /republishMs must be a positive number/],
    [{ refreshMs: 0 }, /refreshMs must be a positive number/],
    [{ minTimeoutMs: 6000 }, /minTimeoutMs \(6000\) exceeds maxTimeoutMs \(5000\)/],
    [{ replicateMs: 23 * HOUR }, /replicateMs < republishMs < expireMs/], // replicate == republish
    [{ replicateMs: 30 * HOUR, expireMs: 48 * HOUR }, /replicateMs < republishMs/], // replicate > republish
    [{ republishMs: 24 * HOUR }, /republishMs < expireMs/], // republish == expire
    [{ expireMs: HOUR / 2 }, /expireMs/], // expire shorter than both
  ];

  for (const [partial, message] of bad) {
    it(`refuses ${JSON.stringify(partial, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
      expect(() => resolveConfig(partial)).toThrow(message);
      expect(() => resolveConfig(partial)).toThrow(/^config: /);
    });
  }

  it('the record-lifetime message reports the three values', () => {
    expect(() => resolveConfig({ replicateMs: 5, republishMs: 5, expireMs: 10 })).toThrow('(got 5 / 5 / 10)');
  });

  it('accepts the boundaries of every range', () => {
    expect(() => resolveConfig({ k: 1, alpha: 1, bitsPerStep: 1, replacementCacheSize: 0, maxFailures: 1, maxValueBytes: 0, maxRecords: 0 })).not.toThrow();
    expect(() => resolveConfig({ k: 255, alpha: 64, bitsPerStep: 8, replacementCacheSize: 255, maxFailures: 255, replicas: 255, maxValueBytes: 65536, maxRecords: 1e9 })).not.toThrow();
    expect(() => resolveConfig({ minTimeoutMs: 5000, maxTimeoutMs: 5000 })).not.toThrow();
    expect(() => resolveConfig({ replicateMs: 1, republishMs: 2, expireMs: 3 })).not.toThrow();
  });
});

describe('resolveConfig unknown keys', () => {
  it('refuses a key that is no setting, with the nearest name and the list of settings', () => {
    const typo = { bitsPerstep: 2 } as unknown as Partial<KadConfig>;
    expect(() => resolveConfig(typo)).toThrow('config: unknown setting "bitsPerstep" (did you mean "bitsPerStep"?); the settings are k, alpha, bitsPerStep,');
    expect(() => resolveConfig({ colour: 'red' } as unknown as Partial<KadConfig>)).toThrow(/^config: unknown setting "colour"; the settings are k, alpha, .*cacheOnLookupPath, verifyAddresses, .*maxPerIp, maxSourcesPerKey, .*sourceReplyBytes, .*joinAttempts/);
  });
});

describe('address validation and IP-diversity settings', () => {
  it('are off by default (the swarm keeps its message flow) and refused when they cannot work', () => {
    const c = resolveConfig();
    expect([c.verifyAddresses, c.amplificationFactor, c.verifyPingsPerSecond, c.maxPerSubnetPerBucket, c.maxPerIp]).toEqual([false, 3, 100, 0, 0]);
    expect(() => resolveConfig({ verifyAddresses: 1 as unknown as boolean })).toThrow('config: verifyAddresses must be true or false, got 1');
    expect(() => resolveConfig({ amplificationFactor: 0.5 })).toThrow('config: amplificationFactor must be a number >= 1, got 0.5');
    expect(() => resolveConfig({ verifyPingsPerSecond: 0 })).toThrow('config: verifyPingsPerSecond must be a positive number, got 0');
    expect(() => resolveConfig({ maxPerIp: -1 })).toThrow('config: maxPerIp must be an integer in 0..1000000000, got -1');
    expect(() => resolveConfig({ maxPerSubnetPerBucket: 256 })).toThrow('config: maxPerSubnetPerBucket must be an integer in 0..255, got 256');
  });
});

describe('resolveConfig sources settings', () => {
  it('defaults, and refuses a value size that no SOURCES page could carry', () => {
    const c = resolveConfig();
    expect([c.maxSourcesPerKey, c.maxSourceBytesPerKey, c.maxSourceValueBytes, c.sourceReplyBytes]).toEqual([256, 65536, 512, 1340]);
    expect(() => resolveConfig({ maxSourceValueBytes: 1000, sourceReplyBytes: 1000 })).toThrow(
      'config: maxSourceValueBytes (1000) + 26 bytes of entry header must fit in sourceReplyBytes (1000), or a value could never be read',
    );
    expect(() => resolveConfig({ maxSourcesPerKey: -1 })).toThrow('config: maxSourcesPerKey must be an integer in 0..1000000, got -1');
  });
});
