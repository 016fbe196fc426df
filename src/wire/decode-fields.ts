/**
 * Reads the fields of one of our records (structures.ts) by hand, into typed scratch slots, with
 * no object per message or per field: decode.ts then checks the slots and builds the one Message
 * the core needs. The reading is msgpackr's, step for step, so a datagram gets the same fate here
 * as under Unpackr with our shared structures (test/wire/decode-oracle.test.ts compares both):
 *
 * - A field is read whatever its msgpack type (fixints 0x4d–0x7f are plain numbers, 0x40–0x4c
 *   nested records, maps, arrays, strings…), so a wrong type surfaces as 'bad-field' only after
 *   the whole datagram was read, as with msgpackr; reading past the end anywhere is 'truncated';
 *   bytes after the last field are 'trailing-bytes'.
 * - msgpackr's own refusals inside a field are reproduced: an array or map header longer than
 *   the bytes left (and its per-decode array budget); an unknown extension type; a typed-array
 *   extension of a length its element size does not divide.
 *
 * Documented difference (stricter): extensions that build objects from further values or state
 * (0x62 bundled strings, 0x65 Error, 0x69/0x70 structured-clone ids and pointers, 0x73 Set, 0x78
 * RegExp, and the inline record definition fixext 0x72) are refused as 'malformed' as soon as
 * they are met, and a typed-array extension is read as msgpackr reads it but is never a binary
 * field (so 'bad-field' where a bin belongs). msgpackr would build the
 * object and usually drop the datagram anyway (the object is no field of ours), but it accepts a
 * Uint8Array typed-array extension, a structured-clone id or a bundled-strings block wrapping a
 * bin where a bin field belongs. Our encoder never writes an extension.
 */

/** What a field slot holds after readFields (plain numbers: read on every field check). */
export const Kind = {
  Other: 0, // nil, string, map, array, nested record, extension: never a valid field of ours
  Bin: 1,
  Num: 2,
  Bool: 3,
} as const;

export const TRUNCATED = -1;
export const MALFORMED = -2;

/** Values per record (MESSAGE_STRUCTURES lengths), for records nested inside a field. */
const RECORD_FIELDS = Uint8Array.from([2, 2, 8, 4, 3, 4, 3, 6, 7, 4, 5, 11, 9]);
const MAX_FIELDS = 11;

/** Slot i holds field i of the last record read (0 = `from`). Valid until the next readFields. */
export const kind = new Uint8Array(MAX_FIELDS);
export const num = new Float64Array(MAX_FIELDS);
export const binAt = new Int32Array(MAX_FIELDS);
export const binLen = new Int32Array(MAX_FIELDS);

// Floats are big-endian on the wire; the scratch is in the machine's order.
const f64 = new Float64Array(1);
const f32 = new Float32Array(1);
const f64b = new Uint8Array(f64.buffer);
const f32b = new Uint8Array(f32.buffer);
const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function float64(b: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) f64b[LITTLE ? 7 - i : i] = b[at + i]!;
  return f64[0]!;
}

