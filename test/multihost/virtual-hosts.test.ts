/**
 * Issue 16: the same seed gives the same virtual-time run whatever the split into hosts × workers.
 * A single-host run (1 worker, no coordinator) is the truth; coordinator + host processes on
 * loopback with 1 × 2, 2 × 1 and 3 × 1 must give its trace hash (order-independent) and trace
 * chain (order-sensitive per node), and the same lookup outcomes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from '../swarm/dist.js';
import { killAll, start, startRun } from './processes.js';

const RUN = ['--nodes', '300', '--keys', '40', '--clock', 'virtual', '--seed', '7'];
const dir = mkdtempSync(join(tmpdir(), 'kadswarm-mh-'));

interface Report {
  traceHash: string;
  traceChain: string;
  lookups: { get: { successRatio: number; rpcs: { mean: number } } };
}

const read = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;

async function multi(hosts: number, workers: number): Promise<Report> {
  const json = join(dir, `h${hosts}w${workers}.json`);
  const run = await startRun({ hosts, stress: [...RUN, '--workers', String(workers), '--json', json, '--out', join(dir, `out-${hosts}-${workers}`)] });
  const exits = await Promise.all([run.coordinator, ...run.hosts].map((p) => p.exited));
  exits.forEach((e, i) => expect(e.code, `${i === 0 ? 'coordinator' : `host ${i - 1}`}: ${e.stderr}`).toBe(0));
  return read(json);
}

describe('virtual time across hosts', () => {
  let single: Report;
  beforeAll(async () => {
    assertFreshBuild(['src/cli/main.js', 'src/cli/host-command.js', 'src/swarm/host-runner.js', 'src/swarm/coordinator.js', 'src/swarm/shard-worker.js']);
    const json = join(dir, 'single.json');
    const p = start('single host', ['stress', ...RUN, '--workers', '1', '--json', json, '--out', join(dir, 'out-single')]);
    const e = await p.exited;
    expect(e.code, e.stderr).toBe(0);
    single = read(json);
  });
  afterAll(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [hosts, workers] of [
    [1, 2],
    [2, 1],
    [3, 1],
  ] as const) {
    it(`${hosts} host(s) × ${workers} worker(s) give the single host's trace`, async () => {
      const r = await multi(hosts, workers);
      expect(r.traceHash).toBe(single.traceHash);
      expect(r.traceChain).toBe(single.traceChain);
      expect(r.lookups.get.successRatio).toBe(single.lookups.get.successRatio);
      expect(r.lookups.get.rpcs.mean).toBe(single.lookups.get.rpcs.mean);
    });
  }
});
