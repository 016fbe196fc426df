/**
 * Parsing of command-line flag values, shared by every command (stress, churn,
 * load, serve, node). Each parser returns the value or throws an Error whose
 * message names the flag, says what it must be and quotes what it got; the
 * commands print that message and exit 1.
 */
import { HOUR, MINUTE, SECOND } from '../core/config.js';

/** An integer in min..max; empty text is not 0. */
export function intFlag(name: string, v: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isInteger(x) || x < min || x > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === Number.MIN_SAFE_INTEGER ? '' : ` >= ${min}`) : ` in ${min}..${max}`;
    throw new Error(`--${name} must be an integer${range}, got "${v}"`);
  }
  return x;
}

/** A finite number >= min. */
export function numberFlag(name: string, v: string, min = 0): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x) || x < min) throw new Error(`--${name} must be a number >= ${min}, got "${v}"`);
  return x;
}

/** A fraction in 0..1 (loss, success thresholds). */
export function ratioFlag(name: string, v: string): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!(x >= 0 && x <= 1)) throw new Error(`--${name} must be between 0 and 1, got "${v}"`);
  return x;
}

/** A duration: a number with unit ms, s, m or h (no unit: milliseconds), e.g. 90s, 30m, 6h. */
export function durationFlag(name: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new Error(`--${name} must be a duration like 90s, 30m or 6h, got "${v}"`);
  const unit = { ms: 1, s: SECOND, m: MINUTE, h: HOUR }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(name: string, v: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(v)) {
    const list = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
    throw new Error(`--${name} must be ${list}, got "${v}"`);
  }
  return v as T;
}