function float32(b: Uint8Array, at: number): number {
  for (let i = 0; i < 4; i++) f32b[LITTLE ? 3 - i : i] = b[at + i]!;
  return f32[0]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

// msgpackr's arrayAllocationBudget: array16/32 lengths summed over one decode stay within the datagram.
let arrayBudget = 0;

/**
 * Reads `count` values from `at` (just after the record id byte) into the slots; returns the
 * offset after them, TRUNCATED or MALFORMED. `end` is where the datagram ends in `b`.
 */
export function readFields(b: Uint8Array, at: number, end: number, count: number): number {
  arrayBudget = end - at + 1; // the datagram's length, record id included
  for (let i = 0; i < count; i++) {
    if (at >= end) return TRUNCATED;
    const t = b[at]!;
    let next: number;
    kind[i] = Kind.Num;
    if (t < 0x40) {
      num[i] = t;
      next = at + 1;
    } else if (t >= 0xe0) {
      num[i] = t - 0x100;
      next = at + 1;
    } else if (t === 0xc4 || t === 0xc5) {
      // bin 8 and bin 16 (IDs, keys, values, contact lists) read here: scalar() is too large to inline.
      const head = t === 0xc4 ? 2 : 3;
      if (at + head > end) return TRUNCATED;
      const n = t === 0xc4 ? b[at + 1]! : (b[at + 1]! << 8) | b[at + 2]!;
      if (n > end - at - head) return TRUNCATED;
      kind[i] = Kind.Bin;
      binAt[i] = at + head;
      binLen[i] = n;
      next = at + head + n;
    } else if (t === 0xce) {
      // uint 32 (rpc ids): the same.
      if (at + 5 > end) return TRUNCATED;
      num[i] = u32(b, at + 1);
      next = at + 5;
    } else if (t >= 0xc2 && t <= 0xd3) {
      next = scalar(b, at, end, t, i);
      if (next < 0) return next;
    } else if (t >= 0x40 + RECORD_FIELDS.length && t < 0x80) {
      num[i] = t; // no structure at this id: msgpackr reads the byte as a number
      next = at + 1;
    } else {
      kind[i] = Kind.Other;
      next = skip(b, at, end);
      if (next < 0) return next;
    }
    at = next;
  }
  return at;
}

/** Booleans, binaries, numbers (0xc2–0xd3) into slot i. */
function scalar(b: Uint8Array, at: number, end: number, t: number, i: number): number {
  switch (t) {
    case 0xc2:
    case 0xc3:
      kind[i] = Kind.Bool;
      num[i] = t - 0xc2;
      return at + 1;
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const head = t === 0xc4 ? 2 : t === 0xc5 ? 3 : 5;
      if (at + head > end) return TRUNCATED;
      const n = t === 0xc4 ? b[at + 1]! : t === 0xc5 ? (b[at + 1]! << 8) | b[at + 2]! : u32(b, at + 1);
      if (n > end - at - head) return TRUNCATED;
      kind[i] = Kind.Bin;
      binAt[i] = at + head;
      binLen[i] = n;
      return at + head + n;
    }
    case 0xc7:
    case 0xc8:
    case 0xc9:
      kind[i] = Kind.Other;
      return skip(b, at, end);
  }
  const size = NUMBER_BYTES[t - 0xca]!;
  if (at + 1 + size > end) return TRUNCATED;
  const p = at + 1;
  let v: number;
  switch (t) {
    case 0xca: v = float32(b, p); break;
    case 0xcb: v = float64(b, p); break;
    case 0xcc: v = b[p]!; break;
    case 0xcd: v = (b[p]! << 8) | b[p + 1]!; break;
    case 0xce: v = u32(b, p); break;
    case 0xcf: v = u32(b, p) * 0x100000000 + u32(b, p + 4); break; // msgpackr's int64AsType 'number'
    case 0xd0: v = (b[p]! << 24) >> 24; break;
    case 0xd1: v = (((b[p]! << 8) | b[p + 1]!) << 16) >> 16; break;
    case 0xd2: v = u32(b, p) | 0; break;
    default: v = (u32(b, p) | 0) * 0x100000000 + u32(b, p + 4); break;
  }
  num[i] = v;
  return p + size;
}

/** Payload bytes of 0xca (float32) … 0xd3 (int64). */
const NUMBER_BYTES = Uint8Array.from([4, 8, 1, 2, 4, 8, 1, 2, 4, 8]);

/** Skips one msgpack value of any type. Returns the offset after it, TRUNCATED or MALFORMED. */
function skip(b: Uint8Array, at: number, end: number): number {
  if (at >= end) return TRUNCATED;
  const t = b[at]!;
  if (t < 0x40 || t >= 0xe0) return at + 1;
  if (t < 0x80) {
    const n = t - 0x40;
    if (n >= RECORD_FIELDS.length) return at + 1;
    at++;
    for (let f = RECORD_FIELDS[n]!; f > 0; f--) if ((at = skip(b, at, end)) < 0) return at;
    return at;
  }
  if (t < 0x90) return skipMap(b, at + 1, end, t - 0x80);
  if (t < 0xa0) return skipArray(b, at + 1, end, t - 0x90);
  if (t < 0xc0) return within(at + 1 + t - 0xa0, end);
  switch (t) {
    case 0xc0: // nil
    case 0xc2:
    case 0xc3:
      return at + 1;
    case 0xc1: // msgpackr's C1 marker object
      return at + 1;
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return sized(b, at, end, t - 0xc4);
    case 0xc7:
      if (at + 2 > end) return TRUNCATED;
      return extension(b, at + 2, end, b[at + 1]!);
    case 0xc8:
      if (at + 3 > end) return TRUNCATED;
      return extension(b, at + 3, end, (b[at + 1]! << 8) | b[at + 2]!);
    case 0xc9:
      if (at + 5 > end) return TRUNCATED;
      return extension(b, at + 5, end, u32(b, at + 1));
    case 0xd4:
      return fixext1(b, at, end);
    case 0xd5:
      if (at + 1 < end && b[at + 1] === 0x72) return MALFORMED; // inline record definition
      return extension(b, at + 1, end, 2);
    case 0xd6:
      return extension(b, at + 1, end, 4);
    case 0xd7:
      return extension(b, at + 1, end, 8);
    case 0xd8:
      return extension(b, at + 1, end, 16);
    case 0xd9:
    case 0xda:
    case 0xdb:
      return sized(b, at, end, t - 0xd9);
    case 0xdc:
    case 0xdd: {
      const head = t === 0xdc ? 3 : 5;
      if (at + head > end) return TRUNCATED;
      const n = t === 0xdc ? (b[at + 1]! << 8) | b[at + 2]! : u32(b, at + 1);
      if (n > end - at - head || (arrayBudget -= n) < 0) return TRUNCATED;
      return skipArray(b, at + head, end, n);
    }
    case 0xde:
    case 0xdf: {
      const head = t === 0xde ? 3 : 5;
      if (at + head > end) return TRUNCATED;
      const n = t === 0xde ? (b[at + 1]! << 8) | b[at + 2]! : u32(b, at + 1);
      if (n > (end - at - head) / 2) return TRUNCATED;
      return skipMap(b, at + head, end, n);
    }
    default: // 0xca–0xd3: numbers of fixed size
      return within(at + 1 + NUMBER_BYTES[t - 0xca]!, end);
  }
}

