/**
 * The bucket block's slot words (bucket-layout.ts, bucket-slots.ts): every field read back after
 * writes, at the limits (handle 2^24 − 1, 255 failures), against a plain list kept by the test;
 * the 16-bit RTT code against float RFC 6298 smoothing, as an RTT changes; and seeded runs of a
 * table that must hold exactly the contacts (and RTT estimates) it held with the layouts before:
 * a handle word and a 32-bit meta word per slot, recorded from c63ac29, and a 16-bit RTT code
 * per slot in the block, recorded from 17ffa38 (the RTT entries are apart now, table-rtts.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  FAILS_SHIFT,
  HANDLE_MASK,
  HDR,
  SLOTS,
  blockWords,
  packRtt,
  rttvarOf,
  srttOf,
  updateRtt,
} from '../../src/core/bucket-layout.js';
import { appendContact, findContact, firstStaleContact, moveContactToTail, removeContact } from '../../src/core/bucket-slots.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { Observe, RoutingTable } from '../../src/core/routing-table.js';

interface Slot {
  handle: number;
  fails: number;
}

/** Reads a block's contacts back: handle and failures of every slot, in order. */
function readBack(data: Uint32Array, at: number, k: number): Slot[] {
  const count = (data[at + HDR]! >>> 8) & 0xff;
  const out: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const w = data[at + SLOTS + i]!;
    out.push({ handle: w & HANDLE_MASK, fails: w >>> FAILS_SHIFT });
  }
  return out;
}

describe('bucket slots: layout round trip', () => {
  it('reads back every handle and failure count after appends, moves and removals, at the limits', () => {
    for (const k of [1, 2, 7, 20]) {
      const blk = blockWords(k);
      // Two blocks, the second one under test: writes must stay inside it.
      const data = new Uint32Array(2 * blk + 1).fill(0xdeadbeef);
      const at = blk;
      data[at + HDR] = 0;
      const rng = new Random(k);
      const model: Slot[] = [];
      const handles = [HANDLE_MASK, 0, 1, HANDLE_MASK - 1, 0x800000];
      for (let step = 0; step < 400; step++) {
        const op = rng.int(4);
        if (op === 0 && model.length < k) {
          const handle = step < handles.length ? handles[step]! : rng.int(HANDLE_MASK + 1);
          if (model.some((s) => s.handle === handle)) continue;
          appendContact(data, at, k, handle);
          model.push({ handle, fails: 0 });
        } else if (op === 1 && model.length > 0) {
          // A failure, as RoutingTable.fail writes it: the top 8 bits, up to 255.
          const i = rng.int(model.length);
          const fails = rng.int(2) === 0 ? 255 : Math.min(255, model[i]!.fails + 1);
          data[at + SLOTS + i] = ((model[i]!.handle | (fails << FAILS_SHIFT)) >>> 0);
          data[at + HDR] = (data[at + HDR]! | (2 << 24)) >>> 0;
          model[i]!.fails = fails;
        } else if (op === 2 && model.length > 0) {
          const i = rng.int(model.length);
          const moved = model.splice(i, 1)[0]!;
          moveContactToTail(data, at, k, i);
          model.push({ handle: moved.handle, fails: 0 });
        } else if (op === 3 && model.length > 0) {
          const i = rng.int(model.length);
          removeContact(data, at, k, i);
          model.splice(i, 1);
        }
        expect(readBack(data, at, k)).toEqual(model);
        for (const [i, s] of model.entries()) expect(findContact(data, at, s.handle)).toBe(i);
        expect(firstStaleContact(data, at, k)).toBe(model.findIndex((s) => s.fails > 0));
      }
      // Nothing outside the block was written.
      for (let i = 0; i < blk; i++) expect(data[i]).toBe(0xdeadbeef);
      expect(data[2 * blk]).toBe(0xdeadbeef);
    }
  });

  it('keeps 24 words per block at k = 20 (96 B; 136 with the RTT codes in the block, 176 with a 32-bit meta word per slot)', () => {
    expect(blockWords(20)).toBe(24);
    expect(blockWords(1)).toBe(SLOTS + 1);
  });

  it('refuses a table whose own handle needs more than 24 bits', () => {
    const opts = { k: 20, replacements: 8, maxFailures: 3, bitsPerStep: 1 };
    expect(() => new RoutingTable(new PeerIds(), HANDLE_MASK + 1, opts)).toThrow(/at most 2\^24 peers/);
  });
});

