/**
 * The RTT entries of a table (table-rtts.ts) against a plain model: per bucket, a list of codes
 * by slot (0 = none), moved, removed, added and split the way the slots are. After every step
 * each slot's code is read back, the entries must be in ascending order with no code 0, and the
 * words after them (a stand-in for the replacement runs) must have moved with them untouched.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { addRtt, rttCode, rttMoved, rttRemoved, rttSplit, setRttCode } from '../../src/core/table-rtts.js';

const AREA = 5; // words before the area, which no function may touch
const TAIL = 3; // words after the entries: they move with them

describe('table RTT entries', () => {
  for (const seed of [1, 2, 3]) {
    it(`follow their contacts through moves, removals, additions and splits (seed ${seed})`, () => {
      const rng = new Random(seed);
      const k = [4, 20, 255][seed - 1]!;
      const data = new Uint32Array(AREA + 256 * 20 + TAIL + 16);
      data.fill(0xdeadbeef, 0, AREA);
      let count = 0;
      const model: number[][] = [[]]; // model[bucket][slot] = code, 0 = none
      const tail = [0x11111111, 0x22222222, 0x33333333];
      data.set(tail, AREA);
      const end = (): number => AREA + count + TAIL;
      for (let step = 0; step < 3000; step++) {
        const b = rng.int(model.length);
        const run = model[b]!;
        const op = rng.int(5);
        if (op === 0 && run.length < k) {
          // A contact appended, with an estimate or none.
          const code = rng.int(3) === 0 ? 0 : 1 + rng.int(0xffff);
          run.push(code);
          if (code !== 0) {
            addRtt(data, AREA, count, b, run.length - 1, code, end());
            count++;
          }
        } else if (op === 1 && run.length > 0) {
          // Moved to the tail, maybe with a new estimate.
          const s = rng.int(run.length);
          const code = run.splice(s, 1)[0]!;
          const i = rttMoved(data, AREA, count, b, s, run.length);
          expect(i >= 0).toBe(code !== 0);
          let now = code;
          if (rng.int(2) === 0) {
            now = 1 + rng.int(0xffff);
            if (i >= 0) setRttCode(data, AREA, i, now);
            else {
              addRtt(data, AREA, count, b, run.length, now, end());
              count++;
            }
          }
          run.push(now);
        } else if (op === 2 && run.length > 0) {
          const s = rng.int(run.length);
          run.splice(s, 1);
          count += rttRemoved(data, AREA, count, b, s, end());
        } else if (op === 3 && model.length < 160) {
          // A split: each slot to the lower or upper half, each half in the old order.
          const moved = new Uint16Array(256);
          const low: number[] = [];
          const high: number[] = [];
          for (let s = 0; s < run.length; s++) {
            if (rng.int(2) === 0) {
              moved[s] = low.length;
              low.push(run[s]!);
            } else {
              moved[s] = 256 + high.length;
              high.push(run[s]!);
            }
          }
          rttSplit(data, AREA, count, b, moved);
          model.splice(b, 1, low, high);
        }
        for (let w = 0; w < AREA; w++) expect(data[w]).toBe(0xdeadbeef);
        expect(Array.from(data.subarray(AREA + count, AREA + count + TAIL))).toEqual(tail);
        const want = model.reduce((n, r) => n + r.filter((c) => c !== 0).length, 0);
        expect(count).toBe(want);
        let sorted = true;
        for (let i = 1; i < count; i++) sorted &&= data[AREA + i]! > data[AREA + i - 1]!;
        expect(sorted).toBe(true);
        let zero = false;
        for (let i = 0; i < count; i++) zero ||= (data[AREA + i]! & 0xffff) === 0;
        expect(zero).toBe(false);
        const read = (bb: number): number[] => model[bb]!.map((_, s) => rttCode(data, AREA, count, bb, s));
        if (step % 50 === 0) for (let bb = 0; bb < model.length; bb++) expect(read(bb)).toEqual(model[bb]);
        else for (let bb = Math.max(0, b - 1); bb < Math.min(model.length, b + 2); bb++) expect(read(bb)).toEqual(model[bb]);
      }
      expect(model.length).toBeGreaterThan(20);
    });
  }
});
