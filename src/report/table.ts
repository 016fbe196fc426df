/**
 * Plain-text tables and number formatting for the terminal report.
 * Output is ASCII apart from "µs", and independent of the process locale so
 * that reports from different machines diff cleanly.
 */

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per-column alignment; a column without one is right-aligned when it looks numeric (see formatTable). */
  align?: Array<Align | undefined>;
  /** Fraction digits for non-integer number cells (default 2). */
  digits?: number;
  /** Spaces between columns (default 2). */
  gap?: number;
}

/** Placeholder cells that should not stop a numeric column from being right-aligned. */
const NEUTRAL = new Set(['', '-', 'n/a']);
/** Pre-formatted numbers such as "1,234", "-3.5", "1.2 MiB", "850 µs". */
const NUMERIC_TEXT = /^[-+]?\.?\d/;

/**
 * Formats rows as an aligned table: header, a dashed rule, then one line per
 * row. Number cells go through fmt(). A column is right-aligned when every
 * cell is a number or numeric-looking text, so callers may pre-format with
 * formatBytes/formatDuration and keep the alignment. Trailing spaces are
 * trimmed. Rows shorter than the header are padded with empty cells.
 */
export function formatTable(headers: string[], rows: Array<Array<string | number>>, opts: TableOptions = {}): string {
  const digits = opts.digits ?? 2;
  const gap = ' '.repeat(opts.gap ?? 2);
  const ncol = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = rows.map((r) => Array.from({ length: ncol }, (_, c) => cellText(r[c], digits)));
  const head = Array.from({ length: ncol }, (_, c) => headers[c] ?? '');

  const align: Align[] = [];
  const width: number[] = [];
  for (let c = 0; c < ncol; c++) {
    const numeric = rows.every((r) => looksNumeric(r[c]));
    align.push(opts.align?.[c] ?? (numeric && rows.length > 0 ? 'right' : 'left'));
    width.push(Math.max(head[c].length, ...cells.map((r) => r[c].length)));
  }

  const line = (r: string[]): string =>
    r.map((s, c) => (align[c] === 'right' ? s.padStart(width[c]) : s.padEnd(width[c]))).join(gap).trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** True for numbers, numeric-looking text ("1,234", "1.2 MiB") and placeholders ("", "-", "n/a"): cells a numeric column may hold. */
export function looksNumeric(v: string | number | undefined): boolean {
  return v === undefined || typeof v === 'number' || NEUTRAL.has(v) || NUMERIC_TEXT.test(v);
}

function cellText(v: string | number | undefined, digits: number): string {
  if (v === undefined) return '';
  return typeof v === 'number' ? fmt(v, digits) : v;
}

/**
 * Integers print with thousands separators ("12,345"); other numbers with
 * `digits` fraction digits ("3.14", "12,345.68"). A non-zero value that would
 * round to zero keeps `digits` significant digits instead ("0.00012"), so a
 * tiny rate does not read as none. NaN prints "n/a" (an empty Samples).
 */
export function fmt(n: number, digits = 2): string {
  if (Number.isNaN(n)) return 'n/a';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Math.abs(n) >= 1e21) return n.toExponential(digits); // toFixed switches to exponent here anyway
  if (Number.isInteger(n)) return group(n.toFixed(0));
  if (digits > 0 && Math.abs(n) < 0.5 * 10 ** -digits) return String(Number(n.toPrecision(digits)));
  return group(n.toFixed(digits));
}

/** Inserts commas into the integer part of a plain decimal string. */
function group(s: string): string {
  const [int, frac] = s.split('.');
  const g = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, one decimal above 1 KiB: 512 → "512 B", 1234567 → "1.2 MiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return fmt(n);
  let v = Math.abs(n);
  let u = 0;
  // Move up a unit once the value would print as "1024.0".
  while (v >= 1023.95 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const sign = n < 0 ? '-' : '';
  return u === 0 ? `${sign}${Math.round(v)} B` : `${sign}${v.toFixed(1)} ${BYTE_UNITS[u]}`;
}

/**
 * Human duration from milliseconds: "850 µs", "3.25 ms", "42.0 ms", "512 ms",
 * "12.35 s", "2m 05s", "1h 02m". Minutes and hours round the whole duration
 * first, so 119.6 s prints "2m 00s" rather than "1m 60s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return fmt(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 0.9995) return `${Math.round(ms * 1000)} µs`;
  if (ms < 9.995) return `${ms.toFixed(2)} ms`;
  if (ms < 99.95) return `${ms.toFixed(1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_995) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(ms / 60_000);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
