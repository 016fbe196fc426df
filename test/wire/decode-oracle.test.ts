/**
 * The hand-written decoder (decode.ts + decode-fields.ts) against the msgpackr decoder it
 * replaced (msgpackr-oracle.ts): on every buffer both accept the same message or refuse it for
 * the same reason. The one allowed difference is the documented one (decode-fields.ts header):
 * a stateful extension (refused as 'malformed' on sight) or a typed-array extension standing for
 * a bin (refused as 'bad-field', where msgpackr accepts it); a buffer
 * is excused only when it holds such an extension's header bytes, and the tests check that most
 * buffers are compared strictly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPE_NAMES } from '../../src/core/messages.js';
import { decodeMessage, decodeStaged, type DecodeLimits } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { createEncoder, FIRST_RECORD_ID, MESSAGE_STRUCTURES } from '../../src/wire/structures.js';
import { message, mutated, pool } from '../../fuzz/hostile.js';
import { addressBook, handles, indexContacts, sampleMessages, senderId, signedSamples } from './fixtures.js';
import { oracleDecodeMessage, oracleDecodeStaged } from '../../src/wire/decode-msgpackr.js';
import { contacts as randomContacts, randomMessage, rng } from './random-messages.js';

const WIDE: DecodeLimits = { maxDatagramBytes: 1 << 16, maxValueBytes: 1024, maxContacts: 64 };
const STATEFUL = new Set([0x62, 0x65, 0x69, 0x70, 0x73, 0x78]);

/** True when `b` holds bytes that may start an extension the two decoders treat differently. */
function mayHoldExcusedExtension(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const t = b[i]!;
    const typeAt = t >= 0xd4 && t <= 0xd8 ? i + 1 : t === 0xc7 ? i + 2 : t === 0xc8 ? i + 3 : t === 0xc9 ? i + 5 : -1;
    if (typeAt < 0 || typeAt >= b.length) continue;
    const type = b[typeAt]!;
    if (STATEFUL.has(type) || (type === 0x72 && t <= 0xd5) || (type === 0x74 && b[typeAt + 1] === 1)) return true;
  }
  return false;
}

interface Tally {
  strict: number;
  excused: number;
  accepted: number;
}
const tally = (): Tally => ({ strict: 0, excused: 0, accepted: 0 });

/** Staged decode of `bytes` by both; throws on a difference that is not excused. */
function agree(bytes: Uint8Array, t: Tally, limits: DecodeLimits = WIDE): void {
  const ours = decodeStaged(bytes, limits);
  const theirs = oracleDecodeStaged(bytes, limits);
  const same = ours.ok && theirs.ok ? sameStaged(ours, theirs) : !ours.ok && !theirs.ok && ours.reason === theirs.reason;
  if (same) {
    t.strict++;
    if (ours.ok) t.accepted++;
    return;
  }
  if (!ours.ok && mayHoldExcusedExtension(bytes)) {
    t.excused++;
    return;
  }
  const show = (d: typeof ours | typeof theirs) => (d.ok ? `ok ${MESSAGE_TYPE_NAMES[d.message.type]}` : d.reason);
  throw new Error(`decoders differ on ${Buffer.from(bytes).toString('hex')}: ours ${show(ours)}, msgpackr ${show(theirs)}`);
}

function sameStaged(a: { senderId: Uint8Array; message: unknown; contactList: Uint8Array | null; contactCount: number }, b: typeof a): boolean {
  return same(a.senderId, b.senderId) && same(a.message, b.message) && a.contactCount === b.contactCount && same(a.contactList, b.contactList);
}

