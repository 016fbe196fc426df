/**
 * The record store: version ordering, expiry on read and by sweep, and the
 * maxRecords bound.
 */
import { describe, expect, it } from 'vitest';
import { RecordStore, StoreOutcome, keyString } from '../../src/core/records.js';
import { Random } from '../../src/core/random.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

function key(n: number): Uint8Array {
  const k = new Uint8Array(20);
  k[0] = 0xff; // high bytes must survive keyString
  k[19] = n & 0xff;
  k[18] = n >>> 8;
  return k;
}

describe('record versions', () => {
  it('stores a new record and reads it back', () => {
    const s = new RecordStore(10);
    expect(s.put(key(1), enc('one'), 3, 1000, false, 0)).toBe(StoreOutcome.Stored);
    const r = s.get(keyString(key(1)), 10)!;
    expect(dec(r.value)).toBe('one');
    expect(r.version).toBe(3);
    expect(r.expiresAt).toBe(1000);
    expect(r.storedAt).toBe(0);
    expect(r.cached).toBe(false);
    expect(s.size).toBe(1);
    expect(s.get(keyString(key(2)), 10)).toBeUndefined();
  });

  it('refuses an older version and keeps the stored value', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('v5'), 5, 1000, false, 0);
    expect(s.put(key(1), enc('v4'), 4, 5000, false, 10)).toBe(StoreOutcome.OlderVersion);
    const r = s.get(keyString(key(1)), 20)!;
    expect(dec(r.value)).toBe('v5');
    expect(r.version).toBe(5);
    expect(r.expiresAt).toBe(1000); // an older STORE does not extend the life either
    expect(r.storedAt).toBe(0);
  });

  it('an equal version refreshes: later expiry and storedAt, same value', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('first'), 5, 1000, false, 0);
    expect(s.put(key(1), enc('other bytes'), 5, 2000, false, 50)).toBe(StoreOutcome.Refreshed);
    let r = s.get(keyString(key(1)), 60)!;
    expect(dec(r.value)).toBe('first');
    expect(r.expiresAt).toBe(2000);
    expect(r.storedAt).toBe(50);
    // An equal version with an earlier expiry never shortens the life.
    expect(s.put(key(1), enc('first'), 5, 1500, false, 70)).toBe(StoreOutcome.Refreshed);
    r = s.get(keyString(key(1)), 80)!;
    expect(r.expiresAt).toBe(2000);
    expect(r.storedAt).toBe(70);
    expect(s.size).toBe(1);
  });

  it('a newer version replaces value, version, expiry and storedAt', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('old'), 1, 5000, false, 0);
    expect(s.put(key(1), enc('new'), 2, 3000, false, 100)).toBe(StoreOutcome.Stored);
    const r = s.get(keyString(key(1)), 200)!;
    expect(dec(r.value)).toBe('new');
    expect(r.version).toBe(2);
    expect(r.expiresAt).toBe(3000); // the newer record's own life, even if shorter
    expect(r.storedAt).toBe(100);
    expect(s.size).toBe(1);
  });

  it('a replica STORE upgrades a cached copy, and a cached STORE never downgrades a replica', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('a'), 1, 1000, true, 0);
    expect(s.get(keyString(key(1)), 0)!.cached).toBe(true);
    s.put(key(1), enc('a'), 1, 1000, false, 1); // equal version, replica
    expect(s.get(keyString(key(1)), 1)!.cached).toBe(false);
    s.put(key(1), enc('a'), 1, 1000, true, 2); // equal version, cached
    expect(s.get(keyString(key(1)), 2)!.cached).toBe(false);
    s.put(key(1), enc('b'), 2, 1000, true, 3); // newer version, cached, onto a replica
    expect(s.get(keyString(key(1)), 3)!.cached).toBe(false);
    s.put(key(2), enc('c'), 1, 1000, true, 0);
    s.put(key(2), enc('d'), 2, 1000, true, 1); // newer cached onto cached stays cached
    expect(s.get(keyString(key(2)), 1)!.cached).toBe(true);
    s.put(key(2), enc('e'), 3, 1000, false, 2); // newer replica onto cached
    expect(s.get(keyString(key(2)), 2)!.cached).toBe(false);
  });

  it('random sequences of STOREs keep the highest version seen', () => {
    const rng = new Random(1);
    const s = new RecordStore(100);
    const best = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const k = rng.int(20);
      const v = rng.int(50);
      const out = s.put(key(k), enc(`${k}:${v}`), v, 1e12, false, i);
      const prev = best.get(k);
      expect(out).toBe(prev === undefined || v > prev ? StoreOutcome.Stored : v === prev ? StoreOutcome.Refreshed : StoreOutcome.OlderVersion);
      if (prev === undefined || v > prev) best.set(k, v);
      const r = s.get(keyString(key(k)), i)!;
      expect(r.version).toBe(best.get(k));
      expect(dec(r.value)).toBe(`${k}:${best.get(k)}`);
    }
  });
});