describe('RTT code', () => {
  it('is exact in ms below 128 (srtt) and 32 (rttvar), within half a step above, clamped at the top, and never 0', () => {
    for (let v = 0; v < 128; v++) expect(srttOf(packRtt(v, 0))).toBe(Math.max(1, v));
    for (let v = 0; v < 32; v++) expect(rttvarOf(packRtt(10, v))).toBe(v);
    let lastS = 0;
    let lastV = 0;
    for (let v = 1; v <= 8128; v += 0.75) {
      const s = srttOf(packRtt(v, v / 4));
      const r = rttvarOf(packRtt(v, Math.min(v / 4, 1984)));
      expect(Math.abs(s - v)).toBeLessThanOrEqual(Math.max(0.5, v / 128) + 1e-9);
      const rv = Math.min(v / 4, 1984);
      expect(Math.abs(r - rv)).toBeLessThanOrEqual(Math.max(0.5, rv / 32) + 1e-9);
      expect(s).toBeGreaterThanOrEqual(lastS); // monotone
      expect(r).toBeGreaterThanOrEqual(lastV);
      lastS = s;
      lastV = r;
    }
    expect(srttOf(packRtt(1e7, 1e7))).toBe(8128);
    expect(rttvarOf(packRtt(1e7, 1e7))).toBe(1984);
    expect(packRtt(0, 0)).not.toBe(0); // 0 stays "unknown"
    expect(packRtt(1e7, 1e7) >>> 16).toBe(0);
  });

  it('follows an RTT that changes: the timeout tracks float RFC 6298 smoothing up and down', () => {
    const peers = new PeerIds();
    const rng = new Random(3);
    peers.setId(0, rng.bytes(20));
    peers.setId(1, rng.bytes(20));
    const t = new RoutingTable(peers, 0, { k: 20, replacements: 8, maxFailures: 3, bitsPerStep: 1 });
    expect(t.observe(1, 50)).toBe(Observe.Done);
    let srtt = 50;
    let rttvar = 25;
    const phases = [50, 400, 60, 3000, 25, 150];
    for (const base of phases) {
      for (let i = 0; i < 60; i++) {
        const sample = base + rng.int(Math.ceil(base / 5));
        t.observe(1, sample);
        rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - sample);
        srtt = 0.875 * srtt + 0.125 * sample;
        const got = t.rttOf(1)!;
        // Within the coding's stall band (a step, 8 ms at the most below 128 ms) plus 2 % of drift.
        expect(Math.abs(got.srtt - srtt)).toBeLessThanOrEqual(Math.max(8, srtt * 0.05));
        expect(Math.abs(got.rttvar - rttvar)).toBeLessThanOrEqual(Math.max(4, rttvar * 0.25));
      }
      // After 60 samples the timeout sits near the phase's RTT, not the last phase's.
      const rto = t.rtoOf(1);
      expect(rto).toBeGreaterThan(base);
      expect(rto).toBeLessThan(base * 2 + 40);
    }
  });
});

