/**
 * A Vega-Lite spec beside each SVG (`<name>.vl.json` next to `<name>.svg`):
 * the same data, labels and scales as the chart, so a user can restyle or
 * re-plot it in any Vega-Lite editor without our code. Built from the very
 * options object the SVG is drawn from, so the two cannot disagree.
 */
import { barChart, lineChart, type BarChartOptions, type LineChartOptions } from './svg.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

type Spec = Record<string, unknown>;

function frame(o: { title: string; width?: number; height?: number }): Spec {
  return { $schema: SCHEMA, title: o.title, width: o.width ?? 560, height: o.height ?? 280 };
}

export function lineSpec(o: LineChartOptions): Spec {
  const values: Array<Record<string, unknown>> = [];
  let intervals = false;
  for (const s of o.series) {
    s.points.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const q = s.intervals?.[i];
      if (q) intervals = true;
      values.push({ series: s.name, x, y, ...(q ? { low: q[0], high: q[1] } : {}) });
    });
  }
  const yScale: Spec = o.yLog ? { type: 'log' } : { zero: !o.yFit };
  if (o.yMin !== undefined && o.yMax !== undefined) yScale.domain = [o.yMin, o.yMax];
  const x = { field: 'x', type: 'quantitative', title: o.xLabel ?? 'x', scale: o.xLog ? { type: 'log' } : { zero: false }, ...(o.xTicks ? { axis: { values: o.xTicks } } : {}) };
  const y = { field: 'y', type: 'quantitative', title: o.yLabel ?? 'y', scale: yScale };
  const color = { field: 'series', type: 'nominal', title: null };
  const layer: Spec[] = [{ mark: { type: 'line', point: values.length <= 50 * Math.max(1, o.series.length), clip: true }, encoding: { x, y, color } }];
  if (intervals) layer.push({ mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } });
  return { ...frame(o), data: { values }, layer };
}

export function barSpec(o: BarChartOptions): Spec {
  const values: Array<Record<string, unknown>> = [];
  for (const b of o.bars) {
    const vs = Array.isArray(b.value) ? b.value : [b.value];
    vs.forEach((value, j) => {
      if (Number.isFinite(value)) values.push({ label: b.label, series: o.series?.[j] ?? '', value });
    });
  }
  const grouped = (o.series?.length ?? 0) > 0;
  const encoding: Spec = {
    x: { field: 'label', type: 'nominal', sort: null, title: o.xLabel ?? null },
    y: { field: 'value', type: 'quantitative', title: o.yLabel ?? 'value', ...(o.yLog ? { scale: { type: 'log' } } : {}) },
    ...(grouped ? { xOffset: { field: 'series', sort: null }, color: { field: 'series', type: 'nominal', sort: null, title: null } } : {}),
  };
  return { ...frame(o), data: { values }, mark: { type: 'bar', tooltip: true }, encoding };
}

/** `<name>.svg` and `<name>.vl.json` for one line chart. */
export function linePlot(name: string, o: LineChartOptions): Record<string, string> {
  return { [`${name}.svg`]: lineChart(o), [`${name}.vl.json`]: JSON.stringify(lineSpec(o), null, 1) };
}

/** `<name>.svg` and `<name>.vl.json` for one bar chart. */
export function barPlot(name: string, o: BarChartOptions): Record<string, string> {
  return { [`${name}.svg`]: barChart(o), [`${name}.vl.json`]: JSON.stringify(barSpec(o), null, 1) };
}

/** The SVG entries of a plots record as HTML sections (the specs are files beside the page, not drawn in it). */
export function svgSections(plots: Record<string, string>): Array<{ heading: string; svg: string; text: string }> {
  return Object.entries(plots)
    .filter(([name]) => name.endsWith('.svg'))
    .map(([name, svg]) => {
      const base = name.slice(0, -'.svg'.length);
      const spec = `${base}.vl.json` in plots ? ` and ${base}.vl.json (Vega-Lite)` : '';
      return { heading: base, svg, text: `Files: ${name}${spec}.` };
    });
}
