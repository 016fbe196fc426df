/**
 * The file workload's figures (`--workload files`): sources found per file against sources
 * published, keyword-search recall and precision against the brute-force truth of the seeded file
 * list, the cost of a source lookup and of a search, bytes per SOURCES reply, and hot-key load (the
 * share of FIND_SOURCES requests the most-asked nodes received).
 */
import type { OpsResult, ShardStats } from '../swarm/control.js';
import { fileWorkload, type FilesSpec } from '../swarm/files-workload.js';
import { Samples, type Summary } from '../sim/samples.js';
import { fmt, formatTable } from './table.js';

export interface FileOpCost {
  count: number;
  successRatio: number;
  depth: Summary;
  rpcs: Summary;
  latencyMs: Summary;
}

export interface FilesFigures {
  files: number;
  sourcesPublished: number;
  publish: FileOpCost & { stores: number };
  /** Real sources found per file (its own publishers), and the share of files with all of them. */
  sourcesFound: { mean: number; p5: number; min: number; allFoundRatio: number; bogus: number };
  sourceLookup: FileOpCost;
  /** recall = real matches found / matches that exist; precision = real matches / matches returned. */
  search: FileOpCost & { recall: number; precision: number; exactRatio: number; matchesFound: number; matchesTrue: number; matchesReturned: number };
  sourcesReplyBytes: { count: number; mean: number; max: number };
  /** FIND_SOURCES received: the busiest node's share, the top 1 % of nodes' share (uniform would be 1 %). */
  hotKeys: { requests: number; nodesAsked: number; top1Share: number; top1PercentShare: number; topNodes: number };
}

interface PhaseRows {
  name: string;
  count: number;
  rows?: OpsResult;
}

function cost(p: PhaseRows): FileOpCost {
  const rows = p.rows!;
  let ok = 0;
  for (let i = 0; i < p.count; i++) ok += rows.ok[i]!;
  return {
    count: p.count,
    successRatio: p.count ? ok / p.count : NaN,
    depth: Samples.fromArray(rows.depth).summary(),
    rpcs: Samples.fromArray(rows.rpcs).summary(),
    latencyMs: Samples.fromArray(rows.duration).summary(),
  };
}

