/**
 * Axes for the SVG charts (svg.ts): where the ticks go on a linear or log axis, how a value maps
 * to a pixel, and how a tick or bucket edge is printed. Pure numbers and strings, no markup.
 */
import { fmt } from './table.js';

export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
}

/** Two decimals is sub-pixel and keeps the markup short. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100 || 0);
}

/** [min, max] by loop: spreading a million-point array into Math.min would overflow the stack. */
export function extent(vs: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vs) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Removes float noise such as 0.30000000000000004 from computed ticks. */
function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** Ticks at 1, 2 or 5 × 10^k, roughly `target` of them (or exactly `given`); fixed bounds are kept exactly, others rounded out to a tick. */
export function linearAxis(dataLo: number, dataHi: number, fixedLo?: number, fixedHi?: number, target = 5, given?: number[]): Axis {
  let lo = fixedLo ?? dataLo;
  let hi = fixedHi ?? dataHi;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1]; // no data
  if (lo > hi) {
    // A fixed bound beyond all the data: honour it and collapse the other end onto it (padded below).
    if (fixedHi === undefined) hi = lo;
    else lo = hi;
  }
  if (lo === hi) {
    if (lo === 0) hi = 1;
    else [lo, hi] = [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  const a = lo === fixedLo ? lo : Math.floor(lo / step) * step;
  const b = hi === fixedHi ? hi : Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let k = Math.ceil(a / step - 1e-9); k * step <= b + step * 1e-9; k++) ticks.push(clean(k * step));
  if (given) return { lo: Math.min(a, ...given), hi: Math.max(b, ...given), ticks: given.filter(Number.isFinite) };
  return { lo: a, hi: b, ticks };
}

/**
 * Bounds at the nearest 1, 2 or 5 × 10^k outside the data, so 5–120 gets an
 * axis of 5–200, not 1–1,000. Ticks: the 1-2-5 marks while there are at most
 * nine of them, whole decades (and the two ends) beyond that; or exactly
 * `given`, with the axis just around them and the data.
 */
export function logAxis(dataLo: number, dataHi: number, given?: number[]): Axis {
  if (!(dataLo > 0 && dataLo <= dataHi && Number.isFinite(dataHi))) [dataLo, dataHi] = [1, 10];
  const marks = (e: number): number[] => [1, 2, 5].map((m) => clean(m * 10 ** e));
  const below = (v: number): number => {
    const e = Math.floor(Math.log10(v));
    return [...marks(e - 1), ...marks(e)].filter((m) => m <= v * (1 + 1e-9)).at(-1)!;
  };
  const above = (v: number): number => {
    const e = Math.floor(Math.log10(v));
    return [...marks(e), ...marks(e + 1)].find((m) => m >= v * (1 - 1e-9))!;
  };
  if (given?.length) {
    // Ticks at the values run: the axis is just those (and the data), with a little room for the end markers.
    const lo = Math.min(dataLo, ...given.filter((t) => t > 0));
    const hi = Math.max(dataHi, ...given);
    return { lo: lo / 1.08, hi: hi * 1.08, ticks: given.filter((t) => t > 0) };
  }
  const lo = below(dataLo);
  let hi = above(dataHi);
  if (hi <= lo) hi = above(lo * 1.5);
  const a = Math.floor(Math.log10(lo) + 1e-9);
  const b = Math.ceil(Math.log10(hi) - 1e-9);
  const inside = (m: number): boolean => m >= lo * (1 - 1e-9) && m <= hi * (1 + 1e-9);
  let ticks: number[] = [];
  for (let e = a; e <= b; e++) ticks.push(...marks(e).filter(inside));
  const decade = (t: number): boolean => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9;
  if (ticks.length > 9) ticks = [...new Set([lo, ...ticks.filter(decade), hi])];
  return { lo, hi, ticks };
}

export function linScale(a: Axis, r0: number, r1: number): (v: number) => number {
  return (v) => r0 + ((v - a.lo) / (a.hi - a.lo)) * (r1 - r0);
}

export function logScale(a: Axis, r0: number, r1: number): (v: number) => number {
  const l0 = Math.log10(a.lo);
  const l1 = Math.log10(a.hi);
  return (v) => r0 + ((Math.log10(v) - l0) / (l1 - l0)) * (r1 - r0);
}

export function tickLabel(v: number): string {
  return Number.isInteger(v) ? fmt(v) : String(v);
}

/** Bucket edges such as 10^(1/4) = 1.7782… print with three significant digits. */
export function edgeLabel(v: number): string {
  return tickLabel(Number(v.toPrecision(3)));
}
