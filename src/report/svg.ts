/**
 * Self-contained SVG charts as plain strings: no fonts, scripts, external
 * references or ids, so several charts can be inlined into one HTML page or
 * saved as .svg files. All caller text goes through escapeXml.
 */
import { escapeXml } from './escape.js';
import { fmt } from './table.js';

export interface ChartFrame {
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels; default 640. */
  width?: number;
  /** Pixels; default 360. */
  height?: number;
}

export interface Series {
  name: string;
  /** [x, y] pairs drawn in the given order. Non-finite points (and x ≤ 0 or y ≤ 0 on a log axis) are skipped. */
  points: Array<[number, number]>;
  /** Optional [low, high] of y for each point (same order as points), drawn as an error bar; null for none. */
  intervals?: Array<[number, number] | null>;
  /** Palette slot to draw it in (default: its position), so a companion line can share its curve's colour. */
  colour?: number;
  /** Drawn dashed (a model or reference line beside a measured one). */
  dashed?: boolean;
}

export interface LineChartOptions extends ChartFrame {
  series: Series[];
  xLog?: boolean;
  yLog?: boolean;
  /** Y axis bounds; by default the axis spans min(0, data) … data max, rounded out to nice ticks. */
  yMin?: number;
  yMax?: number;
  /** Fit the y axis to the data (and intervals) instead of starting it at 0, e.g. success between 98 and 100 %. */
  yFit?: boolean;
  /** Ticks at exactly these x values (e.g. the values a sweep ran at) instead of computed ones. */
  xTicks?: number[];
  /** Dots at the points; by default while a series has at most 50 (a CDF's steps need none). */
  markers?: boolean;
}

export interface Bar {
  label: string;
  /** One value, or one per series for side-by-side groups (e.g. [present, absent]). */
  value: number | number[];
}

export interface BarChartOptions extends ChartFrame {
  bars: Bar[];
  /** Legend names for the entries of grouped values. */
  series?: string[];
  /** Log y axis, for values that span decades (bars rise from the axis floor; values ≤ 0 are not drawn). */
  yLog?: boolean;
  /** Print each bar's value above it, so a short bar can still be read. */
  valueLabels?: boolean;
}

export interface HistogramChartOptions extends ChartFrame {
  /** Contiguous buckets, e.g. Samples.logHistogram(). */
  buckets: Array<{ lo: number; hi: number; count: number }>;
}

/** Okabe–Ito colours: distinct for colour-blind readers and on white. Series past the palette are dashed. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];

// The right margin leaves room for half of the last x tick label, which is centred on the axis end.
const MARGIN = { top: 40, right: 32, bottom: 48, left: 64 };
const LEGEND_ROW = 16;
/** Rough width of one 11–12 px character, for legend boxes and label thinning. */
const CHAR_W = 6.5;

interface Plot {
  w: number;
  h: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Legend entries, laid out in rows between the title and the plot so they never cover data. */
  legend: Array<{ x: number; y: number; name: string }>;
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
}

