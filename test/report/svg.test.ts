import { describe, expect, it } from 'vitest';
import { Samples } from '../../src/sim/samples.js';
import { barChart, histogramChart, lineChart } from '../../src/report/svg.js';
import { xmlError } from './xml.js';

const NASTY = `Hops <&> "quoted" 'single'`;
const NASTY_ESCAPED = 'Hops &lt;&amp;&gt; &quot;quoted&quot; &#39;single&#39;';

/** Shared checks: one well-formed <svg> root in the SVG namespace, no NaN coordinates. */
function expectSvg(svg: string): void {
  expect(xmlError(svg)).toBeNull();
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN|Infinity/);
}

const count = (s: string, needle: string): number => s.split(needle).length - 1;

describe('xmlError (the test checker itself)', () => {
  it('accepts well-formed and rejects malformed input', () => {
    expect(xmlError('<svg xmlns="x"><g a="&lt;" b=\'1\'/><text>a &amp; b &#60;</text></svg>')).toBeNull();
    expect(xmlError('<svg><g></svg>')).not.toBeNull();
    expect(xmlError('<svg><g></g>')).not.toBeNull();
    expect(xmlError('<svg>a & b</svg>')).not.toBeNull();
    expect(xmlError('<svg a=1/>')).not.toBeNull();
    expect(xmlError('<svg a="1" a="2"/>')).not.toBeNull();
    expect(xmlError('<svg a="<"/>')).not.toBeNull();
    expect(xmlError('<svg/><svg/>')).not.toBeNull();
    expect(xmlError('<svg>\u0001</svg>')).not.toBeNull();
    expect(xmlError('text')).not.toBeNull();
  });
});

describe('lineChart', () => {
  const series = [
    { name: 'k=20 <a&b>', points: [[1000, 3.1], [10000, 4.2], [100000, 5.0]] as Array<[number, number]> },
    { name: 'k=8', points: [[1000, 3.9], [10000, 5.3], [100000, 6.4]] as Array<[number, number]> },
  ];

  it('is well-formed and escapes the title, labels and series names', () => {
    const svg = lineChart({ title: NASTY, xLabel: 'nodes <n>', yLabel: 'hops & more', series, xLog: true });
    expectSvg(svg);
    expect(svg).toContain(NASTY_ESCAPED);
    expect(svg).toContain('nodes &lt;n&gt;');
    expect(svg).toContain('hops &amp; more');
    expect(svg).toContain('k=20 &lt;a&amp;b&gt;');
    expect(svg).not.toContain('<a&b>');
    expect(count(svg, '<polyline')).toBe(2);
    expect(count(svg, '<circle')).toBe(6);
    // Log axis: whole-decade tick labels with thousands separators.
    expect(svg).toContain('>10,000</text>');
    expect(svg).toContain('>100,000</text>');
  });

  it('uses distinct colours and the default size, and honours width/height', () => {
    const svg = lineChart({ title: 't', series });
    expect(svg).toContain('width="640" height="360"');
    const strokes = [...svg.matchAll(/<polyline[^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(strokes).size).toBe(2);
    expect(lineChart({ title: 't', series, width: 800, height: 500 })).toContain('width="800" height="500"');
  });

  it('survives no data, bad points and fixed y bounds', () => {
    expectSvg(lineChart({ title: 'empty', series: [] }));
    expectSvg(lineChart({ title: 'no points', series: [{ name: 's', points: [] }] }));
    expectSvg(lineChart({ title: 'one point', series: [{ name: 's', points: [[5, 5]] }] }));
    const bad = lineChart({
      title: 'bad',
      xLog: true,
      series: [{ name: 's', points: [[0, 1], [-1, 2], [NaN, 3], [10, Infinity], [10, 2], [100, 3]] }],
    });
    expectSvg(bad);
    expect(count(bad, '<circle')).toBe(2);
    const fixed = lineChart({ title: 'fixed', series, yMin: 2, yMax: 8 });
    expectSvg(fixed);
    expect(fixed).toContain('>8</text>');
    expect(fixed).toContain('>2</text>');
  });

  it('drops markers on long series and dashes series beyond the palette', () => {
    const long = Array.from({ length: 500 }, (_, i) => [i, Math.sin(i)] as [number, number]);
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, points: long }));
    const svg = lineChart({ title: 'many', series: many });
    expectSvg(svg);
    expect(count(svg, '<circle')).toBe(0);
    expect(count(svg, 'stroke-dasharray')).toBe(2 * 2); // two series, each line + legend swatch
  });

  it('wraps a long legend above the plot and leaves out what does not fit', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `a rather long series name ${i}`, points: [[i, i]] as Array<[number, number]> }));
    const svg = lineChart({ title: 'legend', series: many, height: 200 });
    expectSvg(svg);
    const shown = count(svg, '>a rather long series name');
    expect(shown).toBeGreaterThan(1);
    expect(shown).toBeLessThan(40);
  });

  it('strips characters XML cannot represent', () => {
    expectSvg(lineChart({ title: 'bell\u0007 and lone \uD800 surrogate', series }));
  });
});

