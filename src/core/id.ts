/**
 * 160-bit identifiers and the XOR metric.
 *
 * IDs travel as 20-byte Uint8Arrays; on hot paths they are five big-endian
 * u32 words inside a shared Uint32Array, so distance comparisons never
 * allocate and never touch BigInt. Word 0 holds the most significant bits.
 */

export const ID_BYTES = 20;
export const ID_WORDS = 5;
export const ID_BITS = 160;

/** Copies a 20-byte ID into `out` at word offset `at` as big-endian words. */
export function writeIdWords(id: Uint8Array, out: Uint32Array, at: number): void {
  for (let w = 0; w < ID_WORDS; w++) {
    const b = w * 4;
    out[at + w] = ((id[b]! << 24) | (id[b + 1]! << 16) | (id[b + 2]! << 8) | id[b + 3]!) >>> 0;
  }
}

/** Inverse of writeIdWords. */
export function readIdBytes(words: Uint32Array, at: number, out: Uint8Array = new Uint8Array(ID_BYTES)): Uint8Array {
  writeIdFromWords(words, at, out, 0);
  return out;
}

/** Writes the ID held as words at `wordAt` as 20 big-endian bytes at `at` of `out`. */
export function writeIdFromWords(words: Uint32Array, wordAt: number, out: Uint8Array, at: number): void {
  for (let w = 0; w < ID_WORDS; w++) {
    const v = words[wordAt + w]!;
    const b = at + w * 4;
    out[b] = v >>> 24;
    out[b + 1] = (v >>> 16) & 0xff;
    out[b + 2] = (v >>> 8) & 0xff;
    out[b + 3] = v & 0xff;
  }
}

export function idToWords(id: Uint8Array): Uint32Array {
  const out = new Uint32Array(ID_WORDS);
  writeIdWords(id, out, 0);
  return out;
}

/**
 * Compares the distances of a and b to target (all word offsets, a and b in
 * `ids`, target in `t`). Negative when a is closer, positive when b is, 0 when
 * a and b are the same ID.
 */
export function compareDistance(ids: Uint32Array, a: number, b: number, t: Uint32Array, tAt: number): number {
  for (let w = 0; w < ID_WORDS; w++) {
    const tw = t[tAt + w]!;
    const da = (ids[a + w]! ^ tw) >>> 0;
    const db = (ids[b + w]! ^ tw) >>> 0;
    if (da !== db) return da < db ? -1 : 1;
  }
  return 0;
}

/** Number of leading bits that a (in `x` at xAt) and b (in `y` at yAt) share: 0..160. */
export function commonPrefixLength(x: Uint32Array, xAt: number, y: Uint32Array, yAt: number): number {
  for (let w = 0; w < ID_WORDS; w++) {
    const d = (x[xAt + w]! ^ y[yAt + w]!) >>> 0;
    if (d !== 0) return w * 32 + Math.clz32(d);
  }
  return ID_BITS;
}

/** Writes the XOR distance of two word IDs into out at oAt. */
export function xorWords(x: Uint32Array, xAt: number, y: Uint32Array, yAt: number, out: Uint32Array, oAt: number): void {
  for (let w = 0; w < ID_WORDS; w++) out[oAt + w] = (x[xAt + w]! ^ y[yAt + w]!) >>> 0;
}

/** Compares two 160-bit unsigned numbers held as words. */
export function compareWords(x: Uint32Array, xAt: number, y: Uint32Array, yAt: number): number {
  for (let w = 0; w < ID_WORDS; w++) {
    const a = x[xAt + w]!;
    const b = y[yAt + w]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** The XOR distance of two byte IDs, as bytes (for tests and reports, not hot paths). */
export function xorDistance(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** A 160-bit distance as a float, close enough for ratios (top 53 bits kept). */
export function wordsToFloat(x: Uint32Array, at: number): number {
  let v = 0;
  for (let w = 0; w < ID_WORDS; w++) v = v * 4294967296 + x[at + w]!;
  return v;
}

export function idToHex(id: Uint8Array): string {
  let s = '';
  for (let i = 0; i < id.length; i++) s += (id[i]! < 16 ? '0' : '') + id[i]!.toString(16);
  return s;
}

export function hexToId(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) throw new Error(`an ID is 40 hex digits, got "${hex}"`);
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function idEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
