/**
 * GET /: the live dashboard, one self-contained page (HTML, CSS, SVG drawn by
 * a little inline script; no build step, no external files). It listens to
 * GET /events (server-sent events, one update a second) and redraws: nodes
 * up, lookups per second (and a two-minute trace of it), success ratio,
 * latency percentiles and histogram, per-shard message rates, and put /
 * present / absent figures side by side.
 *
 * `/?frames=N` stops listening after N updates, so a headless browser
 * (chromium --dump-dom --virtual-time-budget) gets a page that settles.
 */
import { escapeXml } from '../report/escape.js';

export function dashboardHtml(o: { nodes: number; workers: number }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kadswarm gateway</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.2em 2em; color: #222; background: #fafafa; }
  h1 { font-size: 1.3em; margin: 0 0 .2em; }
  .sub { color: #666; margin-bottom: 1em; }
  .tiles { display: flex; flex-wrap: wrap; gap: .8em; margin-bottom: 1em; }
  .tile { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; min-width: 9em; }
  .tile .v { font-size: 1.7em; font-variant-numeric: tabular-nums; }
  .tile .l { color: #666; font-size: .85em; }
  .charts { display: flex; flex-wrap: wrap; gap: 1em; }
  .chart { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5em .8em; }
  .chart h2 { font-size: 1em; margin: .2em 0 .4em; }
  table { border-collapse: collapse; background: #fff; margin-top: 1em; }
  th, td { border: 1px solid #ddd; padding: .25em .7em; text-align: right; font-variant-numeric: tabular-nums; }
  th:first-child, td:first-child { text-align: left; }
  #status.live { color: #009E73; } #status.down { color: #D55E00; }
  button { margin-right: .4em; }
  svg text { font: 11px system-ui, sans-serif; fill: #444; }
</style>
</head>
<body data-updates="0">
<h1>kadswarm gateway</h1>
<div class="sub">${escapeXml(o.nodes.toLocaleString('en-US'))} nodes on ${escapeXml(o.workers)} workers ·
  <span id="status" class="down">connecting…</span> · updates: <span id="updates">0</span> ·
  last: <span id="updated-at">–</span> · uptime <span id="uptime">–</span> s</div>

<div class="tiles">
  <div class="tile"><div class="v" id="nodes-up">–</div><div class="l">nodes up (of <span id="nodes-total">–</span>)</div></div>
  <div class="tile"><div class="v" id="lookups-per-s">–</div><div class="l">lookups / s (last <span id="window-s">–</span> s)</div></div>
  <div class="tile"><div class="v" id="success">–</div><div class="l">success ratio (window)</div></div>
  <div class="tile"><div class="v" id="p50">–</div><div class="l">latency p50 ms</div></div>
  <div class="tile"><div class="v" id="p95">–</div><div class="l">latency p95 ms</div></div>
  <div class="tile"><div class="v" id="p99">–</div><div class="l">latency p99 ms</div></div>
  <div class="tile"><div class="v" id="messages-per-s">–</div><div class="l">messages / s (all shards)</div></div>
  <div class="tile"><div class="v" id="lookups-total">–</div><div class="l">lookups since start</div></div>
</div>

<div class="charts">
  <div class="chart"><h2>Lookups per second (last 2 minutes)</h2><div id="rate-chart"></div></div>
  <div class="chart"><h2>Lookup latency, last <span id="hist-window">–</span> s (ms, log buckets)</h2><div id="latency-chart"></div></div>
  <div class="chart"><h2>Messages per second per shard</h2><div id="shard-chart"></div></div>
</div>

<table id="ops">
  <thead><tr><th>since start</th><th>count</th><th>success</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>depth mean</th><th>RPCs mean</th></tr></thead>
  <tbody>
    <tr id="op-put"><td>put</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
    <tr id="op-present"><td>get (present)</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
    <tr id="op-absent"><td>get (absent)</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
  </tbody>
</table>

<p>Churn: <button data-churn="kill">kill 100</button><button data-churn="revive">revive 100</button> <span id="churn-result"></span></p>

<script>
(function () {
  'use strict';
  var PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];
  var maxFrames = Number(new URLSearchParams(location.search).get('frames') || 0);
  var updates = 0;
  var rates = [];
  function $(id) { return document.getElementById(id); }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  function num(x, d) {
    if (x === null || x === undefined || !isFinite(x)) return '–';
    if (d === undefined) d = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
    return Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function pct(x) { return x === null || x === undefined ? '–' : (x * 100).toFixed(2) + '%'; }
  function set(id, text) { var e = $(id); if (e) e.textContent = text; }

  function lineChart(values, w, h) {
    var max = Math.max(1, Math.max.apply(null, values.concat([0])));
    var pts = values.map(function (v, i) { return (40 + i * (w - 50) / Math.max(1, 119)).toFixed(1) + ',' + (h - 20 - v / max * (h - 35)).toFixed(1); });
    return '<svg width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + ' ' + h + '" role="img" aria-label="lookups per second">' +
      '<line x1="40" y1="' + (h - 20) + '" x2="' + (w - 10) + '" y2="' + (h - 20) + '" stroke="#999"/>' +
      '<text x="36" y="18" text-anchor="end">' + num(max, 0) + '</text><text x="36" y="' + (h - 20) + '" text-anchor="end">0</text>' +
      '<polyline fill="none" stroke="' + PALETTE[0] + '" stroke-width="1.5" points="' + pts.join(' ') + '"/></svg>';
  }
  function histogram(buckets, w, h) {
    if (!buckets.length) return '<svg width="' + w + '" height="' + h + '"><text x="10" y="' + (h / 2) + '">no lookups in the window</text></svg>';
    var max = Math.max.apply(null, buckets.map(function (b) { return b.count; }));
    var bw = (w - 50) / buckets.length;
    var bars = buckets.map(function (b, i) {
      var bh = b.count / max * (h - 45);
      var x = 40 + i * bw;
      var label = i % Math.ceil(buckets.length / 8) === 0 ? '<text x="' + x.toFixed(1) + '" y="' + (h - 5) + '">' + (b.lo === 0 ? '0' : num(b.lo, b.lo < 0.01 ? 3 : b.lo < 1 ? 2 : 0)) + '</text>' : '';
      return '<rect class="bar" x="' + (x + 1).toFixed(1) + '" y="' + (h - 25 - bh).toFixed(1) + '" width="' + Math.max(1, bw - 2).toFixed(1) + '" height="' + bh.toFixed(1) +
        '" fill="' + PALETTE[0] + '"><title>' + esc(num(b.lo) + '–' + num(b.hi) + ' ms: ' + b.count) + '</title></rect>' + label;
    }).join('');
    return '<svg width="' + w + '" height="' + h + '" role="img" aria-label="latency histogram">' +
      '<text x="36" y="18" text-anchor="end">' + num(max, 0) + '</text>' +
      '<line x1="40" y1="' + (h - 25) + '" x2="' + (w - 10) + '" y2="' + (h - 25) + '" stroke="#999"/>' + bars + '</svg>';
  }
  function shardBars(shards, w) {
    var h = 30 + shards.length * 22;
    var max = Math.max(1, Math.max.apply(null, shards.map(function (s) { return s.messagesPerSec; }).concat([0])));
    var rows = shards.map(function (s, i) {
      var bw = s.messagesPerSec / max * (w - 170);
      var y = 10 + i * 22;
      return '<text x="0" y="' + (y + 13) + '">shard ' + s.shard + '</text>' +
        '<rect class="bar" x="60" y="' + y + '" width="' + Math.max(0, bw).toFixed(1) + '" height="16" fill="' + PALETTE[(i + 1) % PALETTE.length] + '"/>' +
        '<text class="shard-rate" x="' + (66 + bw).toFixed(1) + '" y="' + (y + 13) + '">' + num(s.messagesPerSec, 0) + '/s</text>';
    }).join('');
    return '<svg width="' + w + '" height="' + h + '" role="img" aria-label="messages per second per shard">' + rows + '</svg>';
  }
  function opRow(id, o) {
    var cells = $(id).children;
    var vals = [o.count.toLocaleString('en-US'), pct(o.successRatio), num(o.latencyMs.p50), num(o.latencyMs.p95), num(o.latencyMs.p99), num(o.depth.mean), num(o.rpcs.mean)];
    for (var i = 0; i < vals.length; i++) cells[i + 1].textContent = vals[i];
  }

  function render(s) {
    updates++;
    document.body.setAttribute('data-updates', String(updates));
    set('updates', String(updates));
    set('updated-at', s.time);
    set('uptime', num(s.uptimeS, 1));
    set('nodes-up', s.nodes.up.toLocaleString('en-US'));
    set('nodes-total', s.nodes.total.toLocaleString('en-US'));
    set('lookups-per-s', num(s.window.lookupsPerSec, 1));
    set('window-s', String(s.window.seconds));
    set('hist-window', String(s.window.seconds));
    set('success', pct(s.window.successRatio));
    set('p50', num(s.window.latencyMs.p50));
    set('p95', num(s.window.latencyMs.p95));
    set('p99', num(s.window.latencyMs.p99));
    set('messages-per-s', num(s.messages.perSec, 0));
    set('lookups-total', s.lookups.total.toLocaleString('en-US'));
    rates.push(s.window.lookupsPerSec);
    if (rates.length > 120) rates.shift();
    $('rate-chart').innerHTML = lineChart(rates, 420, 160);
    $('latency-chart').innerHTML = histogram(s.window.histogram, 420, 160);
    $('shard-chart').innerHTML = shardBars(s.messages.shards, 360);
    opRow('op-put', s.lookups.put);
    opRow('op-present', s.lookups.getPresent);
    opRow('op-absent', s.lookups.getAbsent);
  }

  var es = new EventSource('/events');
  es.onopen = function () { $('status').textContent = 'live'; $('status').className = 'live'; };
  es.onerror = function () { $('status').textContent = 'disconnected (retrying)'; $('status').className = 'down'; };
  es.onmessage = function (ev) {
    try { render(JSON.parse(ev.data)); } catch (e) { set('status', 'bad update: ' + e.message); }
    if (maxFrames && updates >= maxFrames) { es.close(); set('status', 'stopped after ' + updates + ' updates'); }
  };

  Array.prototype.forEach.call(document.querySelectorAll('button[data-churn]'), function (b) {
    b.addEventListener('click', function () {
      var body = {}; body[b.getAttribute('data-churn')] = 100;
      set('churn-result', '…');
      fetch('/churn', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
        .then(function (r) { return r.json(); })
        .then(function (j) { set('churn-result', j.error ? j.error : JSON.stringify({ killed: j.killed, revived: j.revived, up: j.up, down: j.down, ms: j.ms })); })
        .catch(function (e) { set('churn-result', String(e)); });
    });
  });
})();
</script>
</body>
</html>
`;
}
