/**
 * The record store: what may replace what (unsigned first-wins, signed by seq), expiry on
 * read and by sweep, the record and byte caps, per-group shares and eviction.
 */
import { describe, expect, it } from 'vitest';
import { RecordStore, StoreOutcome, keyString, recordBytes } from '../../src/core/records.js';
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

describe('unsigned records: the first value stays', () => {
  it('stores a new record and reads it back', () => {
    const s = new RecordStore(10);
    expect(s.put(key(1), enc('one'), 3, 1000, false, 0)).toBe(StoreOutcome.Stored);
    const r = s.get(keyString(key(1)), 10)!;
    expect(dec(r.value)).toBe('one');
    expect(r.version).toBe(3);
    expect(r.expiresAt).toBe(1000);
    expect(r.storedAt).toBe(0);
    expect(r.cached).toBe(false);
    expect(r.signed).toBeNull();
    expect(s.size).toBe(1);
    expect(s.get(keyString(key(2)), 10)).toBeUndefined();
  });

  it('a different value is a conflict whatever its version, even 2^53 − 1 (the max-version attack)', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('owner'), 5, 1000, false, 0);
    expect(s.put(key(1), enc('attacker'), Number.MAX_SAFE_INTEGER, 5000, false, 10)).toBe(StoreOutcome.Conflict);
    expect(s.put(key(1), enc('older'), 4, 5000, false, 10)).toBe(StoreOutcome.Conflict);
    const r = s.get(keyString(key(1)), 20)!;
    expect(dec(r.value)).toBe('owner');
    expect(r.version).toBe(5);
    expect(r.expiresAt).toBe(1000); // a refused STORE does not extend the life either
    expect(r.storedAt).toBe(0);
    // The owner's republish (same value, its own lower version) still refreshes.
    expect(s.put(key(1), enc('owner'), 5, 9000, false, 30)).toBe(StoreOutcome.Refreshed);
    expect(s.get(keyString(key(1)), 40)!.expiresAt).toBe(9000);
  });

  it('the same value refreshes: later expiry, storedAt and the higher version; an earlier expiry never shortens the life', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('first'), 5, 1000, false, 0);
    expect(s.put(key(1), enc('first'), 7, 2000, false, 50)).toBe(StoreOutcome.Refreshed);
    let r = s.get(keyString(key(1)), 60)!;
    expect([dec(r.value), r.version, r.expiresAt, r.storedAt]).toEqual(['first', 7, 2000, 50]);
    expect(s.put(key(1), enc('first'), 5, 1500, false, 70)).toBe(StoreOutcome.Refreshed);
    r = s.get(keyString(key(1)), 80)!;
    expect([r.version, r.expiresAt, r.storedAt]).toEqual([7, 2000, 70]);
    expect(s.size).toBe(1);
  });

  it('a replica STORE upgrades a cached copy, and a cached STORE never downgrades a replica', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('a'), 1, 1000, true, 0);
    expect(s.get(keyString(key(1)), 0)!.cached).toBe(true);
    s.put(key(1), enc('a'), 1, 1000, false, 1); // replica
    expect(s.get(keyString(key(1)), 1)!.cached).toBe(false);
    s.put(key(1), enc('a'), 1, 1000, true, 2); // cached
    expect(s.get(keyString(key(1)), 2)!.cached).toBe(false);
  });

  it('random sequences of STOREs keep the first value of each key (against a model)', () => {
    const rng = new Random(1);
    const s = new RecordStore(100);
    const first = new Map<number, string>();
    for (let i = 0; i < 2000; i++) {
      const k = rng.int(20);
      const text = `${k}:${rng.int(3)}`;
      const out = s.put(key(k), enc(text), rng.int(50), 1e12, false, i);
      const held = first.get(k);
      expect(out).toBe(held === undefined ? StoreOutcome.Stored : held === text ? StoreOutcome.Refreshed : StoreOutcome.Conflict);
      if (held === undefined) first.set(k, text);
      expect(dec(s.get(keyString(key(k)), i)!.value)).toBe(first.get(k));
    }
  });
});