/** The figures of a run's publish, find-sources and search phases; the truth comes from the seed. */
export function filesFigures(seed: number, nodes: number, spec: FilesSpec, phases: PhaseRows[], stats: ShardStats[]): FilesFigures {
  const w = fileWorkload(seed, nodes, spec);
  const phase = (name: string): PhaseRows => phases.find((p) => p.name === name)!;
  const pub = phase('publish');
  const look = phase('find-sources');
  const srch = phase('search');
  let stores = 0;
  for (const set of w.words) stores += 1 + set.size;
  const real = Samples.fromArray(look.rows!.correct.subarray(0, look.count));
  let all = 0;
  let bogus = 0;
  for (let i = 0; i < look.count; i++) {
    if (look.rows!.correct[i] === spec.sources) all++;
    bogus += look.rows!.found[i]! - look.rows!.correct[i]!;
  }
  let found = 0;
  let returned = 0;
  let truth = 0;
  for (let q = 0; q < srch.count; q++) {
    found += srch.rows!.correct[q]!;
    returned += srch.rows!.found[q]!;
    truth += w.truth[q]!;
  }
  const searchCost = cost(srch);
  let replies = 0;
  let replyBytes = 0;
  let replyMax = 0;
  const received: number[] = [];
  for (const s of stats) {
    if (s.sourcesReplies) {
      replies += s.sourcesReplies.count;
      replyBytes += s.sourcesReplies.bytes;
      replyMax = Math.max(replyMax, s.sourcesReplies.maxBytes);
    }
    for (const [, c] of s.findSourcesReceived ?? []) received.push(c);
  }
  received.sort((a, b) => b - a);
  const requests = received.reduce((a, c) => a + c, 0);
  const topNodes = Math.max(1, Math.ceil(nodes / 100));
  const topSum = received.slice(0, topNodes).reduce((a, c) => a + c, 0);
  return {
    files: spec.files,
    sourcesPublished: spec.sources,
    publish: { ...cost(pub), stores: stores * spec.sources },
    sourcesFound: { mean: real.mean, p5: real.percentile(5), min: real.min, allFoundRatio: look.count ? all / look.count : NaN, bogus },
    sourceLookup: cost(look),
    search: {
      ...searchCost,
      recall: truth ? found / truth : NaN,
      precision: returned ? found / returned : NaN,
      exactRatio: searchCost.successRatio,
      matchesFound: found,
      matchesTrue: truth,
      matchesReturned: returned,
    },
    sourcesReplyBytes: { count: replies, mean: replies ? replyBytes / replies : NaN, max: replyMax },
    hotKeys: { requests, nodesAsked: received.length, top1Share: requests ? received[0]! / requests : NaN, top1PercentShare: requests ? topSum / requests : NaN, topNodes },
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');

/** The cost table: one column per operation. */
export function filesCostTable(f: FilesFigures): { headers: string[]; rows: Array<Array<string | number>> } {
  const ops: Array<[string, FileOpCost]> = [
    ['publish (1 + words stores)', f.publish],
    ['source lookup', f.sourceLookup],
    ['keyword search', f.search],
  ];
  const row = (label: string, get: (c: FileOpCost) => string): string[] => [label, ...ops.map(([, c]) => get(c))];
  return {
    headers: ['', ...ops.map(([n]) => n)],
    rows: [
      row('operations', (c) => String(c.count)),
      row('success', (c) => pct(c.successRatio)),
      row('depth mean', (c) => fmt(c.depth.mean, 2)),
      row('RPCs mean', (c) => fmt(c.rpcs.mean, 1)),
      row('RPCs p50/p95/p99', (c) => `${c.rpcs.p50}/${c.rpcs.p95}/${c.rpcs.p99}`),
      row('latency p50 ms', (c) => fmt(c.latencyMs.p50, 1)),
      row('latency p95 ms', (c) => fmt(c.latencyMs.p95, 1)),
      row('latency p99 ms', (c) => fmt(c.latencyMs.p99, 1)),
    ],
  };
}

/** The headline lines, for the terminal and the HTML page. */
export function filesLines(f: FilesFigures): string[] {
  const s = f.search;
  const h = f.hotKeys;
  return [
    `Sources found per file: mean ${fmt(f.sourcesFound.mean, 2)}, p5 ${f.sourcesFound.p5}, min ${f.sourcesFound.min} of ${f.sourcesPublished} published; all found for ${pct(f.sourcesFound.allFoundRatio)} of files; ${f.sourcesFound.bogus} values that are no publisher's`,
    `Keyword search: recall ${pct(s.recall)} (${s.matchesFound} of ${s.matchesTrue} matching files found), precision ${pct(s.precision)} (${s.matchesReturned} returned); exact result for ${pct(s.exactRatio)} of searches`,
    `SOURCES replies: ${f.sourcesReplyBytes.count} sent, mean ${fmt(f.sourcesReplyBytes.mean, 0)} B, max ${f.sourcesReplyBytes.max} B`,
    `Hot-key load: ${h.requests} FIND_SOURCES received by ${h.nodesAsked} nodes; the busiest node got ${pct(h.top1Share)}, the top 1 % (${h.topNodes} nodes) ${pct(h.top1PercentShare)}`,
  ];
}

export function formatFilesReport(f: FilesFigures): string {
  const t = filesCostTable(f);
  return [`File sharing: ${f.files} files, each published by ${f.sourcesPublished} nodes (${f.publish.stores} stores):`, formatTable(t.headers, t.rows), ...filesLines(f)].join('\n');
}
