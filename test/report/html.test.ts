import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../src/report/html.js';
import { lineChart } from '../../src/report/svg.js';
import { xmlError } from './xml.js';

const EVIL = '<script>alert("x")</script> & co';
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co';

describe('htmlReport', () => {
  const svg = lineChart({ title: 'hops', series: [{ name: 'k=20', points: [[1, 2], [2, 3]] }] });
  const page = htmlReport({
    title: EVIL,
    params: { seed: 42, note: EVIL, nodes: [1000, 2000], big: 10n },
    sections: [
      { heading: `Lookups ${EVIL}`, text: `first paragraph ${EVIL}\n\nsecond paragraph`, svg },
      { heading: 'Drops', table: { headers: ['reason', `count ${EVIL}`], rows: [[EVIL, 1234], ['timeout', 5]] } },
    ],
  });

  it('escapes every piece of caller text', () => {
    expect(page).not.toContain('<script');
    expect(count(page, EVIL_ESCAPED)).toBe(7); // <title>, <h1>, param, heading, paragraph, header cell, body cell
  });

  it('is one self-contained page with the SVG inline', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<style>');
    expect(page).toContain(svg);
    expect(page).not.toMatch(/<link|src=|href=/);
  });

  it('nests correctly (checked as XML once the doctype and void <meta> are normalised)', () => {
    const xml = page.replace('<!DOCTYPE html>', '').replace(/<meta([^>]*)>/g, '<meta$1/>');
    expect(xmlError(xml)).toBeNull();
  });

  it('renders paragraphs, parameters and numeric cells', () => {
    expect(page).toContain('<p>second paragraph</p>');
    // The value column mixes text and numbers, so it stays left-aligned.
    expect(page).toContain('<td>seed</td><td>42</td>');
    expect(page).toContain('<td>nodes</td><td>[1000,2000]</td>');
    expect(page).toContain('<td>big</td><td>10</td>'); // bigint: JSON cannot, String() can
    expect(page).toContain('<td>timeout</td><td class="num">5</td>');
    expect(page).toContain('<td class="num">1,234</td>');
  });

  it('omits the parameters block when there are none', () => {
    expect(htmlReport({ title: 't', sections: [] })).not.toContain('Parameters');
  });
});

function count(s: string, needle: string): number {
  return s.split(needle).length - 1;
}
