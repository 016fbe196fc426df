/**
 * `stress --sweep-adversary`: honest success vs the adversary fraction F, one curve per number
 * of disjoint paths d, one chart per attack, with S/Kademlia's model 1 − (1 − (1 − f)^h)^d as a
 * dashed companion of each measured curve. CSV (one row per run), JSON, SVG and one HTML page.
 *
 * Reading the curves: the measured curve above its model means the lookup survives meeting an
 * adversary (Kademlia asks k contacts, not one path, so one liar seldom ends it); below the model
 * means adversaries do more than sit on paths (eclipse: they are the closest nodes themselves).
 */
import type { AdversaryReport } from './adversary-report.js';
import { htmlReport } from './html.js';
import { lineChart } from './svg.js';
import { fmt } from './table.js';

export interface AdversarySweepPoint {
  attack: string;
  d: number;
  fraction: number;
  nodes: number;
  /** Honest gets that returned the stored value; the target keys' gets; puts landing on an honest node. */
  getSuccess: number;
  targetSuccess: number;
  putsLanding: number;
  /** Gets that asked at least one adversary; honest table entries that are adversaries. */
  touched: number;
  tableShare: number;
  rpcsPerGet: number;
  rpcsPerPut: number;
  depth: number;
  latencyMs: number;
  model: number;
  wallMs: number;
  traceHash?: string;
}

export function sweepPoint(attack: string, d: number, fraction: number, nodes: number, a: AdversaryReport | undefined, get: { successRatio: number; rpcs: number; depth: number; latencyMs: number }, storeRpcs: number, wallMs: number, traceHash?: string): AdversarySweepPoint {
  return {
    attack,
    d,
    fraction,
    nodes,
    getSuccess: get.successRatio,
    targetSuccess: a?.targetGets.successRatio ?? get.successRatio,
    putsLanding: a?.putsLanding ?? NaN,
    touched: a?.phases.get?.touchedRatio ?? 0,
    tableShare: a?.tableShare ?? 0,
    rpcsPerGet: get.rpcs,
    rpcsPerPut: storeRpcs,
    depth: get.depth,
    latencyMs: get.latencyMs,
    model: a?.model.successRatio ?? 1,
    wallMs,
    ...(traceHash ? { traceHash } : {}),
  };
}

const COLUMNS = ['attack', 'd', 'fraction', 'nodes', 'get_success', 'target_success', 'puts_landing', 'touched', 'table_share', 'rpcs_per_get', 'rpcs_per_put', 'depth', 'latency_ms', 'model', 'wall_s', 'trace_hash'] as const;

export function adversarySweepCsv(points: AdversarySweepPoint[]): string {
  const rows: string[] = [COLUMNS.join(',')];
  for (const p of points) {
    rows.push(
      [p.attack, p.d, p.fraction, p.nodes, p.getSuccess.toFixed(5), p.targetSuccess.toFixed(5), p.putsLanding.toFixed(5), p.touched.toFixed(5), p.tableShare.toFixed(5), p.rpcsPerGet.toFixed(2), p.rpcsPerPut.toFixed(2), p.depth.toFixed(3), p.latencyMs.toFixed(1), p.model.toFixed(5), (p.wallMs / 1000).toFixed(1), p.traceHash ?? ''].join(','),
    );
  }
  return rows.join('\n') + '\n';
}

/** The success a chart shows: the target keys' gets for the attacks aimed at them, every get otherwise. */
export function shownSuccess(p: AdversarySweepPoint): number {
  return p.attack === 'eclipse' || p.attack === 'poison' ? p.targetSuccess : p.getSuccess;
}