export function lineChart(o: LineChartOptions): string {
  const p = plotArea(o, o.series.map((s) => s.name));
  const usable = (x: number, y: number): boolean => Number.isFinite(x) && Number.isFinite(y) && (!o.xLog || x > 0) && (!o.yLog || y > 0);
  // Error bars keep the x of their own point; both are skipped together when the point is unusable.
  const series = o.series.map((s) => {
    const bars: Array<[number, number, number]> = [];
    s.points.forEach(([x, y], i) => {
      const q = s.intervals?.[i];
      if (usable(x, y) && q && Number.isFinite(q[0]) && Number.isFinite(q[1])) bars.push([x, q[0], q[1]]);
    });
    return { name: s.name, pts: s.points.filter(([x, y]) => usable(x, y)), bars, colour: s.colour, dashed: s.dashed };
  });
  const [xlo, xhi] = extent(series.flatMap((s) => s.pts.map((q) => q[0])));
  // On a log axis an interval reaching 0 or below runs off the bottom: only its positive ends size the axis.
  const [ylo, yhi] = extent(series.flatMap((s) => [...s.pts.map((q) => q[1]), ...s.bars.flatMap((b) => [b[1], b[2]]).filter((v) => !o.yLog || v > 0)]));
  const xa = o.xLog ? logAxis(xlo, xhi, o.xTicks) : linearAxis(xlo, xhi, undefined, undefined, 5, o.xTicks);
  const ya = o.yLog ? logAxis(o.yMin ?? ylo, o.yMax ?? yhi) : linearAxis(o.yFit ? ylo : Math.min(0, ylo), yhi, o.yMin, o.yMax);
  const X = o.xLog ? logScale(xa, p.x0, p.x1) : linScale(xa, p.x0, p.x1);
  const Y = o.yLog ? logScale(ya, p.y1, p.y0) : linScale(ya, p.y1, p.y0);

  const out = [open(o, p), xGrid(p, xa, X), yGrid(p, ya, Y)];
  // A nested <svg> clips to the plot area (yMin/yMax may cut lines) without needing a page-unique clipPath id.
  out.push(`<svg x="${num(p.x0)}" y="${num(p.y0)}" width="${num(p.x1 - p.x0)}" height="${num(p.y1 - p.y0)}" viewBox="${num(p.x0)} ${num(p.y0)} ${num(p.x1 - p.x0)} ${num(p.y1 - p.y0)}" overflow="hidden">`);
  series.forEach((s, i) => {
    const c = colour(s.colour ?? i);
    const xy = s.pts.map(([x, y]) => [num(X(x)), num(Y(y))]);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${s.dashed ? DASHED : dash(i)} points="${xy.map((q) => q.join(',')).join(' ')}"/>`);
    // Markers show where the measurements are, unless there are so many they would smear the line.
    if (o.markers ?? xy.length <= 50) for (const [x, y] of xy) out.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${c}"/>`);
    for (const [x, lo, hi] of s.bars) {
      const [cx, a, b] = [X(x), o.yLog && lo <= 0 ? p.y1 : Y(lo), Y(hi)];
      out.push(
        `<path class="error-bar" fill="none" stroke="${c}" stroke-width="1.2" d="M${num(cx)} ${num(a)}V${num(b)}M${num(cx - 4)} ${num(a)}H${num(cx + 4)}M${num(cx - 4)} ${num(b)}H${num(cx + 4)}"/>`,
      );
    }
  });
  out.push('</svg>', axes(p), legend(p, 'line', series), '</svg>');
  return out.filter(Boolean).join('\n');
}

export function barChart(o: BarChartOptions): string {
  const p = plotArea(o, o.series ?? []);
  const rows = o.bars.map((b) => ({ label: b.label, values: Array.isArray(b.value) ? b.value : [b.value] }));
  const groups = rows.reduce((g, r) => Math.max(g, r.values.length), 1);
  const [lo, hi] = extent(rows.flatMap((r) => r.values.filter((v) => !o.yLog || v > 0)));
  // A log bar's length depends on where the axis floor is: a decade under the smallest value keeps it readable.
  const ya = o.yLog ? logAxis(lo / 10, hi) : linearAxis(Math.min(0, lo), Math.max(0, hi));
  const Y = o.yLog ? logScale(ya, p.y1, p.y0) : linScale(ya, p.y1, p.y0);
  const base = o.yLog ? p.y1 : Y(0);
  const band = (p.x1 - p.x0) / Math.max(1, rows.length);
  const bw = (band * 0.8) / groups;

  const out = [open(o, p), yGrid(p, ya, Y)];
  const step = labelStep(rows.map((r) => r.label), band);
  rows.forEach((r, i) => {
    const left = p.x0 + i * band + band * 0.1;
    r.values.forEach((v, j) => {
      if (!Number.isFinite(v) || (o.yLog && v <= 0)) return;
      const name = o.series?.[j];
      const tip = `${r.label}${name === undefined ? '' : ` · ${name}`}: ${fmt(v)}`;
      const top = Math.min(Y(v), base);
      out.push(
        `<rect x="${num(left + j * bw)}" y="${num(top)}" width="${num(Math.max(bw - 1, 1))}" height="${num(Math.abs(Y(v) - base))}" fill="${colour(j)}"><title>${escapeXml(tip)}</title></rect>`,
      );
      if (o.valueLabels) out.push(text(left + j * bw + bw / 2, top - 4, fmt(v, Math.abs(v) >= 100 ? 0 : 2), 'text-anchor="middle" font-size="11"'));
    });
    if (i % step === 0) out.push(text(left + band * 0.4, p.y1 + 16, r.label, 'text-anchor="middle" font-size="11"'));
  });
  out.push(axes(p, base));
  out.push(legend(p, 'box'), '</svg>');
  return out.join('\n');
}

