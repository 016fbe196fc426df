/**
 * The XOR metric and the word helpers of src/core/id.ts, checked against a
 * BigInt reference (BigInt lives in this test only; the core never uses it).
 */
import { describe, expect, it } from 'vitest';
import {
  ID_BITS,
  ID_BYTES,
  ID_WORDS,
  commonPrefixLength,
  compareDistance,
  compareWords,
  hexToId,
  idEquals,
  idToHex,
  idToWords,
  readIdBytes,
  writeIdWords,
  xorDistance,
  xorWords,
} from '../../src/core/id.js';
import { Random } from '../../src/core/random.js';
import { big, bytesOf } from '../helpers/big-ids.js';

const TOP = 1n << BigInt(ID_BITS);


function bigFromWords(w: Uint32Array, at: number): bigint {
  let v = 0n;
  for (let i = 0; i < ID_WORDS; i++) v = (v << 32n) | BigInt(w[at + i]!);
  return v;
}

const sign = (x: number | bigint): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Reference common prefix length of two 160-bit numbers. */
function refCpl(a: bigint, b: bigint): number {
  const x = a ^ b;
  return x === 0n ? ID_BITS : ID_BITS - x.toString(2).length;
}

/** b shares exactly `prefix` leading bits with a (prefix < 160), other bits random. */
function withPrefix(rng: Random, a: Uint8Array, prefix: number): Uint8Array {
  const r = big(rng.bytes(ID_BYTES));
  const low = prefix >= ID_BITS ? 0n : (1n << BigInt(ID_BITS - prefix)) - 1n;
  let v = (big(a) & ~low & (TOP - 1n)) | (r & low);
  if (prefix < ID_BITS) v ^= (~v ^ big(a)) & (1n << BigInt(ID_BITS - 1 - prefix)); // force bit `prefix` to differ
  return bytesOf(v);
}

/** IDs spread over the whole space plus clusters that share long prefixes (to exercise every word). */
function sampleIds(seed: number, n: number): Uint8Array[] {
  const rng = new Random(seed);
  const ids: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.next() < 0.5) ids.push(withPrefix(rng, ids[rng.int(ids.length)]!, rng.int(ID_BITS)));
    else ids.push(rng.bytes(ID_BYTES));
  }
  return ids;
}