describe('barChart', () => {
  it('draws single bars with escaped labels', () => {
    const svg = barChart({
      title: NASTY,
      xLabel: 'hops',
      yLabel: 'lookups',
      bars: [1, 2, 3, 4].map((h) => ({ label: `${h} <hop>`, value: h * 10 })),
    });
    expectSvg(svg);
    expect(svg).toContain(NASTY_ESCAPED);
    expect(svg).toContain('1 &lt;hop&gt;');
    expect(count(svg, '<rect')).toBe(1 + 4); // background + bars
  });

  it('groups values side by side with a legend', () => {
    const svg = barChart({
      title: 'found',
      bars: [
        { label: 'depth 1', value: [10, 3] },
        { label: 'depth 2', value: [20, -4] },
      ],
      series: ['present', 'absent & gone'],
    });
    expectSvg(svg);
    expect(svg).toContain('present');
    expect(svg).toContain('absent &amp; gone');
    expect(count(svg, '<rect')).toBe(1 + 4 + 2); // background, bars, legend swatches
  });

  it('survives no bars and non-finite values', () => {
    expectSvg(barChart({ title: 'none', bars: [] }));
    expectSvg(barChart({ title: 'nan', bars: [{ label: 'a', value: NaN }, { label: 'b', value: 2 }] }));
    const many = barChart({ title: 'many', bars: Array.from({ length: 300 }, (_, i) => ({ label: `label ${i}`, value: i })) });
    expectSvg(many);
    expect(count(many, 'font-size="11">label ')).toBeLessThan(300); // labels thinned
  });
});

describe('histogramChart', () => {
  it('draws log buckets from Samples with edge labels', () => {
    const s = Samples.fromArray([0, 0.3, 1.2, 2, 5, 13, 40, 40, 41, 250, 1800]);
    const buckets = s.logHistogram(2);
    const svg = histogramChart({ title: 'latency <ms>', xLabel: 'ms', yLabel: 'replies', buckets });
    expectSvg(svg);
    expect(svg).toContain('latency &lt;ms&gt;');
    expect(count(svg, '<rect')).toBe(1 + buckets.length);
    expect(svg).toContain('>1,000</text>');
  });

  it('survives no buckets', () => {
    expectSvg(histogramChart({ title: 'empty', buckets: [] }));
  });
});

describe('axes that fit the data', () => {
  it('a log axis ends at the nearest 1-2-5 mark outside the data, not a whole decade', () => {
    const svg = lineChart({ title: 't', xLog: true, series: [{ name: 'a', points: [[5, 1], [120, 2]] }] });
    expectSvg(svg);
    expect(svg).toContain('>5</text>');
    expect(svg).toContain('>200</text>');
    expect(svg).not.toContain('>1,000</text>');
  });

  it('yFit leaves 0 out, yLog spans decades, intervals draw error bars', () => {
    const fit = lineChart({ title: 't', yFit: true, series: [{ name: 'a', points: [[1, 98.2], [2, 99.9]], intervals: [[97.9, 98.5], null] }] });
    expectSvg(fit);
    expect(fit).not.toContain('text-anchor="end" font-size="11">0</text>');
    expect(count(fit, 'class="error-bar"')).toBe(1);
    const log = lineChart({ title: 't', yLog: true, series: [{ name: 'a', points: [[1, 0.05], [2, 60], [3, 0]], intervals: [[0, 0.1], [50, 70], [0, 1]] }] });
    expectSvg(log);
    expect(log).toContain('>0.1</text>');
    expect(count(log, 'class="error-bar"')).toBe(2); // the 0 point has no place on a log axis
  });

  it('bars on a log axis keep small values visible and can carry their values', () => {
    const svg = barChart({ title: 't', yLog: true, valueLabels: true, bars: [{ label: 'spawn', value: 26_000 }, { label: 'join', value: 529 }] });
    expectSvg(svg);
    expect(svg).toContain('>26,000</text>');
    expect(svg).toContain('>529</text>');
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...heights) / Math.max(...heights)).toBeGreaterThan(0.3);
  });
});