/** Deep equality, cheap enough for 10^5 calls: byte arrays by content, numbers with Object.is (so -0 ≠ 0). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('the hand-written decoder agrees with msgpackr', () => {
  const corpus = [
    ...[...sampleMessages(handles(40, 20)), ...signedSamples()].map((m) => encodeMessage(senderId, m, indexContacts(100))),
    ...[...sampleMessages(handles(1, 20)), ...signedSamples()].map((m) => encodeMessage(senderId, m, addressBook(30))),
  ];

  it('on the sample messages, contacts resolved, through both contact tables', () => {
    for (const contacts of [indexContacts(100), addressBook(30)]) {
      for (const m of [...sampleMessages(handles(1, 20)), ...signedSamples()]) {
        const bytes = encodeMessage(senderId, m, contacts);
        const ours = decodeMessage(bytes, contacts);
        expect(ours).toEqual(oracleDecodeMessage(bytes, contacts));
        expect(ours).toMatchObject({ ok: true, message: m });
      }
    }
  });

  it("on the encoder test's 5,000 random messages (every number boundary), and every truncation and extension of the first 100", () => {
    const t = tally();
    for (let i = 0; i < 5000; i++) {
      const bytes = encodeMessage(rng.bytes(20), randomMessage(), randomContacts);
      expect(decodeMessage(bytes, randomContacts, WIDE)).toEqual(oracleDecodeMessage(bytes, randomContacts, WIDE));
      if (i >= 100) continue;
      for (let n = 0; n < bytes.length; n++) agree(bytes.subarray(0, n), t);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      for (const last of [0x00, 0x7f, 0xc0, 0xc4, 0xff]) {
        longer[bytes.length] = last;
        agree(longer, t);
      }
    }
    expect(t.excused).toBe(0);
  });

  it('on every one-byte substitution of the sample corpus (each position, 10 values)', () => {
    const t = tally();
    for (const bytes of corpus) {
      const c = bytes.slice();
      for (let at = 0; at < c.length; at++) {
        for (const v of [0x00, 0x3f, 0x4c, 0x4d, 0x91, 0xa3, 0xc1, 0xc3, 0xcb, 0xff]) {
          c[at] = v;
          agree(c, t);
        }
        c[at] = bytes[at]!;
      }
    }
    expect(t.strict).toBeGreaterThan(0.95 * (t.strict + t.excused));
    expect(t.accepted).toBeGreaterThan(300);
  });

  it('on fast-check messages, hostile mutations and random bytes (20,000 cases)', () => {
    const t = tally();
    const sender = senderId;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constant(sender), message()).map(([s, m]) => encodeMessage(s, m, pool)),
          mutated([sender]),
          fc.uint8Array({ maxLength: 200 }).map((b) => (b.length > 0 && b[0]! % 2 ? Uint8Array.from([FIRST_RECORD_ID + (b[0]! % 16), ...b.subarray(1)]) : b)),
        ),
        (bytes) => agree(bytes, t),
      ),
      { numRuns: 20_000, seed: 21 },
    );
    expect(t.strict).toBeGreaterThan(0.9 * (t.strict + t.excused));
    expect(t.accepted).toBeGreaterThan(2000);
  });

  it('on records of the shared structures whose fields hold any msgpack value (10,000 cases)', () => {
    const t = tally();
    const packr = createEncoder();
    const leaf = fc.oneof(
      fc.integer(),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.double(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ minLength: 20, maxLength: 20 }),
      fc.date({ noInvalidDate: true }),
    );
    const value = fc.oneof({ weight: 6, arbitrary: leaf }, { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), leaf, { maxKeys: 3 }) });
    const record = fc.integer({ min: 0, max: MESSAGE_STRUCTURES.length - 1 }).chain((r) => fc.tuple(fc.constant(r), fc.array(value, { minLength: MESSAGE_STRUCTURES[r]!.length, maxLength: MESSAGE_STRUCTURES[r]!.length })));
    fc.assert(
      fc.property(record, fc.nat(), ([r, values], cut) => {
        const obj: Record<string, unknown> = {};
        MESSAGE_STRUCTURES[r]!.forEach((key, i) => (obj[key] = values[i]));
        const bytes = new Uint8Array(packr.pack(obj));
        expect(bytes[0]).toBe(FIRST_RECORD_ID + r);
        agree(bytes, t);
        agree(bytes.subarray(0, cut % bytes.length), t);
      }),
      { numRuns: 10_000, seed: 22 },
    );
    expect(t.strict).toBeGreaterThan(0.9 * (t.strict + t.excused));
  });

  it('excuses only the documented extensions: a typed-array Uint8Array where a bin belongs, which msgpackr accepts and we refuse', () => {
    // PING whose `from` is ext8 0x74 typed array, code 1 (Uint8Array), 20 bytes.
    const ping = Uint8Array.from([FIRST_RECORD_ID, 0xc7, 21, 0x74, 1, ...new Uint8Array(20).fill(9), 5]);
    expect(oracleDecodeStaged(ping)).toMatchObject({ ok: true, message: { rpc: 5 } });
    expect(decodeStaged(ping)).toEqual({ ok: false, reason: 'bad-field' });
    expect(mayHoldExcusedExtension(ping)).toBe(true);
    // A Set (ext 0x73) reads a further value: msgpackr builds it, we refuse it on sight.
    const set = Uint8Array.from([FIRST_RECORD_ID, 0xd4, 0x73, 0x00, 0x90, 5]);
    expect(oracleDecodeStaged(set)).toEqual({ ok: false, reason: 'bad-field' });
    expect(decodeStaged(set)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('is the one decoder in use: no src file but the bench baseline imports the msgpackr decoder', () => {
    const importers: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.endsWith('decode-msgpackr.ts') && readFileSync(path, 'utf8').includes('decode-msgpackr')) importers.push(path);
      }
    };
    walk('src');
    expect(importers).toEqual([]);
  });
});
