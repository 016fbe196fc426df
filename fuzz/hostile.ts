/**
 * fast-check arbitraries for what a hostile peer can send a UDP node: arbitrary bytes, valid
 * messages cut short, bit-flipped, given another message's record id (type confusion), with a
 * binary field's length lying, with bytes after the end, too large; and valid but hostile
 * messages: spoofed IDs (the victim's own among them), maximal versions and TTLs, replies nobody
 * asked for, STOREs with fresh keys (a flood), NODES full of strangers. Every source is an
 * address on 127.0.0.0/8.
 */
import fc from 'fast-check';
import { MessageType, type Message } from '../src/core/messages.js';
import { Random } from '../src/core/random.js';
import { parseAddress, type Address } from '../src/wire/address.js';
import { AddressBook } from '../src/wire/address-book.js';
import { encodeMessage } from '../src/wire/encode.js';
import { FIRST_RECORD_ID, MESSAGE_STRUCTURES } from '../src/wire/structures.js';

export interface HostileCase {
  bytes: Uint8Array;
  from: Address;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Strangers a NODES message may name: IPv4 and IPv6, some with port 0 (never sendable). */
function contactPool(size: number): AddressBook {
  const r = new Random(0xf022);
  const book = new AddressBook(r.bytes(20), parseAddress('127.0.0.1:1'), size + 1);
  for (let i = 1; i <= size; i++) {
    const port = i % 17 === 0 ? 0 : 1024 + r.int(60_000);
    const address = i % 5 === 0 ? parseAddress(`[fd00::${i.toString(16)}]:${port}`) : parseAddress(`127.${r.int(256)}.${r.int(256)}.${r.int(256)}:${port}`);
    book.handleFor(r.bytes(20), address);
  }
  return book;
}

const POOL = 4096;
/** The contacts NODES messages name (handles 1..4096 of this book). */
export const pool = contactPool(POOL);

/**
 * `min`..`max` random bytes, drawn from our own generator seeded by fast-check: fc.uint8Array
 * draws byte by byte (most of the fuzzer's time at 1,500 bytes); these do not shrink byte-wise,
 * but the seed and length still replay.
 */
function bytes(min: number, max: number): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: 0x7fffffff })).map(([n, seed]) => {
    const out = new Uint8Array(n);
    let x = seed | 0;
    for (let i = 0; i < n; i++) {
      // xorshift32: cheap, and all we need is bytes that replay from the seed.
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  });
}

const id = bytes(20, 20);
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const version = fc.oneof(fc.constant(MAX_SAFE), fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat());
const ttl = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86_400_000 }), fc.constant(Number.MAX_VALUE));
const value = fc.oneof({ weight: 4, arbitrary: bytes(0, 64) }, { weight: 1, arbitrary: bytes(900, 1100) });
const contacts = fc.uint32Array({ min: 1, max: POOL, maxLength: 40 });

/** Any message, field values from the whole valid range (replies carry random RPC ids: nobody asked for them). */
export function message(): fc.Arbitrary<Message> {
  return fc.oneof(
    fc.record({ type: fc.constant(MessageType.Ping as const), rpc: u32 }),
    fc.record({ type: fc.constant(MessageType.Pong as const), rpc: u32 }),
    fc.record({ type: fc.constant(MessageType.Store as const), rpc: u32, key: id, value, version, ttl, cache: fc.boolean() }),
    fc.record({ type: fc.constant(MessageType.StoreAck as const), rpc: u32, ok: fc.boolean() }),
    fc.record({ type: fc.constant(MessageType.FindNode as const), rpc: u32, target: id }),
    fc.record({ type: fc.constant(MessageType.Nodes as const), rpc: u32, contacts }),
    fc.record({ type: fc.constant(MessageType.FindValue as const), rpc: u32, key: id }),
    fc.record({ type: fc.constant(MessageType.Value as const), rpc: u32, value, version, ttl }),
  ) as fc.Arbitrary<Message>;
}

/** A valid datagram: a message from `sender` (a random ID, or one of `spoofed`). */
export function valid(spoofed: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const sender = spoofed.length ? fc.oneof({ weight: 6, arbitrary: id }, { weight: 1, arbitrary: fc.constantFrom(...spoofed) }) : id;
  return fc.tuple(sender, message()).map(([s, m]) => encodeMessage(s, m, pool));
}

/** Mutations of a valid datagram that a decoder must refuse (or, by chance, accept) without throwing. */
export function mutated(spoofed: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const base = valid(spoofed);
  return fc.oneof(
    // Cut short.
    fc.tuple(base, fc.nat()).map(([b, n]) => b.subarray(0, n % b.length)),
    // Bit flips.
    fc.tuple(base, fc.array(fc.nat(), { minLength: 1, maxLength: 4 })).map(([b, at]) => {
      const c = b.slice();
      for (const a of at) c[a % c.length]! ^= 1 << (a % 8);
      return c;
    }),
    // Type confusion: another message type's record id over this one's fields.
    fc.tuple(base, fc.integer({ min: 0, max: MESSAGE_STRUCTURES.length + 2 })).map(([b, t]) => {
      const c = b.slice();
      c[0] = FIRST_RECORD_ID + t;
      return c;
    }),
    // Lying lengths: a bin8/bin16 header claims another length.
    fc.tuple(base, fc.nat(), fc.integer({ min: 0, max: 0xffff })).map(([b, pick, len]) => {
      const c = b.slice();
      const heads: number[] = [];
      for (let i = 1; i < c.length - 1; i++) if (c[i] === 0xc4 || c[i] === 0xc5) heads.push(i);
      if (heads.length === 0) return c;
      const at = heads[pick % heads.length]!;
      if (c[at] === 0xc4) c[at + 1] = len & 0xff;
      else if (at + 2 < c.length) {
        c[at + 1] = len >> 8;
        c[at + 2] = len & 0xff;
      }
      return c;
    }),
    // Trailing bytes.
    fc.tuple(base, bytes(1, 8)).map(([b, tail]) => {
      const c = new Uint8Array(b.length + tail.length);
      c.set(b);
      c.set(tail, b.length);
      return c;
    }),
  );
}

/** A source on 127.0.0.0/8: mostly fresh, sometimes one of a few fixed ones (the same pair twice). */
export function source(): fc.Arbitrary<Address> {
  const fresh = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 65535 }));
  return fc
    .oneof({ weight: 4, arbitrary: fresh }, { weight: 1, arbitrary: fc.tuple(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.constant(9999)) })
    .map(([a, b, c, port]): Address => ({ kind: 'ipv4', host: `127.${a}.${b}.${c}`, port }));
}

/** One hostile datagram and its source. `spoofed`: IDs worth impersonating (the victim's, an honest peer's). */
export function hostileCase(spoofed: Uint8Array[]): fc.Arbitrary<HostileCase> {
  const datagram = fc.oneof(
    { weight: 3, arbitrary: valid(spoofed) },
    { weight: 3, arbitrary: mutated(spoofed) },
    { weight: 2, arbitrary: bytes(0, 1500) },
    { weight: 1, arbitrary: bytes(1401, 2000) },
  );
  return fc.record({ bytes: datagram, from: source() });
}