describe('signed records: only a higher seq replaces', () => {
  const part = (pk: number) => ({ publicKey: new Uint8Array(32).fill(pk), salt: new Uint8Array(0), signature: new Uint8Array(64) });

  it('a higher seq replaces, an equal seq with the same value refreshes, anything else is refused', () => {
    const s = new RecordStore(10);
    expect(s.put(key(1), enc('v1'), 1, 1000, false, 0, 7, part(1), 99)).toBe(StoreOutcome.Stored);
    expect(s.put(key(1), enc('v2'), 2, 1000, false, 1, 7, part(1), 99)).toBe(StoreOutcome.Stored);
    expect(s.put(key(1), enc('v2'), 2, 3000, false, 2, 7, part(1), 99)).toBe(StoreOutcome.Refreshed);
    expect(s.put(key(1), enc('other'), 2, 1000, false, 3, 7, part(1), 99)).toBe(StoreOutcome.OlderVersion);
    expect(s.put(key(1), enc('v1'), 1, 1000, false, 3, 7, part(1), 99)).toBe(StoreOutcome.OlderVersion);
    const r = s.get(keyString(key(1)), 4)!;
    expect([dec(r.value), r.version, r.expiresAt, r.group]).toEqual(['v2', 2, 3000, 99]);
    expect(s.size).toBe(1);
  });

  it('an unsigned STORE never replaces a signed record, even with a max version', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('signed'), 3, 1000, false, 0, 7, part(1), 99);
    expect(s.put(key(1), enc('signed'), Number.MAX_SAFE_INTEGER, 1000, false, 1, 8)).toBe(StoreOutcome.Conflict);
    expect(s.put(key(1), enc('squat'), Number.MAX_SAFE_INTEGER, 1000, false, 1, 8)).toBe(StoreOutcome.Conflict);
    expect(dec(s.get(keyString(key(1)), 2)!.value)).toBe('signed');
  });

  it('a (verified) signed record takes the place of an unsigned squatter under its key, and the charges move', () => {
    const s = new RecordStore(10);
    s.put(key(1), enc('squatter'), Number.MAX_SAFE_INTEGER, 1000, false, 0, 8);
    expect(s.usageOf(8).records).toBe(1);
    expect(s.put(key(1), enc('owner'), 1, 1000, false, 1, 7, part(1), 99)).toBe(StoreOutcome.Stored);
    expect(dec(s.get(keyString(key(1)), 2)!.value)).toBe('owner');
    expect(s.usageOf(8)).toEqual({ records: 0, bytes: 0 });
    expect(s.usageOf(99)).toEqual({ records: 1, bytes: recordBytes(enc('owner'), part(1)) });
    expect(s.bytes).toBe(recordBytes(enc('owner'), part(1)));
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

  it('an expired record does not block a different value', () => {
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

describe('record capacity and quotas', () => {
  it('with one group, a full store evicts that group\'s oldest record; re-STOREs of held records cost nothing', () => {
    const s = new RecordStore(2);
    expect(s.put(key(1), enc('a'), 1, 1000, false, 0)).toBe(StoreOutcome.Stored);
    expect(s.put(key(2), enc('b'), 1, 1000, false, 0)).toBe(StoreOutcome.Stored);
    expect(s.put(key(2), enc('b'), 1, 2000, false, 1)).toBe(StoreOutcome.Refreshed);
    expect(s.put(key(3), enc('c'), 1, 1000, false, 2)).toBe(StoreOutcome.Stored);
    expect(s.size).toBe(2);
    expect(s.evicted).toBe(1);
    expect(s.get(keyString(key(1)), 2)).toBeUndefined(); // the oldest went
    expect(s.get(keyString(key(2)), 2)).toBeDefined();
  });

  it('maxRecords = 0 refuses everything', () => {
    const s = new RecordStore(0);
    expect(s.put(key(1), enc('a'), 1, 1000, false, 0)).toBe(StoreOutcome.Full);
    expect(s.size).toBe(0);
  });

  it('a group at its share is refused (records and bytes), the others are not', () => {
    const s = new RecordStore({ maxRecords: 100, maxBytes: Infinity, sourceShare: 0.1 });
    for (let i = 0; i < 10; i++) expect(s.put(key(i), enc('x'), 1, 1000, false, 0, 5)).toBe(StoreOutcome.Stored);
    expect(s.put(key(10), enc('x'), 1, 1000, false, 0, 5)).toBe(StoreOutcome.SourceOverQuota);
    expect(s.put(key(0), enc('x'), 1, 2000, false, 0, 5)).toBe(StoreOutcome.Refreshed); // held: free
    expect(s.put(key(11), enc('x'), 1, 1000, false, 0, 6)).toBe(StoreOutcome.Stored);
    expect(s.usageOf(5).records).toBe(10);
    const b = new RecordStore({ maxRecords: 100, maxBytes: 10 * recordBytes(new Uint8Array(100), null), sourceShare: 0.5 });
    for (let i = 0; i < 5; i++) expect(b.put(key(i), new Uint8Array(100), 1, 1000, false, 0, 1)).toBe(StoreOutcome.Stored);
    expect(b.put(key(5), new Uint8Array(100), 1, 1000, false, 0, 1)).toBe(StoreOutcome.SourceOverQuota);
  });

  it('a full store evicts the oldest record of the group holding the most bytes (OpenDHT), and stays under both caps', () => {
    const per = recordBytes(new Uint8Array(50), null);
    const s = new RecordStore({ maxRecords: 1000, maxBytes: 10 * per, sourceShare: 0.6 });
    for (let i = 0; i < 6; i++) s.put(key(i), new Uint8Array(50), 1, 1000, false, i, 1); // group 1: six, the heaviest
    for (let i = 6; i < 10; i++) s.put(key(i), new Uint8Array(50), 1, 1000, false, i, 2);
    expect(s.bytes).toBe(10 * per);
    expect(s.put(key(20), new Uint8Array(50), 1, 1000, false, 20, 3)).toBe(StoreOutcome.Stored);
    expect(s.get(keyString(key(0)), 20)).toBeUndefined(); // group 1's oldest
    expect(s.get(keyString(key(1)), 20)).toBeDefined();
    expect(s.get(keyString(key(6)), 20)).toBeDefined();
    expect(s.bytes).toBe(10 * per);
    expect([s.usageOf(1).records, s.usageOf(2).records, s.usageOf(3).records]).toEqual([5, 4, 1]);
  });

  it('expired records are swept before anything live is evicted, and expiry returns their charge', () => {
    const s = new RecordStore({ maxRecords: 2, maxBytes: Infinity, sourceShare: 1 });
    s.put(key(1), enc('a'), 1, 100, false, 0, 1);
    s.put(key(2), enc('b'), 1, 5000, false, 0, 1);
    expect(s.put(key(3), enc('c'), 1, 5000, false, 200, 2)).toBe(StoreOutcome.Stored);
    expect(s.evicted).toBe(0);
    expect(s.get(keyString(key(2)), 200)).toBeDefined();
    expect(s.usageOf(1).records).toBe(1);
  });

  it('random STOREs from many groups never exceed the caps, and the charges add up (against a recount)', () => {
    const rng = new Random(3);
    const s = new RecordStore({ maxRecords: 50, maxBytes: 30 * recordBytes(new Uint8Array(64), null), sourceShare: 0.25 });
    for (let i = 0; i < 5000; i++) {
      s.put(key(rng.int(400)), new Uint8Array(rng.int(129)), 1, 1e12, false, i, rng.int(12));
      expect(s.size).toBeLessThanOrEqual(50);
      expect(s.bytes).toBeLessThanOrEqual(s.limits.maxBytes);
    }
    let bytes = 0;
    const byGroup = new Map<number, number>();
    for (const r of s.map.values()) {
      bytes += r.bytes;
      byGroup.set(r.group, (byGroup.get(r.group) ?? 0) + 1);
    }
    expect(s.bytes).toBe(bytes);
    for (const [g, n] of byGroup) expect(s.usageOf(g).records).toBe(n);
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
