/**
 * One self-contained HTML page for a run: inline CSS, inline SVG, no scripts
 * or external requests, so the file can be archived or mailed as-is.
 */
import { escapeXml } from './escape.js';
import { fmt, looksNumeric } from './table.js';

export interface HtmlSection {
  heading: string;
  /** Plain text (escaped); blank lines separate paragraphs. */
  text?: string;
  /** Preformatted text (escaped), e.g. the terminal report with its aligned tables. */
  pre?: string;
  table?: { headers: string[]; rows: Array<Array<string | number>> };
  /** Inserted verbatim, so it must come from svg.ts (which escapes its text), never from raw input. */
  svg?: string;
}

export interface HtmlReportOptions {
  title: string;
  sections: HtmlSection[];
  /** Run parameters (seed, node count…), shown first so a chart is never separated from what produced it. */
  params?: Record<string, unknown>;
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; color: #222; max-width: 980px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .3em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-variant-numeric: tabular-nums; }
th, td { padding: .25em .7em; border-bottom: 1px solid #eee; text-align: left; }
th { border-bottom: 2px solid #ccc; }
.num { text-align: right; }
figure { margin: 1em 0; }
svg { max-width: 100%; height: auto; }
pre { font: 12px/1.35 ui-monospace, monospace; background: #f6f6f6; padding: .8em; overflow-x: auto; }
`;

export function htmlReport(o: HtmlReportOptions): string {
  const body: string[] = [`<h1>${escapeXml(o.title)}</h1>`];
  const params = Object.entries(o.params ?? {});
  if (params.length > 0) {
    body.push('<h2>Parameters</h2>', tableHtml(['parameter', 'value'], params.map(([k, v]) => [k, paramText(v)])));
  }
  for (const s of o.sections) {
    body.push(`<section>\n<h2>${escapeXml(s.heading)}</h2>`);
    if (s.text) for (const para of s.text.split(/\n\s*\n/)) if (para.trim()) body.push(`<p>${escapeXml(para.trim())}</p>`);
    if (s.pre) body.push(`<pre>${escapeXml(s.pre)}</pre>`);
    if (s.table) body.push(tableHtml(s.table.headers, s.table.rows));
    if (s.svg) body.push(`<figure>\n${s.svg}\n</figure>`);
    body.push('</section>');
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(o.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Numeric columns are right-aligned by the same rule as the terminal table. */
function tableHtml(headers: string[], rows: Array<Array<string | number>>): string {
  const ncol = Math.max(headers.length, ...rows.map((r) => r.length));
  const cls = Array.from({ length: ncol }, (_, c) => (rows.length > 0 && rows.every((r) => looksNumeric(r[c])) ? ' class="num"' : ''));
  const cell = (v: string | number | undefined): string => escapeXml(typeof v === 'number' ? fmt(v) : (v ?? ''));
  const head = Array.from({ length: ncol }, (_, c) => `<th${cls[c]}>${cell(headers[c])}</th>`).join('');
  const body = rows.map((r) => `<tr>${Array.from({ length: ncol }, (_, c) => `<td${cls[c]}>${cell(r[c])}</td>`).join('')}</tr>`);
  return ['<table>', `<thead><tr>${head}</tr></thead>`, '<tbody>', ...body, '</tbody>', '</table>'].join('\n');
}

/** Strings as-is, everything else as JSON; falls back to String() for what JSON cannot encode (bigint, cycles). */
function paramText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
