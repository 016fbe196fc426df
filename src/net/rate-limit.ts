/**
 * Token buckets for the requests a UDP node answers: one per source and one for the node, as
 * OpenDHT does it (8,192 requests/s in all, 1,024/s per IP), with a share of the node's budget
 * that only verified contacts may spend, so a flood from unverified sources cannot lock out the
 * peers the node already works with (the limiter must not become the attack).
 *
 *   admit(address, verified, nowMs) → true: answer it; false: drop it (counted 'rate-limited')
 *
 * A source is an IP address (IPv6: its /64 by default, the block one host gets), except on
 * loopback where it is IP and port, so a local swarm of many processes on 127.0.0.1 is many
 * sources. Sources live in a fixed table (set-associative, 4 ways, least recently seen way
 * replaced): memory is allocated once and never grows, whatever the number of addresses seen.
 * A source pushed out comes back with a full bucket; an attacker who cycles through many
 * addresses to get fresh buckets is what the node-wide bucket is for.
 */
import { randomInt } from 'node:crypto';
import type { Address } from '../wire/address.js';
import { parseIPv6 } from '../wire/ip.js';

export interface RateLimitOptions {
  /** Requests per second the node answers from all sources together (OpenDHT: 8,192). */
  globalPerSecond: number;
  /** Requests per second one source may make (OpenDHT: 1,024 per IP). */
  perSourcePerSecond: number;
  /** Seconds of its rate a full bucket holds: the burst a quiet source (or the node) may take at once. */
  burstSeconds: number;
  /** Share (0..1) of the node-wide bucket only verified contacts may spend. */
  verifiedShare: number;
  /** Sources tracked at most; fixes the table's memory (36 B a source, rounded up to a power of two). */
  sources: number;
  /** Leading bits of an IPv4 address that make one source (32: per IP; 24: per /24). */
  ipv4PrefixBits: number;
  /** Leading bits of an IPv6 address that make one source (64: per /64, one host's block). */
  ipv6PrefixBits: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({
  globalPerSecond: 8192,
  perSourcePerSecond: 1024,
  burstSeconds: 1,
  verifiedShare: 0.25,
  sources: 8192,
  ipv4PrefixBits: 32,
  ipv6PrefixBits: 64,
});

/** Fills defaults and refuses settings that cannot work, naming the setting. */
export function resolveRateLimit(partial: Partial<RateLimitOptions> = {}): RateLimitOptions {
  const o: RateLimitOptions = { ...DEFAULT_RATE_LIMIT, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
  for (const name of Object.keys(o) as Array<keyof RateLimitOptions>) {
    if (!(name in DEFAULT_RATE_LIMIT)) throw new Error(`rateLimit: unknown setting "${name}"; the settings are ${Object.keys(DEFAULT_RATE_LIMIT).join(', ')}`);
  }
  for (const name of ['globalPerSecond', 'perSourcePerSecond', 'burstSeconds'] as const) {
    if (!(o[name] > 0) || !Number.isFinite(o[name])) throw new Error(`rateLimit: ${name} must be a positive number, got ${o[name]}`);
  }
  if (!(o.verifiedShare >= 0 && o.verifiedShare < 1)) throw new Error(`rateLimit: verifiedShare must be in 0..1 (1 excluded), got ${o.verifiedShare}`);
  if (!Number.isInteger(o.sources) || o.sources < WAYS || o.sources > 1 << 22) throw new Error(`rateLimit: sources must be an integer in ${WAYS}..${1 << 22}, got ${o.sources}`);
  if (!Number.isInteger(o.ipv4PrefixBits) || o.ipv4PrefixBits < 8 || o.ipv4PrefixBits > 32) throw new Error(`rateLimit: ipv4PrefixBits must be an integer in 8..32, got ${o.ipv4PrefixBits}`);
  if (!Number.isInteger(o.ipv6PrefixBits) || o.ipv6PrefixBits < 16 || o.ipv6PrefixBits > 128) throw new Error(`rateLimit: ipv6PrefixBits must be an integer in 16..128, got ${o.ipv6PrefixBits}`);
  return o;
}

/** Ways per set: a source can be pushed out only by three more recently seen sources of its set. */
const WAYS = 4;
/** A source key: 16 address bytes (IPv4 mapped to ::ffff:a.b.c.d), 2 port bytes (loopback only), 2 zero bytes. */
const KEY_WORDS = 5;

export class RateLimiter {
  readonly options: RateLimitOptions;
  private readonly sets: number;
  private readonly keys: Uint32Array;
  private readonly tokens: Float64Array;
  /** Time of the last refill, which is also the time the source was last seen; −Infinity: a free way. */
  private readonly seen: Float64Array;
  private globalTokens: number;
  private globalAt = -Infinity;
  private readonly perSourceCap: number;
  private readonly globalCap: number;
  private readonly reserve: number;
  private readonly salt: number;
  private readonly bytes = new Uint8Array(KEY_WORDS * 4);
  private readonly key = new Uint32Array(KEY_WORDS);
  private readonly v4Mask: Uint8Array;
  private readonly v6Mask: Uint8Array;
  /** Requests refused because their source was over its rate / because the node was (verified share included). */
  limitedBySource = 0;
  limitedByNode = 0;
  admitted = 0;

  constructor(partial: Partial<RateLimitOptions> = {}, salt = randomInt(2 ** 32)) {
    const o = (this.options = resolveRateLimit(partial));
    let sets = 1;
    while (sets * WAYS < o.sources) sets *= 2;
    this.sets = sets;
    const slots = sets * WAYS;
    this.keys = new Uint32Array(slots * KEY_WORDS);
    this.tokens = new Float64Array(slots);
    this.seen = new Float64Array(slots).fill(-Infinity);
    this.perSourceCap = Math.max(1, o.perSourcePerSecond * o.burstSeconds);
    this.globalCap = Math.max(1, o.globalPerSecond * o.burstSeconds);
    this.globalTokens = this.globalCap;
    this.reserve = o.verifiedShare * this.globalCap;
    this.salt = salt >>> 0;
    this.v4Mask = prefixMask(96 + o.ipv4PrefixBits);
    this.v6Mask = prefixMask(o.ipv6PrefixBits);
  }

  /** Sources the table can hold (a power of two ≥ options.sources). */
  get capacity(): number {
    return this.sets * WAYS;
  }

  /** Sources held now (≤ capacity). */
  get tracked(): number {
    let n = 0;
    for (let i = 0; i < this.seen.length; i++) if (this.seen[i] !== -Infinity) n++;
    return n;
  }

  /** Bytes of the table; fixed at construction. */
  get tableBytes(): number {
    return this.keys.byteLength + this.tokens.byteLength + this.seen.byteLength;
  }

  /**
   * One request from `from` at `nowMs`: true when both its source's bucket and the node's have a
   * token (the node's below the verified reserve only for a verified sender), which it takes.
   * An address that cannot be parsed shares one bucket (key of zeros) rather than passing free.
   */
  admit(from: Address, verified: boolean, nowMs: number): boolean {
    this.keyOf(from);
    const slot = this.slotFor(nowMs);
    const cap = this.perSourceCap;
    const rate = this.options.perSourcePerSecond / 1000;
    const t = Math.min(cap, this.tokens[slot]! + Math.max(0, nowMs - this.seen[slot]!) * rate);
    this.tokens[slot] = t;
    this.seen[slot] = nowMs;
    if (nowMs > this.globalAt) {
      this.globalTokens = Math.min(this.globalCap, this.globalTokens + (this.globalAt === -Infinity ? 0 : (nowMs - this.globalAt) * (this.options.globalPerSecond / 1000)));
      this.globalAt = nowMs;
    }
    if (t < 1) {
      this.limitedBySource++;
      return false;
    }
    if (this.globalTokens < 1 + (verified ? 0 : this.reserve)) {
      this.limitedByNode++;
      return false;
    }
    this.tokens[slot] = t - 1;
    this.globalTokens -= 1;
    this.admitted++;
    return true;
  }

  /** Writes the source key of `from` into this.key. */
  private keyOf(from: Address): void {
    const b = this.bytes;
    b.fill(0);
    if (from.kind === 'ipv4') {
      b[10] = 0xff;
      b[11] = 0xff;
      if (!readIPv4(from.host, b, 12)) b.fill(0);
      else if (b[12] === 127) writePort(b, from.port);
      else applyMask(b, this.v4Mask);
    } else if (from.kind === 'ipv6') {
      if (!parseIPv6(from.host, b, 0)) b.fill(0);
      else if (isMappedLoopback(b) || isV6Loopback(b)) writePort(b, from.port);
      else applyMask(b, isMapped(b) ? this.v4Mask : this.v6Mask);
    }
    for (let w = 0; w < KEY_WORDS; w++) this.key[w] = ((b[w * 4]! << 24) | (b[w * 4 + 1]! << 16) | (b[w * 4 + 2]! << 8) | b[w * 4 + 3]!) >>> 0;
  }

  /** The way holding this.key in its set; a new source takes a free way or the least recently seen one, with a full bucket. */
  private slotFor(nowMs: number): number {
    const k = this.key;
    let h = this.salt;
    for (let w = 0; w < KEY_WORDS; w++) h = Math.imul(h ^ k[w]!, 0x9e3779b1) ^ (h >>> 15);
    h = Math.imul(h ^ (h >>> 13), 0x85ebca6b);
    h ^= h >>> 16;
    const base = (h & (this.sets - 1)) * WAYS;
    let oldest = base;
    for (let s = base; s < base + WAYS; s++) {
      if (this.seen[s] !== -Infinity && this.matches(s)) return s;
      if (this.seen[s]! < this.seen[oldest]!) oldest = s;
    }
    this.keys.set(k, oldest * KEY_WORDS);
    this.tokens[oldest] = this.perSourceCap;
    this.seen[oldest] = nowMs;
    return oldest;
  }

  private matches(slot: number): boolean {
    const at = slot * KEY_WORDS;
    const k = this.key;
    return this.keys[at] === k[0] && this.keys[at + 1] === k[1] && this.keys[at + 2] === k[2] && this.keys[at + 3] === k[3] && this.keys[at + 4] === k[4];
  }
}

/** Dotted-quad text into 4 bytes without allocating (the receive path runs this per request); false when not one. */
function readIPv4(s: string, out: Uint8Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255 || part > 3) return false;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return part === 4;
}

function prefixMask(bits: number): Uint8Array {
  const m = new Uint8Array(16);
  for (let i = 0; i < 16; i++) m[i] = bits >= (i + 1) * 8 ? 0xff : bits <= i * 8 ? 0 : (0xff << (8 - (bits - i * 8))) & 0xff;
  return m;
}

function applyMask(b: Uint8Array, mask: Uint8Array): void {
  for (let i = 0; i < 16; i++) b[i]! &= mask[i]!;
}

function writePort(b: Uint8Array, port: number): void {
  b[16] = (port >>> 8) & 0xff;
  b[17] = port & 0xff;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function isMappedLoopback(b: Uint8Array): boolean {
  return isMapped(b) && b[12] === 127;
}

function isV6Loopback(b: Uint8Array): boolean {
  for (let i = 0; i < 15; i++) if (b[i] !== 0) return false;
  return b[15] === 1;
}