/**
 * Adjacent equal-width bars labelled at their edges. Equal widths make
 * log-spaced buckets read as a log axis, and a leading bucket for values ≤ 0
 * still has somewhere to go (a true log axis could not place it).
 */
export function histogramChart(o: HistogramChartOptions): string {
  const p = plotArea(o);
  const b = o.buckets;
  const ya = linearAxis(0, extent(b.map((q) => q.count))[1]);
  const Y = linScale(ya, p.y1, p.y0);
  const band = (p.x1 - p.x0) / Math.max(1, b.length);

  const out = [open(o, p), yGrid(p, ya, Y)];
  b.forEach((q, i) => {
    const tip = `${edgeLabel(q.lo)} – ${edgeLabel(q.hi)}: ${fmt(q.count)}`;
    out.push(
      `<rect x="${num(p.x0 + i * band)}" y="${num(Y(q.count))}" width="${num(band)}" height="${num(Y(0) - Y(q.count))}" fill="${PALETTE[0]}" stroke="#fff" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`,
    );
  });
  const edges = b.length ? [b[0].lo, ...b.map((q) => q.hi)] : [];
  const labels = edges.map(edgeLabel);
  const step = labelStep(labels, band);
  labels.forEach((l, i) => {
    if (i % step === 0) out.push(text(p.x0 + i * band, p.y1 + 16, l, 'text-anchor="middle" font-size="11"'));
  });
  out.push(axes(p), '</svg>');
  return out.join('\n');
}

// ---- frame, axes, legend ------------------------------------------------

function plotArea(o: ChartFrame, legendNames: string[] = []): Plot {
  // Floors keep the plot area positive however small a caller asks for.
  const w = Math.max(200, o.width ?? 640);
  const h = Math.max(150, o.height ?? 360);
  const x1 = w - MARGIN.right;
  const legend: Plot['legend'] = [];
  let x = MARGIN.left;
  let y = MARGIN.top;
  for (const name of legendNames) {
    const entry = 40 + name.length * CHAR_W; // swatch, text, gap
    if (x > MARGIN.left && x + entry > x1) [x, y] = [MARGIN.left, y + LEGEND_ROW];
    legend.push({ x, y, name });
    x += entry;
  }
  // Past a third of the height, rows would squeeze the plot to nothing; entries beyond that are left out.
  const top = Math.min(MARGIN.top + (legend.length ? y - MARGIN.top + LEGEND_ROW + 4 : 0), h / 3);
  return { w, h, x0: MARGIN.left, x1, y0: top, y1: h - MARGIN.bottom, legend };
}

function open(o: ChartFrame, p: Plot): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.w}" height="${p.h}" viewBox="0 0 ${p.w} ${p.h}" font-family="system-ui, sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(o.title)}</title>`,
    `<rect width="${p.w}" height="${p.h}" fill="#fff"/>`,
    // A long title shrinks to fit the width (about 0.56 em a bold character) rather than run off both sides.
    text(p.w / 2, 24, o.title, `text-anchor="middle" font-size="${num(Math.max(10, Math.min(15, (p.w - 16) / (o.title.length * 0.56))))}" font-weight="600"`),
  ];
  if (o.xLabel) parts.push(text((p.x0 + p.x1) / 2, p.h - 8, o.xLabel, 'text-anchor="middle"'));
  if (o.yLabel) {
    parts.push(`<text transform="translate(16 ${num((p.y0 + p.y1) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  }
  return parts.join('\n');
}