describe('the XOR metric', () => {
  const ids = sampleIds(1, 300);

  it('the helpers of this test are sound', () => {
    const rng = new Random(99);
    const a = rng.bytes(ID_BYTES);
    expect(idEquals(bytesOf(big(a)), a)).toBe(true);
    for (const p of [0, 1, 31, 32, 33, 63, 64, 100, 159]) expect(refCpl(big(a), big(withPrefix(rng, a, p)))).toBe(p);
    expect(refCpl(5n, 5n)).toBe(160);
  });

  it('d(a,a) = 0 and d(a,b) > 0 for a ≠ b', () => {
    for (const a of ids) expect(big(xorDistance(a, a))).toBe(0n);
    for (let i = 1; i < ids.length; i++) {
      const a = ids[i - 1]!;
      const b = ids[i]!;
      expect(big(xorDistance(a, b)) === 0n).toBe(idEquals(a, b));
    }
  });

  it('is symmetric and equals the BigInt XOR', () => {
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i]!;
      const b = ids[(i * 7 + 3) % ids.length]!;
      const ab = big(xorDistance(a, b));
      expect(ab).toBe(big(xorDistance(b, a)));
      expect(ab).toBe(big(a) ^ big(b));
    }
  });

  it('satisfies the triangle inequality d(a,c) <= d(a,b) + d(b,c), and d(a,c) = d(a,b) XOR d(b,c)', () => {
    const rng = new Random(2);
    for (let i = 0; i < 3000; i++) {
      const a = ids[rng.int(ids.length)]!;
      const b = ids[rng.int(ids.length)]!;
      const c = ids[rng.int(ids.length)]!;
      const ac = big(xorDistance(a, c));
      const ab = big(xorDistance(a, b));
      const bc = big(xorDistance(b, c));
      expect(ac <= ab + bc).toBe(true);
      expect(ac).toBe(ab ^ bc);
    }
  });

  it('is unidirectional: for a point and a distance there is exactly one other point', () => {
    const rng = new Random(3);
    for (let i = 0; i < 200; i++) {
      const a = ids[rng.int(ids.length)]!;
      const delta = rng.bytes(ID_BYTES);
      const b = xorDistance(a, delta);
      expect(idEquals(xorDistance(a, b), delta)).toBe(true);
    }
  });

  it('compareDistance agrees with a BigInt reference, including ties and shared prefixes', () => {
    const rng = new Random(4);
    const words = new Uint32Array(ids.length * ID_WORDS);
    ids.forEach((id, i) => writeIdWords(id, words, i * ID_WORDS));
    const counts = { neg: 0, pos: 0, zero: 0 };
    for (let i = 0; i < 20000; i++) {
      const ai = rng.int(ids.length);
      const bi = rng.next() < 0.05 ? ai : rng.int(ids.length);
      // Targets near a or b make the words that decide the comparison vary.
      const t = rng.next() < 0.5 ? withPrefix(rng, ids[rng.next() < 0.5 ? ai : bi]!, rng.int(ID_BITS)) : rng.bytes(ID_BYTES);
      const tw = new Uint32Array(ID_WORDS + 3);
      writeIdWords(t, tw, 3);
      const got = compareDistance(words, ai * ID_WORDS, bi * ID_WORDS, tw, 3);
      const want = sign((big(ids[ai]!) ^ big(t)) - (big(ids[bi]!) ^ big(t)));
      expect(sign(got)).toBe(want);
      counts[want < 0 ? 'neg' : want > 0 ? 'pos' : 'zero']++;
    }
    expect(counts.neg).toBeGreaterThan(1000);
    expect(counts.pos).toBeGreaterThan(1000);
    expect(counts.zero).toBeGreaterThan(100);
  });

  it('compareDistance decides on the low words when the high words tie', () => {
    const t = new Uint8Array(ID_BYTES);
    const a = new Uint8Array(ID_BYTES);
    const b = new Uint8Array(ID_BYTES);
    a[19] = 1; // distance 1
    b[19] = 2; // distance 2
    const w = new Uint32Array(2 * ID_WORDS);
    writeIdWords(a, w, 0);
    writeIdWords(b, w, ID_WORDS);
    expect(compareDistance(w, 0, ID_WORDS, idToWords(t), 0)).toBeLessThan(0);
    expect(compareDistance(w, ID_WORDS, 0, idToWords(t), 0)).toBeGreaterThan(0);
    // The most significant bit dominates: 0x80.. from t is farther than 0x7f..ff.
    const far = new Uint8Array(ID_BYTES);
    far[0] = 0x80;
    const near = new Uint8Array(ID_BYTES).fill(0xff);
    near[0] = 0x7f;
    writeIdWords(far, w, 0);
    writeIdWords(near, w, ID_WORDS);
    expect(compareDistance(w, 0, ID_WORDS, idToWords(t), 0)).toBeGreaterThan(0);
  });

  it('commonPrefixLength agrees with a reference for every prefix length 0..160', () => {
    const rng = new Random(5);
    for (let p = 0; p <= ID_BITS; p++) {
      for (let rep = 0; rep < 5; rep++) {
        const a = rng.bytes(ID_BYTES);
        const b = p === ID_BITS ? a.slice() : withPrefix(rng, a, p);
        const x = new Uint32Array(ID_WORDS + 1);
        const y = new Uint32Array(ID_WORDS + 2);
        writeIdWords(a, x, 1);
        writeIdWords(b, y, 2);
        expect(refCpl(big(a), big(b))).toBe(p);
        expect(commonPrefixLength(x, 1, y, 2)).toBe(p);
        expect(commonPrefixLength(y, 2, x, 1)).toBe(p);
      }
    }
    for (let i = 0; i + 1 < ids.length; i++) {
      const x = idToWords(ids[i]!);
      const y = idToWords(ids[i + 1]!);
      expect(commonPrefixLength(x, 0, y, 0)).toBe(refCpl(big(ids[i]!), big(ids[i + 1]!)));
    }
  });

  it('xorWords and compareWords agree with BigInt', () => {
    const rng = new Random(6);
    for (let i = 0; i < 2000; i++) {
      const a = ids[rng.int(ids.length)]!;
      const b = rng.next() < 0.3 ? withPrefix(rng, a, rng.int(ID_BITS)) : ids[rng.int(ids.length)]!;
      const out = new Uint32Array(ID_WORDS * 2);
      xorWords(idToWords(a), 0, idToWords(b), 0, out, ID_WORDS);
      expect(bigFromWords(out, ID_WORDS)).toBe(big(a) ^ big(b));
      expect(bigFromWords(out, 0)).toBe(0n); // nothing written outside the target words
      expect(sign(compareWords(idToWords(a), 0, idToWords(b), 0))).toBe(sign(big(a) - big(b)));
    }
  });
});

