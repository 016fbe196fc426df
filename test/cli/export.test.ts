/**
 * The stress exports as a user runs them (compiled bin): --json - is JSON on stdout with the text
 * report on stderr; --csv has one row per operation (and per phase, per sampled node); --ndjson
 * lines each parse and carry phase start/end and progress with timestamps; --runs 3 keeps every
 * run and a summary whose intervals contain each run's value; compare reads both kinds of file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from '../swarm/dist.js';
import type { StressReport } from '../../src/report/stress-report.js';
import type { RepeatedStressReport } from '../../src/report/figures.js';
import { FIGURES } from '../../src/report/figures.js';
import { runBin, type Run } from './bin.js';

const NODES = 120;
const KEYS = 60;
const SMALL = ['--nodes', String(NODES), '--keys', String(KEYS), '--workers', '2'];

const kadswarm = (...args: string[]): Promise<Run> => runBin(args, 110_000);

const csv = (file: string): string[][] =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));

let dir: string;
let single: Run;
let repeated: Run;

beforeAll(async () => {
  assertFreshBuild(['src/cli/main.js', 'src/cli/stress-command.js', 'src/cli/compare-command.js']);
  dir = mkdtempSync(join(tmpdir(), 'kadswarm-export-'));
  // One run: JSON on stdout, CSV and NDJSON to files. Then three runs: NDJSON on stdout.
  single = await kadswarm('stress', ...SMALL, '--json', '-', '--csv', join(dir, 'csv'), '--ndjson', join(dir, 'events.ndjson'), '--out', join(dir, 'out1'));
  repeated = await kadswarm('stress', ...SMALL, '--runs', '3', '--seed', '5', '--csv', join(dir, 'csv3'), '--ndjson', '-', '--json', join(dir, 'runs.json'), '--out', join(dir, 'out3'));
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stress --json -', () => {
  it('writes the report as JSON on stdout and the text report on stderr', () => {
    expect(single.code, single.stderr).toBe(0);
    const rep = JSON.parse(single.stdout) as StressReport;
    expect(rep.meta.flags).toMatchObject({ nodes: NODES, keys: KEYS });
    expect(single.stderr).toMatch(/Per lookup/);
    expect(single.stderr).toMatch(/Report: /);
    // The file in --out is the same report.
    expect(JSON.parse(readFileSync(join(dir, 'out1', 'report.json'), 'utf8'))).toEqual(rep);
  });

  it('refuses --json - together with --ndjson -', async () => {
    const r = await kadswarm('stress', '--json', '-', '--ndjson', '-');
    expect(r.code).toBe(2); // bad usage
    expect(r.stderr).toMatch(/cannot both write to stdout/);
  });
});

describe('stress --csv', () => {
  it('has one operations.csv row per operation, phase by phase as in the report', () => {
    const rep = JSON.parse(single.stdout) as StressReport;
    const [header, ...rows] = csv(join(dir, 'csv', 'operations.csv'));
    expect(header).toEqual(['run', 'seed', 'phase', 'kind', 'row', 'node', 'item', 'key', 'depth', 'rpcs', 'timeouts', 'timeout_wait_ms', 'latency_ms', 'ok', 'stored', 'acked']);
    const operations = rep.phases.filter((p) => p.name !== 'spawn');
    expect(rows).toHaveLength(operations.reduce((a, p) => a + p.count, 0));
    expect(rows).toHaveLength(NODES - 1 + 4 * KEYS);
    for (const p of operations) expect(rows.filter((r) => r[2] === p.name), p.name).toHaveLength(p.count);
    // The found share in the rows is the report's success ratio.
    const gets = rows.filter((r) => r[2] === 'get');
    expect(gets.filter((r) => r[13] === '1').length / gets.length).toBeCloseTo(rep.lookups.get.successRatio, 12);
    expect(gets.every((r) => /^key\d+$/.test(r[7]!))).toBe(true);
    expect(rows.filter((r) => r[2] === 'find-node').every((r) => /^[0-9a-f]{40}$/.test(r[7]!))).toBe(true);
  });

  it('has one phases.csv row per phase and one health.csv row per sampled node', () => {
    const rep = JSON.parse(single.stdout) as StressReport;
    const [, ...phases] = csv(join(dir, 'csv', 'phases.csv'));
    expect(phases.map((r) => r[3])).toEqual(rep.phases.map((p) => p.name));
    const [, ...health] = csv(join(dir, 'csv', 'health.csv'));
    expect(health).toHaveLength(rep.health.sampled);
    expect(health.filter((r) => r[9] === '1')).toHaveLength(rep.health.knowsNearest);
  });

  it('with --runs 3 appends every run, each under its run number and seed', () => {
    const rows = csv(join(dir, 'csv3', 'operations.csv')).slice(1);
    expect(rows).toHaveLength(3 * (NODES - 1 + 4 * KEYS));
    expect([...new Set(rows.map((r) => `${r[0]}:${r[1]}`))]).toEqual(['1:5', '2:6', '3:7']);
  });
});

describe('stress --ndjson', () => {
  const lines = (text: string): Array<Record<string, unknown>> =>
    text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes one JSON event a line: phase start and end with progress between, stamped with times', () => {
    const events = lines(readFileSync(join(dir, 'events.ndjson'), 'utf8'));
    const rep = JSON.parse(single.stdout) as StressReport;
    for (const e of events) {
      expect(new Date(e.t as string).toISOString()).toBe(e.t);
      expect(typeof e.ms).toBe('number');
    }
    expect(events.map((e) => e.ms as number)).toEqual([...events.map((e) => e.ms as number)].sort((a, b) => a - b));
    for (const p of rep.phases) {
      const of = events.filter((e) => e.phase === p.name);
      expect(of[0]).toMatchObject({ event: 'phase-start', total: p.count, run: 1, seed: 1 });
      expect(of.at(-1)).toMatchObject({ event: 'phase-end', done: p.count });
      expect(of.some((e) => e.event === 'progress')).toBe(true);
    }
    expect(events[0]).toMatchObject({ event: 'run-start', run: 1 });
    expect(events.at(-1)).toMatchObject({ event: 'run-end', run: 1 });
  });

  it('--ndjson - puts only events on stdout (the text report goes to stderr)', () => {
    expect(repeated.code, repeated.stderr).toBe(0);
    const events = lines(repeated.stdout);
    expect(events.filter((e) => e.event === 'run-end').map((e) => e.seed)).toEqual([5, 6, 7]);
    expect(events.at(-1)).toMatchObject({ event: 'summary', runs: 3 });
    expect(repeated.stderr).toMatch(/3 runs \(seeds 5\.\.7/);
  });
});

describe('stress --runs 3', () => {
  it('keeps every run and a summary whose 95 % intervals contain each run', () => {
    const rep = JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8')) as RepeatedStressReport;
    expect(rep.runs).toHaveLength(3);
    expect(rep.runs.map((r) => r.meta.seed)).toEqual([5, 6, 7]);
    // With 3 runs t = 4.303 > 2 = R − 1, so the interval of the mean always reaches every run's value.
    for (const f of FIGURES) {
      const s = rep.summary[f.id]!;
      const values = rep.runs.map((r) => f.of(r)).filter((x) => Number.isFinite(x));
      expect(s.runs, f.id).toBe(values.length);
      if (values.length < 2) continue;
      for (const v of values) {
        expect(v, f.id).toBeGreaterThanOrEqual(s.low! - 1e-9);
        expect(v, f.id).toBeLessThanOrEqual(s.high! + 1e-9);
      }
    }
    expect(JSON.parse(readFileSync(join(dir, 'out3', 'report.json'), 'utf8'))).toEqual(rep);
    expect(JSON.parse(readFileSync(join(dir, 'out3', 'run-2', 'report.json'), 'utf8'))).toEqual(rep.runs[1]);
  });
});

describe('kadswarm compare', () => {
  it('prints each figure for a repeated and a single run, with B/A, and exits 0', async () => {
    writeFileSync(join(dir, 'single.json'), single.stdout);
    const r = await kadswarm('compare', join(dir, 'runs.json'), join(dir, 'single.json'));
    expect(r.code, r.stderr).toBe(0);
    for (const f of FIGURES) expect(r.stdout).toContain(f.label);
    expect(r.stdout).toMatch(/^A: .*runs\.json — 120 nodes.*3 runs, seeds 5\.\.7/m);
    expect(r.stdout).toMatch(/^B: .*single\.json — .*1 run, seed 1/m);
    expect(r.stdout).toMatch(/intervals unknown/);
    expect(r.stdout).not.toMatch(/\bdiffers\b/);
  });

  it('a repeated run against itself: every figure within intervals, ratio 1', async () => {
    const file = join(dir, 'runs.json');
    const r = await kadswarm('compare', file, file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/get success .* 1\.000 +within intervals$/m);
    expect(r.stdout).not.toMatch(/\bdiffers +$/m);
  });

  it('a file that is not a report exits 1 and names it', async () => {
    const r = await kadswarm('compare', join(dir, 'runs.json'), join(dir, 'csv', 'phases.csv'));
    expect(r.code).toBe(2); // bad usage
    expect(r.stderr).toMatch(/^compare: cannot read .*phases\.csv/);
  });
});
