/**
 * Latency and loss between node pairs. Every pair gets a stable base latency
 * (a hash of the pair and the seed, the same in both directions) plus a small
 * per-message jitter, so measured round-trip times mean something and adaptive
 * timeouts have a signal to adapt to.
 */

export type LatencySpec =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Pareto-distributed base latency from minMs with the given shape, capped at maxMs. */
  | { kind: 'pareto'; minMs: number; maxMs: number; shape: number };

export interface NetworkModel {
  latency: LatencySpec;
  /** Fraction of messages lost, 0..1. */
  loss: number;
  /** Per-message jitter as a fraction of the pair's base latency. */
  jitter: number;
  seed: number;
}

/** Parses "0", "20ms", "20-200ms", "pareto:20-2000ms" (optionally ":shape", default 1.5). */
export function parseLatency(text: string): LatencySpec {
  const t = text.trim();
  const num = (s: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s.trim());
    if (!m) throw new Error(`latency: "${s}" is not a duration like 20ms`);
    return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  };
  const pareto = /^pareto:([^-]+)-([^:]+)(?::(\d+(?:\.\d+)?))?$/.exec(t);
  if (pareto) {
    const minMs = num(pareto[1]!.endsWith('ms') || pareto[1]!.endsWith('s') ? pareto[1]! : pareto[1]! + 'ms');
    const maxMs = num(pareto[2]!);
    const shape = pareto[3] ? Number(pareto[3]) : 1.5;
    if (!(minMs > 0) || maxMs < minMs) throw new Error(`latency: pareto needs 0 < min <= max, got "${text}"`);
    return { kind: 'pareto', minMs, maxMs, shape };
  }
  const range = /^(\d+(?:\.\d+)?)(ms|s)?-(\d+(?:\.\d+)?)(ms|s)?$/.exec(t);
  if (range) {
    const unit = range[4] ?? range[2] ?? 'ms';
    const minMs = num(range[1]! + (range[2] ?? unit));
    const maxMs = num(range[3]! + unit);
    if (maxMs < minMs) throw new Error(`latency: range "${text}" has max below min`);
    return { kind: 'uniform', minMs, maxMs };
  }
  return { kind: 'constant', ms: num(t) };
}

export function formatLatency(l: LatencySpec): string {
  switch (l.kind) {
    case 'constant':
      return `${l.ms}ms`;
    case 'uniform':
      return `${l.minMs}-${l.maxMs}ms`;
    case 'pareto':
      return `pareto:${l.minMs}-${l.maxMs}ms:${l.shape}`;
  }
}

/** The smallest one-way latency the model can produce (virtual time's lookahead). */
export function minLatency(m: NetworkModel): number {
  const l = m.latency;
  const base = l.kind === 'constant' ? l.ms : l.minMs;
  return base * (1 - m.jitter);
}

/** Stable base latency of the pair (a, b), symmetric. */
export function pairBaseLatency(m: NetworkModel, a: number, b: number): number {
  const l = m.latency;
  if (l.kind === 'constant') return l.ms;
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  let h = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca6b) ^ m.seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  const u = ((h ^ (h >>> 16)) >>> 0) / 4294967296;
  if (l.kind === 'uniform') return l.minMs + u * (l.maxMs - l.minMs);
  return Math.min(l.maxMs, l.minMs * Math.pow(1 - u, -1 / l.shape));
}

/**
 * A 32-bit mix of five integers (murmur3-style finalizer per step). Latency jitter and loss are
 * drawn from a hash of the message (seed, ends, rpc, type) rather than from a shard's random
 * stream, so they are the same whichever shard sends it: a run does not depend on the split.
 */
export function mix(a: number, b: number, c: number, d: number, e: number): number {
  let h = (a ^ 0x9e3779b9) >>> 0;
  h = step(h, b);
  h = step(h, c);
  h = step(h, d);
  h = step(h, e);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function step(h: number, v: number): number {
  h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) >>> 0;
  h = ((h << 13) | (h >>> 19)) >>> 0;
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}

/** True when the message with hash `h` (from `mix`) is lost. */
export function isLost(m: NetworkModel, h: number): boolean {
  return m.loss > 0 && (h >>> 0) / 4294967296 < m.loss;
}

/** One message's latency: the pair's base plus jitter drawn from the message's hash `h`. */
export function messageLatency(m: NetworkModel, a: number, b: number, h: number): number {
  const base = pairBaseLatency(m, a, b);
  if (base === 0) return 0;
  const jitter = (mix(h, 0x51ed, 0, 0, 0) >>> 0) / 4294967296;
  return base * (1 + m.jitter * (2 * jitter - 1));
}

export const DEFAULT_NETWORK: NetworkModel = { latency: { kind: 'uniform', minMs: 10, maxMs: 50 }, loss: 0, jitter: 0.1, seed: 1 };