describe('ID encodings', () => {
  it('writeIdWords stores big-endian words, most significant first, and readIdBytes inverts it', () => {
    const id = hexToId('0102030405060708090a0b0c0d0e0f1011121314');
    const w = new Uint32Array(ID_WORDS + 2).fill(0xdeadbeef);
    writeIdWords(id, w, 1);
    expect(Array.from(w)).toEqual([0xdeadbeef, 0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10, 0x11121314, 0xdeadbeef]);
    expect(idToHex(readIdBytes(w, 1))).toBe('0102030405060708090a0b0c0d0e0f1011121314');
  });

  it('round-trips random IDs at arbitrary word offsets without touching neighbours', () => {
    const rng = new Random(7);
    const n = 200;
    const words = new Uint32Array(n * ID_WORDS + 3);
    const ids = Array.from({ length: n }, () => rng.bytes(ID_BYTES));
    ids.forEach((id, i) => writeIdWords(id, words, 3 + i * ID_WORDS));
    ids.forEach((id, i) => {
      expect(idEquals(readIdBytes(words, 3 + i * ID_WORDS), id)).toBe(true);
      expect(bigFromWords(words, 3 + i * ID_WORDS)).toBe(big(id));
    });
    // readIdBytes into a caller's buffer returns that buffer.
    const buf = new Uint8Array(ID_BYTES);
    expect(readIdBytes(words, 3, buf)).toBe(buf);
    expect(idEquals(buf, ids[0]!)).toBe(true);
    // Extremes.
    for (const id of [new Uint8Array(ID_BYTES), new Uint8Array(ID_BYTES).fill(0xff)]) {
      expect(idEquals(readIdBytes(idToWords(id), 0), id)).toBe(true);
    }
  });

  it('hexToId and idToHex round-trip, accepting either case', () => {
    const rng = new Random(8);
    for (let i = 0; i < 100; i++) {
      const id = rng.bytes(ID_BYTES);
      const hex = idToHex(id);
      expect(hex).toMatch(/^[0-9a-f]{40}$/);
      expect(idEquals(hexToId(hex), id)).toBe(true);
      expect(idEquals(hexToId(hex.toUpperCase()), id)).toBe(true);
    }
    expect(Array.from(hexToId('ff00000000000000000000000000000000000001'))).toEqual([0xff, ...new Array(18).fill(0), 1]);
  });

  it('hexToId refuses bad input with a message that says what an ID is and what it got', () => {
    const good = 'a'.repeat(40);
    const bad = ['', 'a'.repeat(39), 'a'.repeat(41), 'g' + good.slice(1), '0x' + good.slice(2), ' ' + good.slice(1), good.slice(1) + '\n', 'z'];
    for (const s of bad) {
      expect(() => hexToId(s)).toThrow(/40 hex digits/);
      expect(() => hexToId(s)).toThrow(`got "${s}"`);
    }
    expect(() => hexToId(good)).not.toThrow();
  });

  it('idEquals compares lengths and bytes', () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(idEquals(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(idEquals(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(idEquals(a, new Uint8Array([1, 2]))).toBe(false);
  });
});
