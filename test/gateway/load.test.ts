/**
 * autocannon against the gateway: a short run (2 s, 10 connections) with the
 * default mix of puts, gets of present keys and gets of absent keys finishes
 * with no errors and nothing but 2xx and 404; present keys return their
 * stored value and absent keys 404. Then `npm run load` end to end (its own
 * gateway child process, --json) on a small swarm.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Launched } from '../../src/gateway/launch.js';
import { ROOT, loadLoadTool, startSmallGateway, within } from './harness.js';

describe('autocannon against the gateway', () => {
  let gw: Launched;

  beforeAll(async () => {
    gw = await startSmallGateway(300, 5);
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('2 s, 10 connections: no errors, only 2xx and 404, right values', async () => {
    const { driveLoad, prestore, parseMix, dhtBetween, fetchStats } = await loadLoadTool();
    const keys = Array.from({ length: 50 }, (_, i) => `test-present-${i}`);
    await within(prestore(gw.gateway.url, keys, 8), 30_000, 'pre-store');
    const before = await fetchStats(gw.gateway.url);
    const { result, byKind } = await within(
      driveLoad({ url: gw.gateway.url, connections: 10, durationS: 2, mix: parseMix('10:45:45'), presentKeys: keys, seed: 1 }),
      40_000,
      'autocannon run',
    );
    const after = await fetchStats(gw.gateway.url);

    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    const codes = Object.keys(result.statusCodeStats).map(Number);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => !(c >= 200 && c < 300) && c !== 404)).toEqual([]);
    expect(result['2xx'] + result['4xx']).toBeGreaterThan(100);

    expect(byKind.put.requests).toBeGreaterThan(0);
    expect(Object.keys(byKind.put.statuses)).toEqual(['201']);
    expect(Object.keys(byKind.present.statuses)).toEqual(['200']);
    expect(byKind.present.wrongValues).toBe(0);
    expect(Object.keys(byKind.absent.statuses)).toEqual(['404']);

    // The DHT side of the run, from the gateway's /stats before and after.
    const present = dhtBetween(before.lookups.getPresent, after.lookups.getPresent, 'get-present');
    const absent = dhtBetween(before.lookups.getAbsent, after.lookups.getAbsent, 'get-absent');
    expect(present.count).toBeGreaterThanOrEqual(byKind.present.requests);
    expect(present.successRatio).toBe(1);
    expect(absent.successRatio).toBe(1);
    expect(absent.rpcs.mean!).toBeGreaterThan(present.rpcs.mean!);
    expect(present.latencyMs.p50).not.toBeNull();
  });
});

describe('npm run load', () => {
  it('starts its own gateway, drives it and writes --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kadswarm-load-'));
    try {
      const json = join(dir, 'load.json');
      const out = await within(
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            [join(ROOT, 'dist/stress/load.js'), '--nodes', '300', '--workers', '2', '--connections', '10', '--duration', '2', '--keys', '50', '--json', json],
            { cwd: ROOT, timeout: 90_000 },
            (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
        }),
        100_000,
        'npm run load',
      );
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/Req\/Sec/);
      expect(out.stdout).toMatch(/DHT side of this run/);
      expect(out.stderr).toMatch(/kadswarm serve: stopped/);
      const j = JSON.parse(readFileSync(json, 'utf8')) as { http: { errors: number; requestsPerSec: { average: number } }; dht: { present: { successRatio: number } } };
      expect(j.http.errors).toBe(0);
      expect(j.http.requestsPerSec.average).toBeGreaterThan(0);
      expect(j.dht.present.successRatio).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