function yGrid(p: Plot, a: Axis, Y: (v: number) => number): string {
  return a.ticks
    .map((t) => {
      const y = num(Y(t));
      return `<line x1="${p.x0}" x2="${p.x1}" y1="${y}" y2="${y}" stroke="#e6e6e6"/>\n${text(p.x0 - 6, Y(t) + 4, tickLabel(t), 'text-anchor="end" font-size="11"')}`;
    })
    .join('\n');
}

/** Grid lines at every tick; a label only where it does not run into the previous one (1,000 and 2,000 on a log axis). */
function xGrid(p: Plot, a: Axis, X: (v: number) => number): string {
  let right = -Infinity;
  return a.ticks
    .map((t) => {
      const x = num(X(t));
      const label = tickLabel(t);
      const half = (label.length * CHAR_W) / 2;
      const show = X(t) - half >= right + 4;
      if (show) right = X(t) + half;
      return `<line x1="${x}" x2="${x}" y1="${p.y0}" y2="${p.y1}" stroke="#e6e6e6"/>${show ? `\n${text(X(t), p.y1 + 16, label, 'text-anchor="middle" font-size="11"')}` : ''}`;
    })
    .join('\n');
}

/** Left and bottom axis lines; the bottom one sits at the zero line when bars go negative. */
function axes(p: Plot, baseline = p.y1): string {
  return `<line x1="${p.x0}" x2="${p.x0}" y1="${p.y0}" y2="${p.y1}" stroke="#333"/>\n<line x1="${p.x0}" x2="${p.x1}" y1="${num(baseline)}" y2="${num(baseline)}" stroke="#333"/>`;
}

function legend(p: Plot, kind: 'line' | 'box', styles?: ReadonlyArray<{ colour?: number; dashed?: boolean }>): string {
  const out: string[] = [];
  p.legend.forEach(({ x, y, name }, i) => {
    if (y + LEGEND_ROW > p.y0) return; // no room left above the plot
    const st = styles?.[i];
    out.push(
      kind === 'line'
        ? `<line x1="${num(x)}" x2="${num(x + 18)}" y1="${y}" y2="${y}" stroke="${colour(st?.colour ?? i)}" stroke-width="2"${st?.dashed ? DASHED : dash(i)}/>`
        : `<rect x="${num(x + 4)}" y="${y - 5}" width="10" height="10" fill="${colour(i)}"/>`,
      text(x + 24, y + 4, name, 'font-size="11"'),
    );
  });
  return out.join('\n');
}

function text(x: number, y: number, s: string, attrs: string): string {
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${escapeXml(s)}</text>`;
}

function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

const DASHED = ' stroke-dasharray="6 3"';

function dash(i: number): string {
  return i >= PALETTE.length ? DASHED : '';
}

/** Shows every step-th label so neighbours do not overlap. */
function labelStep(labels: string[], spacing: number): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.max(1, Math.ceil((longest * CHAR_W + 6) / Math.max(spacing, 1)));
}

// ---- scales and ticks ---------------------------------------------------

/** Two decimals is sub-pixel and keeps the markup short. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100 || 0);
}

/** [min, max] by loop: spreading a million-point array into Math.min would overflow the stack. */
function extent(vs: number[]): [number, number] {
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
function linearAxis(dataLo: number, dataHi: number, fixedLo?: number, fixedHi?: number, target = 5, given?: number[]): Axis {
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
function logAxis(dataLo: number, dataHi: number, given?: number[]): Axis {
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

function linScale(a: Axis, r0: number, r1: number): (v: number) => number {
  return (v) => r0 + ((v - a.lo) / (a.hi - a.lo)) * (r1 - r0);
}

function logScale(a: Axis, r0: number, r1: number): (v: number) => number {
  const l0 = Math.log10(a.lo);
  const l1 = Math.log10(a.hi);
  return (v) => r0 + ((Math.log10(v) - l0) / (l1 - l0)) * (r1 - r0);
}

function tickLabel(v: number): string {
  return Number.isInteger(v) ? fmt(v) : String(v);
}

/** Bucket edges such as 10^(1/4) = 1.7782… print with three significant digits. */
function edgeLabel(v: number): string {
  return tickLabel(Number(v.toPrecision(3)));
}
