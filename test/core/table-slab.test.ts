// The table slab (src/core/table-slab.ts) against a model: random allocations, resizes and
// releases, each owner's words stamped with its own pattern and checked after every step, so a
// region that overlaps another, loses words in a move or a compaction, or is not zeroed when
// given out shows up as a wrong word.
import { describe, expect, it } from 'vitest';
import { RELEASED, TableSlab, type SlabOwner } from '../../src/core/table-slab.js';
import { Random } from '../../src/core/random.js';

interface Model {
  owner: SlabOwner;
  id: number;
  words: number;
  /** Words written so far (the rest must read zero). */
  written: number;
}

const stamp = (id: number, i: number): number => ((id * 2654435761) ^ (i * 40503)) >>> 0 || 1;

function check(slab: TableSlab, live: Model[]): void {
  for (const m of live) {
    expect(slab.wordsOf(m.owner)).toBe(m.words);
    const { data, base } = m.owner;
    for (let i = 0; i < m.words; i++) {
      const want = i < m.written ? stamp(m.id, i) : 0;
      if (data[base + i] !== want) throw new Error(`owner ${m.id}: word ${i} is ${data[base + i]}, want ${want}`);
    }
  }
}

describe('TableSlab', () => {
  it('keeps every owner its words through resizes, releases and compactions (random steps against a model)', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Random(seed);
      const slab = new TableSlab();
      const live: Model[] = [];
      let next = 0;
      for (let step = 0; step < 3000; step++) {
        const r = rng.int(10);
        if (r < 4 || live.length === 0) {
          const m: Model = { owner: { data: RELEASED, base: 0 }, id: next++, words: 1 + rng.int(600), written: 0 };
          slab.allocate(m.owner, m.words);
          live.push(m);
        } else if (r < 8) {
          const m = live[rng.int(live.length)]!;
          // Mostly growing by a block, as tables do; sometimes shrinking.
          const words = Math.max(1, m.words + (rng.int(5) === 0 ? -rng.int(m.words) : 1 + rng.int(40)));
          slab.resize(m.owner, words);
          m.words = words;
          m.written = Math.min(m.written, words);
        } else if (r === 9 && rng.int(20) === 0) {
          slab.compactAll(); // the host's measuring point: every region may move to another chunk
        } else {
          const i = rng.int(live.length);
          slab.release(live[i]!.owner);
          expect(live[i]!.owner.data).toBe(RELEASED);
          live.splice(i, 1);
        }
        // Write a few more words of one owner, as a table fills its region.
        if (live.length > 0) {
          const m = live[rng.int(live.length)]!;
          const upTo = Math.min(m.words, m.written + 1 + rng.int(50));
          for (let i = m.written; i < upTo; i++) m.owner.data[m.owner.base + i] = stamp(m.id, i);
          m.written = upTo;
        }
        // Every owner now and then (a compaction moves many at once), else just the last few touched.
        check(slab, step % 100 === 99 ? live : live.slice(-3));
      }
      check(slab, live);
      // Waste stays bounded: the chunks hold the live words and their headers, under an eighth of
      // garbage per chunk, and the unused end of the chunks in use.
      const liveWords = live.reduce((a, m) => a + m.words + 3, 0);
      expect(slab.bytes / 4).toBeLessThan(liveWords / (1 - 1 / 8) + 2 * 65536);
      // In use: the live words and what is freed but not yet slid over; after compactAll, the live words alone.
      expect(slab.usedBytes / 4).toBeGreaterThanOrEqual(liveWords);
      expect(slab.usedBytes).toBeLessThanOrEqual(slab.bytes);
      slab.compactAll();
      expect(slab.usedBytes / 4).toBe(liveWords);
      check(slab, live);
    }
  });

  it('reclaims what is released: a slab that held many regions and lost them all reuses its chunks', () => {
    const slab = new TableSlab();
    const owners: SlabOwner[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 2000; i++) {
        const o = { data: RELEASED, base: 0 };
        slab.allocate(o, 300);
        owners.push(o);
      }
      const before = slab.bytes;
      for (const o of owners.splice(0)) slab.release(o);
      expect(slab.bytes).toBe(before); // chunks are kept for the next tables, not given back
    }
    // 2,000 regions of 303 words: ~10 chunks of 65,536 words, whatever the rounds before.
    expect(slab.bytes).toBeLessThanOrEqual(11 * 65536 * 4);
  });

  it('compactAll packs the live regions into the first chunks and gives the empty ones back', () => {
    const slab = new TableSlab();
    const owners: Array<{ o: SlabOwner; id: number }> = [];
    for (let i = 0; i < 3000; i++) {
      const o = { data: RELEASED, base: 0 };
      slab.allocate(o, 200 + (i % 7) * 34);
      for (let j = 0; j < 10; j++) o.data[o.base + j] = stamp(i, j);
      owners.push({ o, id: i });
    }
    const full = slab.bytes;
    // Keep every tenth: the rest leave garbage spread over every chunk.
    const kept = owners.filter((x) => x.id % 10 === 0);
    for (const x of owners) if (x.id % 10 !== 0) slab.release(x.o);
    expect(slab.bytes).toBe(full);
    slab.compactAll();
    const liveWords = kept.reduce((a, x) => a + slab.wordsOf(x.o) + 3, 0);
    expect(slab.bytes).toBeLessThanOrEqual(Math.ceil(liveWords / 65536 + 1) * 65536 * 4);
    expect(slab.bytes).toBeLessThan(full / 5);
    for (const x of kept) for (let j = 0; j < 10; j++) expect(x.o.data[x.o.base + j]).toBe(stamp(x.id, j));
    // And it goes on working: a resize after the packing keeps the words.
    slab.resize(kept[0]!.o, 1000);
    expect(kept[0]!.o.data[kept[0]!.o.base + 9]).toBe(stamp(0, 9));
  });

  it('reuses a chunk whose regions were all given back from the end, before making a new one', () => {
    const slab = new TableSlab();
    const owners: SlabOwner[] = [];
    for (let i = 0; i < 300; i++) {
      const o = { data: RELEASED, base: 0 };
      slab.allocate(o, 300); // 303 words each: 216 to a chunk, so two chunks
      owners.push(o);
    }
    const before = slab.bytes;
    // The first chunk's regions, last first: its bump pointer falls back to 0, no garbage left.
    const first = owners.filter((o) => o.data === owners[0]!.data);
    for (const o of first.reverse()) slab.release(o);
    for (let i = 0; i < first.length; i++) slab.allocate({ data: RELEASED, base: 0 }, 300);
    expect(slab.bytes).toBe(before);
  });

  it('refuses to grow a released table', () => {
    const slab = new TableSlab();
    const o = { data: RELEASED, base: 0 };
    slab.allocate(o, 10);
    slab.release(o);
    expect(() => slab.resize(o, 20)).toThrow('table slab: a released table cannot grow');
  });

  it('gives a region larger than a chunk a chunk of its own', () => {
    const slab = new TableSlab();
    const o = { data: RELEASED, base: 0 };
    slab.allocate(o, 100_000);
    expect(slab.wordsOf(o)).toBe(100_000);
    o.data[o.base + 99_999] = 7;
    slab.resize(o, 100_001);
    expect(o.data[o.base + 99_999]).toBe(7);
    expect(o.data[o.base + 100_000]).toBe(0);
  });
});