describe('routing table: the same contacts as with the old layout', () => {
  it('holds the contacts, failures, buckets and replacements recorded on a seeded run before the layout changed', () => {
    const rng = new Random(42);
    const peers = new PeerIds();
    const N = 3000;
    for (let h = 0; h < N; h++) peers.setId(h, rng.bytes(20));
    const t = new RoutingTable(peers, 0, { k: 20, replacements: 8, maxFailures: 3, bitsPerStep: 1 });
    for (let step = 0; step < 12000; step++) {
      const h = 1 + Math.floor(rng.next() * (N - 1));
      const rtt = 20 + Math.floor(rng.next() * 180);
      if (step % 7 === 3) {
        t.fail(h);
        continue;
      }
      const o = t.observe(h, rtt, step >> 4);
      if (o === Observe.Ping) t.pingResult(t.pingTarget, rng.next() < 0.7, rtt);
    }
    const buckets = t.describeBuckets();
    const view = { contacts: t.contacts(), fails: t.contacts().map((h) => t.failuresOf(h)), buckets, reps: buckets.map((_, b) => t.replacementsOf(b)) };
    const s = JSON.stringify(view);
    let x = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 0x01000193) >>> 0;
    // Recorded with c63ac29 (a 32-bit handle word and a 32-bit meta word per slot).
    expect([x.toString(16), t.size, buckets.length, view.fails.filter((f) => f > 0).length, view.reps.flat().length]).toEqual(['db42c064', 266, 14, 8, 72]);
  });
});

describe('routing table: the same contacts and RTT estimates as with the RTT codes in the blocks', () => {
  // Four shapes: splits of the own-ID bucket only (b = 1), b = 2 and 3 (far buckets split too),
  // no replacement cache (a failed contact is removed), eviction pings paced. Each run mixes
  // answers with and without an RTT, failures, removals and pings, and hashes every contact's
  // failures and estimate every 500 steps.
  const configs = [
    { k: 20, replacements: 8, maxFailures: 3, bitsPerStep: 1, pingIntervalSec: 0 },
    { k: 4, replacements: 3, maxFailures: 2, bitsPerStep: 2, pingIntervalSec: 0 },
    { k: 8, replacements: 0, maxFailures: 1, bitsPerStep: 1, pingIntervalSec: 5 },
    { k: 7, replacements: 2, maxFailures: 3, bitsPerStep: 3, pingIntervalSec: 0 },
  ];
  // Recorded with 17ffa38: hash, contacts, buckets, contacts with an estimate.
  const recorded = [
    ['41cd6926', 208, 11, 145],
    ['a9e581d', 59, 16, 36],
    ['7ee2e160', 94, 13, 80],
    ['5295013', 172, 27, 131],
  ];
  for (const [ci, opts] of configs.entries()) {
    it(`k ${opts.k}, r ${opts.replacements}, b ${opts.bitsPerStep}`, () => {
      const rng = new Random(100 + ci);
      const peers = new PeerIds();
      const N = 2500;
      for (let h = 0; h < N; h++) peers.setId(h, rng.bytes(20));
      const t = new RoutingTable(peers, 0, opts);
      let x = 0x811c9dc5;
      const mix = (s: string): void => {
        for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 0x01000193) >>> 0;
      };
      for (let step = 0; step < 15000; step++) {
        const h = 1 + Math.floor(rng.next() * (N - 1));
        const rtt = rng.next() < 0.4 ? -1 : Math.floor(rng.next() * 3000);
        if (step % 9 === 4) t.fail(h);
        else if (step % 23 === 5) t.remove(h);
        else {
          const o = t.observe(h, rtt, step >> 4);
          if (o === Observe.Ping) t.pingResult(t.pingTarget, rng.next() < 0.7, rng.next() < 0.5 ? -1 : Math.floor(rng.next() * 500));
        }
        if (step % 500 === 499) mix(JSON.stringify(t.contacts().map((c) => [c, t.failuresOf(c), t.rttOf(c), t.rtoOf(c)])));
      }
      const buckets = t.describeBuckets();
      mix(JSON.stringify({ c: t.contacts().map((c) => [c, t.rttOf(c)]), buckets, reps: buckets.map((_, b) => t.replacementsOf(b)) }));
      expect([x.toString(16), t.size, buckets.length, t.contacts().filter((c) => t.rttOf(c) !== null).length]).toEqual(recorded[ci]);
    });
  }
});