function within(next: number, end: number): number {
  return next > end ? TRUNCATED : next;
}

/** A bin or str with a 1-, 2- or 4-byte length (`width` 0, 1, 2). */
function sized(b: Uint8Array, at: number, end: number, width: number): number {
  const head = width === 0 ? 2 : width === 1 ? 3 : 5;
  if (at + head > end) return TRUNCATED;
  const n = width === 0 ? b[at + 1]! : width === 1 ? (b[at + 1]! << 8) | b[at + 2]! : u32(b, at + 1);
  return within(at + head + n, end);
}

function skipArray(b: Uint8Array, at: number, end: number, n: number): number {
  for (let i = 0; i < n; i++) if ((at = skip(b, at, end)) < 0) return at;
  return at;
}

function skipMap(b: Uint8Array, at: number, end: number, n: number): number {
  // Our Unpackr leaves mapsAsObjects unset, so maps become Maps and any key is accepted.
  for (let i = 0; i < 2 * n; i++) if ((at = skip(b, at, end)) < 0) return at;
  return at;
}

// Element sizes of msgpackr's typed-array codes 0–10 (Int8 … BigUint64).
const TYPED_ARRAY_BYTES = [1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8];

/** An extension whose type byte is at `p`, with `n` data bytes after it: as msgpackr's readExt and extension table. */
function extension(b: Uint8Array, p: number, end: number, n: number): number {
  if (n >= end - p) return TRUNCATED;
  return extensionValue(b[p]!, b, p + 1, n, end);
}

function extensionValue(type: number, b: Uint8Array, data: number, n: number, end: number): number {
  const next = data + n;
  switch (type) {
    case 0x00: // undefined
    case 0xff: // Date
      return next;
    case 0x42: // BigInt: msgpackr throws a TypeError on empty data
      return n === 0 ? MALFORMED : next;
    case 0x74: {
      // Typed array: never one of our binary fields (see the header).
      if (n === 0) return MALFORMED;
      const code = b[data]!;
      const size = TYPED_ARRAY_BYTES[code];
      if (size === undefined) return code === 16 || code === 17 ? next : MALFORMED;
      // A misaligned length is a RangeError, which msgpackr counts as incomplete near the end.
      if ((n - 1) % size !== 0) return next + 8 > end ? TRUNCATED : MALFORMED;
      return next;
    }
    default: // unknown types, and the stateful ones refused on sight (see the header)
      return MALFORMED;
  }
}

/** fixext 1: msgpackr looks the type up before it checks the data byte is there. */
function fixext1(b: Uint8Array, at: number, end: number): number {
  if (at + 1 >= end) return TRUNCATED;
  const type = b[at + 1]!;
  if (type !== 0x00 && type !== 0x42 && type !== 0x74 && type !== 0xff) return MALFORMED;
  if (type === 0x00) {
    return within(at + 3, end); // no data: msgpackr skips a filler byte
  }
  if (at + 2 >= end) return TRUNCATED;
  return extensionValue(type, b, at + 2, 1, end);
}
