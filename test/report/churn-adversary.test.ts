/**
 * Issue 13 under churn: the churn report's adversary figures (touched lookups, target gets,
 * puts landing, honest table share, adversary IDs near each target), from runs of the compiled
 * build at 400 nodes in virtual time, and the shards' merge checked by hand.
 */
import { describe, expect, it } from 'vitest';
import { mergeChurnAdversary, type ChurnAdversaryShard } from '../../src/swarm/adversary-churn.js';
import { churnOptions } from '../swarm/churn-options.js';
import type { AdversarySpec } from '../../src/sim/adversary.js';

type ChurnRun = typeof import('../../src/swarm/churn-run.js');
type Report = typeof import('../../src/report/churn-report.js');
const dist = (p: string) => new URL(`../../dist/src/${p}`, import.meta.url).href;

async function churn(adversary: AdversarySpec, churning: boolean) {
  const run = (await import(dist('swarm/churn-run.js'))) as ChurnRun;
  const report = (await import(dist('report/churn-report.js'))) as Report;
  const o = churnOptions({ workers: 2, seed: 21, nodes: 400, k: 20, minutes: 15, churn: churning });
  const r = await run.runChurn({ ...o, adversary, subnets: 1 });
  return { r, text: report.formatChurnRun(r) };
}

describe('churn report with adversaries', () => {
  it('merges the shards: ratios over their sums, a put lands when any shard holds it', () => {
    const shard = (o: Partial<ChurnAdversaryShard>): ChurnAdversaryShard => ({ gets: 0, getsTouched: 0, finds: 0, findsTouched: 0, targetGets: 0, targetOk: 0, tableContacts: 0, tableAdversaries: 0, holders: new Uint32Array(4), ...o });
    const m = mergeChurnAdversary([
      shard({ gets: 10, getsTouched: 3, targetGets: 2, targetOk: 1, tableContacts: 100, tableAdversaries: 10, holders: Uint32Array.of(1, 0, 0, 0) }),
      shard({ gets: 30, getsTouched: 1, targetGets: 2, targetOk: 0, tableContacts: 300, tableAdversaries: 90, holders: Uint32Array.of(2, 0, 5, 0) }),
    ])!;
    expect(m.getsTouchedRatio).toBe(4 / 40);
    expect(Number.isNaN(m.findsTouchedRatio)).toBe(true);
    expect(m.targetGets).toEqual({ count: 4, successRatio: 0.25 });
    expect(m.putsLanding).toBe(0.5);
    expect(m.tableShare).toBe(0.25);
    expect(mergeChurnAdversary([undefined])).toBeUndefined();
  });

  it('eclipse without churn: every target held by k adversary IDs and lost; other keys found; figures printed', async () => {
    const { r, text } = await churn({ fraction: 0.2, attack: 'eclipse', placement: 'targeted', targets: 4 }, false);
    const a = r.adversary!;
    expect(a.minted).toBe(80);
    expect(a.nearTargets).toEqual([20, 20, 20, 20]); // 80 minters over 4 targets, all inside the k-closest region
    expect(a.targetGets.count).toBeGreaterThan(10);
    expect(a.targetGets.successRatio).toBe(0);
    // Every other key is still found: the overall success is what the non-target gets make it.
    expect(r.gets.success).toBeGreaterThanOrEqual(((r.gets.count - a.targetGets.count) / r.gets.count) * 0.97);
    expect(a.putsLanding).toBeLessThanOrEqual(36 / 40); // the 4 targets' puts reach adversaries only
    expect(a.getsTouchedRatio).toBeGreaterThan(0);
    expect(a.tableShare).toBeGreaterThan(0);
    expect(a.tableShare).toBeLessThan(0.5);
    expect(text).toMatch(/Honest lookups that touched an adversary: gets \d+\.\d+%/);
    expect(text).toMatch(/gets of the 4 target keys: 0\.00% of \d+/);
    expect(text).toMatch(/4 of 4 targets hold ≥ k/);
  }, 600_000);

  it('misroute at F = 0.3 under churn: most gets touch an adversary, the honest tables hold roughly F of them', async () => {
    const { r } = await churn({ fraction: 0.3, attack: 'misroute', placement: 'random', targets: 4 }, true);
    const a = r.adversary!;
    expect(a.getsTouchedRatio).toBeGreaterThan(0.3);
    expect(a.tableShare).toBeGreaterThan(0.15);
    expect(a.tableShare).toBeLessThan(0.5);
    expect(a.minted).toBe(0);
    expect(a.nearTargets.every((x) => x < 20)).toBe(true); // random IDs: no target surrounded
  }, 600_000);
});
