// FrameRing on one thread: framing, wrap-around (including the u32 counter wrap), back-pressure.
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, FrameRing, frameBytes } from '../../src/net/ring.js';
import { Random } from '../../src/core/random.js';

type Got = { bytes: number[]; a: number; b: number; t: number; c: number };
const drainAll = (ring: FrameRing, max?: number): Got[] => {
  const got: Got[] = [];
  ring.drain((bytes, a, b, t, c) => got.push({ bytes: [...bytes], a, b, t, c }), max);
  return got;
};
const payloadFor = (seq: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (seq * 31 + i) & 255);

describe('FrameRing', () => {
  it('carries the routing words and payload of each frame', () => {
    const ring = FrameRing.create(1024);
    expect(ring.tryWriteFrame(0xffffffff, 7, 1234.5, Uint8Array.of(1, 2, 3), 0xfffffffe)).toBe(true);
    expect(ring.tryWriteFrame(1, 2, 3.25, Uint8Array.of(4))).toBe(true);
    expect(ring.tryWrite(new Uint8Array(0))).toBe(true);
    expect(drainAll(ring)).toEqual([
      { bytes: [1, 2, 3], a: 0xffffffff, b: 7, t: 1234.5, c: 0xfffffffe },
      { bytes: [4], a: 1, b: 2, t: 3.25, c: 0 },
      { bytes: [], a: 0, b: 0, t: 0, c: 0 },
    ]);
    expect(ring.isEmpty()).toBe(true);
    expect(drainAll(ring)).toEqual([]);
  });

  it('drainAt hands out ranges of one constant area instead of views', () => {
    const ring = FrameRing.create(256);
    ring.tryWriteFrame(1, 2, 3, Uint8Array.of(7, 8), 10);
    ring.tryWriteFrame(4, 5, 6, Uint8Array.of(9), 11);
    const areas = new Set<Uint8Array>();
    const got: unknown[] = [];
    ring.drainAt((area, offset, length, a, b, t, c) => {
      areas.add(area);
      got.push([...area.subarray(offset, offset + length)], a, b, t, c);
    });
    expect(got).toEqual([[7, 8], 1, 2, 3, 10, [9], 4, 5, 6, 11]);
    expect(areas.size).toBe(1);
  });

  it('two instances over the same SAB see the same frames', () => {
    const writer = FrameRing.create(256);
    const reader = new FrameRing(writer.sab);
    writer.tryWrite(Uint8Array.of(9));
    expect(drainAll(reader).map((f) => f.bytes)).toEqual([[9]]);
  });

  // Start the byte counters just below 2^31 and 2^32 to cover their wrap as well as the data area's.
  for (const start of [0, 0x7fffff00, -400]) {
    it(`keeps order and content over many wraps of random sizes (counters from ${start})`, () => {
      const sab = FrameRing.create(512).sab;
      const ctl = new Int32Array(sab, 0, 32);
      ctl[0] = start; // head
      ctl[16] = start; // tail
      const ring = new FrameRing(sab);
      const rnd = new Random(42, start >>> 0);
      let sent = 0;
      let received = 0;
      const pending: number[] = [];
      let bad = '';
      for (let step = 0; step < 20_000; step++) {
        if (rnd.nextU32() % 3 !== 0) {
          const len = rnd.nextU32() % (ring.maxPayload + 1);
          if (ring.tryWriteFrame(sent, len, sent / 4, payloadFor(sent, len))) pending.push(len), sent++;
        } else {
          ring.drain((bytes, a, b, t) => {
            // Plain comparisons: expect() per frame would dominate the run time.
            const ok = a === received && b === pending[0] && t === received / 4 && Buffer.compare(bytes, payloadFor(received, b)) === 0;
            if (!ok) bad ||= `frame ${received}: a=${a} b=${b} t=${t} len=${bytes.length}`;
            pending.shift();
            received++;
          }, 1 + (rnd.nextU32() % 4));
        }
      }
      ring.drain(() => void received++, sent - received + 1);
      expect(bad).toBe('');
      expect(received).toBe(sent);
      expect(sent).toBeGreaterThan(5_000); // enough traffic to have wrapped many times
    });
  }

  it('returns false when full, writes nothing partial, and accepts again after draining', () => {
    const ring = FrameRing.create(256);
    const frame = new Uint8Array(40); // 60 B per frame with header and pad
    let written = 0;
    while (ring.tryWrite(frame.fill(written))) written++;
    expect(written).toBe(Math.floor(256 / frameBytes(40)));
    const before = ring.usedBytes();
    expect(ring.tryWrite(frame)).toBe(false);
    expect(ring.usedBytes()).toBe(before);
    expect(drainAll(ring, 1)[0]!.bytes[0]).toBe(0);
    expect(ring.tryWrite(frame.fill(99))).toBe(true);
    expect(drainAll(ring).map((f) => f.bytes[0])).toEqual([1, 2, 3, 99]);
  });

  it('frees space during a long drain without exposing unread frames', () => {
    // The writer runs inside the reader's callback, so it sees exactly what a concurrent producer
    // could see at each point of the drain.
    const ring = FrameRing.create(4096); // room for ~90 frames: more than one publish interval
    const TOTAL = 5_000;
    let sent = 0;
    const fill = () => { while (sent < TOTAL && ring.tryWriteFrame(sent, 0, 0, payloadFor(sent, sent % 50))) sent++; };
    fill();
    const firstBatch = sent;
    let received = 0;
    let bad = '';
    ring.drain((bytes, a) => {
      if (a !== received || Buffer.compare(bytes, payloadFor(received, received % 50)) !== 0) bad ||= `frame ${received}`;
      received++;
      fill();
    });
    expect(bad).toBe('');
    expect(sent).toBe(TOTAL); // space was published mid-drain, or the writer could not have refilled
    expect(received).toBe(TOTAL);
    expect(firstBatch).toBeLessThan(TOTAL / 10);
  });

  it('fits a maxPayload frame into an empty ring at any offset, and rejects larger ones', () => {
    for (let offset = 0; offset < 256; offset += 4) {
      const sab = FrameRing.create(256).sab;
      new Int32Array(sab, 0, 32).fill(offset); // head = tail = offset: an empty ring positioned there
      const ring = new FrameRing(sab);
      expect(ring.maxPayload).toBe(128 - FRAME_HEADER_BYTES);
      expect(ring.tryWrite(new Uint8Array(ring.maxPayload).fill(7))).toBe(true);
      expect(drainAll(ring)[0]!.bytes).toEqual(new Array(ring.maxPayload).fill(7));
    }
    const ring = FrameRing.create(256);
    expect(() => ring.tryWrite(new Uint8Array(ring.maxPayload + 1))).toThrow(RangeError);
  });

  it('consumes a frame whose handler throws, and keeps the rest', () => {
    const ring = FrameRing.create(256);
    ring.tryWrite(Uint8Array.of(1));
    ring.tryWrite(Uint8Array.of(2));
    expect(() => ring.drain(() => { throw new Error('bad frame'); })).toThrow('bad frame');
    expect(drainAll(ring).map((f) => f.bytes)).toEqual([[2]]);
  });

  it('rejects capacities that are not a power of two', () => {
    expect(() => FrameRing.create(1000)).toThrow(RangeError);
    expect(() => FrameRing.create(32)).toThrow(RangeError);
    expect(() => new FrameRing(new SharedArrayBuffer(128 + 100))).toThrow(RangeError);
  });
});
