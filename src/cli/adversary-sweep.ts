/**
 * `stress --sweep-adversary`: the stress run for every attack × d × F of the grid (issue 13),
 * one fresh swarm each, the same seed everywhere (so F = 0 is one run per d, shared by every
 * attack). Writes sweep.csv, sweep.json, an SVG per attack and sweep.html to the --out folder.
 * The defence flags given with it (--id-from-ip, --max-per-ip, …) apply to every point; d comes
 * from the grid (helper S's `disjointPaths` setting).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../core/config.js';
import { ATTACKS, type AdversarySpec, type AttackKind, type Placement } from '../sim/adversary.js';
import { mintsIds } from '../sim/adversary-placement.js';
import { budgetFlag } from './adversary-flags.js';
import { runStress, type StressOptions } from '../swarm/stress-run.js';
import { buildStressReport } from '../report/stress-report.js';
import { adversarySweepCsv, adversarySweepHtml, adversarySweepPlots, formatAdversarySweep, sweepPoint, type AdversarySweepPoint } from '../report/adversary-sweep.js';
import { runEnvironment } from './environment.js';
import { UsageError, choiceFlag, type FlagSpecs } from './flags.js';
import { phaseProgress } from './progress.js';

export const SWEEP_ADVERSARY_FLAGS = {
  'sweep-adversary': { type: 'boolean', help: 'success vs adversary fraction for each attack × disjoint paths d (CSV, JSON, SVG, HTML in --out)' },
  'sweep-attacks': { type: 'string', arg: 'LIST', help: 'with --sweep-adversary: attacks, comma-separated (default all five)' },
  'sweep-disjoint': { type: 'string', arg: 'LIST', help: 'with --sweep-adversary: values of d (default 1,2,4,8)' },
  'sweep-fractions': { type: 'string', arg: 'LIST', help: 'with --sweep-adversary: adversary fractions (default 0,0.05,0.1,0.2,0.3,0.4)' },
} as const satisfies FlagSpecs;

export interface SweepValues {
  'sweep-attacks'?: string | undefined;
  'sweep-disjoint'?: string | undefined;
  'sweep-fractions'?: string | undefined;
  placement?: string | undefined;
  targets?: string | undefined;
  'adversary-budget'?: string | undefined;
}

export interface SweepGrid {
  attacks: AttackKind[];
  ds: number[];
  fractions: number[];
  placement: Placement;
  targets: number;
  /** --adversary-budget: the ID minter's SHA-1 budget under --id-puzzle, for the attacks that mint IDs. */
  budget?: number;
}

export function sweepGrid(v: SweepValues): SweepGrid {
  const list = (s: string | undefined, dflt: string): string[] => (s ?? dflt).split(',').map((x) => x.trim()).filter(Boolean);
  const attacks = list(v['sweep-attacks'], ATTACKS.join(',')).map((a) => choiceFlag('sweep-attacks', a, ATTACKS));
  const ds = list(v['sweep-disjoint'], '1,2,4,8').map((d) => Number(choiceFlag('sweep-disjoint', d, ['1', '2', '4', '8'] as const)));
  const fractions = list(v['sweep-fractions'], '0,0.05,0.1,0.2,0.3,0.4').map((f) => {
    const x = Number(f);
    if (!(x >= 0 && x <= 0.5)) throw new UsageError(`--sweep-fractions: each fraction must be in 0..0.5, got "${f}"`);
    return x;
  });
  if (ds.some((d) => d > 1) && !('disjointPaths' in DEFAULT_CONFIG)) throw new UsageError('--sweep-disjoint above 1 needs the disjoint-path lookups (KadConfig disjointPaths), which this build does not have');
  return {
    attacks,
    ds,
    fractions,
    placement: v.placement === 'targeted' ? 'targeted' : 'random',
    targets: v.targets ? Number(v.targets) : 20,
    ...(v['adversary-budget'] !== undefined ? { budget: budgetFlag(v['adversary-budget']) } : {}),
  };
}

function writeSweep(out: string, base: StressOptions, grid: SweepGrid, points: AdversarySweepPoint[]): void {
  mkdirSync(out, { recursive: true });
  const params = { nodes: base.nodes, keys: base.keys, seed: base.seed, clock: base.clock ?? 'real', placement: grid.placement, targets: grid.targets, config: JSON.stringify(base.config) };
  writeFileSync(join(out, 'sweep.csv'), adversarySweepCsv(points));
  writeFileSync(join(out, 'sweep.json'), JSON.stringify({ params, points }, null, 2));
  for (const [name, svg] of Object.entries(adversarySweepPlots(points))) writeFileSync(join(out, name), svg);
  writeFileSync(join(out, 'sweep.html'), adversarySweepHtml(points, params));
}

export async function adversarySweep(base: StressOptions, grid: SweepGrid, out: string, log: (s: string) => void): Promise<AdversarySweepPoint[]> {
  const env = runEnvironment();
  const points: AdversarySweepPoint[] = [];
  const total = grid.ds.length * (grid.fractions.includes(0) ? 1 : 0) + grid.ds.length * grid.attacks.length * grid.fractions.filter((f) => f > 0).length;
  let n = 0;
  for (const d of grid.ds) {
    const config = { ...base.config, ...(d > 1 ? { disjointPaths: d } : {}) };
    for (const f of grid.fractions) {
      for (const attack of f === 0 ? [grid.attacks[0]!] : grid.attacks) {
        n++;
        console.error(`sweep ${n}/${total}: d = ${d}, F = ${f}${f > 0 ? `, ${attack}` : ' (every attack)'}`);
        const spec: AdversarySpec = { fraction: f, attack, placement: grid.placement, targets: grid.targets };
        if (grid.budget !== undefined && mintsIds(spec)) spec.budget = grid.budget;
        const opts: StressOptions = { ...base, config, ...(f > 0 ? { adversary: spec } : {}) };
        const bar = phaseProgress();
        const result = await runStress(opts, bar);
        const rep = buildStressReport(result, env);
        const g = rep.lookups.get;
        const point = (a: string) => sweepPoint(a, d, f, base.nodes, rep.adversary, { successRatio: g.successRatio, rpcs: g.rpcs.mean, depth: g.depth.mean, latencyMs: g.latencyMs.mean }, rep.lookups.store.rpcs.mean, result.totalWallMs, result.traceChain);
        if (f === 0) for (const a of grid.attacks) points.push(point(a));
        else points.push(point(attack));
        // Written after every point: a long sweep that is stopped keeps what it measured.
        writeSweep(out, base, grid, points);
      }
    }
  }
  log(formatAdversarySweep(points));
  log(`Sweep: ${join(out, 'sweep.html')} (sweep.csv, sweep.json and one SVG per attack beside it)`);
  return points;
}
