/**
 * The frame every SVG chart (svg.ts) shares: the plot area inside the margins, the title and axis
 * labels, grid lines, axis lines, the legend above the plot, and the palette. Caller text goes
 * through escapeXml here, so the charts never write raw text themselves.
 */
import { escapeXml } from './escape.js';
import { num, tickLabel, type Axis } from './svg-scales.js';

export interface ChartFrame {
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels; default 640. */
  width?: number;
  /** Pixels; default 360. */
  height?: number;
}

/** Okabe–Ito colours: distinct for colour-blind readers and on white. Series past the palette are dashed. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];

// The right margin leaves room for half of the last x tick label, which is centred on the axis end.
const MARGIN = { top: 40, right: 32, bottom: 48, left: 64 };
const LEGEND_ROW = 16;
/** Rough width of one 11–12 px character, for legend boxes and label thinning. */
const CHAR_W = 6.5;

export interface Plot {
  w: number;
  h: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Legend entries, laid out in rows between the title and the plot so they never cover data. */
  legend: Array<{ x: number; y: number; name: string }>;
}

export function plotArea(o: ChartFrame, legendNames: string[] = []): Plot {
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

export function open(o: ChartFrame, p: Plot): string {
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

export function yGrid(p: Plot, a: Axis, Y: (v: number) => number): string {
  return a.ticks
    .map((t) => {
      const y = num(Y(t));
      return `<line x1="${p.x0}" x2="${p.x1}" y1="${y}" y2="${y}" stroke="#e6e6e6"/>\n${text(p.x0 - 6, Y(t) + 4, tickLabel(t), 'text-anchor="end" font-size="11"')}`;
    })
    .join('\n');
}

/** Grid lines at every tick; a label only where it does not run into the previous one (1,000 and 2,000 on a log axis). */
export function xGrid(p: Plot, a: Axis, X: (v: number) => number): string {
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
export function axes(p: Plot, baseline = p.y1): string {
  return `<line x1="${p.x0}" x2="${p.x0}" y1="${p.y0}" y2="${p.y1}" stroke="#333"/>\n<line x1="${p.x0}" x2="${p.x1}" y1="${num(baseline)}" y2="${num(baseline)}" stroke="#333"/>`;
}

export function legend(p: Plot, kind: 'line' | 'box', styles?: ReadonlyArray<{ colour?: number; dashed?: boolean }>): string {
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

export function text(x: number, y: number, s: string, attrs: string): string {
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${escapeXml(s)}</text>`;
}

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export const DASHED = ' stroke-dasharray="6 3"';

export function dash(i: number): string {
  return i >= PALETTE.length ? DASHED : '';
}

/** Shows every step-th label so neighbours do not overlap. */
export function labelStep(labels: string[], spacing: number): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.max(1, Math.ceil((longest * CHAR_W + 6) / Math.max(spacing, 1)));
}