export function adversarySweepPlots(points: AdversarySweepPoint[]): Record<string, string> {
  const attacks = [...new Set(points.map((p) => p.attack))];
  const ds = [...new Set(points.map((p) => p.d))].sort((a, b) => a - b);
  const out: Record<string, string> = {};
  for (const attack of attacks) {
    const of = (d: number): AdversarySweepPoint[] => points.filter((p) => p.attack === attack && p.d === d).sort((a, b) => a.fraction - b.fraction);
    const targeted = attack === 'eclipse' || attack === 'poison';
    // Each d in its own colour, its model dashed in the same colour beside it.
    const series = ds.flatMap((d, j) => [
      { name: `d = ${d}`, colour: j, points: of(d).map((p) => [p.fraction * 100, shownSuccess(p) * 100] as [number, number]) },
      { name: `d = ${d} model`, colour: j, dashed: true, points: of(d).map((p) => [p.fraction * 100, p.model * 100] as [number, number]) },
    ]);
    out[`sweep-${attack}.svg`] = lineChart({
      title: `${attack}: ${targeted ? 'gets of the target keys' : 'honest gets'} that returned the stored value vs adversary fraction`,
      xLabel: 'adversaries, % of nodes',
      yLabel: '% of gets',
      yMax: 100,
      width: 720,
      height: 420,
      series,
    });
  }
  return out;
}

export function adversarySweepHtml(points: AdversarySweepPoint[], params: Record<string, unknown>): string {
  const attacks = [...new Set(points.map((p) => p.attack))];
  const ds = [...new Set(points.map((p) => p.d))].sort((a, b) => a - b);
  const fs = [...new Set(points.map((p) => p.fraction))].sort((a, b) => a - b);
  const grid = (cell: (p: AdversarySweepPoint) => string) => ({
    headers: ['attack', 'd', ...fs.map((f) => `F = ${f}`)],
    rows: attacks.flatMap((a) => ds.map((d) => [a, d, ...fs.map((f) => {
      const p = points.find((q) => q.attack === a && q.d === d && q.fraction === f);
      return p ? cell(p) : 'n/a';
    })])),
  });
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
  const plots = adversarySweepPlots(points);
  return htmlReport({
    title: 'kadswarm adversary sweep: honest success vs adversary fraction',
    params,
    sections: [
      {
        heading: 'How to read the curves',
        text:
          'Solid: measured success of honest gets (eclipse and poison: gets of the target keys). Dashed: S/Kademlia\'s model 1 − (1 − (1 − f)^h)^d with h the measured mean depth of the gets. ' +
          'Above the model: a lookup survives meeting an adversary (it asks k contacts, not a single path). Below it: the adversaries are the closest nodes themselves (eclipse), which no number of paths avoids; address-derived IDs and diversity limits are the defence there.',
      },
      ...Object.entries(plots).map(([name, svg]) => ({ heading: name.replace(/^sweep-|\.svg$/g, ''), svg })),
      { heading: 'Success (gets; eclipse and poison: target keys)', table: grid((p) => pct(shownSuccess(p))) },
      { heading: 'Model (S/Kademlia)', table: grid((p) => pct(p.model)) },
      { heading: 'Puts landing on an honest node', table: grid((p) => pct(p.putsLanding)) },
      { heading: 'Gets that touched an adversary', table: grid((p) => pct(p.touched)) },
      { heading: 'Cost: RPCs per get / per put, mean depth', table: grid((p) => `${fmt(p.rpcsPerGet, 1)} / ${fmt(p.rpcsPerPut, 1)} / ${fmt(p.depth, 2)}`) },
      { heading: 'Runs', pre: points.map((p) => `${p.attack} d=${p.d} F=${p.fraction}: ${fmt(p.wallMs / 1000, 1)} s${p.traceHash ? `, trace ${p.traceHash}` : ''}`).join('\n') },
    ],
  });
}

/** The terminal table: one row per attack × d, one column per F. */
export function formatAdversarySweep(points: AdversarySweepPoint[]): string {
  const attacks = [...new Set(points.map((p) => p.attack))];
  const ds = [...new Set(points.map((p) => p.d))].sort((a, b) => a - b);
  const fs = [...new Set(points.map((p) => p.fraction))].sort((a, b) => a - b);
  const lines = [`attack       d  ${fs.map((f) => `F=${f}`.padStart(14)).join('')}   (measured / model)`];
  for (const a of attacks) {
    for (const d of ds) {
      const cells = fs.map((f) => {
        const p = points.find((q) => q.attack === a && q.d === d && q.fraction === f);
        return (p ? `${(shownSuccess(p) * 100).toFixed(1)}/${(p.model * 100).toFixed(0)}` : 'n/a').padStart(14);
      });
      lines.push(`${a.padEnd(12)} ${String(d).padStart(1)}  ${cells.join('')}`);
    }
  }
  return lines.join('\n');
}