describe('record expiry', () => {
  it('get drops a record at its expiry time, not before', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('x'), 1, 1000, false, 0);
    expect(s.get(keyString(key(1)), 999)).toBeDefined();
    expect(s.size).toBe(1);
    expect(s.get(keyString(key(1)), 1000)).toBeUndefined();
    expect(s.size).toBe(0); // removed on the way, not just hidden
    expect(s.get(keyString(key(1)), 0)).toBeUndefined();
  });

  it('an expired record does not block an older version', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('v9'), 9, 1000, false, 0);
    expect(s.put(key(1), enc('v2'), 2, 3000, false, 1000)).toBe(StoreOutcome.Stored);
    expect(dec(s.get(keyString(key(1)), 1001)!.value)).toBe('v2');
  });

  it('sweep removes expired records and returns the earliest expiry left', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('a'), 1, 100, false, 0);
    s.put(key(2), enc('b'), 1, 300, false, 0);
    s.put(key(3), enc('c'), 1, 200, false, 0);
    s.put(key(4), enc('d'), 1, 50, false, 0);
    expect(s.sweep(10)).toBe(50);
    expect(s.size).toBe(4);
    expect(s.sweep(100)).toBe(200); // 50 and 100 expire (at exactly their time)
    expect(s.size).toBe(2);
    expect(s.get(keyString(key(1)), 0)).toBeUndefined();
    expect(s.get(keyString(key(4)), 0)).toBeUndefined();
    expect(s.get(keyString(key(3)), 0)).toBeDefined();
    expect(s.sweep(1000)).toBe(Infinity);
    expect(s.size).toBe(0);
    expect(new RecordStore(10).sweep(0)).toBe(Infinity);
  });
});

describe('record capacity', () => {
  it('refuses a new key with Full at maxRecords, but still updates keys it holds', () => {
    const s = new RecordStore(2);
    expect(s.put(key(1), enc('a'), 1, 1000, false, 0)).toBe(StoreOutcome.Stored);
    expect(s.put(key(2), enc('b'), 1, 1000, false, 0)).toBe(StoreOutcome.Stored);
    expect(s.put(key(3), enc('c'), 1, 1000, false, 0)).toBe(StoreOutcome.Full);
    expect(s.size).toBe(2);
    expect(s.get(keyString(key(3)), 0)).toBeUndefined();
    expect(s.put(key(1), enc('a2'), 2, 1000, false, 1)).toBe(StoreOutcome.Stored);
    expect(s.put(key(2), enc('b'), 1, 2000, false, 1)).toBe(StoreOutcome.Refreshed);
    expect(s.put(key(2), enc('b0'), 0, 2000, false, 1)).toBe(StoreOutcome.OlderVersion);
    // Room again once a record expires and is swept.
    s.sweep(1000);
    expect(s.size).toBe(1);
    expect(s.put(key(3), enc('c'), 1, 5000, false, 1000)).toBe(StoreOutcome.Stored);
  });

  it('maxRecords = 0 refuses everything', () => {
    const s = new RecordStore(0);
    expect(s.put(key(1), enc('a'), 1, 1000, false, 0)).toBe(StoreOutcome.Full);
    expect(s.size).toBe(0);
  });
});

describe('keyString', () => {
  it('maps distinct 20-byte keys to distinct 20-char strings', () => {
    const rng = new Random(2);
    const seen = new Map<string, string>();
    for (let i = 0; i < 2000; i++) {
      const k = rng.bytes(20);
      const s = keyString(k);
      expect(s.length).toBe(20);
      for (let j = 0; j < 20; j++) expect(s.charCodeAt(j)).toBe(k[j]);
      seen.set(s, Array.from(k).join(','));
    }
    expect(seen.size).toBe(2000);
  });
});
