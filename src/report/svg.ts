/**
 * Self-contained SVG charts as plain strings: no fonts, scripts, external
 * references or ids, so several charts can be inlined into one HTML page or
 * saved as .svg files. All caller text goes through escapeXml.
 */
import { escapeXml } from './escape.js';
import { fmt } from './table.js';
import { DASHED, PALETTE, axes, colour, dash, labelStep, legend, open, plotArea, text, xGrid, yGrid, type ChartFrame } from './svg-frame.js';
import { edgeLabel, extent, linScale, linearAxis, logAxis, logScale, num } from './svg-scales.js';

export { PALETTE, type ChartFrame } from './svg-frame.js';

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
