/**
 * Property-based fuzzing of the node handler (fuzz/node-fuzz.ts, fast-check): 50,000 hostile
 * datagrams into a real UdpNode's receive path. After every case nothing was thrown, received
 * === handled + Σ drops, the address book is within its capacity and the records within their
 * cap; afterwards an honest node joins through it, stores and reads back. The full run is
 * `npm run fuzz -- --cases 1000000` (BENCHMARKS.md).
 */
import { describe, expect, it } from 'vitest';
import { fuzzNode } from '../../fuzz/node-fuzz.js';

describe('node handler fuzz', () => {
  it('50,000 hostile datagrams: no throw, exact accounts, memory bounds, and an honest round trip afterwards', async () => {
    const r = await fuzzNode({ cases: 50_000, seed: 7, bookCapacity: 1024, maxRecords: 500 });
    const s = r.state;
    const dropped = Object.values(s.drops).reduce((a, b) => a + b, 0);
    expect(s.received).toBe(50_000);
    expect(s.handled + dropped).toBe(50_000);
    expect(s.drops['handler-error']).toBeUndefined();
    // The bounds were reached and held: the book reclaimed, the store refused past its cap.
    expect(s.addressBook.size).toBe(1024);
    expect(s.addressBook.reclaimed).toBeGreaterThan(1000);
    expect(s.records).toBeLessThanOrEqual(500);
    expect(s.drops['unmatched-reply']).toBeGreaterThan(1000);
    expect(r.honest).toMatchObject({ joined: true, readBack: true });
    expect(r.honest.stored).toBeGreaterThanOrEqual(2); // the writer and at least one other node
  });
});
